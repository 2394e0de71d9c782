/* test-keyring-prompt.c: a keyring that asks does not freeze Tandem.
 *
 * A gnome-keyring-daemon with no login keyring, as on a machine where
 * nobody unlocked one (the demo's situation), on the private bus of
 * dbus-run-session; its prompts (gcr-prompter) open on an Xvfb display.
 *
 *   - A new account's password: the keyring asks to create a keyring.
 *     While it asks, the account signs in and the window works; once the
 *     prompt is answered the keyring keeps the password.
 *   - A restart with the keyring locked: the keyring asks to unlock it.
 *     Meanwhile the window says "Unlock your keyring to sign in as alice";
 *     once unlocked, alice signs in.
 *
 * The prompts are answered the way a user does: typing into them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "tandem-manager.h"
#include "tandem-secrets.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-process.h"
#include "tandem-test-ui.h"
#include "tandem-test-wait.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"
#include "tandem-window.h"

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)
#define KEYRING_PASSWORD "keyring-pw"

static TandemTestKamailio *world;
static GtkApplication *app;
static char *tmp;

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

static gboolean
has_secret (const char *profile,
            const char *identity,
            const char *password)
{
  g_autofree char *secret = tandem_secrets_lookup (profile, identity, NULL);

  return g_strcmp0 (secret, password) == 0;
}

/* The X window of gcr-prompter's dialog, or 0. */
static gulong
find_prompt (void)
{
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--classname", "gcr-prompter", NULL };
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL) || out == NULL)
    return 0;
  return strtoul (out, NULL, 10);
}

/* Types @password into the prompt (focused first), again into its
 * confirmation field if @confirm, and presses Return. */
static void
answer_prompt (gulong      window,
               const char *password,
               gboolean    confirm)
{
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (confirm)
    cmd = g_strdup_printf ("sh -c 'xdotool windowactivate --sync %lu; xdotool windowfocus --sync %lu; "
                           "xdotool type --delay 30 %s; xdotool key Tab; "
                           "xdotool type --delay 30 %s; xdotool key Return'",
                           window, window, password, password);
  else
    cmd = g_strdup_printf ("sh -c 'xdotool windowactivate --sync %lu; xdotool windowfocus --sync %lu; "
                           "xdotool type --delay 30 %s; xdotool key Return'",
                           window, window, password);
  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL));
}

static const char *
account_state_text (GtkWidget *window)
{
  return gtk_label_get_text (GTK_LABEL (tandem_test_find_named (window, "account_state_label")));
}

