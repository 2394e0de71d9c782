/* tandem-test-app.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-app"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include <signal.h>

#include "tandem-test-app.h"

struct _TandemTestApp
{
  char              *name;
  char              *profile;
  char              *app_id;
  TandemTestProcess *process;
  guint              launches;
  char              *netns;       /* runs there (ip netns exec), or NULL */
};

/* <build dir>/A[/B] */
static char *
build_path (const char *a,
            const char *b)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  g_assert_nonnull (build);
  return g_build_filename (build, a, b, NULL);
}

char *
tandem_test_run (const char * const *argv,
                 int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

char *
tandem_test_app_id_for_profile (const char *profile)
{
  g_autofree char *canonical = g_canonicalize_filename (profile, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);

  return g_strdup_printf ("io.github.tandemphone.Tandem.Profile_%.16s", sum);
}

/* Prepends `ip netns exec @netns` to @argv when @netns is set: ip execs
 * tandem in the namespace, so the pid stays tandem's.  The app reaches
 * Xvfb and the session bus through their socket files (abstract sockets
 * belong to a network namespace). */
static void
add_netns_prefix (GPtrArray  *argv,
                  const char *netns)
{
  if (netns == NULL)
    return;
  g_ptr_array_add (argv, "ip");
  g_ptr_array_add (argv, "netns");
  g_ptr_array_add (argv, "exec");
  g_ptr_array_add (argv, (char *) netns);
}

TandemTestApp *
tandem_test_app_start (const char *name,
                       const char *provision_text)
{
  return tandem_test_app_start_in_netns (name, provision_text, NULL);
}

/* The same, inside the network namespace @netns (e.g. one side of a
 * TandemTestNetlink); relaunches stay there. */
TandemTestApp *
tandem_test_app_start_in_netns (const char *name,
                                const char *provision_text,
                                const char *netns)
{
  TandemTestApp *self = g_new0 (TandemTestApp, 1);
  g_autofree char *template = g_strdup_printf ("tandem-test-%s-XXXXXX", name);
  g_autofree char *exe = build_path ("src", "tandem");
  g_autofree char *logname = g_strdup_printf ("tandem-%s.log", name);
  g_autofree char *log = build_path ("screenshots", logname);
  g_autofree char *ini = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *argv = g_ptr_array_new ();
  g_autofree char *log_dir = g_path_get_dirname (log);

  g_mkdir_with_parents (log_dir, 0755);
  self->name = g_strdup (name);
  self->netns = g_strdup (netns);
  self->profile = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  self->app_id = tandem_test_app_id_for_profile (self->profile);

  add_netns_prefix (argv, self->netns);
  g_ptr_array_add (argv, exe);
  g_ptr_array_add (argv, "--profile");
  g_ptr_array_add (argv, self->profile);
  if (provision_text != NULL)
    {
      ini = g_build_filename (self->profile, "provision.ini", NULL);
      g_assert_true (g_file_set_contents (ini, provision_text, -1, &error));
      g_ptr_array_add (argv, "--provision");
      g_ptr_array_add (argv, ini);
    }
  g_ptr_array_add (argv, NULL);

  self->process = tandem_test_process_spawn ((const char * const *) argv->pdata, log, -1, -1, &error);
  g_assert_no_error (error);
  g_ptr_array_free (argv, TRUE);

  return self;
}

void
tandem_test_app_stop (TandemTestApp *self)
{
  g_autofree char *cmd = NULL;

  if (self == NULL)
    return;

  tandem_test_process_stop (self->process, 3000);
  cmd = g_strdup_printf ("rm -rf '%s'", self->profile);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", self->profile);
  g_free (self->profile);
  g_free (self->name);
  g_free (self->netns);
  g_free (self->app_id);
  g_free (self);
}

const char *
tandem_test_app_get_profile (TandemTestApp *self)
{
  return self->profile;
}

const char *
tandem_test_app_get_id (TandemTestApp *self)
{
  return self->app_id;
}

/* What the current launch of @self logged so far. */
char *
tandem_test_app_dup_log (TandemTestApp *self)
{
  g_autofree char *logname = self->launches == 0
    ? g_strdup_printf ("tandem-%s.log", self->name)
    : g_strdup_printf ("tandem-%s-%u.log", self->name, self->launches);
  g_autofree char *log = build_path ("screenshots", logname);
  char *text = NULL;

  if (!g_file_get_contents (log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

GPid
tandem_test_app_get_pid (TandemTestApp *self)
{
  return tandem_test_process_get_pid (self->process);
}

gboolean
tandem_test_app_exited (TandemTestApp *self)
{
  return tandem_test_process_exited (self->process);
}

gboolean
tandem_test_app_wait_exit (TandemTestApp *self,
                           guint          timeout_ms)
{
  return tandem_test_process_wait (self->process, timeout_ms);
}

gboolean
tandem_test_app_activate (TandemTestApp *self,
                          const char    *action,
                          const char    *parameter)
{
  const char *argv[] = { "gapplication", "action", self->app_id, action, parameter, NULL };
  g_autofree char *out = NULL;
  int status;

  out = tandem_test_run (argv, &status);
  return g_spawn_check_wait_status (status, NULL);
}

/* org.gtk.Actions.Describe returns (bgav): enabled, signature, state. */
static GVariant *
describe (TandemTestApp *self,
          const char    *action)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *path = g_strdup_printf ("/%s", self->app_id);

  g_strdelimit (path, ".", '/');
  return g_dbus_connection_call_sync (bus, self->app_id, path, "org.gtk.Actions", "Describe",
                                      g_variant_new ("(s)", action), G_VARIANT_TYPE ("((bgav))"),
                                      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
}

gboolean
tandem_test_app_action_enabled (TandemTestApp *self,
                                const char    *action)
{
  g_autoptr(GVariant) reply = describe (self, action);
  gboolean enabled = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "((bg@av))", &enabled, NULL, NULL);
  return enabled;
}

char *
tandem_test_app_action_state (TandemTestApp *self,
                              const char    *action)
{
  g_autoptr(GVariant) reply = describe (self, action);
  g_autoptr(GVariant) states = NULL;
  g_autoptr(GVariant) boxed = NULL;
  g_autoptr(GVariant) state = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "((bg@av))", NULL, NULL, &states);
  if (g_variant_n_children (states) == 0)
    return NULL;
  boxed = g_variant_get_child_value (states, 0);
  state = g_variant_get_variant (boxed);
  return g_variant_is_of_type (state, G_VARIANT_TYPE_STRING)
    ? g_variant_dup_string (state, NULL) : g_variant_print (state, FALSE);
}

gboolean
tandem_test_app_wait_enabled (TandemTestApp *self,
                              const char    *action,
                              gboolean       enabled,
                              guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (tandem_test_app_action_enabled (self, action) == enabled)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return tandem_test_app_action_enabled (self, action) == enabled;
}

void
tandem_test_app_call_until_ringing (TandemTestApp *caller,
                                    TandemTestApp *callee,
                                    const char    *address)
{
  g_autofree char *param = g_strdup_printf ("'%s'", address);

  for (int attempt = 0; attempt < 20; attempt++)
    {
      g_assert_true (tandem_test_app_activate (caller, "call", param));
      if (tandem_test_app_wait_enabled (callee, "answer", TRUE, 3000))
        return;
      tandem_test_app_activate (caller, "hangup", NULL);
      tandem_test_app_wait_enabled (caller, "hangup", FALSE, 5000);
    }
  g_assert_not_reached ();
}

int
tandem_test_count_windows (const char *title)
{
  g_autofree char *pattern = g_strdup_printf ("^%s$", title);
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--name", pattern, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status, n = 0;

  out = tandem_test_run (argv, &status);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      n++;
  return n;
}

gboolean
tandem_test_wait_for_windows (const char *title,
                              int         n,
                              guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (tandem_test_count_windows (title) == n)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return tandem_test_count_windows (title) == n;
}

/* Screenshot of the whole display into <build>/screenshots/NAME.png. */
char *
tandem_test_screenshot (const char *name)
{
  g_autofree char *dir = build_path ("screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *png = g_build_filename (dir, file, NULL);
  const char *argv[] = { "import", "-window", "root", png, NULL };
  int status;

  g_mkdir_with_parents (dir, 0755);
  g_free (tandem_test_run (argv, &status));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("screenshot: %s", png);
  return png;
}

/* A real window shows many colours; an empty or black display does not. */
void
tandem_test_assert_not_blank (const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  int w, h, stride, nch;
  const guchar *px;

  g_assert_no_error (error);
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  nch = gdk_pixbuf_get_n_channels (pixbuf);
  px = gdk_pixbuf_read_pixels (pixbuf);
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2)
      {
        const guchar *p = px + y * stride + x * nch;
        g_hash_table_add (colours, GUINT_TO_POINTER (((p[0] << 16) | (p[1] << 8) | p[2]) + 1));
      }
  g_test_message ("%s: %u distinct colours", png, g_hash_table_size (colours));
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);
}

/* SIGKILL, as a crash or a power cut would end it. */
void
tandem_test_app_kill (TandemTestApp *self)
{
  kill (tandem_test_process_get_pid (self->process), SIGKILL);
  g_assert_true (tandem_test_process_wait (self->process, 5000));
}

/* Starts it again on the same profile (after tandem_test_app_kill()). */
void
tandem_test_app_relaunch (TandemTestApp *self)
{
  g_autofree char *exe = build_path ("src", "tandem");
  g_autofree char *logname = g_strdup_printf ("tandem-%s-%u.log", self->name, ++self->launches);
  g_autofree char *log = build_path ("screenshots", logname);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  add_netns_prefix (argv, self->netns);
  g_ptr_array_add (argv, exe);
  g_ptr_array_add (argv, "--profile");
  g_ptr_array_add (argv, self->profile);
  g_ptr_array_add (argv, NULL);
  tandem_test_process_stop (self->process, 0);
  self->process = tandem_test_process_spawn ((const char * const *) argv->pdata, log, -1, -1, &error);
  g_assert_no_error (error);
}

char *
tandem_test_app_provision (TandemTestKamailio *world,
                           const char         *me,
                           const char         *peer,
                           const char         *transport,
                           const char         *extra)
{
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, transport);

  return g_strdup_printf ("[network]\nbind-address=127.0.0.1\n"
                          "[account %s]\nidentity=sip:%s@tandem.test\npassword=%s-pw\n"
                          "server=%s\ntransport=%s\n"
                          "[contact %s]\naddress=sip:%s@tandem.test\n%s",
                          me, me, me, proxy, transport, peer, peer, extra ? extra : "");
}
