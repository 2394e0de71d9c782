/* tandem-vnc-connection.c: a remote screen, decoded in another process.
 *
 * libvncclient never runs in Tandem.  A connection starts
 * tandem-vnc-decoder (tandem-vnc-decoder.c) with the RFB stream and one
 * end of a control socket, and nothing else; the decoder confines itself
 * with seccomp before it reads the stream.  Everything happens on the
 * main context of the thread that made the connection: the control
 * socket is a GSource there, the remote screen is a sealed memfd the
 * decoder writes and this side maps read-only, and the widget paints
 * straight from that mapping when a REDRAW says an update is complete.
 *
 * The decoder is treated as hostile as the stream it parses: every
 * message is checked (the pixel budget, the memfd's size and seals, the
 * rectangles), and one that fails ends the view.  If the decoder crashes,
 * is killed, or its filter kills it, the control socket closes without an
 * ENDED message and the view ends with "The shared screen stopped: its
 * picture could not be decoded"; calls and other shares carry on.
 * This side keeps a copy of the stream's fd until the widget has been
 * told how the view ended, so that whoever watches the other end of the
 * stream hears of the end only after that.  Closing kills the decoder
 * (SIGKILL: it holds nothing worth saving) and closes the stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-vnc-connection"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "tandem-context.h"
#include "tandem-viewer-error.h"
#include "tandem-vnc-connection.h"
#include "tandem-vnc-decoder-protocol.h"

/* Output that the decoder does not read is dropped past this. */
#define MAX_PENDING_OUTPUT (4 * 1024 * 1024)

struct _TandemVncConnection
{
  int                           ref;
  GMainContext                 *main_context;
  GSubprocess                  *process;
  int                           stream;     /* ours, kept until the end is told */
  int                           control;
  GSource                      *control_source;
  GSource                      *output_source;
  GByteArray                   *input;
  GArray                       *input_fds;
  GByteArray                   *output;

  TandemVncConnectionCallbacks  callbacks;
  gpointer                      data;       /* NULL once closed */

  guint8                       *pixels;     /* the decoder's memfd, read-only */
  gsize                         map_size;
  int                           width, height;
  guint                         generation;

  gboolean                      got_end;
  int                           end_code, end_a, end_b;
  GError                       *spawn_error;
  gboolean                      finished;
};

static TandemVncConnection *
conn_ref (TandemVncConnection *conn)
{
  conn->ref++;
  return conn;
}

static void
stop_decoder (TandemVncConnection *conn)
{
  if (conn->control_source != NULL)
    {
      g_source_destroy (conn->control_source);
      g_clear_pointer (&conn->control_source, g_source_unref);
    }
  if (conn->output_source != NULL)
    {
      g_source_destroy (conn->output_source);
      g_clear_pointer (&conn->output_source, g_source_unref);
    }
  if (conn->control >= 0)
    {
      close (conn->control);
      conn->control = -1;
    }
  /* The stream ends once this and the decoder's copy are closed: not
   * before the widget has heard why (a share that saw the stream end
   * first would end the view without its reason). */
  if (conn->stream >= 0)
    {
      shutdown (conn->stream, SHUT_RDWR);
      close (conn->stream);
      conn->stream = -1;
    }
  if (conn->process != NULL)
    {
      /* GSubprocess reaps it. */
      g_subprocess_force_exit (conn->process);
      g_clear_object (&conn->process);
    }
  for (guint i = 0; i < conn->input_fds->len; i++)
    close (g_array_index (conn->input_fds, int, i));
  g_array_set_size (conn->input_fds, 0);
}

static void
conn_unref (TandemVncConnection *conn)
{
  if (--conn->ref > 0)
    return;
  stop_decoder (conn);
  if (conn->pixels != NULL)
    munmap (conn->pixels, conn->map_size);
  g_byte_array_unref (conn->input);
  g_array_unref (conn->input_fds);
  g_byte_array_unref (conn->output);
  g_clear_error (&conn->spawn_error);
  g_main_context_unref (conn->main_context);
  g_free (conn);
}

/* ---- the end ---------------------------------------------------------------- */

