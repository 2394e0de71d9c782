/* test-vnc-server.c: TandemVncServer and TandemX11Capture alone, watched by
 * a small RFB client written here (raw encoding only, so every byte is
 * accounted for): an idle screen sends nothing, a monitor scope shares
 * one XRandR monitor of a two-monitor Xvfb, clipboard text reaches the
 * viewer as Latin-1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-vnc-server"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xrandr.h>

#include "tandem-share-error.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-server.h"
#include "tandem-x11-capture.h"
#include "tandem-test-wait.h"

#define WAIT_MS 15000

/* ---- drawing on the shared display -------------------------------------- */

static guint32
pattern (int x,
         int y)
{
  return ((guint32) ((x * 3) & 0xff) << 16) | ((guint32) ((y * 7) & 0xff) << 8) | ((x + y) & 0xff);
}

static Window
paint_window (Display *dpy,
              int      x,
              int      y,
              int      w,
              int      h,
              guint32  xor)
{
  XSetWindowAttributes attrs = { 0 };
  Window win;
  char *data = malloc ((gsize) w * h * 4);
  XImage *image;
  GC gc;

  attrs.override_redirect = True;
  win = XCreateWindow (dpy, DefaultRootWindow (dpy), x, y, w, h, 0, CopyFromParent, InputOutput,
                       CopyFromParent, CWOverrideRedirect, &attrs);
  XMapRaised (dpy, win);
  image = XCreateImage (dpy, DefaultVisual (dpy, 0), 24, ZPixmap, 0, data, w, h, 32, 0);
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      XPutPixel (image, i, j, pattern (x + i, y + j) ^ xor);
  gc = XCreateGC (dpy, win, 0, NULL);
  XPutImage (dpy, win, gc, image, 0, 0, 0, 0, w, h);
  XFreeGC (dpy, gc);
  XDestroyImage (image);
  XSync (dpy, False);
  return win;
}

/* ---- a small RFB 3.8 client, raw encoding only ---------------------------- */

typedef struct {
  int        fd;
  GByteArray *in;
  gboolean   ready;       /* ServerInit read */
  int        width, height;
  char      *name;
  guint32   *fb;
  guint      updates;     /* FramebufferUpdates read */
  guint      cursors;     /* cursor shapes */
  guint64    bytes;       /* all bytes read */
  char      *cut_text;    /* last ServerCutText, raw bytes + NUL */
  gsize      cut_len;
  gboolean   closed;
} Client;

static void
client_send (Client        *c,
             const void    *buf,
             gsize          len)
{
  g_assert_cmpint (send (c->fd, buf, len, MSG_NOSIGNAL), ==, (gssize) len);
}

