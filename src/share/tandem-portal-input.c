/* tandem-portal-input.c: TandemPortalInput (see the header).
 *
 * Events come from the server thread into @queued; the main context moves
 * them to @paced and sends them one at a time, INPUT_GAP_MS apart: mutter
 * lost a click whose press came in the same instant as the motion before
 * it, so a move and a button change go as the move, then the button at
 * the new place; runs of motions with the same buttons are merged.
 * Positions are absolute on the session's stream: a monitor's scaled to
 * it, a window's as they are (mutter maps them onto the window).
 *
 * mutter makes its virtual keyboard and pointer on their first event and
 * drops that event and those right after it: a new session is woken with
 * harmless events and reported ready INPUT_WARMUP_MS later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-portal-input"

#include "config.h"

#include <linux/input-event-codes.h>
#include <glib/gi18n.h>

#include "tandem-context.h"
#include "tandem-portal-input.h"
#include "tandem-share-error.h"
#include "tandem-xdp-session.h"

#define INPUT_GAP_MS    50
#define INPUT_WARMUP_MS 300
#define XK_Shift_L      0xffe1

typedef enum { INPUT_POINTER, INPUT_KEY } EventType;

typedef struct {
  EventType type;
  int       x, y, width, height, offset_x, offset_y;
  guint     mask;
  gboolean  down;
  guint32   keysym;
} InputEvent;

struct _TandemPortalInput
{
  GObject       parent_instance;

  /* main thread */
  GMainContext *main_context;
  XdpSession   *session;
  guint         node;
  int           width, height;    /* of the session's stream */
  gboolean      window;           /* the stream is a window */
  guint         buttons;          /* as last sent */
  int           sent_x, sent_y;
  gboolean      closed;
  GQueue        paced;            /* of InputEvent*, waiting for their turn */
  GSource      *pace_source;

  /* any thread -> main thread */
  GMutex        lock;
  GQueue        queued;           /* of InputEvent* */
  gboolean      scheduled;
};

G_DEFINE_FINAL_TYPE (TandemPortalInput, tandem_portal_input, G_TYPE_OBJECT)

/* ---- sending, main thread --------------------------------------------------- */

static void
send_event (TandemPortalInput *self,
            InputEvent        *ev)
{
  static const struct { guint bit; int code; } buttons[] = {
    { 1 << 0, BTN_LEFT }, { 1 << 1, BTN_MIDDLE }, { 1 << 2, BTN_RIGHT },
  };

  if (self->session == NULL || self->closed)
    {
      g_debug ("%s dropped: %s", ev->type == INPUT_KEY ? "key" : "pointer event",
               self->closed ? "closed" : "no session");
      return;
    }
  if (ev->type == INPUT_KEY)
    {
      g_debug ("key 0x%x %s", ev->keysym, ev->down ? "down" : "up");
      xdp_session_keyboard_key (self->session, TRUE, (int) ev->keysym,
                                ev->down ? XDP_KEY_PRESSED : XDP_KEY_RELEASED);
      return;
    }
  self->sent_x = ev->x;
  self->sent_y = ev->y;
  if (self->window)
    xdp_session_pointer_position (self->session, self->node, ev->x + ev->offset_x, ev->y + ev->offset_y);
  else if (ev->width > 0 && ev->height > 0 && self->width > 0 && self->height > 0)
    xdp_session_pointer_position (self->session, self->node,
                                  (double) ev->x * self->width / ev->width,
                                  (double) ev->y * self->height / ev->height);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if ((ev->mask ^ self->buttons) & buttons[i].bit)
      xdp_session_pointer_button (self->session, buttons[i].code,
                                  (ev->mask & buttons[i].bit) ? XDP_BUTTON_PRESSED : XDP_BUTTON_RELEASED);
  /* RFB wheel: buttons 4-7 pressed = one step */
  if ((ev->mask & ~self->buttons) & (1 << 3))
    xdp_session_pointer_axis_discrete (self->session, XDP_AXIS_VERTICAL_SCROLL, -1);
  if ((ev->mask & ~self->buttons) & (1 << 4))
    xdp_session_pointer_axis_discrete (self->session, XDP_AXIS_VERTICAL_SCROLL, 1);
  if ((ev->mask & ~self->buttons) & (1 << 5))
    xdp_session_pointer_axis_discrete (self->session, XDP_AXIS_HORIZONTAL_SCROLL, -1);
  if ((ev->mask & ~self->buttons) & (1 << 6))
    xdp_session_pointer_axis_discrete (self->session, XDP_AXIS_HORIZONTAL_SCROLL, 1);
  self->buttons = ev->mask;
}

