/* tandem-viewer-error.h: the TANDEM_VIEWER_ERROR domain, why a remote
 * screen stopped showing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_VIEWER_ERROR (tandem_viewer_error_quark ())

typedef enum {
  TANDEM_VIEWER_ERROR_FAILED = 1,
  /* not an RFB server, or an RFB version Tandem refuses (3.3 to 3.6) */
  TANDEM_VIEWER_ERROR_PROTOCOL,
  /* the server wants a security type other than None */
  TANDEM_VIEWER_ERROR_SECURITY,
  /* the remote screen is above the pixel budget */
  TANDEM_VIEWER_ERROR_TOO_LARGE,
  /* a framebuffer of an allowed size could not be allocated */
  TANDEM_VIEWER_ERROR_NO_MEMORY,
  /* broken data or a connection cut inside a message */
  TANDEM_VIEWER_ERROR_BROKEN,
  /* the decoder process crashed, was killed, or broke its protocol */
  TANDEM_VIEWER_ERROR_DECODER,
} TandemViewerError;

GQuark tandem_viewer_error_quark (void);

G_END_DECLS