static void
client_request (Client   *c,
                gboolean  incremental)
{
  guint8 msg[10] = { 3, incremental };

  msg[6] = c->width >> 8;
  msg[7] = c->width & 0xff;
  msg[8] = c->height >> 8;
  msg[9] = c->height & 0xff;
  client_send (c, msg, sizeof msg);
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint
be16 (const guint8 *p)
{
  return (p[0] << 8) | p[1];
}

/* Bytes after a rectangle header: raw pixels, or a RichCursor shape. */
static gsize
rect_size (const guint8 *header)
{
  gsize w = be16 (header + 4), h = be16 (header + 6);
  guint32 encoding = be32 (header + 8);

  if (encoding == 0)
    return w * h * 4;
  g_assert_cmphex (encoding, ==, 0xffffff11);  /* RichCursor, -239 */
  return w * h * 4 + (w + 7) / 8 * h;
}

/* Consumes one complete server message (or the handshake step) from the
 * buffer; FALSE when more bytes are needed. */
static gboolean
client_parse (Client *c)
{
  guint8 *p = c->in->data;
  gsize n = c->in->len;

  if (!c->ready)
    {
      /* "RFB 003.008\n", security types [1, None], result 0, ServerInit */
      gsize name_len;

      if (n < 12 + 2 + 4 + 24)
        return FALSE;
      g_assert_true (memcmp (p, "RFB 003.008\n", 12) == 0);
      g_assert_cmpuint (p[12], ==, 1);
      g_assert_cmpuint (p[13], ==, 1);
      g_assert_cmpuint (be32 (p + 14), ==, 0);
      name_len = be32 (p + 18 + 20);
      if (n < 18 + 24 + name_len)
        return FALSE;
      c->width = be16 (p + 18);
      c->height = be16 (p + 20);
      c->name = g_strndup ((const char *) p + 18 + 24, name_len);
      c->fb = g_new0 (guint32, (gsize) c->width * c->height);
      g_byte_array_remove_range (c->in, 0, 18 + 24 + name_len);
      c->ready = TRUE;
      client_request (c, FALSE);
      return TRUE;
    }

  if (n < 1)
    return FALSE;
  switch (p[0])
    {
    case 0:  /* FramebufferUpdate: raw rectangles */
      {
        gsize off = 4;
        guint nrects;

        if (n < 4)
          return FALSE;
        nrects = be16 (p + 2);
        for (guint r = 0; r < nrects; r++)
          {
            if (n < off + 12)
              return FALSE;
            if (n < off + 12 + rect_size (p + off))
              return FALSE;
            off += 12 + rect_size (p + off);
          }
        /* Complete: apply it. */
        off = 4;
        for (guint r = 0; r < nrects; r++)
          {
            int x = be16 (p + off), y = be16 (p + off + 2), w = be16 (p + off + 4), h = be16 (p + off + 6);

            if (be32 (p + off + 8) != 0)
              {
                c->cursors++;
                off += 12 + rect_size (p + off);
                continue;
              }
            g_assert_cmpint (x + w, <=, c->width);
            g_assert_cmpint (y + h, <=, c->height);
            for (int j = 0; j < h; j++)
              memcpy (c->fb + (gsize) (y + j) * c->width + x, p + off + 12 + (gsize) j * w * 4, (gsize) w * 4);
            off += 12 + (gsize) w * h * 4;
          }
        g_byte_array_remove_range (c->in, 0, off);
        c->updates++;
        client_request (c, TRUE);
        return TRUE;
      }
    case 2:  /* Bell */
      g_byte_array_remove_range (c->in, 0, 1);
      return TRUE;
    case 3:  /* ServerCutText */
      {
        guint32 len;

        if (n < 8)
          return FALSE;
        len = be32 (p + 4);
        if (n < 8 + len)
          return FALSE;
        g_free (c->cut_text);
        c->cut_text = g_strndup ((const char *) p + 8, len);
        c->cut_len = len;
        g_byte_array_remove_range (c->in, 0, 8 + len);
        return TRUE;
      }
    default:
      g_error ("unexpected server message %u", p[0]);
    }
}

static void
client_pump (Client *c,
             int     timeout_ms)
{
  struct pollfd pfd = { c->fd, POLLIN, 0 };

  if (c->closed || poll (&pfd, 1, timeout_ms) <= 0)
    return;
  for (;;)
    {
      guint8 buf[65536];
      ssize_t r = recv (c->fd, buf, sizeof buf, MSG_DONTWAIT);

      if (r == 0)
        c->closed = TRUE;
      if (r <= 0)
        break;
      c->bytes += r;
      g_byte_array_append (c->in, buf, r);
    }
  while (client_parse (c))
    ;
}

static Client *
client_new (int fd)
{
  Client *c = g_new0 (Client, 1);
  /* version, security None, shared; pixel format 32bpp depth 24 little
   * endian true colour, shifts 16/8/0; encodings: raw only. */
  static const guint8 hello[] = { 'R', 'F', 'B', ' ', '0', '0', '3', '.', '0', '0', '8', '\n', 1, 1 };
  static const guint8 format[20] = { 0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0 };
  /* raw, and RichCursor so that the server does not paint its cursor
   * into the pixels */
  static const guint8 encodings[12] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x11 };

  c->fd = fd;
  c->in = g_byte_array_new ();
  client_send (c, hello, sizeof hello);
  client_send (c, format, sizeof format);
  client_send (c, encodings, sizeof encodings);
  return c;
}

static void
client_free (Client *c)
{
  close (c->fd);
  g_byte_array_unref (c->in);
  g_free (c->name);
  g_free (c->fb);
  g_free (c->cut_text);
  g_free (c);
}

/* Runs the main context and the client until @cond holds or @ms pass. */
static gboolean
wait_until (Client   *c,
            gboolean (*cond) (Client *c, gpointer data),
            gpointer  data,
            guint     ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!cond (c, data) && g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      client_pump (c, 5);
    }
  return cond (c, data);
}

static gboolean
never (Client  *c,
       gpointer data)
{
  return FALSE;
}

typedef struct {
  int ox, oy;   /* display position of the client's (0, 0) */
  int x, y, w, h;
  guint32 xor;
  int bad;
} Area;

