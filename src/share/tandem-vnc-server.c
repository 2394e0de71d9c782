/* tandem-vnc-server.c: libvncserver over caller-owned fds.
 *
 * One server thread owns the rfbScreenInfo, every rfbClient and the
 * capture.  It sleeps in poll() on a wake-up pipe, the capture's fd and
 * the viewers' sockets; X damage leads to a grab (at most 60 per second),
 * changed rectangles are marked modified and rfbProcessEvents(screen, 0)
 * reads requests and writes updates.  The main thread talks to it through
 * a command queue plus the pipe; the thread answers with
 * tandem_context_post().  Nothing here blocks the main thread: stop()
 * only asks (CMD_STOP through the pipe), the thread closes the viewers'
 * fds and ends, and "running" turns FALSE once it is joined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-vnc-server"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <rfb/rfb.h>

#include "tandem-context.h"
#include "tandem-share-error.h"
#include "tandem-vnc-server.h"

#define FRAME_INTERVAL_US   (G_USEC_PER_SEC / 60)
#define IDLE_GRAB_US        (G_USEC_PER_SEC / 4)
#define POINTER_POLL_US     (30 * 1000)
#define MAX_KEYS_DOWN       32

typedef enum {
  CMD_ADD,
  CMD_ACCEPT,
  CMD_REMOVE,
  CMD_CONTROL,
  CMD_CLIPBOARD,
  CMD_STOP,
} CommandType;

typedef struct {
  gatomicrefcount       ref;
  guint                 id;
  char                 *name;
  int                   fd;
  /* main thread */
  TandemVncViewerState  state;
  gboolean              control;
  gboolean              removed;
  /* under the server's stats_lock */
  guint64               frames;
  guint64               bytes;
  /* server thread */
  rfbClientPtr          cl;
  guint                 buttons;
  guint32               keys[MAX_KEYS_DOWN];
  guint                 n_keys;
} Viewer;

typedef struct {
  CommandType  type;
  Viewer      *viewer;
  gboolean     flag;
  char        *text;
} Command;

struct _TandemVncServer
{
  GObject        parent_instance;

  TandemCapture *capture;
  char          *desktop_name;
  GMainContext  *main_context;
  GThread       *thread;
  gboolean       running;
  gboolean       stopping;
  GHashTable    *viewers;      /* id -> Viewer, main thread */
  guint          next_id;
  GAsyncQueue   *commands;
  int            wake[2];
  GMutex         stats_lock;
  guint64        frames_sent;

  /* start() waits for the thread to open the capture */
  GMutex         open_lock;
  GCond          open_cond;
  gboolean       open_done;
  GError        *open_error;

  /* server thread only */
  rfbScreenInfoPtr screen;
  guint8        *framebuffer;
  GPtrArray     *live;         /* Viewer */
  Viewer        *adding;
  int            pointer_x;
  int            pointer_y;
};

G_DEFINE_FINAL_TYPE (TandemVncServer, tandem_vnc_server, G_TYPE_OBJECT)

enum { PROP_0, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_VIEWER_ADDED, SIGNAL_VIEWER_REMOVED, SIGNAL_CLIPBOARD_RECEIVED, SIGNAL_STOPPED, N_SIGNALS };
static guint signals[N_SIGNALS];

static Viewer *
viewer_ref (Viewer *v)
{
  g_atomic_ref_count_inc (&v->ref);
  return v;
}

static void
viewer_unref (Viewer *v)
{
  if (v != NULL && g_atomic_ref_count_dec (&v->ref))
    {
      g_free (v->name);
      g_free (v);
    }
}

static void
command_free (Command *cmd)
{
  g_clear_pointer (&cmd->viewer, viewer_unref);
  g_free (cmd->text);
  g_free (cmd);
}

/* libvncserver's log is process-wide; keep it out of stderr. */
static void
on_rfb_log (const char *format,
            ...)
{
  char buf[512];
  va_list args;

  va_start (args, format);
  vsnprintf (buf, sizeof buf, format, args);
  va_end (args);
  g_debug ("libvncserver: %s", g_strchomp (buf));
}

