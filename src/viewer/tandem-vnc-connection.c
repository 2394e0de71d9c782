/* tandem-vnc-connection.c: libvncclient on its own thread.
 *
 * The thread owns the rfbClient and works on a dup() of the caller's fd;
 * it sleeps in poll() on that fd and a wake-up pipe.  Input from the main
 * thread goes through a queue plus the pipe.  A finished framebuffer update
 * is copied into the shared buffer under the lock and one redraw (merged
 * damage) is scheduled on the main context.  Closing shuts the socket down,
 * which ends any blocking read or write, and the thread leaves; the main
 * context then joins it (at once) and closes the caller's fd.
 *
 * Everything the remote sends is hostile until parsed: sizes are bounded
 * before allocating, and a failed message ends the session with an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-vnc-connection"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>
#include <rfb/rfbclient.h>

#include "tandem-viewer-private.h"

#define MAX_SIDE 16384

typedef enum {
  INPUT_POINTER,
  INPUT_KEY,
  INPUT_CUT_TEXT,
  INPUT_QUALITY,
} InputType;

typedef struct {
  InputType type;
  int       x, y;
  guint     value;
  gboolean  down;
  char     *text;
} Input;

struct _TandemVncConnection
{
  gatomicrefcount                     ref;
  GMainContext                       *main_context;
  GThread                            *thread;
  int                                 fd;        /* the caller's; closed after the join */
  int                                 wake[2];

  /* main thread only */
  TandemVncConnectionCallbacks        callbacks;
  gpointer                            data;      /* NULL once closed */

  GMutex                              lock;
  /* under lock */
  guint8                             *pixels;
  int                                 width, height;
  guint                               generation;
  int                                 dx1, dy1, dx2, dy2;  /* pending damage, dx2 < 0: none */
  gboolean                            redraw_queued;
  GQueue                              input;
  gboolean                            stop;
  int                                 quality;

  /* thread only */
  rfbClient                          *client;
  int                                 tx1, ty1, tx2, ty2;
};

static char client_tag;

static void
input_free (Input *in)
{
  g_free (in->text);
  g_free (in);
}

static TandemVncConnection *
conn_ref (TandemVncConnection *conn)
{
  g_atomic_ref_count_inc (&conn->ref);
  return conn;
}

static void
conn_unref (gpointer data)
{
  TandemVncConnection *conn = data;

  if (!g_atomic_ref_count_dec (&conn->ref))
    return;
  g_queue_clear_full (&conn->input, (GDestroyNotify) input_free);
  g_free (conn->pixels);
  if (conn->wake[0] >= 0)
    {
      close (conn->wake[0]);
      close (conn->wake[1]);
    }
  g_mutex_clear (&conn->lock);
  g_main_context_unref (conn->main_context);
  g_free (conn);
}

static void
on_client_log (const char *format,
               ...)
{
  char buf[512];
  va_list args;

  va_start (args, format);
  vsnprintf (buf, sizeof buf, format, args);
  va_end (args);
  g_debug ("libvncclient: %s", g_strchomp (buf));
}

static void
wake_up (TandemVncConnection *conn)
{
  char byte = 1;

  while (write (conn->wake[1], &byte, 1) < 0 && errno == EINTR)
    ;
}

/* ---- hand-over to the main context ----------------------------------- */

typedef enum { EV_CONNECTED, EV_ENDED, EV_RESIZED, EV_REDRAW, EV_CURSOR, EV_CUT_TEXT } EventType;

typedef struct {
  TandemVncConnection *conn;
  EventType            type;
  int                  a, b, c, d;
  char                *text;
  GError              *error;
  cairo_surface_t     *surface;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  conn_unref (ev->conn);
  g_free (ev->text);
  g_clear_error (&ev->error);
  g_clear_pointer (&ev->surface, cairo_surface_destroy);
  g_free (ev);
}