static gboolean
shows_region (Client  *c,
              gpointer data)
{
  Area *r = data;

  r->bad = -1;
  if (!c->ready || c->updates == 0)
    return FALSE;
  r->bad = 0;
  for (int y = r->y; y < r->y + r->h; y++)
    for (int x = r->x; x < r->x + r->w; x++)
      r->bad += (c->fb[(gsize) y * c->width + x] & 0xffffff) != (pattern (x + r->ox, y + r->oy) ^ r->xor);
  return r->bad == 0;
}

static gboolean
has_cut_text (Client  *c,
              gpointer data)
{
  return c->cut_text != NULL;
}

/* ---- a server with one accepted viewer ------------------------------------ */

typedef struct {
  TandemVncServer *server;
  Client          *client;
  guint            id;
} Fixture;

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 gpointer         data)
{
  tandem_vnc_server_accept_viewer (server, id);
}

static void
fixture_start (Fixture       *f,
               TandemCapture *capture)
{
  g_autoptr(GError) error = NULL;
  int sv[2];

  f->server = tandem_vnc_server_new (capture, "shared");
  g_signal_connect (f->server, "viewer-added", G_CALLBACK (on_viewer_added), NULL);
  g_assert_true (tandem_vnc_server_start (f->server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  f->id = tandem_vnc_server_add_viewer (f->server, sv[0], "raw client");
  f->client = client_new (sv[1]);
}

static gboolean
server_gone (Client  *c,
             gpointer data)
{
  return !tandem_vnc_server_get_running (data);
}

static void
fixture_stop (Fixture *f)
{
  tandem_vnc_server_stop (f->server);
  g_assert_true (wait_until (f->client, server_gone, f->server, WAIT_MS));
  client_free (f->client);
  g_object_unref (f->server);
}

/* CPU time of the server thread, from /proc, in ms. */
static double
server_thread_cpu_ms (void)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  double ms = -1;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *stat_path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *comm = NULL, *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_has_prefix (comm, "tandem-vnc-serv")
          || !g_file_get_contents (stat_path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
        continue;
      fields = g_strsplit (after + 2, " ", -1);
      /* fields[0] is state (field 3): utime is field 14, stime 15 */
      ms = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0
           / sysconf (_SC_CLK_TCK);
    }
  g_dir_close (dir);
  return ms;
}

/* ---- tests ---------------------------------------------------------------- */

static TandemTestXvfb *xvfb;
static Display *dpy;

static void
test_idle (void)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb));
  int w = tandem_test_xvfb_get_width (xvfb), h = tandem_test_xvfb_get_height (xvfb);
  Window win = paint_window (dpy, 0, 0, w, h, 0);
  Area all = { 0, 0, 0, 0, w, h, 0, 0 };
  TandemVncViewerInfo before, after;
  double cpu_before, cpu_after;
  guint updates;
  guint64 bytes;
  Fixture f;

  fixture_start (&f, TANDEM_CAPTURE (capture));
  g_assert_true (wait_until (f.client, shows_region, &all, WAIT_MS));
  g_assert_cmpint (f.client->width, ==, w);
  g_assert_cmpstr (f.client->name, ==, "shared");
  /* Let the first update and the cursor settle. */
  wait_until (f.client, never, NULL, 500);

  g_assert_true (tandem_vnc_server_get_viewer_info (f.server, f.id, &before));
  updates = f.client->updates;
  bytes = f.client->bytes;
  cpu_before = server_thread_cpu_ms ();

  /* Three idle seconds with an incremental request outstanding. */
  wait_until (f.client, never, NULL, 3000);

  cpu_after = server_thread_cpu_ms ();
  g_assert_true (tandem_vnc_server_get_viewer_info (f.server, f.id, &after));
  g_test_message ("idle 3 s: %u updates, %" G_GUINT64_FORMAT " bytes read, server thread %.1f ms CPU",
                  f.client->updates - updates, f.client->bytes - bytes, cpu_after - cpu_before);
  g_assert_cmpuint (f.client->updates, ==, updates);
  g_assert_cmpuint (f.client->bytes, ==, bytes);
  g_assert_cmpuint (after.frames_sent, ==, before.frames_sent);
  g_assert_cmpuint (after.bytes_sent, ==, before.bytes_sent);

  /* And it was not asleep: a change still arrives. */
  {
    Area box = { 0, 0, 10, 10, 30, 30, 0xffffff, 0 };
    Window small = paint_window (dpy, 10, 10, 30, 30, 0xffffff);

    g_assert_true (wait_until (f.client, shows_region, &box, WAIT_MS));
    g_assert_cmpuint (f.client->updates, >, updates);
    XDestroyWindow (dpy, small);
  }

  fixture_stop (&f);
  XDestroyWindow (dpy, win);
  XSync (dpy, False);
}

