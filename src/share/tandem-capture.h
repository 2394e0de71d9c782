/* tandem-capture.h: where the pixels of a shared screen come from, and
 * where the remote input goes.
 *
 * A TandemCapture is pull-based and thread-confined: after
 * tandem_capture_open() every call happens on the thread that opened it
 * (TandemVncServer's server thread).  That thread polls
 * tandem_capture_get_fd() for readability, calls tandem_capture_dispatch()
 * to learn what happened, then tandem_capture_grab() to copy changed
 * pixels.  The X11 implementation is TandemX11Capture; a Wayland one would
 * sit on the xdg-desktop-portal ScreenCast + RemoteDesktop sessions with a
 * PipeWire stream (its fd is the PipeWire loop's fd; consent is asked by
 * the portal in open_async) -- not written yet.
 *
 * Pixels are 32 bits, 0x00RRGGBB in host order (BGRX in memory on little
 * endian): the same layout as cairo's RGB24 and the VNC server format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-share-error.h"

G_BEGIN_DECLS

/* Errors: TANDEM_SHARE_ERROR (tandem-share-error.h). */

typedef struct {
  int x, y, width, height;
} TandemCaptureRect;

typedef enum {
  TANDEM_CAPTURE_EVENT_NONE         = 0,
  TANDEM_CAPTURE_EVENT_DAMAGE       = 1 << 0, /* something may have changed: grab */
  TANDEM_CAPTURE_EVENT_RESIZE       = 1 << 1, /* get_size() changed */
  TANDEM_CAPTURE_EVENT_CURSOR_SHAPE = 1 << 2, /* get_cursor() changed */
  TANDEM_CAPTURE_EVENT_LOST         = 1 << 3, /* the source is gone (window destroyed, display lost) */
} TandemCaptureEvents;

/* ARGB32, premultiplied, rows of width pixels. */
typedef struct {
  int      width;
  int      height;
  int      xhot;
  int      yhot;
  guint32 *pixels;
} TandemCaptureCursor;

void tandem_capture_cursor_free (TandemCaptureCursor *cursor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemCaptureCursor, tandem_capture_cursor_free)

#define TANDEM_TYPE_CAPTURE (tandem_capture_get_type ())
G_DECLARE_INTERFACE (TandemCapture, tandem_capture, TANDEM, CAPTURE, GObject)

struct _TandemCaptureInterface
{
  GTypeInterface parent_iface;

  /* optional; main thread */
  void                 (*prepare_async)  (TandemCapture      *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
  gboolean             (*prepare_finish) (TandemCapture      *self,
                                          GAsyncResult       *result,
                                          GError            **error);

  gboolean             (*open)           (TandemCapture *self,
                                          GError       **error);
  void                 (*close)          (TandemCapture *self);
  int                  (*get_fd)         (TandemCapture *self);
  TandemCaptureEvents  (*dispatch)       (TandemCapture *self);
  void                 (*get_size)       (TandemCapture *self,
                                          int           *width,
                                          int           *height);
  gboolean             (*grab)           (TandemCapture *self,
                                          guint8        *framebuffer,
                                          gsize          stride,
                                          gboolean       full,
                                          GArray        *changed);
  TandemCaptureCursor *(*get_cursor)     (TandemCapture *self);
  gboolean             (*get_pointer)    (TandemCapture *self,
                                          int           *x,
                                          int           *y);
  void                 (*inject_pointer) (TandemCapture *self,
                                          int            x,
                                          int            y,
                                          guint          button_mask);
  void                 (*inject_key)     (TandemCapture *self,
                                          gboolean       down,
                                          guint32        keysym);
};

void                 tandem_capture_prepare_async  (TandemCapture      *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean             tandem_capture_prepare_finish (TandemCapture      *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
gboolean             tandem_capture_open           (TandemCapture *self,
                                                    GError       **error);
void                 tandem_capture_close          (TandemCapture *self);
int                  tandem_capture_get_fd         (TandemCapture *self);
TandemCaptureEvents  tandem_capture_dispatch       (TandemCapture *self);
void                 tandem_capture_get_size       (TandemCapture *self,
                                                    int           *width,
                                                    int           *height);
gboolean             tandem_capture_grab           (TandemCapture *self,
                                                    guint8        *framebuffer,
                                                    gsize          stride,
                                                    gboolean       full,
                                                    GArray        *changed);
TandemCaptureCursor *tandem_capture_get_cursor     (TandemCapture *self);
gboolean             tandem_capture_get_pointer    (TandemCapture *self,
                                                    int           *x,
                                                    int           *y);
void                 tandem_capture_inject_pointer (TandemCapture *self,
                                                    int            x,
                                                    int            y,
                                                    guint          button_mask);
void                 tandem_capture_inject_key     (TandemCapture *self,
                                                    gboolean       down,
                                                    guint32        keysym);

G_END_DECLS
