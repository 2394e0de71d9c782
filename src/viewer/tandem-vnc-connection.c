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
 * Everything the remote sends is hostile until parsed (anyone who can call
 * can offer a screen).  Before libvncclient reads a byte, the server's
 * ProtocolVersion is checked here: only RFB 3.7 and later, where the client
 * picks the security type from a list, and that list is None alone (the
 * consent is the SIP call's).  No password or credential is ever asked for,
 * nothing touches stdin.  The remote screen must fit a pixel budget, and its
 * buffers are allocated so that a failure ends the view, not the process.
 * Any refusal ends the session with a TANDEM_VIEWER_ERROR.
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
#include <glib/gi18n.h>
#include <rfb/rfbclient.h>

#include "tandem-viewer-error.h"
#include "tandem-viewer-private.h"

/* The pixel budget.  The largest single screen sold is 8K (7680x4320,
 * 33.2 Mpx); three 4K monitors side by side (11520x2160, 24.9 Mpx) and two
 * 5K ones (10240x2880, 29.5 Mpx) fit under it too.  One side may be long
 * (a row of monitors), up to 16384, the largest X11 screen and GL texture
 * side.  Tandem holds two copies of the remote screen (libvncclient's and
 * the widget's), so the budget costs at most 2 x 133 MB; a hostile 16384 x
 * 16384 ServerInit would have cost 2 GiB. */
#define MAX_SIDE   16384
#define MAX_PIXELS (7680 * 4320)

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
  TandemViewerError                   refusal;   /* why libvncclient failed, 0: not known */
  int                                 refused_width, refused_height;
};

static char client_tag;

/* The connection whose thread this is, for the process-wide log hook. */
static _Thread_local TandemVncConnection *thread_conn;

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
  /* ReadSupportedSecurityType() says so only in its log: no type offered
   * was in the client's list (None). */
  if (thread_conn != NULL && g_str_has_prefix (buf, "Unknown authentication scheme"))
    thread_conn->refusal = TANDEM_VIEWER_ERROR_SECURITY;
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
  guint8 *pixels;
  gboolean first;
  Event *ev;

  if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (gint64) w * h > MAX_PIXELS)
    {
      g_message ("refusing a remote screen of %dx%d (more than the pixel budget)", w, h);
      conn->refusal = TANDEM_VIEWER_ERROR_TOO_LARGE;
      conn->refused_width = w;
      conn->refused_height = h;
      return FALSE;
    }
  free (client->frameBuffer);
  client->frameBuffer = calloc ((gsize) w * h, 4);
  pixels = g_try_malloc0 ((gsize) w * h * 4);
  if (client->frameBuffer == NULL || pixels == NULL)
    {
      g_message ("no memory for a remote screen of %dx%d", w, h);
      g_free (pixels);
      conn->refusal = TANDEM_VIEWER_ERROR_NO_MEMORY;
      conn->refused_width = w;
      conn->refused_height = h;
      return FALSE;
    }

  g_mutex_lock (&conn->lock);
  first = conn->pixels == NULL;
  g_free (conn->pixels);
  conn->pixels = pixels;
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

/* No VNC password or credential is ever given: the list of accepted
 * security types is None alone, so these run only if that were bypassed.
 * libvncclient's defaults would read a password from the terminal. */
static char *
on_get_password (rfbClient *client)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);

  conn->refusal = TANDEM_VIEWER_ERROR_SECURITY;
  return NULL;
}