static gboolean
on_event (gpointer data)
{
  Event *ev = data;
  TandemVncConnection *conn = ev->conn;
  const TandemVncConnectionCallbacks *cb = &conn->callbacks;

  if (ev->type == EV_ENDED)
    {
      g_thread_join (conn->thread);
      conn->thread = NULL;
      close (conn->fd);
      conn->fd = -1;
    }
  if (conn->data == NULL)
    return G_SOURCE_REMOVE;

  switch (ev->type)
    {
    case EV_CONNECTED:
      cb->connected (conn->data, ev->a, ev->b, ev->text);
      break;
    case EV_ENDED:
      cb->ended (conn->data, ev->error);
      break;
    case EV_RESIZED:
      cb->resized (conn->data, ev->a, ev->b);
      break;
    case EV_REDRAW:
      {
        int x1, y1, x2, y2;

        g_mutex_lock (&conn->lock);
        x1 = conn->dx1;
        y1 = conn->dy1;
        x2 = conn->dx2;
        y2 = conn->dy2;
        conn->dx2 = -1;
        conn->redraw_queued = FALSE;
        g_mutex_unlock (&conn->lock);
        if (x2 >= 0)
          cb->redraw (conn->data, x1, y1, x2 - x1, y2 - y1);
      }
      break;
    case EV_CURSOR:
      cb->cursor (conn->data, ev->surface, ev->a, ev->b);
      break;
    case EV_CUT_TEXT:
      cb->cut_text (conn->data, ev->text);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post (TandemVncConnection *conn,
      Event               *ev)
{
  ev->conn = conn_ref (conn);
  GSource *source = g_idle_source_new ();

  /* Always through a source: invoke() could run it on this thread. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_event, ev, event_free);
  g_source_attach (source, conn->main_context);
  g_source_unref (source);
}

/* ---- libvncclient callbacks (client thread) --------------------------- */

static rfbBool
on_malloc_framebuffer (rfbClient *client)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);
  int w = client->width, h = client->height;
  gboolean first;
  Event *ev;

  if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE)
    {
      g_debug ("refusing a %dx%d framebuffer", w, h);
      return FALSE;
    }
  free (client->frameBuffer);
  client->frameBuffer = calloc ((gsize) w * h, 4);
  if (client->frameBuffer == NULL)
    return FALSE;

  g_mutex_lock (&conn->lock);
  first = conn->pixels == NULL;
  g_free (conn->pixels);
  conn->pixels = g_malloc0 ((gsize) w * h * 4);
  conn->width = w;
  conn->height = h;
  conn->generation++;
  conn->dx2 = -1;
  g_mutex_unlock (&conn->lock);

  if (!first)
    {
      ev = g_new0 (Event, 1);
      ev->type = EV_RESIZED;
      ev->a = w;
      ev->b = h;
      post (conn, ev);
    }
  conn->tx1 = conn->ty1 = G_MAXINT;
  conn->tx2 = conn->ty2 = -1;
  return TRUE;
}

static void
on_got_update (rfbClient *client,
               int        x,
               int        y,
               int        w,
               int        h)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);

  conn->tx1 = MIN (conn->tx1, MAX (x, 0));
  conn->ty1 = MIN (conn->ty1, MAX (y, 0));
  conn->tx2 = MAX (conn->tx2, MIN (x + w, client->width));
  conn->ty2 = MAX (conn->ty2, MIN (y + h, client->height));
}

static void
on_finished_update (rfbClient *client)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);
  gboolean queue = FALSE;

  if (conn->tx2 <= conn->tx1 || conn->ty2 <= conn->ty1)
    return;

  g_mutex_lock (&conn->lock);
  if (conn->pixels != NULL && conn->width == client->width && conn->height == client->height)
    {
      gsize stride = (gsize) conn->width * 4;

      for (int y = conn->ty1; y < conn->ty2; y++)
        memcpy (conn->pixels + y * stride + conn->tx1 * 4,
                client->frameBuffer + y * stride + conn->tx1 * 4, (conn->tx2 - conn->tx1) * 4);
      if (conn->dx2 < 0)
        {
          conn->dx1 = conn->tx1;
          conn->dy1 = conn->ty1;
          conn->dx2 = conn->tx2;
          conn->dy2 = conn->ty2;
        }
      else
        {
          conn->dx1 = MIN (conn->dx1, conn->tx1);
          conn->dy1 = MIN (conn->dy1, conn->ty1);
          conn->dx2 = MAX (conn->dx2, conn->tx2);
          conn->dy2 = MAX (conn->dy2, conn->ty2);
        }
      queue = !conn->redraw_queued;
      conn->redraw_queued = TRUE;
    }
  g_mutex_unlock (&conn->lock);

  conn->tx1 = conn->ty1 = G_MAXINT;
  conn->tx2 = conn->ty2 = -1;
  if (queue)
    {
      Event *ev = g_new0 (Event, 1);

      ev->type = EV_REDRAW;
      post (conn, ev);
    }
}

