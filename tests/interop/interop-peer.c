/* interop-peer.c: foreign SIP peers as child processes.  See
 * interop-peer.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-interop"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "interop-peer.h"
#include "tandem-test-process.h"

gboolean
interop_on_poll_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
interop_sleep_ms (guint ms)
{
  gboolean never = FALSE;

  INTEROP_WAIT_UNTIL (never, ms);
}

struct _InteropPeer
{
  GSubprocess   *subprocess;
  GOutputStream *stdin_pipe;
  GPid           pid;
  char          *log_path;
  gboolean       exited;
  gboolean       wait_done;
};

static void
child_setup (gpointer user_data)
{
  setpgid (0, 0);
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  InteropPeer *self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  self->exited = TRUE;
  self->wait_done = TRUE;
}

InteropPeer *
interop_peer_spawn (const char * const *argv,
                    const char         *home,
                    const char         *log_path,
                    GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  InteropPeer *self;
  GSubprocess *subprocess;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (home != NULL)
    g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  /* The peers are test tools, not the code under test: keep GLib's
   * fatal-warnings mode and the sanitizers' options away from them. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  subprocess = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (subprocess == NULL)
    return NULL;

  self = g_new0 (InteropPeer, 1);
  self->subprocess = subprocess;
  self->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (subprocess));
  self->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (subprocess), NULL, 10);
  self->log_path = g_strdup (log_path);
  g_subprocess_wait_async (subprocess, NULL, on_wait_done, self);
  return self;
}

GPid
interop_peer_get_pid (InteropPeer *self)
{
  return self->pid;
}

gboolean
interop_peer_exited (InteropPeer *self)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return self->exited;
}

const char *
interop_peer_get_log_path (InteropPeer *self)
{
  return self->log_path;
}

void
interop_peer_send_line (InteropPeer *self,
                        const char  *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_test_message ("peer %d <- %s", (int) self->pid, line);
  if (!g_output_stream_write_all (self->stdin_pipe, text, strlen (text), NULL, NULL, &error) ||
      !g_output_stream_flush (self->stdin_pipe, NULL, &error))
    g_test_message ("peer %d: cannot write to its stdin: %s", (int) self->pid, error->message);
}

char *
interop_peer_read_log (InteropPeer *self)
{
  char *contents = NULL;

  if (!g_file_get_contents (self->log_path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

gsize
interop_peer_log_size (InteropPeer *self)
{
  GStatBuf st;

  if (g_stat (self->log_path, &st) != 0)
    return 0;
  return (gsize) st.st_size;
}

gboolean
interop_peer_log_has (InteropPeer *self,
                      gsize        from,
                      const char  *needle)
{
  g_autofree char *log = NULL;
  gsize length = 0;

  if (!g_file_get_contents (self->log_path, &log, &length, NULL) || from > length)
    return FALSE;
  /* Logs may hold NULs (none expected); strstr stops there, which only
   * makes a match less likely, never a false one. */
  return strstr (log + from, needle) != NULL;
}

gboolean
interop_peer_wait_log (InteropPeer *self,
                       gsize        from,
                       const char  *needle,
                       guint        timeout_ms)
{
  INTEROP_WAIT_UNTIL (interop_peer_log_has (self, from, needle), timeout_ms);
  return interop_peer_log_has (self, from, needle);
}

char *
interop_peer_log_tail (InteropPeer *self,
                       gsize        max_bytes)
{
  return tandem_test_read_log_tail (self->log_path, max_bytes);
}

