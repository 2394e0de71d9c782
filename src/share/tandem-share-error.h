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
  /* the portal capture (Wayland) */
  TANDEM_SHARE_ERROR_NO_PORTAL,      /* no xdg-desktop-portal, or no ScreenCast in it */
  TANDEM_SHARE_ERROR_CANCELLED,      /* the user cancelled the picker */
  TANDEM_SHARE_ERROR_STREAM_FAILED,  /* PipeWire refused or broke the stream */
  TANDEM_SHARE_ERROR_SOURCE_CLOSED,  /* the shared window or screen went away */
  TANDEM_SHARE_ERROR_NO_SHM,         /* only DMA-BUF offered, no shared memory */
  TANDEM_SHARE_ERROR_NO_INPUT,       /* input (remote control) was not allowed */
} TandemShareError;

#define TANDEM_SHARE_ERROR (tandem_share_error_quark ())

GQuark tandem_share_error_quark (void);

G_END_DECLS
