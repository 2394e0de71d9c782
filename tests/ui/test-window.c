/* test-window.c: the real main window, built in-process on an Xvfb
 * display from its GtkBuilder template, bound to a running manager.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "tandem-contact-row.h"
#include "tandem-preferences-window.h"
#include "tandem-reason-label.h"
#include "tandem-manager.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-ui.h"
#include "tandem-test-wait.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"
#include "tandem-window.h"

static TandemManager *manager;
static GtkApplication *app;

static TandemWindow *
new_window (void)
{
  TandemWindow *window = tandem_window_new (app, manager, NULL);

  gtk_widget_show (GTK_WIDGET (window));
  tandem_test_flush_events ();
  return window;
}

static void
test_window_empty_state (void)
{
  TandemWindow *window = new_window ();

  /* No account yet: the welcome page, with its way to add one. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (tandem_test_find_named (GTK_WIDGET (window), "main_stack"))),
                   ==, "welcome");
  g_assert_nonnull (tandem_test_find_label (GTK_WIDGET (window), "Welcome to Tandem"));
  g_assert_nonnull (tandem_test_find_label (GTK_WIDGET (window), "No account"));
  gtk_widget_destroy (GTK_WIDGET (window));
}

static gboolean
label_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static void
test_preferences_add_account (void)
{
  g_autoptr(GError) error = NULL;
  TandemWindow *window = new_window ();
  GtkWidget *prefs = tandem_preferences_window_new (GTK_WINDOW (window), manager, NULL, "accounts");
  GtkWidget *identity, *server, *add, *error_label;

  gtk_widget_show (prefs);
  tandem_test_flush_events ();
  identity = tandem_test_find_named (prefs, "identity_entry");
  server = tandem_test_find_named (prefs, "server_entry");
  add = tandem_test_find_named (prefs, "add_account_button");
  error_label = tandem_test_find_named (prefs, "account_error_label");

  /* A bad address: the form says why and adds nothing. */
  gtk_entry_set_text (GTK_ENTRY (identity), "jane at example org");
  gtk_button_clicked (GTK_BUTTON (add));
  g_assert_true (tandem_test_wait_for (label_visible, error_label, 1000));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "not a valid SIP address"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 0);

  /* What people type, without "sip:". */
  gtk_entry_set_text (GTK_ENTRY (identity), "jane@tandem.test");
  gtk_entry_set_text (GTK_ENTRY (server), "sip:127.0.0.1:9");
  gtk_button_clicked (GTK_BUTTON (add));
  tandem_test_flush_events ();
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 1);
  g_assert_nonnull (tandem_test_find_label (prefs, "sip:jane@tandem.test"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (tandem_test_find_named (GTK_WIDGET (window), "main_stack"))),
                   ==, "empty");

  g_assert_true (tandem_test_save_screenshot (prefs, "preferences-accounts", &error));
  g_assert_no_error (error);

  /* Removing it from the list. */
  gtk_button_clicked (GTK_BUTTON (tandem_test_find_widget (tandem_test_find_named (prefs, "accounts_list"),
                                                           GTK_TYPE_BUTTON)));
  tandem_test_flush_events ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 0);

  gtk_widget_destroy (prefs);
  gtk_widget_destroy (GTK_WIDGET (window));
}

static GList *
contact_rows (TandemWindow *window)
{
  GtkWidget *list = GTK_WIDGET (tandem_test_find_label (GTK_WIDGET (window), "bob"));

  /* label -> box -> box -> row -> list box */
  g_assert_nonnull (list);
  while (list != NULL && !GTK_IS_LIST_BOX (list))
    list = gtk_widget_get_parent (list);
  g_assert_nonnull (list);
  return gtk_container_get_children (GTK_CONTAINER (list));
}

static gboolean
search_applied (gpointer data)
{
  GList *rows = data;

  return !gtk_widget_get_visible (rows->data);
}

static void
test_window_contacts_and_search (void)
{
  g_autoptr(GError) error = NULL;
  TandemWindow *window;
  g_autoptr(GList) rows = NULL;
  GtkWidget *search;
  guint visible = 0;

  g_assert_nonnull (tandem_contacts_add (tandem_manager_get_contacts (manager), "bob", "sip:bob@tandem.test", &error));
  g_assert_no_error (error);
  g_assert_nonnull (tandem_contacts_add (tandem_manager_get_contacts (manager), "carol", "sip:carol@tandem.test", &error));
  g_assert_no_error (error);
  /* A bad address is refused with a clear message. */
  g_assert_null (tandem_contacts_add (tandem_manager_get_contacts (manager), "x", "bob at example", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "not a valid SIP address"));
  g_clear_error (&error);

  window = new_window ();
  rows = contact_rows (window);
  g_assert_cmpuint (g_list_length (rows), ==, 2);

  /* Accessible names carry the presence. */
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (rows->data)), ==, "bob, Offline");

  /* Type into the search entry the way a user would. */
  search = tandem_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (search);
  gtk_entry_set_text (GTK_ENTRY (search), "car");
  tandem_test_wait_for (search_applied, rows, 2000);
  for (GList *l = rows; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data))
      {
        visible++;
        g_assert_cmpstr (tandem_contact_get_name (tandem_contact_row_get_contact (l->data)), ==, "carol");
      }
  g_assert_cmpuint (visible, ==, 1);

  /* Opening a conversation with a known contact selects its row. */
  tandem_window_open_conversation (window, "sip:carol@tandem.test");
  tandem_test_flush_events ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (tandem_test_find_named (GTK_WIDGET (window), "peer_name_label"))),
                   ==, "carol");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (tandem_test_find_named (GTK_WIDGET (window), "main_stack"))),
                   ==, "conversation");

  /* An unknown address still opens, marked as such. */
  tandem_window_open_conversation (window, "sip:dave@tandem.test");
  tandem_test_flush_events ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (tandem_test_find_named (GTK_WIDGET (window), "peer_status_label"))),
                   ==, "sip:dave@tandem.test · Not in your contacts");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (tandem_test_find_named (GTK_WIDGET (window), "peer_name_label"))),
                   ==, "sip:dave@tandem.test");

  g_assert_true (tandem_test_save_screenshot (GTK_WIDGET (window), "window-contacts", &error));
  g_assert_no_error (error);
  gtk_widget_destroy (GTK_WIDGET (window));
}