/* ---- main thread side ------------------------------------------------ */

typedef struct {
  TandemVncServer *self;
  guint            signal;
  Viewer          *viewer;
  char            *text;
  GError          *error;
} Notify;

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_object_unref (n->self);
  g_clear_pointer (&n->viewer, viewer_unref);
  g_free (n->text);
  g_clear_error (&n->error);
  g_free (n);
}

static gboolean
on_notify (gpointer data)
{
  Notify *n = data;
  TandemVncServer *self = n->self;

  if (n->signal == SIGNAL_VIEWER_REMOVED)
    {
      if (!n->viewer->removed)
        {
          n->viewer->removed = TRUE;
          g_hash_table_remove (self->viewers, GUINT_TO_POINTER (n->viewer->id));
          g_signal_emit (self, signals[SIGNAL_VIEWER_REMOVED], 0, n->viewer->id);
        }
    }
  else if (n->signal == SIGNAL_CLIPBOARD_RECEIVED)
    g_signal_emit (self, signals[SIGNAL_CLIPBOARD_RECEIVED], 0, n->viewer->id, n->text);
  else if (n->signal == SIGNAL_STOPPED)
    {
      g_thread_join (self->thread);
      self->thread = NULL;
      self->running = FALSE;
      self->stopping = FALSE;
      /* Whatever the thread never saw. */
      g_hash_table_remove_all (self->viewers);
      g_signal_emit (self, signals[SIGNAL_STOPPED], 0, n->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      g_object_unref (self); /* the thread's reference */
    }
  return G_SOURCE_REMOVE;
}

static void
notify_main (TandemVncServer *self,
             guint            signal,
             Viewer          *viewer,
             char            *text,
             GError          *error)
{
  Notify *n = g_new0 (Notify, 1);

  n->self = g_object_ref (self);
  n->signal = signal;
  n->viewer = viewer != NULL ? viewer_ref (viewer) : NULL;
  n->text = text;
  n->error = error;
  tandem_context_post (self->main_context, on_notify, n, notify_free);
}

static void
push_command (TandemVncServer *self,
              CommandType      type,
              Viewer          *viewer,
              gboolean         flag,
              char            *text)
{
  Command *cmd = g_new0 (Command, 1);
  char byte = 1;

  cmd->type = type;
  cmd->viewer = viewer != NULL ? viewer_ref (viewer) : NULL;
  cmd->flag = flag;
  cmd->text = text;
  g_async_queue_push (self->commands, cmd);
  while (write (self->wake[1], &byte, 1) < 0 && errno == EINTR)
    ;
}

/* ---- server thread: libvncserver hooks ------------------------------- */

static void
release_input (TandemVncServer *self,
               Viewer          *v)
{
  if (v->buttons != 0)
    tandem_capture_inject_pointer (self->capture, self->pointer_x, self->pointer_y, 0);
  for (guint i = 0; i < v->n_keys; i++)
    tandem_capture_inject_key (self->capture, FALSE, v->keys[i]);
  v->buttons = 0;
  v->n_keys = 0;
}

static void
on_client_gone (rfbClientPtr cl)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = cl->clientData;

  if (v == NULL)
    return;
  g_debug ("viewer %u gone", v->id);
  release_input (self, v);
  v->cl = NULL;
  cl->clientData = NULL;
  notify_main (self, SIGNAL_VIEWER_REMOVED, v, NULL, NULL);
  g_ptr_array_remove (self->live, v);
}

static enum rfbNewClientAction
on_new_client (rfbClientPtr cl)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = self->adding;

  cl->clientData = v;
  cl->clientGoneHook = on_client_gone;
  cl->viewOnly = TRUE;
  if (v != NULL)
    v->cl = cl;
  return RFB_CLIENT_ON_HOLD;
}

