/* tandem-share-error.h: the GError domain of the share layer (capture,
 * input, the VNC server).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TANDEM_SHARE_ERROR_FAILED,
  TANDEM_SHARE_ERROR_NO_DISPLAY,     /* the display cannot be opened */
  TANDEM_SHARE_ERROR_NOT_SUPPORTED,  /* the display cannot be captured */
  TANDEM_SHARE_ERROR_WINDOW_GONE,    /* the window to share does not exist */
} TandemShareError;

#define TANDEM_SHARE_ERROR (tandem_share_error_quark ())

GQuark tandem_share_error_quark (void);

G_END_DECLS
