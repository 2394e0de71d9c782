/* tandem-vnc-view.h: a widget showing a remote screen over a connected fd
 * (the share tunnel), and, when control is on, sending it mouse, keyboard
 * and clipboard input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-viewer-error.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_VNC_VIEW_IDLE,          /* no fd yet */
  TANDEM_VNC_VIEW_CONNECTING,
  TANDEM_VNC_VIEW_CONNECTED,
  TANDEM_VNC_VIEW_DISCONNECTED,  /* clean end, or closed here */
  TANDEM_VNC_VIEW_ERROR,         /* see the error-message property */
} TandemVncViewState;

#define TANDEM_TYPE_VNC_VIEW_STATE (tandem_vnc_view_state_get_type ())
GType tandem_vnc_view_state_get_type (void);

#define TANDEM_TYPE_VNC_VIEW (tandem_vnc_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemVncView, tandem_vnc_view, TANDEM, VNC_VIEW, GtkDrawingArea)

GtkWidget          *tandem_vnc_view_new               (void);
void                tandem_vnc_view_open_fd           (TandemVncView *self,
                                                       int            fd);
void                tandem_vnc_view_close             (TandemVncView *self);
TandemVncViewState  tandem_vnc_view_get_state         (TandemVncView *self);
const char         *tandem_vnc_view_get_error_message (TandemVncView *self);
const GError       *tandem_vnc_view_get_error         (TandemVncView *self);
int                 tandem_vnc_view_get_remote_width  (TandemVncView *self);
int                 tandem_vnc_view_get_remote_height (TandemVncView *self);
const char         *tandem_vnc_view_get_desktop_name  (TandemVncView *self);
gboolean            tandem_vnc_view_get_scale_to_fit  (TandemVncView *self);
void                tandem_vnc_view_set_scale_to_fit  (TandemVncView *self,
                                                       gboolean       scale_to_fit);
gboolean            tandem_vnc_view_get_control       (TandemVncView *self);
void                tandem_vnc_view_set_control       (TandemVncView *self,
                                                       gboolean       control);
/* The sharer picks the quality from the measured throughput. */
#define TANDEM_VNC_VIEW_QUALITY_AUTO (-1)
int                 tandem_vnc_view_get_jpeg_quality  (TandemVncView *self);
void                tandem_vnc_view_set_jpeg_quality  (TandemVncView *self,
                                                       int            quality);
cairo_surface_t    *tandem_vnc_view_snapshot          (TandemVncView *self);
guint64             tandem_vnc_view_get_frames        (TandemVncView *self);

G_END_DECLS