static void
on_pointer (int          mask,
            int          x,
            int          y,
            rfbClientPtr cl)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = cl->clientData;

  /* libvncserver already drops input from view-only clients. */
  g_debug ("pointer %d,%d mask %x from viewer %u%s", x, y, mask, v != NULL ? v->id : 0,
           cl->viewOnly ? " (view-only, dropped)" : "");
  if (cl->viewOnly || v == NULL)
    return;
  v->buttons = mask;
  self->pointer_x = x;
  self->pointer_y = y;
  tandem_capture_inject_pointer (self->capture, x, y, mask);
  rfbDefaultPtrAddEvent (mask, x, y, cl);
}

static void
on_key (rfbBool      down,
        rfbKeySym    keysym,
        rfbClientPtr cl)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = cl->clientData;

  if (cl->viewOnly || v == NULL)
    return;
  if (down)
    {
      if (v->n_keys < MAX_KEYS_DOWN)
        v->keys[v->n_keys++] = keysym;
    }
  else
    for (guint i = 0; i < v->n_keys; i++)
      if (v->keys[i] == keysym)
        {
          v->keys[i] = v->keys[--v->n_keys];
          break;
        }
  tandem_capture_inject_key (self->capture, down, keysym);
}

static void
on_cut_text (char        *str,
             int          len,
             rfbClientPtr cl)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = cl->clientData;
  char *utf8;

  if (cl->viewOnly || v == NULL || len < 0)
    return;
  utf8 = g_convert (str, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 != NULL)
    notify_main (self, SIGNAL_CLIPBOARD_RECEIVED, v, utf8, NULL);
}

static void
on_frame_sent (rfbClientPtr cl,
               int          result)
{
  TandemVncServer *self = cl->screen->screenData;
  Viewer *v = cl->clientData;

  if (v == NULL)
    return;
  g_mutex_lock (&self->stats_lock);
  v->frames++;
  v->bytes = rfbStatGetSentBytes (cl);
  self->frames_sent++;
  g_mutex_unlock (&self->stats_lock);
}

/* ---- server thread: the loop ----------------------------------------- */

static void
update_cursor (TandemVncServer *self)
{
  g_autoptr(TandemCaptureCursor) c = tandem_capture_get_cursor (self->capture);
  rfbCursorPtr cursor;
  int w, h, row_bytes;

  if (c == NULL)
    return;
  w = c->width;
  h = c->height;
  row_bytes = (w + 7) / 8;
  cursor = calloc (1, sizeof *cursor);
  cursor->width = w;
  cursor->height = h;
  cursor->xhot = c->xhot;
  cursor->yhot = c->yhot;
  cursor->richSource = calloc (w * h, 4);
  cursor->alphaSource = calloc (w * h, 1);
  cursor->mask = calloc (row_bytes * h, 1);
  cursor->cleanup = cursor->cleanupMask = cursor->cleanupRichSource = TRUE;
  cursor->foreRed = cursor->foreGreen = cursor->foreBlue = 0xffff;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = c->pixels[y * w + x];
        guint a = p >> 24;
        guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (a != 0 && a != 255)
          {
            r = MIN (255u, r * 255 / a);
            g = MIN (255u, g * 255 / a);
            b = MIN (255u, b * 255 / a);
          }
        ((guint32 *) cursor->richSource)[y * w + x] = (r << 16) | (g << 8) | b;
        cursor->alphaSource[y * w + x] = a;
        if (a >= 128)
          cursor->mask[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
      }
  rfbSetCursor (self->screen, cursor);
}

static void
mark_changed (TandemVncServer *self,
              GArray          *changed)
{
  for (guint i = 0; i < changed->len; i++)
    {
      TandemCaptureRect *r = &g_array_index (changed, TandemCaptureRect, i);

      rfbMarkRectAsModified (self->screen, r->x, r->y, r->x + r->width, r->y + r->height);
    }
  g_array_set_size (changed, 0);
}

