/* test-preferences.c: what Preferences changes really changes.  The
 * "Encrypt shared screens" switch and the screen sharing relay, toggled in
 * the real window on an Xvfb display, decide what alice's next share
 * offer says on the wire: bob is a bare share stack registered at a real
 * kamailio, and reads the SDP of the INVITE he gets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "tandem-manager.h"
#include "tandem-preferences-window.h"
#include "tandem-share-stack.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-ui.h"
#include "tandem-test-wait.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

static TandemTestKamailio *world;

typedef struct {
  TandemShareSession *session;
  char               *sdp;
} Offer;

static void
on_share_offered (TandemShareStack     *stack,
                  TandemShareSession   *session,
                  const char           *peer,
                  const TandemShareSdp *offer,
                  Offer                *seen)
{
  g_set_object (&seen->session, session);
  g_free (seen->sdp);
  seen->sdp = g_strdup (tandem_share_session_get_remote_sdp (session));
}

static void
offer_clear (Offer *seen)
{
  g_clear_object (&seen->session);
  g_clear_pointer (&seen->sdp, g_free);
}

/* alice shares her screen with bob; returns the SDP bob was offered, and
 * declines it. */
static char *
next_offer_sdp (TandemManager    *alice,
                TandemShareStack *bob,
                Offer            *seen)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShare) share = NULL;
  char *sdp;

  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (alice)), 20000);
  g_assert_true (tandem_shares_can_share (tandem_manager_get_shares (alice)));
  share = tandem_shares_share_screen (tandem_manager_get_shares (alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  g_object_ref (share);  /* the manager drops it once ended */
  WAIT_UNTIL (seen->sdp != NULL, 10000);
  g_assert_nonnull (seen->sdp);
  g_assert_true (tandem_share_session_decline (seen->session, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_share_get_state (share) == TANDEM_SHARE_ENDED, 10000);
  g_assert_cmpint (tandem_share_get_state (share), ==, TANDEM_SHARE_ENDED);
  sdp = g_steal_pointer (&seen->sdp);
  offer_clear (seen);
  return sdp;
}

static gboolean
has_line_prefix (const char *sdp,
                 const char *prefix)
{
  g_autofree char *needle = g_strconcat ("\n", prefix, NULL);

  return strstr (sdp, needle) != NULL;
}

static void
test_share_tls_switch (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_dir_make_tmp ("tandem-test-preferences-XXXXXX", &error);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "tcp");
  g_autofree char *relay = g_strdup_printf ("127.0.0.1:%u", tandem_test_kamailio_get_msrp_port (world));
  g_autoptr(TandemShareStack) bob = NULL;
  g_autoptr(TandemManager) alice = NULL;
  g_autoptr(GSettings) settings = NULL;
  Offer seen = { NULL, NULL };
  GtkWidget *prefs, *tls_check, *relay_entry, *apply, *error_label;
  TandemAccount *account;
  char *sdp;

  g_assert_no_error (error);
  bob = tandem_share_stack_new ("sip:bob@tandem.test", proxy, TANDEM_TRANSPORT_TCP, "127.0.0.1", NULL);
  tandem_share_stack_set_password (bob, "bob-pw");
  g_assert_true (tandem_share_stack_start (bob, &error));
  g_assert_no_error (error);
  g_signal_connect (bob, "share-offered", G_CALLBACK (on_share_offered), &seen);

  alice = tandem_manager_new (profile);
  tandem_manager_set_bind_address (alice, "127.0.0.1");
  g_assert_true (tandem_manager_start (alice, &error));
  g_assert_no_error (error);
  account = tandem_accounts_add (tandem_manager_get_accounts (alice), "sip:alice@tandem.test", "alice-pw", proxy,
                                        TANDEM_TRANSPORT_TCP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK &&
              tandem_share_stack_get_state (bob) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);

  /* The application's settings, as the app hands them over. */
  settings = g_settings_new ("io.github.tandemphone.Tandem");
  prefs = tandem_preferences_window_new (NULL, alice, settings, "privacy");
  gtk_widget_show (prefs);
  tandem_test_flush_events ();
  tls_check = tandem_test_find_named (prefs, "share_tls_check");
  relay_entry = tandem_test_find_named (prefs, "share_relay_entry");
  apply = tandem_test_find_named (prefs, "apply_network_button");
  error_label = tandem_test_find_named (prefs, "network_error_label");

  /* The default: encrypted, and the switch says so. */
  g_assert_true (gtk_widget_get_sensitive (tls_check));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (tls_check)));
  sdp = next_offer_sdp (alice, bob, &seen);
  g_test_message ("offer with the switch on:\n%s", sdp);
  g_assert_true (has_line_prefix (sdp, "m=application ") && strstr (sdp, " TCP/TLS/MSRP ") != NULL);
  g_assert_true (has_line_prefix (sdp, "a=path:msrps://"));
  g_assert_true (has_line_prefix (sdp, "a=fingerprint:"));
  g_free (sdp);

  /* Off, as a user clicks it: the next offer is plain. */
  gtk_button_clicked (GTK_BUTTON (tls_check));
  tandem_test_flush_events ();
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (tls_check)));
  sdp = next_offer_sdp (alice, bob, &seen);
  g_test_message ("offer with the switch off:\n%s", sdp);
  g_assert_nonnull (strstr (sdp, " TCP/MSRP "));
  g_assert_null (strstr (sdp, "TCP/TLS/MSRP"));
  g_assert_true (has_line_prefix (sdp, "a=path:msrp://"));
  g_free (sdp);

  /* A relay typed on the Network page: a wrong one is refused in words... */
  gtk_entry_set_text (GTK_ENTRY (relay_entry), "not a relay");
  gtk_button_clicked (GTK_BUTTON (apply));
  tandem_test_flush_events ();
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "is not an MSRP relay"));
  /* ...the demo's kamailio relay is used by the next offer: its path
   * starts at the relay, then alice's session. */
  gtk_entry_set_text (GTK_ENTRY (relay_entry), relay);
  gtk_button_clicked (GTK_BUTTON (apply));
  tandem_test_flush_events ();
  g_assert_false (gtk_widget_get_visible (error_label));
  {
    g_autofree char *stored = tandem_shares_dup_relay (tandem_manager_get_shares (alice));
    g_autofree char *path = g_strdup_printf ("\na=path:msrp://127.0.0.1:%u/",
                                             tandem_test_kamailio_get_msrp_port (world));

    g_assert_cmpstr (stored, ==, relay);
    sdp = next_offer_sdp (alice, bob, &seen);
    g_test_message ("offer through the relay:\n%s", sdp);
    g_assert_nonnull (strstr (sdp, path));
    g_free (sdp);
  }

  /* On again: encrypted (the relay setting is msrp, so back to none first,
   * as the relay of the kamailio fixture on this port is plain). */
  gtk_entry_set_text (GTK_ENTRY (relay_entry), "none");
  gtk_button_clicked (GTK_BUTTON (apply));
  gtk_button_clicked (GTK_BUTTON (tls_check));
  tandem_test_flush_events ();
  g_assert_true (tandem_shares_get_tls (tandem_manager_get_shares (alice)));
  sdp = next_offer_sdp (alice, bob, &seen);
  g_assert_nonnull (strstr (sdp, " TCP/TLS/MSRP "));
  g_free (sdp);

  /* What Preferences wrote is in the profile: a restart offers the same. */
  gtk_button_clicked (GTK_BUTTON (tls_check));
  tandem_test_flush_events ();
  gtk_widget_destroy (prefs);
  tandem_manager_stop (alice);
  g_clear_object (&alice);
  alice = tandem_manager_new (profile);
  tandem_manager_set_bind_address (alice, "127.0.0.1");
  g_assert_true (tandem_manager_start (alice, &error));
  g_assert_no_error (error);
  g_assert_false (tandem_shares_get_tls (tandem_manager_get_shares (alice)));
  sdp = next_offer_sdp (alice, bob, &seen);
  g_assert_nonnull (strstr (sdp, " TCP/MSRP "));
  g_free (sdp);

  tandem_manager_stop (alice);
  tandem_share_stack_stop (bob);
  offer_clear (&seen);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", profile);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  int status;

  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  xvfb = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  tandem_ui_init ();
  gtk_test_init (&argc, &argv, NULL);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/preferences/share-tls-and-relay", test_share_tls_switch);
  status = g_test_run ();

  g_clear_pointer (&world, tandem_test_kamailio_stop);
  return status;
}