static void
test_monitor (void)
{
  int w = tandem_test_xvfb_get_width (xvfb), h = tandem_test_xvfb_get_height (xvfb);
  Window root = DefaultRootWindow (dpy);
  XRRMonitorInfo *left = XRRAllocateMonitor (dpy, 0), *right = XRRAllocateMonitor (dpy, 0);
  XRRMonitorInfo *monitors;
  g_autoptr(TandemX11Capture) capture = NULL;
  Window win = paint_window (dpy, 0, 0, w, h, 0);
  int n = 0, index = -1;
  Fixture f;

  /* Two monitors side by side on one Xvfb screen (RandR 1.5). */
  left->name = XInternAtom (dpy, "TANDEM-LEFT", False);
  left->x = 0;
  left->y = 0;
  left->width = w / 2;
  left->height = h;
  left->mwidth = 300;
  left->mheight = 200;
  *right = *left;
  right->name = XInternAtom (dpy, "TANDEM-RIGHT", False);
  right->x = w / 2;
  right->width = w - w / 2;
  XRRSetMonitor (dpy, root, left);
  XRRSetMonitor (dpy, root, right);
  XSync (dpy, False);
  monitors = XRRGetMonitors (dpy, root, True, &n);
  for (int i = 0; i < n; i++)
    if (monitors[i].name == right->name)
      index = i;
  XRRFreeMonitors (monitors);
  if (index < 0)
    {
      g_test_skip ("this Xvfb does not keep client-defined monitors");
      goto out;
    }

  capture = tandem_x11_capture_new_monitor (tandem_test_xvfb_get_display (xvfb), index);
  fixture_start (&f, TANDEM_CAPTURE (capture));
  {
    Area all = { w / 2, 0, 0, 0, w - w / 2, h, 0, 0 };

    g_assert_true (wait_until (f.client, shows_region, &all, WAIT_MS));
    g_assert_cmpint (f.client->width, ==, w - w / 2);
    g_assert_cmpint (f.client->height, ==, h);
  }
  fixture_stop (&f);

out:
  XRRDeleteMonitor (dpy, root, left->name);
  XRRDeleteMonitor (dpy, root, right->name);
  XFree (left);
  XFree (right);
  XDestroyWindow (dpy, win);
  XSync (dpy, False);
}

static void
test_clipboard (void)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb));
  int w = tandem_test_xvfb_get_width (xvfb), h = tandem_test_xvfb_get_height (xvfb);
  Area all = { 0, 0, 0, 0, w, h, 0, 0 };
  Window win = paint_window (dpy, 0, 0, w, h, 0);
  Fixture f;

  fixture_start (&f, TANDEM_CAPTURE (capture));
  g_assert_true (wait_until (f.client, shows_region, &all, WAIT_MS));

  /* UTF-8 in, Latin-1 on the wire; what Latin-1 lacks becomes '?'. */
  tandem_vnc_server_send_clipboard (f.server, "Grüße, café € 1");
  g_assert_true (wait_until (f.client, has_cut_text, NULL, WAIT_MS));
  g_assert_cmpuint (f.client->cut_len, ==, 15);
  g_assert_cmpmem (f.client->cut_text, f.client->cut_len, "Gr\xfc\xdf" "e, caf\xe9 ? 1", 15);

  /* The stream is still in step: a screen change still parses. */
  {
    Area box = { 0, 0, 100, 100, 20, 20, 0x00ff00, 0 };
    Window small = paint_window (dpy, 100, 100, 20, 20, 0x00ff00);

    g_assert_true (wait_until (f.client, shows_region, &box, WAIT_MS));
    XDestroyWindow (dpy, small);
  }

  fixture_stop (&f);
  XDestroyWindow (dpy, win);
  XSync (dpy, False);
}

/* What cannot be captured says so in the share layer's error domain. */
static void
test_capture_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemX11Capture) nowhere = tandem_x11_capture_new_screen (":9876");
  g_autoptr(TandemX11Capture) gone = NULL;
  Window window = paint_window (dpy, 10, 10, 50, 40, 0);

  g_assert_false (tandem_capture_open (TANDEM_CAPTURE (nowhere), &error));
  g_assert_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_DISPLAY);
  g_assert_nonnull (strstr (error->message, ":9876"));
  g_clear_error (&error);

  /* A window that closed before the share starts. */
  XDestroyWindow (dpy, window);
  XSync (dpy, False);
  gone = tandem_x11_capture_new_window (tandem_test_xvfb_get_display (xvfb), window);
  g_assert_false (tandem_capture_open (TANDEM_CAPTURE (gone), &error));
  g_assert_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_WINDOW_GONE);
}