/* Locks the default collection, as a new login session would find it. */
static void
lock_keyring (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *paths[] = { "/org/freedesktop/secrets/aliases/default", NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(^ao)", paths), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
test_keyring_prompts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (tmp, "prompt-profile", NULL);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  TandemManager *manager;
  TandemAccount *account;
  GtkWidget *window;
  gulong prompt;

  /* 1. A new account: the keyring asks to create a keyring for it. */
  manager = start (profile);
  window = GTK_WIDGET (tandem_window_new (app, manager, NULL));
  gtk_widget_show (window);
  account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:alice@tandem.test", "alice-pw", proxy,
                                        TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL ((prompt = find_prompt ()) != 0, 20000);
  g_assert_cmpuint (prompt, !=, 0);
  /* While it asks, the main loop runs: alice signs in, the window says so. */
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  tandem_test_flush_events ();
  g_assert_cmpstr (account_state_text (window), ==, "Online");
  g_assert_cmpuint (find_prompt (), ==, prompt);   /* still asking */
  g_assert_false (has_secret (profile, "sip:alice@tandem.test", "alice-pw"));
  /* The user answers: a password for the new keyring, twice. */
  answer_prompt (prompt, KEYRING_PASSWORD, TRUE);
  WAIT_UNTIL (has_secret (profile, "sip:alice@tandem.test", "alice-pw"), 20000);
  g_assert_true (has_secret (profile, "sip:alice@tandem.test", "alice-pw"));
  g_assert_cmpstr (tandem_accounts_get_password_storage (tandem_manager_get_accounts (manager)), ==, "keyring");
  gtk_widget_destroy (window);
  tandem_manager_stop (manager);
  g_object_unref (manager);

  /* 2. A restart with the keyring locked: it asks to unlock. */
  lock_keyring ();
  manager = start (profile);
  window = GTK_WIDGET (tandem_window_new (app, manager, NULL));
  gtk_widget_show (window);
  account = g_list_model_get_item (G_LIST_MODEL (tandem_manager_get_accounts (manager)), 0);
  WAIT_UNTIL ((prompt = find_prompt ()) != 0, 20000);
  g_assert_cmpuint (prompt, !=, 0);
  tandem_test_flush_events ();
  g_assert_true (tandem_account_get_waiting_for_keyring (account));
  g_assert_cmpstr (account_state_text (window), ==, "Unlock your keyring to sign in as alice");
  /* For the screenshot: the prompt below the account's state. */
  {
    g_autofree char *cmd = g_strdup_printf ("xdotool windowmove --sync %lu 150 300", prompt);

    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
    tandem_test_flush_events ();
  }
  g_assert_true (tandem_test_save_screenshot (window, "window-unlock-keyring", &error));
  g_assert_no_error (error);
  /* The window works meanwhile: a conversation opens. */
  tandem_window_open_conversation (TANDEM_WINDOW (window), "sip:bob@tandem.test");
  tandem_test_flush_events ();
  g_assert_nonnull (tandem_test_find_label (window, "sip:bob@tandem.test"));

  answer_prompt (prompt, KEYRING_PASSWORD, FALSE);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 20000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  g_assert_false (tandem_account_get_waiting_for_keyring (account));
  tandem_test_flush_events ();
  g_assert_cmpstr (account_state_text (window), ==, "Online");

  g_object_unref (account);
  gtk_widget_destroy (window);
  tandem_manager_stop (manager);
  g_object_unref (manager);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  g_autofree char *home = NULL;
  g_autofree char *log = NULL;
  TandemTestProcess *keyring;
  /* No --unlock: no login keyring, nothing unlocked. */
  const char *keyring_argv[] = { "gnome-keyring-daemon", "--foreground", "--components=secrets", NULL };
  int status;

  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("run under dbus-run-session\n");
      return 1;
    }

  tmp = g_dir_make_tmp ("tandem-test-keyring-prompt-XXXXXX", &error);
  g_assert_no_error (error);
  home = g_build_filename (tmp, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);

  xvfb = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  tandem_ui_init ();
  gtk_test_init (&argc, &argv, NULL);

  /* gcr-prompter is started by the bus: on this display, this home. */
  {
    g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
    g_autoptr(GVariantBuilder) env = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
    g_autoptr(GVariant) reply = NULL;

    g_assert_no_error (error);
    g_variant_builder_add (env, "{ss}", "DISPLAY", g_getenv ("DISPLAY"));
    g_variant_builder_add (env, "{ss}", "HOME", home);
    g_variant_builder_add (env, "{ss}", "XDG_DATA_HOME", home);
    g_variant_builder_add (env, "{ss}", "GSETTINGS_BACKEND", "memory");
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "UpdateActivationEnvironment",
                                         g_variant_new ("(a{ss})", env), NULL,
                                         G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
    g_assert_no_error (error);
  }

  log = g_build_filename (tmp, "keyring.log", NULL);
  keyring = tandem_test_process_spawn (keyring_argv, log, -1, -1, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_secrets_available (), 5000);
  g_assert_true (tandem_secrets_available ());

  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  app = gtk_application_new ("io.github.tandemphone.Tandem.KeyringTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/keyring/prompts-do-not-block", test_keyring_prompts);
  status = g_test_run ();

  g_clear_object (&app);
  tandem_test_kamailio_stop (world);
  tandem_test_process_stop (keyring, 2000);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmp);
  }
  return status;
}