/* Why the decoder stopped, in words; NULL for a clean end. */
static GError *
end_error (TandemVncConnection *conn)
{
  if (conn->spawn_error != NULL)
    return g_error_copy (conn->spawn_error);
  if (!conn->got_end)
    return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_DECODER,
                        _("The shared screen stopped: its picture could not be decoded"));
  switch (conn->end_code)
    {
    case 0:
      return NULL;
    case TANDEM_VIEWER_ERROR_PROTOCOL:
      if (conn->end_a >= 0)
        return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                            /* Translators: %d.%d is a protocol version, e.g. 3.3 */
                            _("The remote screen uses VNC version %d.%d, which Tandem does not accept"),
                            conn->end_a, conn->end_b);
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_PROTOCOL,
                          _("The remote screen did not answer like a VNC server"));
    case TANDEM_VIEWER_ERROR_SECURITY:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_SECURITY,
                          _("The remote screen asked for VNC authentication, which Tandem does not use"));
    case TANDEM_VIEWER_ERROR_TOO_LARGE:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_TOO_LARGE,
                          /* Translators: %d×%d is the size of the other person's screen in pixels */
                          _("The shared screen is too large to show (%d×%d)"),
                          conn->end_a, conn->end_b);
    case TANDEM_VIEWER_ERROR_NO_MEMORY:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_NO_MEMORY,
                          /* Translators: %d×%d is the size of the other person's screen in pixels */
                          _("There is not enough memory to show the shared screen (%d×%d)"),
                          conn->end_a, conn->end_b);
    case TANDEM_VIEWER_ERROR_BROKEN:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_BROKEN,
                          _("The remote screen sent broken data or the connection was cut"));
    default:
      return g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_DECODER,
                          _("The shared screen stopped: its picture could not be decoded"));
    }
}

/* The decoder is gone (or must go): tell the widget, once. */
static void
finish (TandemVncConnection *conn,
        const char          *why)
{
  g_autoptr(GError) error = NULL;

  if (conn->finished)
    return;
  conn->finished = TRUE;
  if (why != NULL)
    {
      g_message ("remote screen decoder: %s", why);
      conn->got_end = FALSE;
    }
  stop_decoder (conn);
  error = end_error (conn);
  if (conn->data != NULL)
    conn->callbacks.ended (conn->data, error);
}

/* ---- from the decoder ------------------------------------------------------- */

static gboolean
take_fd (TandemVncConnection *conn,
         int                 *fd)
{
  if (conn->input_fds->len == 0)
    return FALSE;
  *fd = g_array_index (conn->input_fds, int, 0);
  g_array_remove_index (conn->input_fds, 0);
  return TRUE;
}

/* Maps the decoder's screen after checking it cannot hurt this process:
 * within the budget, as large as it says, and sealed against shrinking
 * (a shrunk file would turn our reads into SIGBUS). */