/* ---- the security types offered -------------------------------------------- */

/* Reads exactly @len bytes, running the main context meanwhile (the
 * server accepts the viewer there).  FALSE: the server closed first. */
static gboolean
raw_read (int     fd,
          guint8 *buf,
          gsize   len)
{
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  gsize got = 0;

  while (got < len)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      ssize_t r;

      g_assert_cmpint (g_get_monotonic_time (), <, end);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (poll (&p, 1, 5) <= 0)
        continue;
      r = read (fd, buf + got, len - got);
      if (r == 0)
        return FALSE;
      g_assert_cmpint (r, >, 0);
      got += r;
    }
  return TRUE;
}

typedef enum { ASK_33, ASK_38_NONE, ASK_38_VNC_AUTH, ASK_38_ARD } Ask;

/* A raw viewer: what the server offers, and what it does with a choice. */
static void
handshake (Ask ask)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb));
  g_autoptr(GError) error = NULL;
  TandemVncServer *server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "shared");
  guint8 buf[64];
  int sv[2];

  g_signal_connect (server, "viewer-added", G_CALLBACK (on_viewer_added), NULL);
  g_assert_true (tandem_vnc_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  g_assert_cmpuint (tandem_vnc_server_add_viewer (server, sv[0], "raw"), >, 0);

  g_assert_true (raw_read (sv[1], buf, 12));
  g_assert_cmpmem (buf, 12, "RFB 003.008\n", 12);
  if (ask == ASK_33)
    {
      /* 3.3: the server imposes one type, and it must be None. */
      g_assert_cmpint (write (sv[1], "RFB 003.003\n", 12), ==, 12);
      g_assert_true (raw_read (sv[1], buf, 4));
      g_assert_cmpmem (buf, 4, "\0\0\0\x01", 4);
    }
  else
    {
      static const guint8 choice[] = { [ASK_38_NONE] = 1, [ASK_38_VNC_AUTH] = 2, [ASK_38_ARD] = 30 };

      g_assert_cmpint (write (sv[1], "RFB 003.008\n", 12), ==, 12);
      /* The list: None alone. */
      g_assert_true (raw_read (sv[1], buf, 2));
      g_assert_cmpuint (buf[0], ==, 1);
      g_assert_cmpuint (buf[1], ==, 1);
      g_assert_cmpint (write (sv[1], &choice[ask], 1), ==, 1);
      if (ask == ASK_38_NONE)
        {
          g_assert_true (raw_read (sv[1], buf, 4));   /* SecurityResult: OK */
          g_assert_cmpmem (buf, 4, "\0\0\0\0", 4);
        }
      else
        /* Anything else is refused: the connection closes, no ServerInit. */
        g_assert_false (raw_read (sv[1], buf, 1));
    }

  tandem_vnc_server_stop (server);
  TANDEM_TEST_WAIT_UNTIL (!tandem_vnc_server_get_running (server), 10000);
  g_assert_false (tandem_vnc_server_get_running (server));
  close (sv[1]);
  g_object_unref (server);
}

/* Issue 15: the consent is the SIP call's, so the server offers None only,
 * whatever the viewer's protocol version, and refuses any other choice. */
static void
test_security_types (void)
{
  handshake (ASK_33);
  handshake (ASK_38_NONE);
  handshake (ASK_38_VNC_AUTH);
  handshake (ASK_38_ARD);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  xvfb = tandem_test_xvfb_start (800, 480, &error);
  g_assert_no_error (error);
  dpy = XOpenDisplay (tandem_test_xvfb_get_display (xvfb));
  g_assert_nonnull (dpy);

  g_test_add_func ("/vnc-server/idle", test_idle);
  g_test_add_func ("/vnc-server/monitor", test_monitor);
  g_test_add_func ("/vnc-server/clipboard", test_clipboard);
  g_test_add_func ("/vnc-server/security-types", test_security_types);
  g_test_add_func ("/vnc-server/capture-errors", test_capture_errors);
  status = g_test_run ();

  XCloseDisplay (dpy);
  tandem_test_xvfb_stop (xvfb);
  return status;
}
