/* interop-baresip.c: baresip as a SIP peer of a test.  See
 * interop-baresip.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-interop"

#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

#include "interop-baresip.h"

struct _InteropBaresip
{
  InteropPeer       *peer;
  guint16            ctrl_port;
  GSocketConnection *ctrl;
  GString           *ctrl_in;   /* bytes not yet parsed */
  GPtrArray         *msgs;      /* every JSON message received, in order */
  guint              token;
};

/* ----- configuration ------------------------------------------------ */

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
write_config (InteropBaresip             *self,
              const char                 *dir,
              const InteropBaresipConfig *config)
{
  g_autofree char *wav = g_build_filename (dir, "tone.wav", NULL);
  g_autofree char *ca = config->ca_file ? g_strdup_printf ("sip_cafile\t\t%s\n", config->ca_file)
                                        : g_strdup ("");
  g_autofree char *text = NULL;
  g_autofree char *account = g_strconcat (config->account, "\n", NULL);

  /* Longer than any call of a test: aufile ends the call at the end of
   * its file. */
  if (!g_file_test (wav, G_FILE_TEST_EXISTS))
    interop_write_tone_wav (wav, 60);
  self->ctrl_port = interop_free_tcp_port ();
  text = g_strdup_printf ("poll_method\t\tepoll\n"
                          "sip_listen\t\t127.0.0.1:0\n"
                          "net_interface\t\t127.0.0.1\n"
                          "call_local_timeout\t120\n"
                          "call_max_calls\t\t4\n"
                          "audio_source\t\taufile,%s\n"
                          "audio_player\t\taubridge,sink\n"
                          "audio_alert\t\taubridge,sink\n"
                          "ausrc_srate\t\t8000\n"
                          "auplay_srate\t\t8000\n"
                          "rtp_ports\t\t20000-39999\n"
                          "module_path\t\t/usr/lib/baresip/modules\n"
                          "module\t\t\tstdio.so\n"
                          "module\t\t\tg711.so\n"
                          "%s"
                          "module\t\t\taufile.so\n"
                          "module\t\t\taubridge.so\n"
                          "module_app\t\taccount.so\n"
                          "module_app\t\tcontact.so\n"
                          "module_app\t\tmenu.so\n"
                          "module_app\t\tctrl_tcp.so\n"
                          "module_app\t\tpresence.so\n"
                          "ctrl_tcp_listen\t\t127.0.0.1:%u\n"
                          "%s"
                          "ringback_disabled\tyes\n",
                          wav, config->srtp ? "module\t\t\tsrtp.so\n" : "", self->ctrl_port, ca);
  write_file (dir, "config", text);
  write_file (dir, "accounts", account);
  write_file (dir, "contacts", config->contacts ? config->contacts : "");
}

/* ----- ctrl_tcp ----------------------------------------------------- */

static void
pump (InteropBaresip *self)
{
  GSocket *socket;
  char buf[4096];

  if (self->ctrl == NULL)
    return;
  socket = g_socket_connection_get_socket (self->ctrl);
  for (;;)
    {
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (self->ctrl_in, buf, n);
    }

  /* netstrings: <length>:<payload>, */
  for (;;)
    {
      char *colon = memchr (self->ctrl_in->str, ':', self->ctrl_in->len);
      guint64 length;
      gsize head;

      if (colon == NULL)
        break;
      length = g_ascii_strtoull (self->ctrl_in->str, NULL, 10);
      head = colon - self->ctrl_in->str + 1;
      if (self->ctrl_in->len < head + length + 1)
        break;
      g_ptr_array_add (self->msgs, g_strndup (self->ctrl_in->str + head, length));
      g_test_message ("baresip ctrl -> %s", (char *) self->msgs->pdata[self->msgs->len - 1]);
      g_string_erase (self->ctrl_in, 0, head + length + 1);
    }
}

static void
ctrl_connect (InteropBaresip *self)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (self->ctrl == NULL && g_get_monotonic_time () < deadline)
    {
      g_clear_error (&error);
      self->ctrl = g_socket_client_connect_to_host (client, "127.0.0.1", self->ctrl_port, NULL, &error);
      if (self->ctrl == NULL)
        interop_sleep_ms (100);
    }
  g_assert_no_error (error);
  g_assert_nonnull (self->ctrl);
  g_socket_set_blocking (g_socket_connection_get_socket (self->ctrl), FALSE);
}

static void
json_append_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static int
find_va (InteropBaresip *self,
         guint           from,
         va_list         needles)
{
  pump (self);
  for (guint i = from; i < self->msgs->len; i++)
    {
      const char *msg = self->msgs->pdata[i];
      gboolean all = TRUE;
      const char *needle;
      va_list ap;

      va_copy (ap, needles);
      while (all && (needle = va_arg (ap, const char *)) != NULL)
        all = strstr (msg, needle) != NULL;
      va_end (ap);
      if (all)
        return (int) i;
    }
  return -1;
}

