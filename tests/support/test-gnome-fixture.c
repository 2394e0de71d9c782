/* test-gnome-fixture.c: the headless GNOME session comes up with the
 * portals on its private bus, a seeded ScreenCast token is stored, and the
 * stop leaves no process, mount or directory behind.
 */
#define G_LOG_DOMAIN "test-gnome-fixture"

#include "tandem-test-gnome.h"
#include "tandem-test-process.h"

static void
test_session (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestGnome *gnome = tandem_test_gnome_start (800, 600, &error);
  g_autofree char *runtime_dir = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) version = NULL;
  GPid mutter;

  g_assert_no_error (error);
  runtime_dir = g_strdup (tandem_test_gnome_get_runtime_dir (gnome));
  mutter = tandem_test_gnome_get_mutter_pid (gnome);
  g_assert_cmpstr (g_getenv ("XDG_RUNTIME_DIR"), ==, runtime_dir);
  g_assert_cmpstr (g_getenv ("XDG_SESSION_TYPE"), ==, "wayland");
  g_assert_nonnull (g_getenv ("WAYLAND_DISPLAY"));

  /* The ScreenCast portal answers on the private bus. */
  reply = g_dbus_connection_call_sync (tandem_test_gnome_get_bus (gnome), "org.freedesktop.portal.Desktop",
                                       "/org/freedesktop/portal/desktop",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.freedesktop.portal.ScreenCast", "version"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &version);
  g_assert_cmpuint (g_variant_get_uint32 (version), >=, 4);

  token = tandem_test_gnome_seed_screencast_token (gnome, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (token));

  tandem_test_gnome_stop (gnome);
  g_assert_false (tandem_test_process_group_alive (mutter));
  g_assert_false (g_file_test (runtime_dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fixtures/gnome/session", test_session);
  return g_test_run ();
}