static void
resize_framebuffer (TandemVncServer *self)
{
  guint8 *old = self->framebuffer;
  int w, h;

  tandem_capture_get_size (self->capture, &w, &h);
  self->framebuffer = g_malloc0 ((gsize) w * h * 4);
  rfbNewFramebuffer (self->screen, (char *) self->framebuffer, w, h, 8, 3, 4);
  self->screen->serverFormat.redShift = 16;
  self->screen->serverFormat.greenShift = 8;
  self->screen->serverFormat.blueShift = 0;
  g_free (old);
  g_debug ("framebuffer now %dx%d", w, h);
}

static void
send_cut_text (TandemVncServer *self,
               const char      *utf8)
{
  g_autofree char *latin1 = g_convert_with_fallback (utf8, -1, "ISO-8859-1", "UTF-8", "?",
                                                     NULL, NULL, NULL);
  rfbServerCutTextMsg msg = { 0 };
  gsize len;

  if (latin1 == NULL)
    return;
  len = strlen (latin1);
  msg.type = rfbServerCutText;
  msg.length = GUINT32_TO_BE ((guint32) len);
  /* Not rfbSendServerCutText: it would write into handshakes on hold. */
  for (guint i = 0; i < self->live->len; i++)
    {
      Viewer *v = g_ptr_array_index (self->live, i);
      rfbClientPtr cl = v->cl;

      if (cl == NULL || cl->onHold || cl->state != RFB_NORMAL || cl->sock < 0)
        continue;
      if (rfbWriteExact (cl, (char *) &msg, sz_rfbServerCutTextMsg) < 0
          || rfbWriteExact (cl, latin1, len) < 0)
        rfbCloseClient (cl);
    }
}

static void
close_viewer (Viewer *v)
{
  if (v->cl != NULL)
    rfbCloseClient (v->cl);
}

/* TRUE to go on. */
static gboolean
run_commands (TandemVncServer *self)
{
  Command *cmd;
  gboolean go_on = TRUE;

  while ((cmd = g_async_queue_try_pop (self->commands)) != NULL)
    {
      Viewer *v = cmd->viewer;

      switch (cmd->type)
        {
        case CMD_ADD:
          if (!go_on)
            {
              close (v->fd);
              notify_main (self, SIGNAL_VIEWER_REMOVED, v, NULL, NULL);
              break;
            }
          self->adding = v;
          g_ptr_array_add (self->live, viewer_ref (v));
          if (rfbNewClient (self->screen, v->fd) == NULL || v->cl == NULL)
            {
              /* rfbNewClient closed the fd already. */
              if (v->cl == NULL)
                {
                  notify_main (self, SIGNAL_VIEWER_REMOVED, v, NULL, NULL);
                  g_ptr_array_remove (self->live, v);
                }
            }
          self->adding = NULL;
          break;

        case CMD_ACCEPT:
          if (v->cl != NULL && v->cl->onHold)
            {
              g_debug ("viewer %u accepted", v->id);
              rfbStartOnHoldClient (v->cl);
            }
          break;

        case CMD_REMOVE:
          close_viewer (v);
          break;

        case CMD_CONTROL:
          if (v->cl != NULL)
            {
              v->cl->viewOnly = !cmd->flag;
              if (!cmd->flag)
                release_input (self, v);
            }
          break;

        case CMD_CLIPBOARD:
          send_cut_text (self, cmd->text);
          break;

        case CMD_STOP:
          go_on = FALSE;
          for (guint i = 0; i < self->live->len; i++)
            close_viewer (g_ptr_array_index (self->live, i));
          break;
        }
      command_free (cmd);
    }
  return go_on;
}