int
interop_baresip_find (InteropBaresip *self,
                      guint           from,
                      ...)
{
  va_list ap;
  int found;

  va_start (ap, from);
  found = find_va (self, from, ap);
  va_end (ap);
  return found;
}

guint
interop_baresip_mark (InteropBaresip *self)
{
  pump (self);
  return self->msgs->len;
}

const char *
interop_baresip_command (InteropBaresip *self,
                         const char     *command,
                         const char     *params)
{
  g_autoptr(GString) json = g_string_new ("{\"command\":");
  g_autofree char *token = g_strdup_printf ("t%u", ++self->token);
  g_autofree char *token_field = g_strdup_printf ("\"token\":\"%s\"", token);
  g_autofree char *frame = NULL;
  g_autoptr(GError) error = NULL;
  int found;

  json_append_string (json, command);
  g_string_append (json, ",\"params\":");
  json_append_string (json, params ? params : "");
  g_string_append (json, ",\"token\":");
  json_append_string (json, token);
  g_string_append_c (json, '}');
  frame = g_strdup_printf ("%" G_GSIZE_FORMAT ":%s,", json->len, json->str);
  g_test_message ("baresip ctrl <- %s", json->str);

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (self->ctrl)),
                                            frame, strlen (frame), NULL, NULL, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (interop_baresip_find (self, 0, "\"response\":true", token_field, NULL) >= 0, 5000);
  found = interop_baresip_find (self, 0, "\"response\":true", token_field, NULL);
  if (found < 0)
    g_error ("baresip did not answer command %s", command);
  return self->msgs->pdata[found];
}

void
interop_baresip_command_ok (InteropBaresip *self,
                            const char     *command,
                            const char     *params)
{
  const char *response = interop_baresip_command (self, command, params);

  if (strstr (response, "\"ok\":true") == NULL)
    g_error ("baresip command %s %s failed: %s", command, params ? params : "", response);
}

void
interop_baresip_assert_event (InteropBaresip *self,
                              guint           from,
                              const char     *type,
                              const char     *extra)
{
  g_autofree char *type_field = g_strdup_printf ("\"type\":\"%s\"", type);

  INTEROP_WAIT_UNTIL (interop_baresip_find (self, from, "\"event\":true", type_field, extra, NULL) >= 0, 10000);
  if (interop_baresip_find (self, from, "\"event\":true", type_field, extra, NULL) < 0)
    g_error ("baresip sent no %s event (%s) within 10 s", type, extra ? extra : "");
}

/* ----- the process -------------------------------------------------- */

void
interop_baresip_assert_log (InteropBaresip *self,
                            gsize           from,
                            const char     *needle,
                            guint           timeout_ms)
{
  if (!interop_peer_wait_log (self->peer, from, needle, timeout_ms))
    {
      g_autofree char *tail = interop_peer_log_tail (self->peer, 3000);
      g_test_message ("baresip log (%s) ends with:\n%s",
                      interop_peer_get_log_path (self->peer), tail);
      g_error ("baresip did not print \"%s\" within %u ms", needle, timeout_ms);
    }
}

InteropBaresip *
interop_baresip_start (const char                 *dir,
                       const char                 *log_name,
                       const InteropBaresipConfig *config)
{
  InteropBaresip *self = g_new0 (InteropBaresip, 1);
  g_autofree char *log = g_build_filename (dir, log_name, NULL);
  const char *argv[] = { "baresip", "-f", dir, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_config (self, dir, config);
  self->ctrl_in = g_string_new (NULL);
  self->msgs = g_ptr_array_new_with_free_func (g_free);
  self->peer = interop_peer_spawn (argv, dir, log, &error);
  g_assert_no_error (error);
  g_test_message ("baresip pid %d, log %s, ctrl_tcp port %u",
                  (int) interop_peer_get_pid (self->peer), log, self->ctrl_port);
  interop_baresip_assert_log (self, 0, "baresip is ready.", 10000);
  interop_baresip_assert_log (self, 0, "All 1 useragent registered successfully", 10000);
  ctrl_connect (self);
  return self;
}

void
interop_baresip_stop (InteropBaresip *self)
{
  if (self == NULL)
    return;
  if (self->ctrl != NULL)
    {
      g_io_stream_close (G_IO_STREAM (self->ctrl), NULL, NULL);
      g_clear_object (&self->ctrl);
    }
  /* baresip unregisters and exits on SIGTERM. */
  interop_peer_stop (self->peer, NULL, 0);
  g_string_free (self->ctrl_in, TRUE);
  g_ptr_array_unref (self->msgs);
  g_free (self);
}

InteropPeer *
interop_baresip_get_peer (InteropBaresip *self)
{
  return self->peer;
}