static void
on_cursor_shape (rfbClient *client,
                 int        xhot,
                 int        yhot,
                 int        width,
                 int        height,
                 int        bytes_per_pixel)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  Event *ev;

  if (width <= 0 || height <= 0 || width > 256 || height > 256 || bytes_per_pixel != 4
      || client->rcSource == NULL || client->rcMask == NULL)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 p = ((guint32 *) client->rcSource)[y * width + x];

        ((guint32 *) (data + y * stride))[x] = client->rcMask[y * width + x]
                                               ? 0xff000000 | (p & 0xffffff) : 0;
      }
  cairo_surface_mark_dirty (surface);
  ev = g_new0 (Event, 1);
  ev->type = EV_CURSOR;
  ev->a = CLAMP (xhot, 0, width - 1);
  ev->b = CLAMP (yhot, 0, height - 1);
  ev->surface = surface;
  post (conn, ev);
}

static rfbBool
on_cursor_pos (rfbClient *client,
               int        x,
               int        y)
{
  return TRUE;
}

static void
on_cut_text (rfbClient  *client,
             const char *text,
             int         len)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);
  Event *ev;
  char *utf8;

  if (len < 0 || len > 1024 * 1024)
    return;
  utf8 = g_convert (text, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 == NULL)
    return;
  ev = g_new0 (Event, 1);
  ev->type = EV_CUT_TEXT;
  ev->text = utf8;
  post (conn, ev);
}

static void
set_encodings (rfbClient *client,
               int        quality)
{
  if (quality > 0)
    {
      client->appData.encodingsString = "tight zrle zlib hextile copyrect";
      client->appData.enableJPEG = TRUE;
      client->appData.qualityLevel = CLAMP (quality, 1, 9);
    }
  else
    {
      /* Lossless; raw is never asked for. */
      client->appData.encodingsString = "tight zrle zlib hextile copyrect";
      client->appData.enableJPEG = FALSE;
      client->appData.qualityLevel = 9;
    }
  client->appData.compressLevel = 3;
  client->appData.useRemoteCursor = TRUE;
}

/* FALSE when the connection should end. */
static gboolean
send_input (TandemVncConnection *conn)
{
  GQueue queue = G_QUEUE_INIT;
  gboolean stop, ok = TRUE;
  Input *in;

  g_mutex_lock (&conn->lock);
  queue = conn->input;
  g_queue_init (&conn->input);
  stop = conn->stop;
  g_mutex_unlock (&conn->lock);

  while ((in = g_queue_pop_head (&queue)) != NULL)
    {
      if (ok && !stop)
        switch (in->type)
          {
          case INPUT_POINTER:
            ok = SendPointerEvent (conn->client, in->x, in->y, in->value);
            break;
          case INPUT_KEY:
            ok = SendKeyEvent (conn->client, in->value, in->down);
            break;
          case INPUT_CUT_TEXT:
            ok = SendClientCutText (conn->client, in->text, strlen (in->text));
            break;
          case INPUT_QUALITY:
            set_encodings (conn->client, in->value);
            ok = SetFormatAndEncodings (conn->client);
            break;
          }
      input_free (in);
    }
  return ok && !stop;
}