static void
server_loop (TandemVncServer *self)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));
  g_autofree struct pollfd *fds = NULL;
  guint n_alloc = 0;
  gboolean want_grab = TRUE;
  gint64 next_grab = 0, next_pointer = 0;
  int cfd = tandem_capture_get_fd (self->capture);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean active = FALSE;
      int timeout = -1;
      guint n = 0;
      char buf[64];
      TandemCaptureEvents events;

      if (n_alloc < self->live->len + 2)
        {
          n_alloc = self->live->len + 8;
          fds = g_renew (struct pollfd, fds, n_alloc);
        }
      fds[n++] = (struct pollfd) { self->wake[0], POLLIN, 0 };
      fds[n++] = (struct pollfd) { cfd, POLLIN, 0 };
      for (guint i = 0; i < self->live->len; i++)
        {
          Viewer *v = g_ptr_array_index (self->live, i);

          if (v->cl == NULL || v->cl->sock < 0)
            continue;
          /* On hold: only notice a hang-up, leave the handshake unread. */
          fds[n++] = (struct pollfd) { v->cl->sock, v->cl->onHold ? 0 : POLLIN, 0 };
          active |= !v->cl->onHold;
        }

      if (want_grab)
        timeout = (int) MAX (0, (next_grab - now + 999) / 1000);
      if (active)
        {
          int t = (int) MAX (0, (next_pointer - now + 999) / 1000);

          timeout = timeout < 0 ? t : MIN (timeout, t);
        }
      if (poll (fds, n, timeout) < 0 && errno != EINTR)
        break;

      if (fds[0].revents & POLLIN)
        while (read (self->wake[0], buf, sizeof buf) > 0)
          ;
      if (!run_commands (self))
        break;

      for (guint i = 2; i < n; i++)
        if (fds[i].events == 0 && (fds[i].revents & (POLLHUP | POLLERR)))
          for (guint j = 0; j < self->live->len; j++)
            {
              Viewer *v = g_ptr_array_index (self->live, j);

              if (v->cl != NULL && v->cl->sock == fds[i].fd)
                rfbCloseClient (v->cl);
            }

      events = tandem_capture_dispatch (self->capture);
      if (events & TANDEM_CAPTURE_EVENT_LOST)
        {
          g_message ("the shared screen or window is gone");
          break;
        }
      if (events & TANDEM_CAPTURE_EVENT_RESIZE)
        resize_framebuffer (self);
      if (events & TANDEM_CAPTURE_EVENT_CURSOR_SHAPE)
        update_cursor (self);
      if (events & TANDEM_CAPTURE_EVENT_DAMAGE)
        want_grab = TRUE;

      now = g_get_monotonic_time ();
      if (want_grab && now >= next_grab)
        {
          int w = self->screen->width;

          if (!tandem_capture_grab (self->capture, self->framebuffer, (gsize) w * 4, FALSE, changed))
            g_debug ("grab failed");
          mark_changed (self, changed);
          want_grab = FALSE;
          next_grab = now + (active ? FRAME_INTERVAL_US : IDLE_GRAB_US);
        }
      if (active && now >= next_pointer)
        {
          int x, y;

          next_pointer = now + POINTER_POLL_US;
          if (tandem_capture_get_pointer (self->capture, &x, &y)
              && (x != self->screen->cursorX || y != self->screen->cursorY))
            {
              rfbClientIteratorPtr it = rfbGetClientIterator (self->screen);
              rfbClientPtr cl;

              LOCK (self->screen->cursorMutex);
              self->screen->cursorX = x;
              self->screen->cursorY = y;
              UNLOCK (self->screen->cursorMutex);
              while ((cl = rfbClientIteratorNext (it)) != NULL)
                cl->cursorWasMoved = TRUE;
              rfbReleaseClientIterator (it);
            }
        }

      /* Input is read below: a control change queued before it reached the
       * socket applies to it. */
      if (!run_commands (self))
        break;
      rfbProcessEvents (self->screen, 0);
    }
}