static void pump (TandemPortalInput *self);

static gboolean
on_pace (gpointer data)
{
  TandemPortalInput *self = data;

  g_clear_pointer (&self->pace_source, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Sends the next event (the newest of a run of motions), then waits. */
static void
pump (TandemPortalInput *self)
{
  InputEvent *ev;

  if (self->pace_source != NULL)
    return;
  while ((ev = g_queue_pop_head (&self->paced)) != NULL)
    {
      InputEvent *next = g_queue_peek_head (&self->paced);

      if (ev->type == INPUT_POINTER && next != NULL && next->type == INPUT_POINTER &&
          next->mask == ev->mask)
        {
          g_free (ev);
          continue;
        }
      /* A move and a button change: the move first, the button after the
       * gap, at the new place. */
      if (ev->type == INPUT_POINTER && ev->mask != self->buttons &&
          (ev->x != self->sent_x || ev->y != self->sent_y))
        {
          InputEvent move = *ev;

          move.mask = self->buttons;
          send_event (self, &move);
          g_queue_push_head (&self->paced, ev);
          break;
        }
      send_event (self, ev);
      g_free (ev);
      break;
    }
  if (!g_queue_is_empty (&self->paced))
    {
      self->pace_source = g_timeout_source_new (INPUT_GAP_MS);
      g_source_set_callback (self->pace_source, on_pace, self, NULL);
      g_source_attach (self->pace_source, self->main_context);
    }
}

static gboolean
on_queued (gpointer data)
{
  TandemPortalInput *self = data;
  InputEvent *ev;

  g_mutex_lock (&self->lock);
  while ((ev = g_queue_pop_head (&self->queued)) != NULL)
    g_queue_push_tail (&self->paced, ev);
  self->scheduled = FALSE;
  g_mutex_unlock (&self->lock);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* ---- queueing, any thread ---------------------------------------------------- */

static void
queue_event (TandemPortalInput *self,
             const InputEvent  *ev)
{
  gboolean schedule;

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queued, g_memdup2 (ev, sizeof *ev));
  schedule = !self->scheduled;
  self->scheduled = TRUE;
  g_mutex_unlock (&self->lock);
  if (schedule)
    tandem_context_post (self->main_context, on_queued, g_object_ref (self), g_object_unref);
}

void
tandem_portal_input_queue_pointer (TandemPortalInput *self,
                                   int                x,
                                   int                y,
                                   int                width,
                                   int                height,
                                   int                offset_x,
                                   int                offset_y,
                                   guint              button_mask)
{
  InputEvent ev = { INPUT_POINTER, x, y, width, height, offset_x, offset_y, button_mask, FALSE, 0 };

  g_return_if_fail (TANDEM_IS_PORTAL_INPUT (self));
  queue_event (self, &ev);
}

void
tandem_portal_input_queue_key (TandemPortalInput *self,
                               gboolean           down,
                               guint32            keysym)
{
  InputEvent ev = { INPUT_KEY, 0, 0, 0, 0, 0, 0, 0, down, keysym };

  g_return_if_fail (TANDEM_IS_PORTAL_INPUT (self));
  queue_event (self, &ev);
}

/* ---- the session, main thread ------------------------------------------------ */

static gboolean
on_warm (gpointer data)
{
  GTask *task = data;
  TandemPortalInput *self = g_task_get_source_object (task);

  /* mutter may have dropped a release of the warm-up and kept its press:
   * Shift would stay held and every letter arrive in upper case (seen:
   * "A" for "a", one share in five under load).  One more release; a
   * release of a key that is up is ignored. */
  if (self->session != NULL && !self->closed)
    xdp_session_keyboard_key (self->session, TRUE, XK_Shift_L, XDP_KEY_RELEASED);
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  TandemPortalInput *self = g_task_get_source_object (task);
  XdpSession *session = XDP_SESSION (source);
  GError *error = NULL;
  guint type = XDP_OUTPUT_MONITOR;

  if (!xdp_session_start_finish (session, result, &error))
    {
      g_clear_object (&self->session);
      g_task_return_error (task, tandem_xdp_session_error (error, _("Allowing control")));
      return;
    }
  if ((xdp_session_get_devices (session) & (XDP_DEVICE_POINTER | XDP_DEVICE_KEYBOARD)) == 0 ||
      !tandem_xdp_session_first_stream (session, &self->node, &type, &self->width, &self->height))
    {
      xdp_session_close (session);
      g_clear_object (&self->session);
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_INPUT,
                               _("Remote interaction was not allowed"));
      return;
    }
  self->window = type == XDP_OUTPUT_WINDOW;
  for (int i = 0; i < 2; i++)
    {
      xdp_session_keyboard_key (session, TRUE, XK_Shift_L, XDP_KEY_PRESSED);
      xdp_session_keyboard_key (session, TRUE, XK_Shift_L, XDP_KEY_RELEASED);
    }
  xdp_session_pointer_axis (session, TRUE, 0, 0);
  g_debug ("remote desktop: devices %x, node %u, %dx%d, %s", xdp_session_get_devices (session),
           self->node, self->width, self->height, self->window ? "a window" : "a monitor");
  {
    GSource *warm = g_timeout_source_new (INPUT_WARMUP_MS);

    g_source_set_callback (warm, on_warm, g_steal_pointer (&task), g_object_unref);
    g_source_attach (warm, self->main_context);
    g_source_unref (warm);
  }
}

typedef struct {
  XdpParent *parent;  /* not owned: the capture's, which outlives the dialog */
} Request;

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  TandemPortalInput *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  self->session = xdp_portal_create_remote_desktop_session_finish (XDP_PORTAL (source), result, &error);
  if (self->session == NULL)
    {
      g_task_return_error (task, tandem_xdp_session_error (error, _("Remote control")));
      return;
    }
  xdp_session_start (self->session, request->parent, cancellable, on_started, g_steal_pointer (&task));
}