static gpointer
client_thread (gpointer data)
{
  TandemVncConnection *conn = data;
  g_autoptr(GError) error = NULL;
  rfbClient *client;
  gboolean stopped = FALSE;
  int fd = dup (conn->fd);
  Event *ev;

  client = rfbGetClient (8, 3, 4);
  client->format.redShift = 16;
  client->format.greenShift = 8;
  client->format.blueShift = 0;
  client->format.bigEndian = G_BYTE_ORDER == G_BIG_ENDIAN;
  rfbClientSetClientData (client, &client_tag, conn);
  client->MallocFrameBuffer = on_malloc_framebuffer;
  client->GotFrameBufferUpdate = on_got_update;
  client->FinishedFrameBufferUpdate = on_finished_update;
  client->GotCursorShape = on_cursor_shape;
  client->HandleCursorPos = on_cursor_pos;
  client->GotXCutText = on_cut_text;
  client->canHandleNewFBSize = TRUE;
  g_mutex_lock (&conn->lock);
  set_encodings (client, conn->quality);
  g_mutex_unlock (&conn->lock);
  client->sock = fd;
  client->listenSpecified = TRUE;
  conn->client = client;

  if (fd < 0 || fd >= 1024)
    {
      if (fd >= 0)
        close (fd);
      client->sock = RFB_INVALID_SOCKET;
      free (client->frameBuffer);
      client->frameBuffer = NULL;
      rfbClientCleanup (client);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                   "No file descriptor below 1024 for the remote screen");
      goto out;
    }

  /* Frees the client, and closes fd, when it fails. */
  if (!rfbInitClient (client, NULL, NULL))
    {
      g_mutex_lock (&conn->lock);
      stopped = conn->stop;
      g_mutex_unlock (&conn->lock);
      if (!stopped)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "The remote screen did not answer like a VNC server");
      conn->client = NULL;
      goto out;
    }

  ev = g_new0 (Event, 1);
  ev->type = EV_CONNECTED;
  ev->a = client->width;
  ev->b = client->height;
  ev->text = g_strdup (client->desktopName != NULL ? client->desktopName : "");
  if (!g_utf8_validate (ev->text, -1, NULL))
    {
      char *fixed = g_utf8_make_valid (ev->text, -1);

      g_free (ev->text);
      ev->text = fixed;
    }
  post (conn, ev);

  for (;;)
    {
      struct pollfd fds[2] = { { fd, POLLIN, 0 }, { conn->wake[0], POLLIN, 0 } };

      if (client->buffered == 0 && poll (fds, 2, -1) < 0 && errno != EINTR)
        {
          g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
          break;
        }
      if (fds[1].revents & POLLIN)
        {
          char buf[64];

          while (read (conn->wake[0], buf, sizeof buf) > 0)
            ;
        }
      if (!send_input (conn))
        {
          g_mutex_lock (&conn->lock);
          stopped = conn->stop;
          g_mutex_unlock (&conn->lock);
          if (!stopped)
            g_set_error (&error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "The connection was lost");
          break;
        }
      if (client->buffered == 0 && !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      if (client->buffered == 0)
        {
          char peek;
          ssize_t r = recv (fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT);

          if (r == 0)
            break;  /* a clean end between messages */
          if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        }
      if (!HandleRFBServerMessage (client))
        {
          g_mutex_lock (&conn->lock);
          stopped = conn->stop;
          g_mutex_unlock (&conn->lock);
          if (!stopped)
            g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "The remote screen sent broken data or the connection was cut");
          break;
        }
    }

  free (client->frameBuffer);
  client->frameBuffer = NULL;
  rfbClientCleanup (client);  /* closes fd */
  conn->client = NULL;

out:
  ev = g_new0 (Event, 1);
  ev->type = EV_ENDED;
  ev->error = g_steal_pointer (&error);
  post (conn, ev);
  conn_unref (conn);  /* the thread's reference */
  return NULL;
}

/* ---- API (main thread) ------------------------------------------------ */