static gpointer
server_thread (gpointer data)
{
  TandemVncServer *self = data;
  GError *error = NULL;
  int argc = 1;
  char *argv[] = { (char *) "tandem", NULL };
  int w, h;

  if (!tandem_capture_open (self->capture, &error))
    {
      g_mutex_lock (&self->open_lock);
      self->open_error = error;
      self->open_done = TRUE;
      g_cond_signal (&self->open_cond);
      g_mutex_unlock (&self->open_lock);
      return NULL;
    }
  g_mutex_lock (&self->open_lock);
  self->open_done = TRUE;
  g_cond_signal (&self->open_cond);
  g_mutex_unlock (&self->open_lock);

  tandem_capture_get_size (self->capture, &w, &h);
  self->framebuffer = g_malloc0 ((gsize) w * h * 4);
  self->screen = rfbGetScreen (&argc, argv, w, h, 8, 3, 4);
  self->screen->frameBuffer = (char *) self->framebuffer;
  self->screen->serverFormat.redShift = 16;
  self->screen->serverFormat.greenShift = 8;
  self->screen->serverFormat.blueShift = 0;
  self->screen->desktopName = self->desktop_name;
  self->screen->port = 0;
  self->screen->ipv6port = 0;
  self->screen->autoPort = FALSE;
  self->screen->httpDir = NULL;
  self->screen->httpPort = 0;
  self->screen->inetdSock = RFB_INVALID_SOCKET;
  self->screen->alwaysShared = TRUE;
  /* Security type None only, to every protocol version: the consent is
   * the SIP call's and the viewer's (newClientHook), and no password,
   * TLS or SASL handler may be registered (test /vnc-server/security-types). */
  self->screen->authPasswdData = NULL;
  self->screen->passwordCheck = NULL;
  self->screen->deferUpdateTime = 0;
  self->screen->deferPtrUpdateTime = 0;
  self->screen->screenData = self;
  self->screen->newClientHook = on_new_client;
  self->screen->ptrAddEvent = on_pointer;
  self->screen->kbdAddEvent = on_key;
  self->screen->setXCutText = on_cut_text;
  self->screen->displayFinishedHook = on_frame_sent;
  rfbInitServer (self->screen);

  tandem_capture_dispatch (self->capture);
  {
    g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));

    tandem_capture_grab (self->capture, self->framebuffer, (gsize) w * 4, TRUE, changed);
  }
  update_cursor (self);

  server_loop (self);

  /* Close every viewer; the clientGoneHook reports each. */
  for (guint i = 0; i < self->live->len; i++)
    close_viewer (g_ptr_array_index (self->live, i));
  rfbProcessEvents (self->screen, 0);
  rfbShutdownServer (self->screen, TRUE);
  rfbScreenCleanup (self->screen);
  self->screen = NULL;
  g_ptr_array_set_size (self->live, 0);
  g_clear_pointer (&self->framebuffer, g_free);
  tandem_capture_close (self->capture);
  /* Commands that came too late: their fds are still ours. */
  run_commands (self);

  notify_main (self, SIGNAL_STOPPED, NULL, NULL, NULL);
  return NULL;
}

/* ---- GObject and public API ------------------------------------------ */

static void
tandem_vnc_server_finalize (GObject *object)
{
  TandemVncServer *self = TANDEM_VNC_SERVER (object);
  Command *cmd;

  while ((cmd = g_async_queue_try_pop (self->commands)) != NULL)
    {
      if (cmd->type == CMD_ADD)
        close (cmd->viewer->fd);
      command_free (cmd);
    }
  g_async_queue_unref (self->commands);
  g_hash_table_unref (self->viewers);
  g_ptr_array_unref (self->live);
  g_clear_object (&self->capture);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->desktop_name);
  close (self->wake[0]);
  close (self->wake[1]);
  g_mutex_clear (&self->stats_lock);
  g_mutex_clear (&self->open_lock);
  g_cond_clear (&self->open_cond);
  G_OBJECT_CLASS (tandem_vnc_server_parent_class)->finalize (object);
}

