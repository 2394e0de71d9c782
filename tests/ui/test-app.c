/* test-app.c: the installed-style executable, run as a user would under
 * Xvfb with its own D-Bus session bus: it shows a window that is not
 * blank, runs once per profile, and answers its D-Bus actions.
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "tandem-test-process.h"
#include "tandem-test-xvfb.h"

static TandemTestXvfb *xvfb;
static char *exe;
static char *outdir;

static char *
run (const char * const *argv,
     int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

/* Number of mapped top-level windows titled exactly "Tandem". */
static int
count_windows (void)
{
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--name", "^Tandem$", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status, n = 0;

  out = run (argv, &status);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      n++;
  return n;
}

static gboolean
wait_for_windows (int      n,
                  guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (count_windows () == n)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return count_windows () == n;
}

static char *
app_id_for_profile (const char *profile)
{
  g_autofree char *canonical = g_canonicalize_filename (profile, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);

  return g_strdup_printf ("io.github.tandemphone.Tandem.Profile_%.16s", sum);
}

static TandemTestProcess *
start_tandem (const char *profile)
{
  g_autofree char *log = g_build_filename (outdir, "tandem-app.log", NULL);
  const char *argv[] = { exe, "--profile", profile, NULL };
  g_autoptr(GError) error = NULL;
  TandemTestProcess *proc = tandem_test_process_spawn (argv, log, -1, -1, &error);

  g_assert_no_error (error);
  return proc;
}

static void
test_app_version (void)
{
  const char *argv[] = { exe, "--version", NULL };
  g_autofree char *out = NULL;
  int status;

  out = run (argv, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "tandem "));
}

/* The screenshot shows a real window: many colours, and the window's
 * area differs from the empty root around it. */
static void
assert_not_blank (const char *png)
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
        guint rgb = (p[0] << 16) | (p[1] << 8) | p[2];
        g_hash_table_add (colours, GUINT_TO_POINTER (rgb + 1));
      }
  g_test_message ("%s: %u distinct colours", png, g_hash_table_size (colours));
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);
}

static void
test_app_window_single_instance_and_actions (void)
{
  g_autofree char *profile = g_dir_make_tmp ("tandem-test-app-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (outdir, "main-window.png", NULL);
  g_autofree char *app_id = app_id_for_profile (profile);
  TandemTestProcess *first;
  int status;

  first = start_tandem (profile);
  g_assert_true (wait_for_windows (1, 20000));
  g_usleep (500 * 1000);  /* let it paint */

  {
    const char *argv[] = { "import", "-display", tandem_test_xvfb_get_display (xvfb),
                           "-window", "root", png, NULL };
    g_free (run (argv, &status));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    assert_not_blank (png);
  }

  /* A second start on the same profile hands its URI to the first and
   * exits; there is still one window. */
  {
    const char *argv[] = { exe, "--profile", profile, "sip:bob@tandem.test", NULL };
    g_free (run (argv, &status));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_false (tandem_test_process_exited (first));
    g_assert_cmpint (count_windows (), ==, 1);
  }

  /* ...and that instance opened the conversation: the open-conversation
   * action's state is the address on screen. */
  {
    g_autofree char *path = g_strdup_printf ("/%s", app_id);
    g_autofree char *out = NULL;
    const char *argv[] = { "gdbus", "call", "--session", "--dest", app_id, "--object-path", path,
                           "--method", "org.gtk.Actions.Describe", "open-conversation", NULL };

    g_strdelimit (path, ".", '/');
    out = run (argv, &status);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_test_message ("open-conversation: %s", out);
    g_assert_nonnull (strstr (out, "'sip:bob@tandem.test'"));
  }

  /* Actions are reachable on D-Bus under the profile's application id. */
  {
    const char *argv[] = { "gapplication", "action", app_id, "set-presence", "('away', 'lunch')", NULL };
    g_free (run (argv, &status));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *argv[] = { "gapplication", "action", app_id, "quit", NULL };
    g_free (run (argv, &status));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (tandem_test_process_wait (first, 10000));
  tandem_test_process_stop (first, 1000);

  /* The profile holds what Tandem stores. */
  {
    g_autofree char *rc = g_build_filename (profile, "linphonerc", NULL);
    g_autofree char *settings = g_build_filename (profile, "data", NULL);
    g_assert_true (g_file_test (rc, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (settings, G_FILE_TEST_IS_DIR));
  }
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", profile);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
test_app_bad_provision_file (void)
{
  const char *argv[] = { exe, "--profile", "/tmp/unused", "--provision", "/nonexistent.ini", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "Cannot read provisioning file /nonexistent.ini"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  exe = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "src", "tandem", NULL);
  outdir = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", NULL);
  g_mkdir_with_parents (outdir, 0755);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  xvfb = tandem_test_xvfb_start (1280, 800, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  g_test_add_func ("/app/version", test_app_version);
  g_test_add_func ("/app/window-single-instance-actions", test_app_window_single_instance_and_actions);
  g_test_add_func ("/app/bad-provision-file", test_app_bad_provision_file);
  status = g_test_run ();

  tandem_test_xvfb_stop (xvfb);
  return status;
}