/* Takes @fd. */
TandemVncConnection *
_tandem_vnc_connection_new (int                                 fd,
                            int                                 jpeg_quality,
                            const TandemVncConnectionCallbacks *callbacks,
                            gpointer                            data,
                            GError                            **error)
{
  static gsize log_once;
  TandemVncConnection *conn;

  if (g_once_init_enter (&log_once))
    {
      rfbClientLog = on_client_log;
      rfbClientErr = on_client_log;
      g_once_init_leave (&log_once, 1);
    }

  conn = g_new0 (TandemVncConnection, 1);
  g_atomic_ref_count_init (&conn->ref);
  g_mutex_init (&conn->lock);
  g_queue_init (&conn->input);
  conn->fd = fd;
  conn->dx2 = -1;
  conn->quality = jpeg_quality;
  conn->callbacks = *callbacks;
  conn->data = data;
  conn->main_context = g_main_context_ref_thread_default ();
  if (pipe2 (conn->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      conn->wake[0] = conn->wake[1] = -1;
      close (fd);
      conn_unref (conn);
      return NULL;
    }
  conn->thread = g_thread_new ("tandem-vnc-view", client_thread, conn_ref (conn));
  return conn;
}

/* Ends the session; no callback runs after this.  Never blocks. */
void
_tandem_vnc_connection_close (TandemVncConnection *conn)
{
  if (conn == NULL)
    return;
  conn->data = NULL;
  g_mutex_lock (&conn->lock);
  conn->stop = TRUE;
  g_mutex_unlock (&conn->lock);
  /* Ends blocking reads and writes in the thread without freeing the fd number. */
  if (conn->fd >= 0)
    shutdown (conn->fd, SHUT_RDWR);
  wake_up (conn);
  conn_unref (conn);
}

static void
push_input (TandemVncConnection *conn,
            Input               *in)
{
  g_mutex_lock (&conn->lock);
  if (in->type == INPUT_POINTER)
    {
      Input *last = g_queue_peek_tail (&conn->input);

      /* Motion with the same buttons replaces motion not yet sent. */
      if (last != NULL && last->type == INPUT_POINTER && last->value == in->value)
        {
          last->x = in->x;
          last->y = in->y;
          g_mutex_unlock (&conn->lock);
          input_free (in);
          return;
        }
    }
  g_queue_push_tail (&conn->input, in);
  g_mutex_unlock (&conn->lock);
  wake_up (conn);
}

void
_tandem_vnc_connection_pointer (TandemVncConnection *conn,
                                int                  x,
                                int                  y,
                                guint                button_mask)
{
  Input *in = g_new0 (Input, 1);

  in->type = INPUT_POINTER;
  in->x = x;
  in->y = y;
  in->value = button_mask;
  push_input (conn, in);
}

void
_tandem_vnc_connection_key (TandemVncConnection *conn,
                            guint32              keysym,
                            gboolean             down)
{
  Input *in = g_new0 (Input, 1);

  in->type = INPUT_KEY;
  in->value = keysym;
  in->down = down;
  push_input (conn, in);
}

/* Sent as Latin-1 cut text (what 0.9.14 handles safely). */
void
_tandem_vnc_connection_cut_text (TandemVncConnection *conn,
                                 const char          *utf8)
{
  char *latin1 = g_convert_with_fallback (utf8, -1, "ISO-8859-1", "UTF-8", "?", NULL, NULL, NULL);
  Input *in;

  if (latin1 == NULL)
    return;
  in = g_new0 (Input, 1);
  in->type = INPUT_CUT_TEXT;
  in->text = latin1;
  push_input (conn, in);
}

void
_tandem_vnc_connection_set_quality (TandemVncConnection *conn,
                                    int                  jpeg_quality)
{
  Input *in = g_new0 (Input, 1);

  g_mutex_lock (&conn->lock);
  conn->quality = jpeg_quality;
  g_mutex_unlock (&conn->lock);
  in->type = INPUT_QUALITY;
  in->value = jpeg_quality;
  push_input (conn, in);
}

const guint8 *
_tandem_vnc_connection_lock (TandemVncConnection *conn,
                             int                 *width,
                             int                 *height,
                             int                 *stride,
                             guint               *generation)
{
  g_mutex_lock (&conn->lock);
  *width = conn->width;
  *height = conn->height;
  *stride = conn->width * 4;
  *generation = conn->generation;
  return conn->pixels;
}

void
_tandem_vnc_connection_unlock (TandemVncConnection *conn)
{
  g_mutex_unlock (&conn->lock);
}
