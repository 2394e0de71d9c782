/* tandem-msrp-error.h: the TANDEM_MSRP_ERROR domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_MSRP_ERROR (tandem_msrp_error_quark ())

/* Codes >= 400 are MSRP status codes (RFC 4975 section 10) so that a
 * parser or session error can be answered on the wire as is. Codes below
 * 100 are local conditions that have no status code. */
typedef enum {
  TANDEM_MSRP_ERROR_FAILED = 1,
  TANDEM_MSRP_ERROR_CLOSED = 2,
  TANDEM_MSRP_ERROR_TIMED_OUT = 3,
  TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH = 4,
  TANDEM_MSRP_ERROR_INVALID_URI = 5,
  TANDEM_MSRP_ERROR_INVALID_SDP = 6,
  TANDEM_MSRP_ERROR_BIND_REFUSED = 7,
  TANDEM_MSRP_ERROR_CERTIFICATE = 8,
  TANDEM_MSRP_ERROR_AUTH_FAILED = 9,
  TANDEM_MSRP_ERROR_INVALID_ARGUMENT = 10, /* a setting or argument that cannot work */
  TANDEM_MSRP_ERROR_BAD_REQUEST = 400,
  TANDEM_MSRP_ERROR_UNAUTHORIZED = 401,
  TANDEM_MSRP_ERROR_FORBIDDEN = 403,
  TANDEM_MSRP_ERROR_REQUEST_TIMEOUT = 408,
  TANDEM_MSRP_ERROR_TOO_LARGE = 413,
  TANDEM_MSRP_ERROR_UNSUPPORTED_MEDIA = 415,
  TANDEM_MSRP_ERROR_INTERVAL_OUT_OF_BOUNDS = 423,
  TANDEM_MSRP_ERROR_NO_SESSION = 481,
  TANDEM_MSRP_ERROR_NOT_IMPLEMENTED = 501,
  TANDEM_MSRP_ERROR_WRONG_CONNECTION = 506,
} TandemMsrpError;

GQuark      tandem_msrp_error_quark      (void);
const char *tandem_msrp_status_comment   (guint status);

G_END_DECLS