static gboolean
map_screen (TandemVncConnection *conn,
            int                  fd,
            int                  width,
            int                  height)
{
  gsize size = (gsize) width * height * 4;
  struct stat st;
  int seals;
  void *map;

  if (width <= 0 || height <= 0 || width > TANDEM_DECODER_MAX_SIDE || height > TANDEM_DECODER_MAX_SIDE
      || (gint64) width * height > TANDEM_DECODER_MAX_PIXELS || fstat (fd, &st) < 0
      || (gsize) st.st_size < size || (seals = fcntl (fd, F_GET_SEALS)) < 0 || !(seals & F_SEAL_SHRINK))
    {
      close (fd);
      return FALSE;
    }
  map = mmap (NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  close (fd);
  if (map == MAP_FAILED)
    return FALSE;
  if (conn->pixels != NULL)
    munmap (conn->pixels, conn->map_size);
  conn->pixels = map;
  conn->map_size = size;
  conn->width = width;
  conn->height = height;
  conn->generation++;
  return TRUE;
}

/* One message; FALSE: the decoder broke the protocol. */
static gboolean
handle_message (TandemVncConnection *conn,
                guint32              type,
                const guint8        *payload,
                gsize                length)
{
  gint32 v[4] = { 0 };
  const TandemVncConnectionCallbacks *cb = &conn->callbacks;

  memcpy (v, payload, MIN (length, sizeof v));
  switch (type)
    {
    case TANDEM_DECODER_CONNECTED:
      {
        g_autofree char *name = NULL;
        int fd;

        if (length < 8 || length > 8 + 1024 || conn->pixels != NULL || !take_fd (conn, &fd)
            || !map_screen (conn, fd, v[0], v[1]))
          return FALSE;
        name = g_utf8_make_valid ((const char *) payload + 8, length - 8);
        if (conn->data != NULL)
          cb->connected (conn->data, v[0], v[1], name);
      }
      break;
    case TANDEM_DECODER_RESIZED:
      {
        int fd;

        if (length != 8 || conn->pixels == NULL || !take_fd (conn, &fd) || !map_screen (conn, fd, v[0], v[1]))
          return FALSE;
        if (conn->data != NULL)
          cb->resized (conn->data, v[0], v[1]);
      }
      break;
    case TANDEM_DECODER_REDRAW:
      {
        int x1, y1, x2, y2;

        if (length != 16 || conn->pixels == NULL)
          return FALSE;
        x1 = CLAMP (v[0], 0, conn->width);
        y1 = CLAMP (v[1], 0, conn->height);
        x2 = CLAMP ((gint64) v[0] + v[2], x1, conn->width);
        y2 = CLAMP ((gint64) v[1] + v[3], y1, conn->height);
        if (x2 > x1 && y2 > y1 && conn->data != NULL)
          cb->redraw (conn->data, x1, y1, x2 - x1, y2 - y1);
      }
      break;
    case TANDEM_DECODER_CURSOR:
      {
        int w = v[2], h = v[3];
        cairo_surface_t *surface;
        guint8 *data;
        int stride;

        if (length < 16 || w <= 0 || h <= 0 || w > TANDEM_DECODER_MAX_CURSOR || h > TANDEM_DECODER_MAX_CURSOR
            || length != 16 + (gsize) w * h * 4)
          return FALSE;
        surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
        data = cairo_image_surface_get_data (surface);
        stride = cairo_image_surface_get_stride (surface);
        cairo_surface_flush (surface);
        for (int y = 0; y < h; y++)
          memcpy (data + y * stride, payload + 16 + (gsize) y * w * 4, (gsize) w * 4);
        cairo_surface_mark_dirty (surface);
        if (conn->data != NULL)
          cb->cursor (conn->data, surface, CLAMP (v[0], 0, w - 1), CLAMP (v[1], 0, h - 1));
        cairo_surface_destroy (surface);
      }
      break;
    case TANDEM_DECODER_CUT_TEXT:
      {
        g_autofree char *utf8 = g_convert ((const char *) payload, length, "UTF-8", "ISO-8859-1",
                                           NULL, NULL, NULL);

        if (utf8 != NULL && conn->data != NULL)
          cb->cut_text (conn->data, utf8);
      }
      break;
    case TANDEM_DECODER_ENDED:
      if (length != 12)
        return FALSE;
      conn->got_end = TRUE;
      conn->end_code = v[0];
      conn->end_a = v[1];
      conn->end_b = v[2];
      break;
    default:
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_control (int           fd,
            GIOCondition  condition,
            gpointer      data)
{
  TandemVncConnection *conn = conn_ref (data);
  const char *broken = NULL;
  gboolean eof = FALSE;

  /* Read what is there, with the fds that come along. */
  for (;;)
    {
      guint8 buf[64 * 1024];
      union {
        char           buf[CMSG_SPACE (8 * sizeof (int))];
        struct cmsghdr align;
      } control;
      struct iovec iov = { buf, sizeof buf };
      struct msghdr msg = { 0 };
      ssize_t n;

      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      n = recvmsg (conn->control, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); n >= 0 && c != NULL; c = CMSG_NXTHDR (&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          {
            int count = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);

            for (int i = 0; i < count; i++)
              {
                int passed;

                memcpy (&passed, CMSG_DATA (c) + i * sizeof (int), sizeof (int));
                g_array_append_val (conn->input_fds, passed);
              }
          }
      if (n <= 0)
        {
          eof = TRUE;
          break;
        }
      g_byte_array_append (conn->input, buf, n);
      if (conn->input->len > sizeof (TandemDecoderHeader) + TANDEM_DECODER_MAX_PAYLOAD)
        break;
    }

  /* Then each whole message. */
  while (broken == NULL && !conn->finished && conn->input->len >= sizeof (TandemDecoderHeader))
    {
      TandemDecoderHeader header;
      gsize total;

      memcpy (&header, conn->input->data, sizeof header);
      if (header.length > TANDEM_DECODER_MAX_PAYLOAD)
        {
          broken = "a message too large";
          break;
        }
      total = sizeof header + header.length;
      if (conn->input->len < total)
        break;
      if (!handle_message (conn, header.type, conn->input->data + sizeof header, header.length))
        broken = "a message that breaks the protocol";
      else
        g_byte_array_remove_range (conn->input, 0, total);
    }

  if (broken != NULL)
    finish (conn, broken);
  else if (eof)
    finish (conn, conn->got_end ? NULL : "it stopped without saying why (crashed or killed)");
  conn_unref (conn);
  return G_SOURCE_CONTINUE;  /* finish() destroyed the source if it is over */
}

/* ---- to the decoder --------------------------------------------------------- */

static void flush_output (TandemVncConnection *conn);

static gboolean
on_output_ready (int           fd,
                 GIOCondition  condition,
                 gpointer      data)
{
  TandemVncConnection *conn = data;

  g_clear_pointer (&conn->output_source, g_source_unref);
  flush_output (conn);
  return G_SOURCE_REMOVE;
}

static void
flush_output (TandemVncConnection *conn)
{
  while (conn->output->len > 0 && conn->control >= 0)
    {
      ssize_t n = send (conn->control, conn->output->data, conn->output->len, MSG_DONTWAIT | MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          if (conn->output_source == NULL)
            {
              conn->output_source = g_unix_fd_source_new (conn->control, G_IO_OUT);
              g_source_set_callback (conn->output_source, G_SOURCE_FUNC (on_output_ready), conn, NULL);
              g_source_attach (conn->output_source, conn->main_context);
            }
          return;
        }
      if (n <= 0)
        {
          g_byte_array_set_size (conn->output, 0);  /* gone: the control source ends the view */
          return;
        }
      g_byte_array_remove_range (conn->output, 0, n);
    }
}

static void
send_to_decoder (TandemVncConnection *conn,
                 guint32              type,
                 const gint32        *ints,
                 gsize                n_ints,
                 const char          *bytes,
                 gsize                n_bytes)
{
  TandemDecoderHeader header = { type, n_ints * sizeof (gint32) + n_bytes };

  if (conn->finished || conn->control < 0 || header.length > TANDEM_DECODER_MAX_PAYLOAD)
    return;
  if (conn->output->len + sizeof header + header.length > MAX_PENDING_OUTPUT)
    {
      g_debug ("the decoder does not read its input; dropped");
      return;
    }
  g_byte_array_append (conn->output, (const guint8 *) &header, sizeof header);
  g_byte_array_append (conn->output, (const guint8 *) ints, n_ints * sizeof (gint32));
  if (n_bytes > 0)
    g_byte_array_append (conn->output, (const guint8 *) bytes, n_bytes);
  if (conn->output_source == NULL)
    flush_output (conn);
}

/* ---- API (main thread) ------------------------------------------------------ */

static char *
find_decoder (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *path = g_getenv ("TANDEM_VNC_DECODER");

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  /* Run from the build tree: the decoder built beside it. */
  if (exe != NULL && g_str_has_prefix (exe, TANDEM_BUILD_ROOT "/"))
    return g_strdup (TANDEM_BUILD_ROOT "/src/viewer/tandem-vnc-decoder");
  return g_strdup (TANDEM_LIBEXECDIR "/tandem-vnc-decoder");
}

/* Spawning forks, which takes milliseconds (tens under ASan) that the main
 * loop must not wait for: a short-lived thread spawns, and hands the
 * process back to the main context.  The launcher, which holds the
 * decoder's ends of both sockets, goes back too, so that a failed spawn
 * is reported before the control socket closes. */
typedef struct {
  TandemVncConnection *conn;
  GSubprocessLauncher *launcher;
  char                *decoder;
  char                *quality;
  GSubprocess         *process;
  GError              *error;
  double               ms;
} Spawn;

static gboolean
on_spawned (gpointer data)
{
  Spawn *sp = data;
  TandemVncConnection *conn = sp->conn;

  if (conn->finished)
    {
      if (sp->process != NULL)
        g_subprocess_force_exit (sp->process);
    }
  else if (sp->process == NULL)
    {
      g_message ("could not start %s: %s", sp->decoder, sp->error->message);
      conn->spawn_error = g_error_new (TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_FAILED,
                                       _("The shared screen could not be shown: %s"), sp->error->message);
      finish (conn, NULL);
    }
  else
    {
      g_debug ("decoder %s is pid %s (spawned in %.1f ms)", sp->decoder,
               g_subprocess_get_identifier (sp->process), sp->ms);
      conn->process = g_steal_pointer (&sp->process);
    }

  g_clear_object (&sp->process);
  g_clear_object (&sp->launcher);  /* closes our copies of the decoder's fds */
  g_clear_error (&sp->error);
  g_free (sp->decoder);
  g_free (sp->quality);
  g_free (sp);
  conn_unref (conn);
  return G_SOURCE_REMOVE;
}

static gpointer
spawn_thread (gpointer data)
{
  Spawn *sp = data;
  gint64 start = g_get_monotonic_time ();
  sp->process = g_subprocess_launcher_spawn (sp->launcher, &sp->error, sp->decoder, sp->quality, NULL);
  sp->ms = (g_get_monotonic_time () - start) / 1000.0;
  tandem_context_post (sp->conn->main_context, on_spawned, sp, NULL);
  return NULL;
}

/* Takes @fd.  A decoder that cannot be started ends the view through the
 * ended callback, like any other end. */
TandemVncConnection *
tandem_vnc_connection_new (int                                 fd,
                           int                                 jpeg_quality,
                           const TandemVncConnectionCallbacks *callbacks,
                           gpointer                            data,
                           GError                            **error)
{
  TandemVncConnection *conn;
  Spawn *sp;
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, TANDEM_VIEWER_ERROR, TANDEM_VIEWER_ERROR_FAILED,
                   _("The shared screen could not be shown: %s"), g_strerror (saved));
      return NULL;
    }

  conn = g_new0 (TandemVncConnection, 1);
  conn->ref = 1;
  conn->main_context = g_main_context_ref_thread_default ();
  conn->control = sv[0];
  conn->stream = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  conn->input = g_byte_array_new ();
  conn->input_fds = g_array_new (FALSE, FALSE, sizeof (int));
  conn->output = g_byte_array_new ();
  conn->callbacks = *callbacks;
  conn->data = data;

  g_unix_set_fd_nonblocking (conn->control, TRUE, NULL);
  conn->control_source = g_unix_fd_source_new (conn->control, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (conn->control_source, G_SOURCE_FUNC (on_control), conn, NULL);
  g_source_attach (conn->control_source, conn->main_context);

  /* Only the stream and the control socket go to the decoder; stdin is
   * /dev/null, its log goes to ours. */
  sp = g_new0 (Spawn, 1);
  sp->conn = conn_ref (conn);
  sp->decoder = find_decoder ();
  sp->quality = g_strdup_printf ("%d", CLAMP (jpeg_quality, 0, 9));
  sp->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (sp->launcher, fd, TANDEM_DECODER_STREAM_FD);
  g_subprocess_launcher_take_fd (sp->launcher, sv[1], TANDEM_DECODER_CONTROL_FD);
  g_thread_unref (g_thread_new ("tandem-vnc-spawn", spawn_thread, sp));
  return conn;
}

/* Ends the session; no callback runs after this.  Never blocks. */
void
tandem_vnc_connection_close (TandemVncConnection *conn)
{
  if (conn == NULL)
    return;
  conn->data = NULL;
  conn->finished = TRUE;
  stop_decoder (conn);
  conn_unref (conn);
}

void
tandem_vnc_connection_pointer (TandemVncConnection *conn,
                               int                  x,
                               int                  y,
                               guint                button_mask)
{
  gint32 ints[3] = { x, y, (gint32) button_mask };

  send_to_decoder (conn, TANDEM_DECODER_POINTER, ints, 3, NULL, 0);
}

void
tandem_vnc_connection_key (TandemVncConnection *conn,
                           guint32              keysym,
                           gboolean             down)
{
  gint32 ints[2] = { (gint32) keysym, down != FALSE };

  send_to_decoder (conn, TANDEM_DECODER_KEY, ints, 2, NULL, 0);
}

/* Sent as Latin-1 cut text (what 0.9.14 handles safely). */
void
tandem_vnc_connection_cut_text (TandemVncConnection *conn,
                                const char          *utf8)
{
  g_autofree char *latin1 = g_convert_with_fallback (utf8, -1, "ISO-8859-1", "UTF-8", "?", NULL, NULL, NULL);

  if (latin1 != NULL)
    send_to_decoder (conn, TANDEM_DECODER_CLIENT_CUT_TEXT, NULL, 0, latin1, strlen (latin1));
}

void
tandem_vnc_connection_set_quality (TandemVncConnection *conn,
                                   int                  jpeg_quality)
{
  gint32 ints[1] = { CLAMP (jpeg_quality, 0, 9) };

  send_to_decoder (conn, TANDEM_DECODER_QUALITY, ints, 1, NULL, 0);
}

/* The remote screen (RGB24), as the decoder last finished it; NULL before
 * the first frame.  Main thread only: "lock" is kept for the callers. */
const guint8 *
tandem_vnc_connection_lock (TandemVncConnection *conn,
                            int                 *width,
                            int                 *height,
                            int                 *stride,
                            guint               *generation)
{
  *width = conn->width;
  *height = conn->height;
  *stride = conn->width * 4;
  *generation = conn->generation;
  return conn->pixels;
}

void
tandem_vnc_connection_unlock (TandemVncConnection *conn)
{
}
