/* tandem-capture.c: the TandemCapture interface (see the header for the
 * threading contract).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-capture"

#include "config.h"

#include "tandem-capture.h"

G_DEFINE_INTERFACE (TandemCapture, tandem_capture, G_TYPE_OBJECT)

static void
tandem_capture_default_init (TandemCaptureInterface *iface)
{
}

void
tandem_capture_cursor_free (TandemCaptureCursor *cursor)
{
  if (cursor == NULL)
    return;
  g_free (cursor->pixels);
  g_free (cursor);
}

/* On the main thread, before the server thread opens the source: asks for
 * whatever consent the source needs (the portal's picker).  Sources
 * without such a step finish at once. */
void
tandem_capture_prepare_async (TandemCapture      *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  TandemCaptureInterface *iface;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TANDEM_IS_CAPTURE (self));
  iface = TANDEM_CAPTURE_GET_IFACE (self);
  if (iface->prepare_async != NULL)
    {
      iface->prepare_async (self, cancellable, callback, user_data);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_capture_prepare_async);
  g_task_return_boolean (task, TRUE);
}

gboolean
tandem_capture_prepare_finish (TandemCapture *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  TandemCaptureInterface *iface;

  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), FALSE);
  iface = TANDEM_CAPTURE_GET_IFACE (self);
  if (g_async_result_is_tagged (result, tandem_capture_prepare_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return iface->prepare_finish (self, result, error);
}

/* Opens the source on the calling thread; every later call must come from
 * that thread. */
gboolean
tandem_capture_open (TandemCapture *self,
                     GError       **error)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), FALSE);
  return TANDEM_CAPTURE_GET_IFACE (self)->open (self, error);
}

void
tandem_capture_close (TandemCapture *self)
{
  g_return_if_fail (TANDEM_IS_CAPTURE (self));
  TANDEM_CAPTURE_GET_IFACE (self)->close (self);
}

/* An fd that becomes readable when dispatch() has something to report. */
int
tandem_capture_get_fd (TandemCapture *self)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), -1);
  return TANDEM_CAPTURE_GET_IFACE (self)->get_fd (self);
}

/* Never blocks. */
TandemCaptureEvents
tandem_capture_dispatch (TandemCapture *self)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), TANDEM_CAPTURE_EVENT_NONE);
  return TANDEM_CAPTURE_GET_IFACE (self)->dispatch (self);
}

void
tandem_capture_get_size (TandemCapture *self,
                         int           *width,
                         int           *height)
{
  g_return_if_fail (TANDEM_IS_CAPTURE (self));
  TANDEM_CAPTURE_GET_IFACE (self)->get_size (self, width, height);
}

/* Brings @framebuffer (get_size() pixels, @stride bytes per row) up to
 * date: the damaged parts only, or everything when @full.  Only pixels that
 * really differ are written, and the rectangles holding them are appended
 * to @changed (of TandemCaptureRect).  FALSE when the source is lost. */
gboolean
tandem_capture_grab (TandemCapture *self,
                     guint8        *framebuffer,
                     gsize          stride,
                     gboolean       full,
                     GArray        *changed)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), FALSE);
  return TANDEM_CAPTURE_GET_IFACE (self)->grab (self, framebuffer, stride, full, changed);
}

/* Transfer full; NULL when there is no cursor to show. */
TandemCaptureCursor *
tandem_capture_get_cursor (TandemCapture *self)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), NULL);
  return TANDEM_CAPTURE_GET_IFACE (self)->get_cursor (self);
}

/* The pointer position in framebuffer coordinates. */
gboolean
tandem_capture_get_pointer (TandemCapture *self,
                            int           *x,
                            int           *y)
{
  g_return_val_if_fail (TANDEM_IS_CAPTURE (self), FALSE);
  return TANDEM_CAPTURE_GET_IFACE (self)->get_pointer (self, x, y);
}

/* RFB semantics: @button_mask bit n = button n+1 held. */
void
tandem_capture_inject_pointer (TandemCapture *self,
                               int            x,
                               int            y,
                               guint          button_mask)
{
  g_return_if_fail (TANDEM_IS_CAPTURE (self));
  TANDEM_CAPTURE_GET_IFACE (self)->inject_pointer (self, x, y, button_mask);
}

/* An X keysym, pressed or released. */
void
tandem_capture_inject_key (TandemCapture *self,
                           gboolean       down,
                           guint32        keysym)
{
  g_return_if_fail (TANDEM_IS_CAPTURE (self));
  TANDEM_CAPTURE_GET_IFACE (self)->inject_key (self, down, keysym);
}