void
tandem_portal_input_request_async (TandemPortalInput   *self,
                                   XdpPortal           *portal,
                                   XdpParent           *parent,
                                   gboolean             window,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (TANDEM_IS_PORTAL_INPUT (self));
  g_return_if_fail (XDP_IS_PORTAL (portal));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_portal_input_request_async);
  if (self->session != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  request = g_new0 (Request, 1);
  request->parent = parent;
  g_task_set_task_data (task, request, g_free);
  xdp_portal_create_remote_desktop_session (portal, XDP_DEVICE_POINTER | XDP_DEVICE_KEYBOARD,
                                            window ? XDP_OUTPUT_WINDOW : XDP_OUTPUT_MONITOR,
                                            XDP_REMOTE_DESKTOP_FLAG_NONE, XDP_CURSOR_MODE_HIDDEN,
                                            cancellable, on_created, task);
}

gboolean
tandem_portal_input_request_finish (TandemPortalInput *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tandem_portal_input_is_active (TandemPortalInput *self)
{
  g_return_val_if_fail (TANDEM_IS_PORTAL_INPUT (self), FALSE);
  return !self->closed && self->session != NULL &&
         xdp_session_get_session_state (self->session) == XDP_SESSION_ACTIVE;
}

void
tandem_portal_input_close (TandemPortalInput *self)
{
  g_return_if_fail (TANDEM_IS_PORTAL_INPUT (self));
  self->closed = TRUE;
  if (self->session != NULL)
    {
      xdp_session_close (self->session);
      g_clear_object (&self->session);
    }
  if (self->pace_source != NULL)
    {
      g_source_destroy (self->pace_source);
      g_clear_pointer (&self->pace_source, g_source_unref);
    }
  g_queue_clear_full (&self->paced, g_free);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
tandem_portal_input_dispose (GObject *object)
{
  tandem_portal_input_close (TANDEM_PORTAL_INPUT (object));
  G_OBJECT_CLASS (tandem_portal_input_parent_class)->dispose (object);
}

static void
tandem_portal_input_finalize (GObject *object)
{
  TandemPortalInput *self = TANDEM_PORTAL_INPUT (object);

  g_queue_clear_full (&self->queued, g_free);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  G_OBJECT_CLASS (tandem_portal_input_parent_class)->finalize (object);
}

static void
tandem_portal_input_class_init (TandemPortalInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_portal_input_dispose;
  object_class->finalize = tandem_portal_input_finalize;
}

static void
tandem_portal_input_init (TandemPortalInput *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->queued);
  g_queue_init (&self->paced);
  self->sent_x = self->sent_y = -1;
}

TandemPortalInput *
tandem_portal_input_new (GMainContext *main_context)
{
  TandemPortalInput *self = g_object_new (TANDEM_TYPE_PORTAL_INPUT, NULL);

  self->main_context = g_main_context_ref (main_context);
  return self;
}