void
interop_peer_stop (InteropPeer *self,
                   const char  *quit_command,
                   guint        grace_ms)
{
  if (self == NULL)
    return;

  if (!interop_peer_exited (self) && quit_command != NULL)
    {
      interop_peer_send_line (self, quit_command);
      INTEROP_WAIT_UNTIL (self->exited, grace_ms);
    }
  g_output_stream_close (self->stdin_pipe, NULL, NULL);
  if (!self->exited)
    {
      g_test_message ("peer %d: SIGTERM", (int) self->pid);
      kill (self->pid, SIGTERM);
      INTEROP_WAIT_UNTIL (self->exited, 3000);
    }
  /* Our own group only: the child made itself leader of group = its pid. */
  if (!self->exited || tandem_test_process_group_alive (self->pid))
    {
      g_test_message ("peer %d: SIGKILL to its group", (int) self->pid);
      kill (-self->pid, SIGKILL);
      INTEROP_WAIT_UNTIL (self->exited && !tandem_test_process_group_alive (self->pid), 3000);
    }

  if (self->wait_done)
    {
      g_object_unref (self->stdin_pipe);
      g_object_unref (self->subprocess);
      g_free (self->log_path);
      g_free (self);
    }
  else
    {
      g_test_message ("peer %d did not exit; leaking its handle", (int) self->pid);
    }
}

guint16
interop_free_tcp_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
put_le (GByteArray *out,
        guint32     value,
        guint       bytes)
{
  for (guint i = 0; i < bytes; i++)
    {
      guint8 b = (value >> (8 * i)) & 0xff;
      g_byte_array_append (out, &b, 1);
    }
}

void
interop_write_tone_wav (const char *path,
                        guint       seconds)
{
  const guint32 rate = 8000;
  guint32 samples = rate * seconds;
  g_autoptr(GByteArray) wav = g_byte_array_sized_new (44 + samples * 2);
  g_autoptr(GError) error = NULL;

  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  put_le (wav, 36 + samples * 2, 4);
  g_byte_array_append (wav, (const guint8 *) "WAVEfmt ", 8);
  put_le (wav, 16, 4);          /* fmt chunk size */
  put_le (wav, 1, 2);           /* PCM */
  put_le (wav, 1, 2);           /* mono */
  put_le (wav, rate, 4);
  put_le (wav, rate * 2, 4);    /* byte rate */
  put_le (wav, 2, 2);           /* block align */
  put_le (wav, 16, 2);          /* bits per sample */
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  put_le (wav, samples * 2, 4);
  for (guint32 i = 0; i < samples; i++)
    put_le (wav, (guint16) (gint16) (8000.0 * sin (2 * G_PI * 440.0 * i / rate)), 2);

  g_assert_true (g_file_set_contents (path, (const char *) wav->data, wav->len, &error));
  g_assert_no_error (error);
}

/* @seconds of digital silence, 8 kHz mono 16-bit PCM: what Tandem sends
 * (TANDEM_PLAY_FILE) where a test looks at the packets.  Plain, it
 * repeats byte for byte; encrypted, it never does. */
void
interop_write_silence_wav (const char *path,
                           guint       seconds)
{
  const guint32 rate = 8000;
  guint32 samples = rate * seconds;
  g_autoptr(GByteArray) wav = g_byte_array_sized_new (44 + samples * 2);
  g_autoptr(GError) error = NULL;

  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  put_le (wav, 36 + samples * 2, 4);
  g_byte_array_append (wav, (const guint8 *) "WAVEfmt ", 8);
  put_le (wav, 16, 4);
  put_le (wav, 1, 2);
  put_le (wav, 1, 2);
  put_le (wav, rate, 4);
  put_le (wav, rate * 2, 4);
  put_le (wav, 2, 2);
  put_le (wav, 16, 2);
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  put_le (wav, samples * 2, 4);
  for (guint32 i = 0; i < samples; i++)
    put_le (wav, 0, 2);

  g_assert_true (g_file_set_contents (path, (const char *) wav->data, wav->len, &error));
  g_assert_no_error (error);
}

char *
interop_make_tmp_dir (const char *name)
{
  g_autofree char *template = g_strdup_printf ("tandem-interop-%s-XXXXXX", name);
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

void
interop_remove_dir (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (path == NULL || g_getenv ("TANDEM_TEST_KEEP_DIRS") != NULL)
    return;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &status, &error))
    g_printerr ("could not remove %s: %s\n", path, error->message);
}
