/* tandem-vnc-connection.h: the connection behind TandemVncView (and
 * tandem-bench-share, which measures it).
 *
 * A connection hands an fd to tandem-vnc-decoder, the confined process
 * that runs libvncclient, and maps the screen it decodes into (read-only
 * shared memory, whole updates announced by a redraw).  Everything runs on
 * the main context of the thread that created the connection; no callback
 * runs after tandem_vnc_connection_close().  lock/unlock only read the
 * current screen (there is no lock left to take).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _TandemVncConnection TandemVncConnection;

typedef struct {
  /* handshake done: the remote size and name are known */
  void (*connected) (gpointer data, int width, int height, const char *desktop_name);
  /* the thread ended; @error NULL for a clean end */
  void (*ended)     (gpointer data, const GError *error);
  void (*resized)   (gpointer data, int width, int height);
  /* merged damage since the last call, remote coordinates */
  void (*redraw)    (gpointer data, int x, int y, int width, int height);
  void (*cursor)    (gpointer data, cairo_surface_t *image, int xhot, int yhot);
  void (*cut_text)  (gpointer data, const char *utf8);
} TandemVncConnectionCallbacks;

TandemVncConnection *tandem_vnc_connection_new       (int                                 fd,
                                                      int                                 jpeg_quality,
                                                      const TandemVncConnectionCallbacks *callbacks,
                                                      gpointer                            data,
                                                      GError                            **error);
void                 tandem_vnc_connection_close     (TandemVncConnection *conn);
void                 tandem_vnc_connection_pointer   (TandemVncConnection *conn,
                                                      int                  x,
                                                      int                  y,
                                                      guint                button_mask);
void                 tandem_vnc_connection_key       (TandemVncConnection *conn,
                                                      guint32              keysym,
                                                      gboolean             down);
void                 tandem_vnc_connection_cut_text  (TandemVncConnection *conn,
                                                      const char          *utf8);
void                 tandem_vnc_connection_set_quality (TandemVncConnection *conn,
                                                        int                  jpeg_quality);
/* The shared pixels (RGB24), locked; NULL before the first frame. */
const guint8        *tandem_vnc_connection_lock      (TandemVncConnection *conn,
                                                      int                 *width,
                                                      int                 *height,
                                                      int                 *stride,
                                                      guint               *generation);
void                 tandem_vnc_connection_unlock    (TandemVncConnection *conn);

G_END_DECLS
