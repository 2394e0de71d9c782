/* test-keyring.c: account passwords go to the Secret Service when one
 * runs (a gnome-keyring-daemon started here, on the private bus of
 * dbus-run-session) and never into the profile; without one, the profile
 * keeps only the digest hash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "tandem-manager.h"
#include "tandem-secrets.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-wait.h"
#include "tandem-test-process.h"

static TandemTestKamailio *world;
static char *tmp;

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

static TandemManager *
start (const char *profile)
{
  g_autoptr(GError) error = NULL;
  TandemManager *manager = tandem_manager_new (profile);

  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);
  return manager;
}

static char *
read_rc (const char *profile)
{
  g_autofree char *path = g_build_filename (profile, "linphonerc", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Whether the keyring holds @password (NULL: nothing) for @identity. */
static gboolean
has_secret (const char *profile,
            const char *identity,
            const char *password)
{
  g_autofree char *secret = tandem_secrets_lookup (profile, identity, NULL);

  return g_strcmp0 (secret, password) == 0;
}

static void
test_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (tmp, "keyring-profile", NULL);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  g_autofree char *rc = NULL;
  g_autofree char *secret = NULL;
  TandemManager *manager;
  TandemAccount *account;

  g_assert_true (tandem_secrets_available ());
  manager = start (profile);
  g_assert_cmpstr (tandem_accounts_get_password_storage (tandem_manager_get_accounts (manager)), ==, "keyring");

  account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:alice@tandem.test", "alice-pw", proxy,
                                        TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);

  /* The keyring keeps it (stored asynchronously). */
  WAIT_UNTIL (has_secret (profile, "sip:alice@tandem.test", "alice-pw"), 10000);
  secret = tandem_secrets_lookup (profile, "sip:alice@tandem.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "alice-pw");

  /* A restart signs in with the password from the keyring... */
  tandem_manager_stop (manager);
  g_object_unref (manager);
  rc = read_rc (profile);
  g_assert_null (strstr (rc, "alice-pw"));
  g_assert_null (strstr (rc, "ha1=")); /* nothing of the credentials */
  manager = start (profile);
  account = g_list_model_get_item (G_LIST_MODEL (tandem_manager_get_accounts (manager)), 0);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);

  /* ...and removing the account removes its password. */
  g_assert_true (tandem_accounts_remove (tandem_manager_get_accounts (manager), account, &error));
  g_assert_no_error (error);
  g_object_unref (account);
  g_clear_pointer (&secret, g_free);
  WAIT_UNTIL (has_secret (profile, "sip:alice@tandem.test", NULL), 10000);
  secret = tandem_secrets_lookup (profile, "sip:alice@tandem.test", &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_no_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (tmp, "plain-profile", NULL);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  g_autofree char *rc = NULL;
  TandemManager *manager;
  TandemAccount *account;

  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  manager = start (profile);
  g_unsetenv ("TANDEM_NO_KEYRING");
  g_assert_cmpstr (tandem_accounts_get_password_storage (tandem_manager_get_accounts (manager)), ==, "profile");

  account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:bob@tandem.test", "bob-pw", proxy,
                                        TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  tandem_manager_stop (manager);
  g_object_unref (manager);

  /* The profile holds the digest hash, not the password. */
  rc = read_rc (profile);
  g_assert_null (strstr (rc, "bob-pw"));
  g_assert_nonnull (strstr (rc, "ha1="));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *log = NULL;
  TandemTestProcess *keyring;
  /* A password on stdin makes --unlock create the "login" keyring, the
   * default collection, as at a desktop login. */
  const char *keyring_argv[] = { "sh", "-c",
                                 "printf test-login | exec gnome-keyring-daemon --foreground --unlock "
                                 "--components=secrets", NULL };
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("run under dbus-run-session\n");
      return 1;
    }
  g_assert_nonnull (daemon);

  tmp = g_dir_make_tmp ("tandem-test-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  home = g_build_filename (tmp, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  log = g_build_filename (tmp, "keyring.log", NULL);
  keyring = tandem_test_process_spawn (keyring_argv, log, -1, -1, &error);
  g_assert_no_error (error);
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (!tandem_secrets_available () && g_get_monotonic_time () < deadline)
      g_usleep (50 * 1000);
  }

  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_test_add_func ("/service/keyring/store-and-restart", test_keyring);
  g_test_add_func ("/service/keyring/none", test_no_keyring);
  status = g_test_run ();

  tandem_test_kamailio_stop (world);
  tandem_test_process_stop (keyring, 2000);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp);
  }
  return status;
}
