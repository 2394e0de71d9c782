/* test-app.c: the real executable, run as a user would under Xvfb with its
 * own D-Bus session bus: it shows a window that is not blank, runs once
 * per profile, and answers its D-Bus actions.
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "tandem-test-app.h"
#include "tandem-test-xvfb.h"

static char *exe;

static void
test_app_version (void)
{
  const char *argv[] = { exe, "--version", NULL };
  g_autofree char *out = NULL;
  int status;

  out = tandem_test_run (argv, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "tandem "));
}

static void
test_app_window_single_instance_and_actions (void)
{
  g_autoptr(TandemTestApp) app = tandem_test_app_start ("single", NULL);
  g_autofree char *png = NULL;
  g_autofree char *state = NULL;
  int status;

  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  g_usleep (500 * 1000);  /* let it paint */
  png = tandem_test_screenshot ("main-window");
  tandem_test_assert_not_blank (png);

  /* A second start on the same profile hands its URI to the first and
   * exits; there is still one window... */
  {
    const char *argv[] = { exe, "--profile", tandem_test_app_get_profile (app), "sip:bob@tandem.test", NULL };
    g_free (tandem_test_run (argv, &status));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_false (tandem_test_app_exited (app));
    g_assert_cmpint (tandem_test_count_windows ("Tandem"), ==, 1);
  }

  /* ...and that instance opened the conversation: the open-conversation
   * action's state is the address on screen. */
  state = tandem_test_app_action_state (app, "open-conversation");
  g_assert_cmpstr (state, ==, "sip:bob@tandem.test");

  /* No call: the call actions are disabled. */
  g_assert_false (tandem_test_app_action_enabled (app, "answer"));
  g_assert_false (tandem_test_app_action_enabled (app, "hangup"));

  g_assert_true (tandem_test_app_activate (app, "set-presence", "('away', 'lunch')"));
  g_assert_true (tandem_test_app_activate (app, "quit", NULL));
  g_assert_true (tandem_test_app_wait_exit (app, 10000));

  /* The profile holds what Tandem stores. */
  {
    g_autofree char *rc = g_build_filename (tandem_test_app_get_profile (app), "linphonerc", NULL);
    g_autofree char *data = g_build_filename (tandem_test_app_get_profile (app), "data", NULL);
    g_assert_true (g_file_test (rc, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (data, G_FILE_TEST_IS_DIR));
  }
}

/* A --profile instance keeps its settings in DIR/settings.ini: what it
 * writes there survives a restart (the keyfile backend used to refuse
 * every write, so nothing was kept). */
static char *
read_setting (const char *profile,
              const char *key)
{
  g_autofree char *path = g_build_filename (profile, "settings.ini", NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_value (keyfile, "Tandem", key, NULL);
}

static void
test_app_profile_settings_kept (void)
{
  g_autoptr(TandemTestApp) app = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *note = NULL;
  g_autofree char *width = NULL;
  g_autofree char *backend = g_strdup (g_getenv ("GSETTINGS_BACKEND"));

  /* The app's own choice for a profile, not the tests' memory backend. */
  g_unsetenv ("GSETTINGS_BACKEND");
  app = tandem_test_app_start ("settings", NULL);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  g_assert_true (tandem_test_app_activate (app, "set-presence", "('away', 'lunch')"));
  g_assert_true (tandem_test_app_activate (app, "quit", NULL));
  g_assert_true (tandem_test_app_wait_exit (app, 10000));

  presence = read_setting (tandem_test_app_get_profile (app), "presence");
  note = read_setting (tandem_test_app_get_profile (app), "presence-note");
  width = read_setting (tandem_test_app_get_profile (app), "window-width");
  g_assert_cmpstr (presence, ==, "'away'");
  g_assert_cmpstr (note, ==, "'lunch'");
  g_assert_nonnull (width);  /* saved when the window closed */

  /* Restarted, it starts from what it kept and keeps it. */
  tandem_test_app_relaunch (app);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  g_assert_true (tandem_test_app_activate (app, "set-presence", "('busy', '')"));
  g_assert_true (tandem_test_app_activate (app, "quit", NULL));
  g_assert_true (tandem_test_app_wait_exit (app, 10000));
  g_clear_pointer (&presence, g_free);
  presence = read_setting (tandem_test_app_get_profile (app), "presence");
  g_assert_cmpstr (presence, ==, "'busy'");
  {
    g_autofree char *width_again = read_setting (tandem_test_app_get_profile (app), "window-width");
    g_assert_cmpstr (width_again, ==, width);
  }

  if (backend != NULL)
    g_setenv ("GSETTINGS_BACKEND", backend, TRUE);
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
  g_autoptr(TandemTestXvfb) xvfb = NULL;

  g_test_init (&argc, &argv, NULL);

  exe = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "src", "tandem", NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  xvfb = tandem_test_xvfb_start (1280, 800, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  g_test_add_func ("/app/version", test_app_version);
  g_test_add_func ("/app/window-single-instance-actions", test_app_window_single_instance_and_actions);
  g_test_add_func ("/app/bad-provision-file", test_app_bad_provision_file);
  g_test_add_func ("/app/profile-settings-kept", test_app_profile_settings_kept);

  return g_test_run ();
}
