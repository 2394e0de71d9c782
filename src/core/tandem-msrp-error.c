/* tandem-msrp-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-error"

#include "tandem-msrp-error.h"

G_DEFINE_QUARK (tandem-msrp-error-quark, tandem_msrp_error)

/* The comment written after a status code on a response first line. */
const char *
tandem_msrp_status_comment (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 413: return "Message Too Large";
    case 415: return "Unsupported Media Type";
    case 423: return "Interval Out-of-Bounds";
    case 481: return "No Such Session";
    case 501: return "Not Implemented";
    case 506: return "Wrong Connection";
    default: return "Error";
    }
}