static void
tandem_vnc_server_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TandemVncServer *self = TANDEM_VNC_SERVER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_vnc_server_class_init (TandemVncServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_vnc_server_finalize;
  object_class->get_property = tandem_vnc_server_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A viewer is waiting on hold: accept or remove it (the consent prompt). */
  signals[SIGNAL_VIEWER_ADDED] =
    g_signal_new ("viewer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_VIEWER_REMOVED] =
    g_signal_new ("viewer-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* Cut text from a viewer that has control, as UTF-8. */
  signals[SIGNAL_CLIPBOARD_RECEIVED] =
    g_signal_new ("clipboard-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /* The server thread ended (stop(), or the capture was lost). */
  signals[SIGNAL_STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  rfbLog = on_rfb_log;
  rfbErr = on_rfb_log;
  /* A stuck viewer must not hold the server thread for 20 s. */
  rfbMaxClientWait = 5000;
}

static void
tandem_vnc_server_init (TandemVncServer *self)
{
  self->viewers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) viewer_unref);
  self->live = g_ptr_array_new_with_free_func ((GDestroyNotify) viewer_unref);
  self->commands = g_async_queue_new ();
  self->next_id = 1;
  g_mutex_init (&self->stats_lock);
  g_mutex_init (&self->open_lock);
  g_cond_init (&self->open_cond);
  if (pipe2 (self->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    self->wake[0] = self->wake[1] = -1;
}

TandemVncServer *
tandem_vnc_server_new (TandemCapture *capture,
                       const char    *desktop_name)
{
  TandemVncServer *self;

  g_return_val_if_fail (TANDEM_IS_CAPTURE (capture), NULL);
  self = g_object_new (TANDEM_TYPE_VNC_SERVER, NULL);
  self->capture = g_object_ref (capture);
  self->desktop_name = g_strdup (desktop_name != NULL ? desktop_name : "Tandem");
  return self;
}

/* Opens the capture on the server thread (waiting for that, a few ms) and
 * starts serving.  Signals come on the calling thread's default context. */
gboolean
tandem_vnc_server_start (TandemVncServer *self,
                         GError         **error)
{
  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  if (self->wake[0] < 0)
    {
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED,
                   _("The screen sharing server could not start"));
      return FALSE;
    }
  g_clear_pointer (&self->main_context, g_main_context_unref);
  self->main_context = g_main_context_ref_thread_default ();
  self->open_done = FALSE;
  g_clear_error (&self->open_error);
  self->thread = g_thread_new ("tandem-vnc-server", server_thread, g_object_ref (self));

  g_mutex_lock (&self->open_lock);
  while (!self->open_done)
    g_cond_wait (&self->open_cond, &self->open_lock);
  g_mutex_unlock (&self->open_lock);

  if (self->open_error != NULL)
    {
      g_thread_join (self->thread);
      self->thread = NULL;
      g_propagate_error (error, g_steal_pointer (&self->open_error));
      g_object_unref (self);
      return FALSE;
    }
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

/* Asks the thread to close every viewer and end; "stopped" follows. */
void
tandem_vnc_server_stop (TandemVncServer *self)
{
  g_return_if_fail (TANDEM_IS_VNC_SERVER (self));

  if (!self->running || self->stopping)
    return;
  self->stopping = TRUE;
  push_command (self, CMD_STOP, NULL, FALSE, NULL);
}

gboolean
tandem_vnc_server_get_running (TandemVncServer *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), FALSE);
  return self->running;
}

/* Takes @fd (a connected stream socket, < 1024).  The viewer waits on hold;
 * "viewer-added" is emitted before this returns.  0 if the server is not
 * running (the fd is closed then). */
guint
tandem_vnc_server_add_viewer (TandemVncServer *self,
                              int              fd,
                              const char      *name)
{
  Viewer *v;

  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), 0);
  g_return_val_if_fail (fd >= 0, 0);

  if (!self->running || self->stopping || fd >= 1024)
    {
      if (fd >= 1024)
        g_message ("viewer fd %d is above 1023, refused", fd);
      close (fd);
      return 0;
    }
  v = g_new0 (Viewer, 1);
  g_atomic_ref_count_init (&v->ref);
  v->id = self->next_id++;
  v->name = g_strdup (name != NULL ? name : "");
  v->fd = fd;
  v->state = TANDEM_VNC_VIEWER_PENDING;
  g_hash_table_insert (self->viewers, GUINT_TO_POINTER (v->id), v);
  push_command (self, CMD_ADD, v, FALSE, NULL);
  g_signal_emit (self, signals[SIGNAL_VIEWER_ADDED], 0, v->id, v->name);
  return v->id;
}