static rfbCredential *
on_get_credential (rfbClient *client,
                   int        credential_type)
{
  TandemVncConnection *conn = rfbClientGetClientData (client, &client_tag);

  conn->refusal = TANDEM_VIEWER_ERROR_SECURITY;
  return NULL;
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

static gboolean
is_stopping (TandemVncConnection *conn)
{
  gboolean stop;

  g_mutex_lock (&conn->lock);
  stop = conn->stop;
  g_mutex_unlock (&conn->lock);
  return stop;
}

/* Looks at the server's ProtocolVersion before libvncclient reads it: the
 * 12 bytes are peeked, so they stay for rfbInitClient().  A server says
 * nothing more before the client answered, so this is all it can have
 * said.  RFB 3.3 to 3.6 (and UltraVNC's 3.14 and 3.16, which libvncclient
 * maps to 3.4 and 3.6) let the server impose any security type with no
 * list to filter, and libvncclient would do the Diffie-Hellman of MSLogon
 * II or ARD on the server's parameters before anything else (libgcrypt
 * aborts the process on a zero modulus).  Only 3.7 and later are
 * accepted; there the client picks from the server's list, and
 * SetClientAuthSchemes() leaves None alone to pick.
 *
 * FALSE with @error unset: closed here while waiting. */
static gboolean
check_server_version (TandemVncConnection *conn,
                      int                  fd,
                      GError             **error)
{
  char pv[13] = { 0 };
  ssize_t got;
  int major, minor;

  for (;;)
    {
      struct pollfd fds[2] = { { fd, POLLIN, 0 }, { conn->wake[0], POLLIN, 0 } };

      got = recv (fd, pv, 12, MSG_PEEK | MSG_DONTWAIT);
      if (got == 12)
        break;
      if (is_stopping (conn))
        return FALSE;
      if (got == 0)
        {
          g_set_error (error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                       _("The remote screen did not answer like a VNC server"));
          return FALSE;
        }
      if (got < 0 && errno != EAGAIN && errno != EINTR)
        {
          g_set_error (error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_BROKEN,
                       _("The connection was lost: %s"), g_strerror (errno));
          return FALSE;
        }
      if (got > 0 && memcmp (pv, "RFB ", MIN (got, 4)) != 0)
        break;  /* refused below */
      /* Part of it is there (poll would not wait for more), or none. */
      if (got > 0)
        poll (fds + 1, 1, 10);
      else
        poll (fds, 2, -1);
      if (fds[1].revents & POLLIN)
        {
          char buf[64];

          /* Input waits in the queue until the handshake is done. */
          while (read (conn->wake[0], buf, sizeof buf) > 0)
            ;
        }
    }

  if (got != 12 || memcmp (pv, "RFB ", 4) != 0 || pv[7] != '.' || pv[11] != '\n'
      || !g_ascii_isdigit (pv[4]) || !g_ascii_isdigit (pv[5]) || !g_ascii_isdigit (pv[6])
      || !g_ascii_isdigit (pv[8]) || !g_ascii_isdigit (pv[9]) || !g_ascii_isdigit (pv[10]))
    {
      g_set_error (error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                   _("The remote screen did not answer like a VNC server"));
      return FALSE;
    }
  major = (pv[4] - '0') * 100 + (pv[5] - '0') * 10 + (pv[6] - '0');
  minor = (pv[8] - '0') * 100 + (pv[9] - '0') * 10 + (pv[10] - '0');
  if (major != 3 || minor < 7 || minor == 14 || minor == 16)
    {
      g_message ("refusing RFB %d.%d: the server would choose the security type", major, minor);
      g_set_error (error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                   /* Translators: %d.%d is a protocol version, e.g. 3.3 */
                   _("The remote screen uses VNC version %d.%d, which Tandem does not accept"),
                   major, minor);
      return FALSE;
    }
  return TRUE;
}

/* Why libvncclient gave up, in words; NULL when it was closed here. */
static GError *
failure_error (TandemVncConnection *conn,
               gboolean             connected)
{
  if (is_stopping (conn))
    return NULL;
  switch (conn->refusal)
    {
    case TANDEM_VIEWER_ERROR_SECURITY:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_SECURITY,
                          _("The remote screen asked for VNC authentication, which Tandem does not use"));
    case TANDEM_VIEWER_ERROR_TOO_LARGE:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_TOO_LARGE,
                          /* Translators: %d×%d is the size of the other person's screen in pixels */
                          _("The shared screen is too large to show (%d×%d)"),
                          conn->refused_width, conn->refused_height);
    case TANDEM_VIEWER_ERROR_NO_MEMORY:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_NO_MEMORY,
                          /* Translators: %d×%d is the size of the other person's screen in pixels */
                          _("There is not enough memory to show the shared screen (%d×%d)"),
                          conn->refused_width, conn->refused_height);
    case TANDEM_VIEWER_ERROR_FAILED:
    case TANDEM_VIEWER_ERROR_PROTOCOL:
    case TANDEM_VIEWER_ERROR_BROKEN:
    default:
      break;
    }
  if (!connected)
    return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                        _("The remote screen did not answer like a VNC server"));
  return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_BROKEN,
                      _("The remote screen sent broken data or the connection was cut"));
}

static gpointer
client_thread (gpointer data)
{
  static const uint32_t no_auth_only[] = { rfbNoAuth, 0 };
  TandemVncConnection *conn = data;
  g_autoptr(GError) error = NULL;
  rfbClient *client;
  int fd = dup (conn->fd);
  Event *ev;

  thread_conn = conn;
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
  client->GetPassword = on_get_password;
  client->GetCredential = on_get_credential;
  SetClientAuthSchemes (client, no_auth_only, -1);
  client->canHandleNewFBSize = TRUE;
  g_mutex_lock (&conn->lock);
  set_encodings (client, conn->quality);
  g_mutex_unlock (&conn->lock);
  client->sock = fd;
  client->listenSpecified = TRUE;
  conn->client = client;

  if (fd < 0 || fd >= 1024)
    g_set_error (&error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_FAILED,
                 _("No file descriptor below 1024 for the remote screen"));
  else if (client->clientAuthSchemes == NULL)
    g_set_error (&error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_NO_MEMORY,
                 _("There is not enough memory to show the shared screen"));
  else
    check_server_version (conn, fd, &error);
  if (error != NULL || is_stopping (conn))
    {
      if (fd >= 0)
        close (fd);
      client->sock = RFB_INVALID_SOCKET;
      free (client->frameBuffer);
      client->frameBuffer = NULL;
      rfbClientCleanup (client);
      conn->client = NULL;
      goto out;
    }

  /* Frees the client, and closes fd, when it fails. */
  if (!rfbInitClient (client, NULL, NULL))
    {
      error = failure_error (conn, FALSE);
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
          g_set_error (&error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_BROKEN,
                       _("The connection was lost: %s"), g_strerror (errno));
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
          if (!is_stopping (conn))
            g_set_error (&error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_BROKEN,
                         _("The connection was lost"));
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
          error = failure_error (conn, TRUE);
          break;
        }
    }

  free (client->frameBuffer);
  client->frameBuffer = NULL;
  rfbClientCleanup (client);  /* closes fd */
  conn->client = NULL;

out:
  thread_conn = NULL;
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