static void
test_sign_in_failure_wording (void)
{
  g_autofree char *auth = tandem_describe_sign_in_failure ("401 Unauthorized");
  g_autofree char *io = tandem_describe_sign_in_failure ("503 io error");
  g_autofree char *other = tandem_describe_sign_in_failure ("500 Server Internal Error");
  g_autofree char *none = tandem_describe_sign_in_failure (NULL);

  g_assert_cmpstr (auth, ==, "Wrong user name or password (401 Unauthorized)");
  g_assert_cmpstr (io, ==, "The server cannot be reached (503 io error)");
  g_assert_cmpstr (other, ==, "Sign-in failed: 500 Server Internal Error");
  g_assert_cmpstr (none, ==, "Sign-in failed");
}

static void
test_window_error_bar (void)
{
  TandemWindow *window = new_window ();

  tandem_window_show_error (window, "The SIP stack failed to start");
  tandem_test_flush_events ();
  g_assert_true (gtk_widget_is_visible (tandem_test_find_label (GTK_WIDGET (window),
                                                                "The SIP stack failed to start")));
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* Someone who is not a contact subscribes straight to the window's
 * account: the window asks, Deny/Allow carry the address, and the bar
 * goes once answered.  Last: it adds an account to the shared manager. */
static void
test_window_subscription_request (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestKamailio) world = tandem_test_kamailio_start (&error);
  g_autofree char *proxy = NULL;
  g_autofree char *dave_profile = NULL;
  g_autofree char *direct = NULL;
  g_autoptr(TandemManager) dave = NULL;
  g_autoptr(GVariant) target = NULL;
  TandemWindow *window;
  TandemAccount *account;
  GtkWidget *bar, *allow;

  g_assert_no_error (error);
  proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:alice@tandem.test", "alice-pw", proxy,
                                        TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  window = new_window ();
  TANDEM_TEST_WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  direct = tandem_accounts_dup_contact_address (tandem_manager_get_accounts (manager));
  g_assert_nonnull (direct);

  dave_profile = g_dir_make_tmp ("tandem-test-window-dave-XXXXXX", &error);
  g_assert_no_error (error);
  dave = tandem_manager_new (dave_profile);
  tandem_manager_set_bind_address (dave, "127.0.0.1");
  g_assert_true (tandem_manager_start (dave, &error));
  tandem_accounts_add (tandem_manager_get_accounts (dave), "sip:dave@tandem.test", "dave-pw", proxy, TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  tandem_contacts_add (tandem_manager_get_contacts (dave), "Alice", direct, &error);
  g_assert_no_error (error);

  bar = tandem_test_find_named (GTK_WIDGET (window), "subscription_bar");
  TANDEM_TEST_WAIT_UNTIL (gtk_widget_get_visible (bar), 15000);
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_nonnull (tandem_test_find_label (GTK_WIDGET (window),
                                            "sip:dave@tandem.test wants to see when you are online. "
                                            "Allowing also adds them to your contacts."));
  allow = tandem_test_find_named (GTK_WIDGET (window), "subscription_allow_button");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (allow)), ==, "app.allow-subscriber");
  target = g_variant_ref (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (allow)));
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "sip:dave@tandem.test");
  gtk_window_resize (GTK_WINDOW (window), 900, 600);
  tandem_test_flush_events ();
  g_assert_true (tandem_test_save_screenshot (GTK_WIDGET (window), "window-subscription-request", &error));
  g_assert_no_error (error);

  g_assert_nonnull (tandem_contacts_allow_subscriber (tandem_manager_get_contacts (manager), "sip:dave@tandem.test", &error));
  g_assert_no_error (error);
  tandem_test_flush_events ();
  g_assert_false (gtk_widget_get_visible (bar));
  g_assert_nonnull (tandem_contacts_find (tandem_manager_get_contacts (manager), "sip:dave@tandem.test"));

  tandem_manager_stop (dave);
  gtk_widget_destroy (GTK_WIDGET (window));
  g_assert_true (tandem_accounts_remove (tandem_manager_get_accounts (manager), account, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  g_autofree char *profile = NULL;
  int status;

  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  xvfb = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  tandem_ui_init ();
  gtk_test_init (&argc, &argv, NULL);

  profile = g_dir_make_tmp ("tandem-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);

  app = gtk_application_new ("io.github.tandemphone.Tandem.Test", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/window/empty-state", test_window_empty_state);
  g_test_add_func ("/ui/window/contacts-and-search", test_window_contacts_and_search);
  g_test_add_func ("/ui/window/error-bar", test_window_error_bar);
  g_test_add_func ("/ui/sign-in-failure-wording", test_sign_in_failure_wording);
  g_test_add_func ("/ui/preferences/add-account", test_preferences_add_account);
  g_test_add_func ("/ui/window/subscription-request", test_window_subscription_request);
  status = g_test_run ();

  g_clear_object (&app);
  tandem_manager_stop (manager);
  g_clear_object (&manager);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", profile);
    g_assert_cmpint (system (cmd), ==, 0);
  }
  return status;
}
