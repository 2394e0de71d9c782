/* tandem-vnc-server.h: shares a TandemCapture with VNC viewers, each on an
 * fd the caller connected (the share tunnel), never a listening socket.
 *
 * New viewers wait on hold until accepted (the consent prompt), then start
 * view-only; control is granted and revoked per viewer, enforced here.
 * libvncserver and the capture run on one server thread; signals are
 * emitted on the main context of the thread that called start().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tandem-capture.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_VNC_VIEWER_PENDING,  /* waiting for accept/remove */
  TANDEM_VNC_VIEWER_ACTIVE,
} TandemVncViewerState;

typedef struct {
  guint                id;
  const char          *name;         /* owned by the server */
  TandemVncViewerState state;
  gboolean             control;
  guint64              frames_sent;  /* framebuffer updates */
  guint64              bytes_sent;
} TandemVncViewerInfo;

#define TANDEM_TYPE_VNC_SERVER (tandem_vnc_server_get_type ())
G_DECLARE_FINAL_TYPE (TandemVncServer, tandem_vnc_server, TANDEM, VNC_SERVER, GObject)

TandemVncServer *tandem_vnc_server_new            (TandemCapture       *capture,
                                                   const char          *desktop_name);
gboolean         tandem_vnc_server_start          (TandemVncServer     *self,
                                                   GError             **error);
void             tandem_vnc_server_stop           (TandemVncServer     *self);
gboolean         tandem_vnc_server_get_running    (TandemVncServer     *self);

guint            tandem_vnc_server_add_viewer     (TandemVncServer     *self,
                                                   int                  fd,
                                                   const char          *name);
void             tandem_vnc_server_accept_viewer  (TandemVncServer     *self,
                                                   guint                id);
void             tandem_vnc_server_remove_viewer  (TandemVncServer     *self,
                                                   guint                id);
void             tandem_vnc_server_set_control    (TandemVncServer     *self,
                                                   guint                id,
                                                   gboolean             control);
/* The path to @id has no end-to-end acknowledgement (a relayed peer that
 * sends no REPORTs): large changes go in parts, one band of rows per
 * update request, so that no more than a band is ever on its way (the
 * viewer asks for the next when it has read one). */
void             tandem_vnc_server_set_viewer_unacked (TandemVncServer  *self,
                                                   guint                id,
                                                   gboolean             unacked);
gboolean         tandem_vnc_server_get_control    (TandemVncServer     *self,
                                                   guint                id);
guint           *tandem_vnc_server_get_viewers    (TandemVncServer     *self,
                                                   guint               *n_viewers);
gboolean         tandem_vnc_server_get_viewer_info (TandemVncServer    *self,
                                                   guint                id,
                                                   TandemVncViewerInfo *info);
guint64          tandem_vnc_server_get_frames_sent (TandemVncServer    *self);
void             tandem_vnc_server_send_clipboard (TandemVncServer     *self,
                                                   const char          *text);

G_END_DECLS