static Viewer *
lookup (TandemVncServer *self,
        guint            id)
{
  return g_hash_table_lookup (self->viewers, GUINT_TO_POINTER (id));
}

/* The sharer consented: the viewer gets the screen, view-only. */
void
tandem_vnc_server_accept_viewer (TandemVncServer *self,
                                 guint            id)
{
  Viewer *v;

  g_return_if_fail (TANDEM_IS_VNC_SERVER (self));
  if ((v = lookup (self, id)) == NULL || v->state != TANDEM_VNC_VIEWER_PENDING)
    return;
  v->state = TANDEM_VNC_VIEWER_ACTIVE;
  push_command (self, CMD_ACCEPT, v, FALSE, NULL);
}

/* Refuses a pending viewer or disconnects an active one. */
void
tandem_vnc_server_remove_viewer (TandemVncServer *self,
                                 guint            id)
{
  Viewer *v;

  g_return_if_fail (TANDEM_IS_VNC_SERVER (self));
  if ((v = lookup (self, id)) != NULL)
    push_command (self, CMD_REMOVE, v, FALSE, NULL);
}

void
tandem_vnc_server_set_control (TandemVncServer *self,
                               guint            id,
                               gboolean         control)
{
  Viewer *v;

  g_return_if_fail (TANDEM_IS_VNC_SERVER (self));
  if ((v = lookup (self, id)) == NULL || v->control == !!control)
    return;
  v->control = !!control;
  push_command (self, CMD_CONTROL, v, v->control, NULL);
}

gboolean
tandem_vnc_server_get_control (TandemVncServer *self,
                               guint            id)
{
  Viewer *v;

  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), FALSE);
  v = lookup (self, id);
  return v != NULL && v->control;
}

/* The ids of the current viewers, ascending; free with g_free(). */
guint *
tandem_vnc_server_get_viewers (TandemVncServer *self,
                               guint           *n_viewers)
{
  guint *ids, i = 0;

  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), NULL);
  ids = g_new0 (guint, g_hash_table_size (self->viewers) + 1);
  for (GList *l = g_hash_table_get_keys (self->viewers); l != NULL; l = g_list_delete_link (l, l))
    ids[i++] = GPOINTER_TO_UINT (l->data);
  for (guint a = 1; a < i; a++)
    for (guint b = a; b > 0 && ids[b - 1] > ids[b]; b--)
      {
        guint t = ids[b];

        ids[b] = ids[b - 1];
        ids[b - 1] = t;
      }
  if (n_viewers != NULL)
    *n_viewers = i;
  return ids;
}

gboolean
tandem_vnc_server_get_viewer_info (TandemVncServer     *self,
                                   guint                id,
                                   TandemVncViewerInfo *info)
{
  Viewer *v;

  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), FALSE);
  if ((v = lookup (self, id)) == NULL)
    return FALSE;
  info->id = v->id;
  info->name = v->name;
  info->state = v->state;
  info->control = v->control;
  g_mutex_lock (&self->stats_lock);
  info->frames_sent = v->frames;
  info->bytes_sent = v->bytes;
  g_mutex_unlock (&self->stats_lock);
  return TRUE;
}

/* Framebuffer updates sent to all viewers since start. */
guint64
tandem_vnc_server_get_frames_sent (TandemVncServer *self)
{
  guint64 frames;

  g_return_val_if_fail (TANDEM_IS_VNC_SERVER (self), 0);
  g_mutex_lock (&self->stats_lock);
  frames = self->frames_sent;
  g_mutex_unlock (&self->stats_lock);
  return frames;
}

/* Sends @text (UTF-8) to every active viewer as Latin-1 cut text (the
 * only kind 0.9.14 sends safely). */
void
tandem_vnc_server_send_clipboard (TandemVncServer *self,
                                  const char      *text)
{
  g_return_if_fail (TANDEM_IS_VNC_SERVER (self));
  g_return_if_fail (text != NULL);
  if (self->running && !self->stopping)
    push_command (self, CMD_CLIPBOARD, NULL, FALSE, g_strdup (text));
}
