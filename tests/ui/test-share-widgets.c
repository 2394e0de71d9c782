/* test-share-widgets.c: the screen sharing widgets of the ui layer --
 * TandemShareBar, TandemShareScopeDialog, TandemShareView -- and the
 * window list they rely on (tandem_x11_list_windows), built in-process on
 * an Xvfb display.  The share view shows a real VNC stream: a
 * TandemVncServer shares a second Xvfb display ("alice's screen", with a
 * GTK window of its own) over a socketpair.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-share-widgets"

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gdk/gdkx.h>
#include <gtk/gtk.h>

#include "tandem-share-bar.h"
#include "tandem-share-prompt.h"
#include "tandem-share-scope-dialog.h"
#include "tandem-share-security.h"
#include "tandem-share-view.h"
#include "tandem-test-ui.h"
#include "tandem-test-wait.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"
#include "tandem-vnc-server.h"
#include "tandem-vnc-view.h"
#include "tandem-x11-capture.h"
#include "tandem-x11-windows.h"

#define A_W 1280
#define A_H 720
#define WAIT_MS 15000

static TandemTestXvfb *xvfb_a;
static TandemTestXvfb *xvfb_b;

/* ---- helpers ---------------------------------------------------------------- */

static const char *
accessible_name (GtkWidget *widget)
{
  return atk_object_get_name (gtk_widget_get_accessible (widget));
}

static gboolean
has_class (GtkWidget  *widget,
           const char *name)
{
  return gtk_style_context_has_class (gtk_widget_get_style_context (widget), name);
}

static const char *
label_text (GtkWidget  *root,
            const char *id)
{
  GtkWidget *label = tandem_test_find_named (root, id);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_test_save_screenshot (widget, name, &error));
  g_assert_no_error (error);
}

static GtkWidget *
new_window (const char *title,
            int         width,
            int         height)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  return window;
}

static gulong
xid_of (GtkWidget *window)
{
  return gdk_x11_window_get_xid (gtk_widget_get_window (window));
}

/* ---- the application's actions, counted ------------------------------------ */

typedef struct {
  guint stop_share;
  guint grant_control;
  guint revoke_control;
} Activations;

static void
on_action (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  Activations *counts = data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (g_str_equal (name, "stop-share"))
    counts->stop_share++;
  else if (g_str_equal (name, "grant-control"))
    counts->grant_control++;
  else if (g_str_equal (name, "revoke-control"))
    counts->revoke_control++;
}

static GSimpleActionGroup *
app_actions (Activations *counts)
{
  GSimpleActionGroup *group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { "stop-share", on_action, NULL, NULL, NULL, { 0 } },
    { "grant-control", on_action, NULL, NULL, NULL, { 0 } },
    { "revoke-control", on_action, NULL, NULL, NULL, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), counts);
  return group;
}

/* ---- TandemShareSecurity, in the bar and in the view --------------------------- */

static void
on_verified_toggled (TandemShareSecurity *security,
                     gboolean             verified,
                     int                 *last)
{
  *last = verified;
}

static void
check_security_line (TandemShareSecurity *sec)
{
  GtkToggleButton *verified = tandem_share_security_get_verified_button (sec);
  int last = -1;

  g_signal_connect (sec, "verified-toggled", G_CALLBACK (on_verified_toggled), &last);
  /* not connected yet: nothing said */
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_UNKNOWN, NULL, TANDEM_SHARE_KEY_UNVERIFIED);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (sec)));

  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_END_TO_END, "4F2A 91", TANDEM_SHARE_KEY_UNVERIFIED);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sec)));
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==, "End-to-end encrypted. Security code: 4F2A 91");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (verified)));
  g_assert_false (gtk_toggle_button_get_active (verified));
  g_assert_cmpint (last, ==, -1);  /* set_state never reports a toggle */
  gtk_button_clicked (GTK_BUTTON (verified));
  g_assert_cmpint (last, ==, TRUE);
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_END_TO_END, "4F2A 91", TANDEM_SHARE_KEY_VERIFIED);
  g_assert_true (gtk_toggle_button_get_active (verified));

  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_END_TO_END, "0B1C 2D", TANDEM_SHARE_KEY_CHANGED);
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==,
                   "Security code: 0B1C 2D. It changed since you marked it verified");
  g_assert_true (gtk_style_context_has_class (gtk_widget_get_style_context (GTK_WIDGET (sec)), "key-changed"));
  g_assert_false (gtk_toggle_button_get_active (verified));

  /* a Blink peer */
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_TO_RELAY, NULL, TANDEM_SHARE_KEY_UNVERIFIED);
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==, "Encrypted to the relay only");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (verified)));
  g_assert_false (gtk_style_context_has_class (gtk_widget_get_style_context (GTK_WIDGET (sec)), "key-changed"));
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_NONE, NULL, TANDEM_SHARE_KEY_UNVERIFIED);
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==, "Not encrypted");
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_TLS, NULL, TANDEM_SHARE_KEY_UNVERIFIED);
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==, "Encrypted, without a security code");
  /* A peer whose code was verified before, now without end to end (a
   * stripped a=tandem-e2e looks like this): a warning, not a plain line. */
  tandem_share_security_set_state (sec, TANDEM_SHARE_ENCRYPTION_TO_RELAY, NULL, TANDEM_SHARE_KEY_MISSING);
  g_assert_cmpstr (tandem_share_security_get_text (sec), ==,
                   "Encrypted to the relay only, although you verified a security code with them before");
  g_assert_true (gtk_style_context_has_class (gtk_widget_get_style_context (GTK_WIDGET (sec)), "key-changed"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (verified)));
  g_signal_handlers_disconnect_by_data (sec, &last);
}

static void
test_security_line (void)
{
  GtkWidget *window = new_window ("Tandem", 760, 200);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  TandemShareBar *bar = TANDEM_SHARE_BAR (tandem_share_bar_new ());
  GtkWidget *view = tandem_share_view_new ("alice");

  gtk_container_add (GTK_CONTAINER (box), GTK_WIDGET (bar));
  gtk_container_add (GTK_CONTAINER (box), view);
  gtk_container_add (GTK_CONTAINER (window), box);
  gtk_widget_show_all (window);
  gtk_widget_show (GTK_WIDGET (bar));
  g_assert_true (gtk_widget_is_ancestor (tandem_share_bar_get_security (bar), GTK_WIDGET (bar)));
  g_assert_true (gtk_widget_is_ancestor (tandem_share_view_get_security (TANDEM_SHARE_VIEW (view)), view));
  check_security_line (TANDEM_SHARE_SECURITY (tandem_share_bar_get_security (bar)));
  check_security_line (TANDEM_SHARE_SECURITY (tandem_share_view_get_security (TANDEM_SHARE_VIEW (view))));
  tandem_test_flush_events ();
  gtk_widget_destroy (window);
}

/* ---- TandemShareBar ---------------------------------------------------------- */

static void
test_share_bar (void)
{
  Activations counts = { 0 };
  g_autoptr(GSimpleActionGroup) actions = app_actions (&counts);
  GtkWidget *window = new_window ("Tandem", 760, 160);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *body = gtk_label_new ("The rest of the window");
  TandemShareBar *bar = TANDEM_SHARE_BAR (tandem_share_bar_new ());
  GtkWidget *allow, *revoke, *stop;

  /* "app.*" resolves through the widget tree, as it would on the GtkApplication. */
  gtk_widget_insert_action_group (window, "app", G_ACTION_GROUP (actions));
  gtk_widget_set_vexpand (body, TRUE);
  gtk_container_add (GTK_CONTAINER (box), GTK_WIDGET (bar));
  gtk_container_add (GTK_CONTAINER (box), body);
  gtk_container_add (GTK_CONTAINER (window), box);
  gtk_widget_show_all (window);

  /* Hidden until a share runs, whatever show_all the window does. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  tandem_share_bar_set_peer_name (bar, "bob");
  gtk_widget_show (GTK_WIDGET (bar));
  tandem_test_flush_events ();

  allow = tandem_test_find_named (GTK_WIDGET (bar), "allow_button");
  revoke = tandem_test_find_named (GTK_WIDGET (bar), "revoke_button");
  stop = tandem_test_find_named (GTK_WIDGET (bar), "stop_button");
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "title_label"), ==, "You are sharing your screen with bob");
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "control_label"), ==, "View only");
  g_assert_cmpstr (accessible_name (GTK_WIDGET (bar)), ==, "You are sharing your screen with bob. View only");
  g_assert_true (gtk_widget_is_visible (allow));
  g_assert_false (gtk_widget_is_visible (revoke));
  g_assert_true (gtk_widget_is_visible (stop));
  g_assert_true (gtk_widget_is_sensitive (allow));
  g_assert_true (gtk_widget_is_sensitive (stop));
  g_assert_false (has_class (allow, "suggested-action"));
  g_assert_true (has_class (stop, "destructive-action"));
  g_assert_cmpstr (accessible_name (allow), ==, "Allow Control");
  g_assert_cmpstr (accessible_name (stop), ==, "Stop Sharing");
  g_assert_cmpstr (accessible_name (revoke), ==, "Revoke Control");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (allow)), ==, "app.grant-control");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (revoke)), ==, "app.revoke-control");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (stop)), ==, "app.stop-share");
  save_screenshot (window, "share-bar");

  /* bob asks for control: the question, and Allow Control suggested. */
  g_object_set (bar, "control-requested", TRUE, NULL);
  tandem_test_flush_events ();
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "title_label"), ==, "bob asks to control your screen");
  g_assert_true (has_class (allow, "suggested-action"));
  g_assert_true (has_class (GTK_WIDGET (bar), "requested"));
  save_screenshot (window, "share-bar-requested");

  gtk_button_clicked (GTK_BUTTON (allow));
  tandem_test_flush_events ();
  g_assert_cmpuint (counts.grant_control, ==, 1);

  /* The application granted it. */
  g_object_set (bar, "control", TRUE, "control-requested", FALSE, NULL);
  tandem_test_flush_events ();
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "title_label"), ==, "You are sharing your screen with bob");
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "control_label"), ==, "bob can control your screen");
  g_assert_cmpstr (accessible_name (GTK_WIDGET (bar)), ==,
                   "You are sharing your screen with bob. bob can control your screen");
  g_assert_false (gtk_widget_is_visible (allow));
  g_assert_true (gtk_widget_is_visible (revoke));
  g_assert_true (has_class (GTK_WIDGET (bar), "control"));
  save_screenshot (window, "share-bar-control");

  gtk_button_clicked (GTK_BUTTON (revoke));
  gtk_button_clicked (GTK_BUTTON (stop));
  tandem_test_flush_events ();
  g_assert_cmpuint (counts.revoke_control, ==, 1);
  g_assert_cmpuint (counts.stop_share, ==, 1);

  /* Revoked: back to view only. */
  tandem_share_bar_set_control (bar, FALSE);
  g_assert_cmpstr (label_text (GTK_WIDGET (bar), "control_label"), ==, "View only");
  g_assert_true (gtk_widget_get_visible (allow));
  g_assert_false (gtk_widget_get_visible (revoke));
  g_assert_false (has_class (GTK_WIDGET (bar), "control"));

  /* Without the application's actions the buttons cannot do anything. */
  gtk_widget_insert_action_group (window, "app", NULL);
  tandem_test_flush_events ();
  g_assert_false (gtk_widget_is_sensitive (stop));

  gtk_widget_destroy (window);
}

/* ---- tandem_x11_list_windows ---------------------------------------------------- */

static TandemX11Window *
find_window (GPtrArray *windows,
             gulong     xid)
{
  for (guint i = 0; i < windows->len; i++)
    {
      TandemX11Window *window = g_ptr_array_index (windows, i);

      if (window->xid == xid)
        return window;
    }
  return NULL;
}

static void
test_list_windows (void)
{
  const char *title = "Budget 2025 — Ünïcode.ods";
  GtkWidget *window = new_window (title, 320, 200);
  GtkWidget *tiny = new_window ("Tiny", 8, 8);
  GtkWidget *hidden = new_window ("Hidden", 320, 200);
  GtkWidget *popup = gtk_window_new (GTK_WINDOW_POPUP);
  g_autoptr(GPtrArray) windows = NULL;
  g_autoptr(GPtrArray) nowhere = NULL;
  TandemX11Window *found;

  gtk_window_set_resizable (GTK_WINDOW (tiny), FALSE);
  gtk_widget_set_size_request (tiny, 8, 8);
  gtk_window_set_default_size (GTK_WINDOW (popup), 200, 100);
  gtk_widget_show (window);
  gtk_widget_show (tiny);
  gtk_widget_show (popup);
  gtk_widget_realize (hidden);
  tandem_test_flush_events ();
  gdk_display_sync (gdk_display_get_default ());

  /* Xvfb has no window manager: no _NET_CLIENT_LIST, root children are read. */
  windows = tandem_x11_list_windows (tandem_test_xvfb_get_display (xvfb_b));
  g_assert_nonnull (windows);
  found = find_window (windows, xid_of (window));
  g_assert_nonnull (found);
  g_assert_cmpstr (found->title, ==, title);
  g_assert_null (find_window (windows, xid_of (tiny)));
  g_assert_null (find_window (windows, xid_of (hidden)));
  g_assert_null (find_window (windows, xid_of (popup)));
  for (guint i = 0; i < windows->len; i++)
    {
      TandemX11Window *w = g_ptr_array_index (windows, i);

      g_test_message ("window 0x%lx “%s”", w->xid, w->title);
      g_assert_true (g_utf8_validate (w->title, -1, NULL));
      g_assert_cmpstr (w->title, !=, "");
    }

  /* A display that is not there: an empty list, not an error. */
  nowhere = tandem_x11_list_windows (":9999");
  g_assert_nonnull (nowhere);
  g_assert_cmpuint (nowhere->len, ==, 0);

  gtk_widget_destroy (popup);
  gtk_widget_destroy (hidden);
  gtk_widget_destroy (tiny);
  gtk_widget_destroy (window);
}

/* ---- TandemShareScopeDialog ------------------------------------------------------- */

static void
test_scope_dialog (void)
{
  const char *title = "Quarterly report — Text Editor";
  GtkWidget *parent = new_window ("Tandem", 900, 640);
  GtkWidget *other = new_window (title, 500, 400);
  TandemShareScopeDialog *dialog;
  GtkWidget *screen_radio, *monitor_radio, *window_radio, *monitor_combo, *window_combo, *share, *cancel;
  g_autofree char *scope = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *window_notice = NULL;

  gtk_widget_show (parent);
  gtk_widget_show (other);
  tandem_test_flush_events ();
  gdk_display_sync (gdk_display_get_default ());

  dialog = tandem_share_scope_dialog_new (GTK_WINDOW (parent), "bob", NULL);
  gtk_widget_show (GTK_WIDGET (dialog));
  tandem_test_flush_events ();

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Share your screen with bob");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (parent));
  screen_radio = tandem_test_find_named (GTK_WIDGET (dialog), "screen_radio");
  monitor_radio = tandem_test_find_named (GTK_WIDGET (dialog), "monitor_radio");
  window_radio = tandem_test_find_named (GTK_WIDGET (dialog), "window_radio");
  monitor_combo = tandem_test_find_named (GTK_WIDGET (dialog), "monitor_combo");
  window_combo = tandem_test_find_named (GTK_WIDGET (dialog), "window_combo");
  share = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  cancel = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);

  /* The whole screen unless told otherwise; what bob will see, said plainly. */
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_assert_cmpstr (scope, ==, "screen");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (screen_radio)));
  g_assert_cmpstr (label_text (GTK_WIDGET (dialog), "notice_label"), ==,
                   "bob will see everything on your screen, including notifications and other windows.");
  g_assert_cmpstr (label_text (GTK_WIDGET (dialog), "control_label"), ==,
                   "bob can't control it unless you allow it.");
  g_assert_cmpstr (accessible_name (screen_radio), ==, "Whole screen");
  g_assert_cmpstr (accessible_name (monitor_radio), ==, "One monitor");
  g_assert_cmpstr (accessible_name (window_radio), ==, "One window");
  g_assert_cmpstr (accessible_name (monitor_combo), ==, "Monitor to share");
  g_assert_cmpstr (accessible_name (window_combo), ==, "Window to share");
  g_assert_cmpstr (accessible_name (share), ==, "Share");
  g_assert_cmpstr (accessible_name (cancel), ==, "Cancel");
  g_assert_true (has_class (share, "suggested-action"));
  g_assert_true (gtk_widget_has_default (share));
  g_assert_true (gtk_widget_is_sensitive (window_radio));
  save_screenshot (GTK_WIDGET (dialog), "share-scope-dialog");

  /* Xvfb's one monitor, with its size. */
  {
    g_autofree char *text = gtk_combo_box_text_get_active_text (GTK_COMBO_BOX_TEXT (monitor_combo));

    g_test_message ("monitor: %s", text);
    g_assert_true (g_str_has_prefix (text, "Monitor 1 — "));
    g_assert_true (g_str_has_suffix (text, "1024×768"));
  }
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (monitor_radio), TRUE);
  g_clear_pointer (&scope, g_free);
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_assert_cmpstr (scope, ==, "monitor:0");
  g_assert_cmpstr (label_text (GTK_WIDGET (dialog), "notice_label"), ==,
                   "bob will see only this monitor, with the windows and notifications on it.");

  /* Picking a window selects "One window" (the topmost is picked already). */
  expected = g_strdup_printf ("%lu", xid_of (parent));
  g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (window_combo), expected));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (window_radio)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (monitor_radio), TRUE);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%lu", xid_of (other));
  g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (window_combo), expected));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (window_radio)));
  g_clear_pointer (&scope, g_free);
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("window:%lu", xid_of (other));
  g_assert_cmpstr (scope, ==, expected);
  window_notice = g_strdup_printf ("bob will see only the window “%s”; other windows are blacked out.", title);
  g_assert_cmpstr (label_text (GTK_WIDGET (dialog), "notice_label"), ==, window_notice);
  save_screenshot (GTK_WIDGET (dialog), "share-scope-dialog-window");
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* The setting's value comes back, hexadecimal window ids included. */
  dialog = tandem_share_scope_dialog_new (GTK_WINDOW (parent), "bob", "monitor:0");
  g_clear_pointer (&scope, g_free);
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_assert_cmpstr (scope, ==, "monitor:0");
  gtk_widget_destroy (GTK_WIDGET (dialog));

  hex = g_strdup_printf ("window:0x%lx", xid_of (other));
  dialog = tandem_share_scope_dialog_new (GTK_WINDOW (parent), "bob", hex);
  g_clear_pointer (&scope, g_free);
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_assert_cmpstr (scope, ==, expected);
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* What is gone (or nonsense) falls back to the whole screen. */
  {
    const char *stale[] = { "monitor:7", "window:12345", "window:", "monitor:x", "bogus", "" };

    for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
      {
        dialog = tandem_share_scope_dialog_new (GTK_WINDOW (parent), "bob", stale[i]);
        g_clear_pointer (&scope, g_free);
        scope = tandem_share_scope_dialog_dup_scope (dialog);
        g_assert_cmpstr (scope, ==, "screen");
        gtk_widget_destroy (GTK_WIDGET (dialog));
      }
  }

  /* No parent: the default display. */
  dialog = tandem_share_scope_dialog_new (NULL, "bob", "screen");
  g_clear_pointer (&scope, g_free);
  scope = tandem_share_scope_dialog_dup_scope (dialog);
  g_assert_cmpstr (scope, ==, "screen");
  gtk_widget_destroy (GTK_WIDGET (dialog));

  gtk_widget_destroy (other);
  gtk_widget_destroy (parent);
}

/* ---- TandemShareView ----------------------------------------------------------- */

typedef struct {
  TandemVncServer *server;
  gboolean         stopped;
} Sharer;

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 Sharer          *sharer)
{
  tandem_vnc_server_accept_viewer (server, id);
}

static void
on_server_stopped (TandemVncServer *server,
                   GError          *error,
                   Sharer          *sharer)
{
  sharer->stopped = TRUE;
}

/* Something to look at on alice's screen: a GTK window on display A. */
static GtkWidget *
alice_desktop (GdkDisplay *display)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *text = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text));

  gtk_window_set_screen (GTK_WINDOW (window), gdk_display_get_default_screen (display));
  gtk_header_bar_set_title (GTK_HEADER_BAR (header), "Quarterly report — Text Editor");
  gtk_header_bar_set_show_close_button (GTK_HEADER_BAR (header), TRUE);
  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text), 24);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text), 18);
  gtk_text_buffer_set_text (buffer,
                            "Quarterly report\n\n"
                            "Revenue grew 12% over the last quarter.\n"
                            "The printer on the second floor still says PC LOAD LETTER.\n\n"
                            "Bob, can you see this?", -1);
  gtk_container_add (GTK_CONTAINER (window), text);
  gtk_window_set_default_size (GTK_WINDOW (window), A_W, A_H);
  gtk_window_move (GTK_WINDOW (window), 0, 0);
  gtk_widget_show_all (window);
  return window;
}

static GtkWidget *
fake_chat (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  const char *lines[] = { "bob: I'll have a look at your screen.", "alice: Thanks! It's the report.",
                          "bob: Got it." };

  gtk_container_set_border_width (GTK_CONTAINER (box), 12);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      GtkWidget *label = gtk_label_new (lines[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_container_add (GTK_CONTAINER (box), label);
    }
  gtk_widget_set_size_request (box, 240, -1);
  return box;
}

static void
on_count (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
send_key (GtkWidget *window,
          guint      keyval)
{
  GdkEvent *event = gdk_event_new (GDK_KEY_PRESS);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (window));

  event->key.window = g_object_ref (gtk_widget_get_window (window));
  event->key.keyval = keyval;
  event->key.time = GDK_CURRENT_TIME;
  gdk_event_set_device (event, gdk_seat_get_keyboard (seat));
  gtk_widget_event (window, event);
  gdk_event_free (event);
}

static void
test_share_view (void)
{
  g_autoptr(GError) error = NULL;
  GdkDisplay *display_a = gdk_display_open (tandem_test_xvfb_get_display (xvfb_a));
  GtkWidget *desktop = alice_desktop (display_a);
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb_a));
  Sharer sharer = { 0 };
  GtkWidget *window = new_window ("bob — Tandem", 1000, 560);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  TandemShareView *view = TANDEM_SHARE_VIEW (tandem_share_view_new ("alice"));
  TandemVncView *vnc = tandem_share_view_get_vnc_view (view);
  GtkWidget *control, *indicator, *detach, *fullscreen, *stop, *status;
  GtkWindow *detached;
  guint requests = 0, stops = 0, detached_notes = 0;
  int sv[2];

  g_assert_nonnull (display_a);
  g_assert_true (TANDEM_IS_VNC_VIEW (vnc));
  g_signal_connect (view, "request-control", G_CALLBACK (on_count), &requests);
  g_signal_connect (view, "stop", G_CALLBACK (on_count), &stops);
  g_signal_connect (view, "notify::detached", G_CALLBACK (on_notify_count), &detached_notes);

  gtk_paned_pack1 (GTK_PANED (paned), GTK_WIDGET (view), TRUE, FALSE);
  gtk_paned_pack2 (GTK_PANED (paned), fake_chat (), FALSE, FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 700);
  gtk_container_add (GTK_CONTAINER (window), paned);
  gtk_widget_show_all (window);
  tandem_test_flush_events ();

  control = tandem_test_find_named (GTK_WIDGET (view), "control_button");
  indicator = tandem_test_find_named (GTK_WIDGET (view), "control_indicator");
  detach = tandem_test_find_named (GTK_WIDGET (view), "detach_button");
  fullscreen = tandem_test_find_named (GTK_WIDGET (view), "fullscreen_button");
  stop = tandem_test_find_named (GTK_WIDGET (view), "stop_button");
  status = tandem_test_find_named (GTK_WIDGET (view), "status_box");
  g_assert_cmpstr (accessible_name (control), ==, "Request Control");
  g_assert_cmpstr (accessible_name (detach), ==, "Detach");
  g_assert_cmpstr (accessible_name (fullscreen), ==, "Full Screen");
  g_assert_cmpstr (accessible_name (stop), ==, "Stop Viewing");
  g_assert_cmpstr (accessible_name (GTK_WIDGET (view)), ==, "alice’s screen");

  /* Before the stream: connecting, nothing to control yet. */
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "state_label"), ==, "Connecting…");
  g_assert_true (gtk_widget_is_visible (status));
  g_assert_false (gtk_widget_is_sensitive (control));
  g_assert_false (gtk_widget_is_visible (indicator));
  save_screenshot (window, "share-view-connecting");

  /* alice's screen over a socketpair. */
  sharer.server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "alice");
  g_signal_connect (sharer.server, "viewer-added", G_CALLBACK (on_viewer_added), &sharer);
  g_signal_connect (sharer.server, "stopped", G_CALLBACK (on_server_stopped), &sharer);
  g_assert_true (tandem_vnc_server_start (sharer.server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  g_assert_cmpuint (tandem_vnc_server_add_viewer (sharer.server, sv[0], "bob"), >, 0);
  tandem_share_view_open_fd (view, sv[1]);
  TANDEM_TEST_WAIT_UNTIL (tandem_vnc_view_get_state (vnc) == TANDEM_VNC_VIEW_CONNECTED
                          && tandem_vnc_view_get_frames (vnc) > 0, WAIT_MS);
  g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_CONNECTED);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "state_label"), ==, "alice’s screen — 1280×720");
  g_assert_false (gtk_widget_is_visible (status));
  g_assert_true (gtk_widget_is_sensitive (control));

  /* Request Control: once, then it waits for the answer. */
  gtk_button_clicked (GTK_BUTTON (control));
  g_assert_cmpuint (requests, ==, 1);
  g_assert_false (gtk_widget_is_sensitive (control));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (control)), ==, "Control Requested");
  save_screenshot (window, "share-view-requested");

  /* Refused: it can be asked again. */
  tandem_share_view_set_control_granted (view, FALSE);
  g_assert_true (gtk_widget_is_sensitive (control));
  g_assert_cmpstr (accessible_name (control), ==, "Request Control");

  /* Granted: input goes through, and the view says so. */
  tandem_share_view_set_control_granted (view, TRUE);
  g_assert_true (tandem_vnc_view_get_control (vnc));
  g_assert_true (tandem_share_view_get_control_granted (view));
  g_assert_false (gtk_widget_is_visible (control));
  g_assert_true (gtk_widget_is_visible (indicator));
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "control_indicator_label"), ==, "You control alice’s screen");
  save_screenshot (window, "share-view");

  /* Revoked. */
  tandem_share_view_set_control_granted (view, FALSE);
  g_assert_false (tandem_vnc_view_get_control (vnc));
  g_assert_true (gtk_widget_is_visible (control));
  g_assert_false (gtk_widget_is_visible (indicator));

  /* Picture quality: the sharer picks it until the user pins one. */
  {
    GtkWidget *quality = tandem_test_find_named (GTK_WIDGET (view), "quality_button");
    GActionGroup *actions = gtk_widget_get_action_group (GTK_WIDGET (view), "share-view");
    g_autoptr(GVariant) state = NULL;
    guint64 frames;

    g_assert_cmpstr (accessible_name (quality), ==, "Picture Quality");
    g_assert_nonnull (actions);
    state = g_action_group_get_action_state (actions, "quality");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "auto");
    g_assert_cmpint (tandem_vnc_view_get_jpeg_quality (vnc), ==, TANDEM_VNC_VIEW_QUALITY_AUTO);
    g_action_group_change_action_state (actions, "quality", g_variant_new_string ("low"));
    g_assert_cmpint (tandem_vnc_view_get_jpeg_quality (vnc), ==, 5);
    g_action_group_change_action_state (actions, "quality", g_variant_new_string ("nonsense"));
    g_assert_cmpint (tandem_vnc_view_get_jpeg_quality (vnc), ==, 5);
    g_action_group_change_action_state (actions, "quality", g_variant_new_string ("lossless"));
    g_assert_cmpint (tandem_vnc_view_get_jpeg_quality (vnc), ==, 0);
    /* the stream goes on after the viewer changed its encodings */
    frames = tandem_vnc_view_get_frames (vnc);
    gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_bin_get_child (GTK_BIN (desktop)))),
                                      "\nPinned lossless.", -1);
    TANDEM_TEST_WAIT_UNTIL (tandem_vnc_view_get_frames (vnc) > frames, WAIT_MS);
    g_assert_cmpuint (tandem_vnc_view_get_frames (vnc), >, frames);
    g_action_group_change_action_state (actions, "quality", g_variant_new_string ("auto"));
    g_assert_cmpint (tandem_vnc_view_get_jpeg_quality (vnc), ==, TANDEM_VNC_VIEW_QUALITY_AUTO);
    g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_CONNECTED);
  }

  /* Detach: the same VNC view moves into a window of its own ... */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (detach), TRUE);
  tandem_test_flush_events ();
  g_assert_true (tandem_share_view_get_detached (view));
  g_assert_cmpuint (detached_notes, ==, 1);
  detached = GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (vnc)));
  g_assert_true (GTK_WIDGET (detached) != window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (detached)));
  g_assert_cmpstr (gtk_window_get_title (detached), ==, "alice’s screen");
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "detached_label"), ==, "alice’s screen is in its own window");
  g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_CONNECTED);
  g_assert_cmpstr (gtk_header_bar_get_subtitle (GTK_HEADER_BAR (gtk_window_get_titlebar (detached))), ==, "1280×720");
  save_screenshot (GTK_WIDGET (detached), "share-view-detached-window");
  /* Without a window manager both windows sit at (0, 0): out of the way
   * for the pane's picture. */
  gtk_widget_hide (GTK_WIDGET (detached));
  save_screenshot (window, "share-view-detached-pane");
  gtk_widget_show (GTK_WIDGET (detached));

  /* ... and comes back when that window is closed. */
  gtk_window_close (detached);
  tandem_test_flush_events ();
  g_assert_false (tandem_share_view_get_detached (view));
  g_assert_cmpuint (detached_notes, ==, 2);
  g_assert_true (gtk_widget_get_toplevel (GTK_WIDGET (vnc)) == window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (detached)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (detach)));
  g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_CONNECTED);

  /* "Show Here" in the pane brings it back too. */
  tandem_share_view_set_detached (view, TRUE);
  gtk_button_clicked (GTK_BUTTON (tandem_test_find_named (GTK_WIDGET (view), "show_here_button")));
  g_assert_false (tandem_share_view_get_detached (view));

  /* Full screen detaches; Escape leaves full screen and comes back. */
  gtk_button_clicked (GTK_BUTTON (fullscreen));
  tandem_test_flush_events ();
  g_assert_true (tandem_share_view_get_fullscreen (view));
  g_assert_true (tandem_share_view_get_detached (view));
  g_assert_true (gtk_widget_get_toplevel (GTK_WIDGET (vnc)) == GTK_WIDGET (detached));
  send_key (GTK_WIDGET (detached), GDK_KEY_Escape);
  tandem_test_flush_events ();
  g_assert_false (tandem_share_view_get_fullscreen (view));
  g_assert_false (tandem_share_view_get_detached (view));
  g_assert_true (gtk_widget_get_toplevel (GTK_WIDGET (vnc)) == window);

  /* Escape outside full screen is the remote's. */
  tandem_share_view_set_detached (view, TRUE);
  send_key (GTK_WIDGET (detached), GDK_KEY_Escape);
  g_assert_true (tandem_share_view_get_detached (view));
  tandem_share_view_set_detached (view, FALSE);

  /* The sharer stopped: why, and only Stop Viewing left. */
  tandem_share_view_set_control_granted (view, TRUE);
  tandem_share_view_set_ended (view, "alice stopped sharing");
  tandem_test_flush_events ();
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "state_label"), ==, "Ended: alice stopped sharing");
  g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_DISCONNECTED);
  g_assert_false (tandem_vnc_view_get_control (vnc));
  g_assert_false (tandem_share_view_get_control_granted (view));
  g_assert_true (gtk_widget_is_visible (status));
  g_assert_cmpstr (label_text (GTK_WIDGET (view), "status_label"), ==, "Ended: alice stopped sharing");
  g_assert_false (gtk_widget_is_visible (tandem_test_find_named (GTK_WIDGET (view), "status_spinner")));
  g_assert_false (gtk_widget_is_sensitive (control));
  g_assert_false (gtk_widget_is_visible (indicator));
  g_assert_false (gtk_widget_is_sensitive (detach));
  g_assert_false (gtk_widget_is_sensitive (fullscreen));
  g_assert_true (gtk_widget_is_sensitive (stop));
  g_assert_false (gtk_widget_is_visible (tandem_test_find_named (GTK_WIDGET (view), "reconnect_button")));
  save_screenshot (window, "share-view-ended");

  /* A relay dropped it: Reconnect is offered, once. */
  {
    GtkWidget *reconnect = tandem_test_find_named (GTK_WIDGET (view), "reconnect_button");
    guint reconnects = 0;

    g_signal_connect (view, "reconnect", G_CALLBACK (on_count), &reconnects);
    tandem_share_view_set_reconnectable (view, TRUE);
    tandem_test_flush_events ();
    g_assert_true (gtk_widget_is_visible (reconnect));
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (reconnect)), ==, "_Reconnect");
    save_screenshot (window, "share-view-relay-lost");
    gtk_button_clicked (GTK_BUTTON (reconnect));
    g_assert_cmpuint (reconnects, ==, 1);
    tandem_share_view_set_reconnectable (view, FALSE);
    g_assert_false (gtk_widget_is_visible (reconnect));
    g_signal_handlers_disconnect_by_func (view, on_count, &reconnects);
  }

  gtk_button_clicked (GTK_BUTTON (stop));
  g_assert_cmpuint (stops, ==, 1);

  /* A stream that breaks at once ends by itself, with the viewer's reason. */
  {
    int broken[2];

    g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, broken), ==, 0);
    close (broken[0]);
    tandem_share_view_open_fd (view, broken[1]);
    g_assert_false (g_str_has_prefix (label_text (GTK_WIDGET (view), "state_label"), "Ended: alice"));
    TANDEM_TEST_WAIT_UNTIL (tandem_vnc_view_get_state (vnc) == TANDEM_VNC_VIEW_ERROR
                            || tandem_vnc_view_get_state (vnc) == TANDEM_VNC_VIEW_DISCONNECTED, WAIT_MS);
    g_test_message ("broken stream: %s", label_text (GTK_WIDGET (view), "state_label"));
    g_assert_true (g_str_has_prefix (label_text (GTK_WIDGET (view), "state_label"), "Ended"));
    g_assert_false (gtk_widget_is_sensitive (control));
  }

  /* A hostile sharer (issue 15): the viewer refuses, which ends the share;
   * the viewer's reason is what the user reads, not the share's. */
  {
    static const char mslogon[] = "RFB 003.003\n" "\0\0\0\x71"
                                  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    int hostile[2];

    g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, hostile), ==, 0);
    tandem_share_view_open_fd (view, hostile[1]);
    g_assert_cmpint (write (hostile[0], mslogon, sizeof mslogon - 1), ==, 40);
    TANDEM_TEST_WAIT_UNTIL (tandem_vnc_view_get_state (vnc) == TANDEM_VNC_VIEW_ERROR, WAIT_MS);
    g_assert_cmpint (tandem_vnc_view_get_state (vnc), ==, TANDEM_VNC_VIEW_ERROR);
    tandem_share_view_set_ended (view, "The screen sharing connection closed");
    tandem_test_flush_events ();
    g_assert_cmpstr (label_text (GTK_WIDGET (view), "state_label"), ==,
                     "Ended: The remote screen uses VNC version 3.3, which Tandem does not accept");
    save_screenshot (window, "share-view-hostile");
    close (hostile[0]);
  }

  /* Destroyed while detached: the detached window goes too. */
  tandem_share_view_set_detached (view, TRUE);
  g_object_add_weak_pointer (G_OBJECT (detached), (gpointer *) &detached);
  gtk_widget_destroy (window);
  tandem_test_flush_events ();
  g_assert_null (detached);

  tandem_vnc_server_stop (sharer.server);
  TANDEM_TEST_WAIT_UNTIL (sharer.stopped, WAIT_MS);
  g_assert_true (sharer.stopped);
  g_object_unref (sharer.server);
  gtk_widget_destroy (desktop);
  /* Display A stays open: gdk_display_close() on a second display trips
   * over GTK 3's own signal handlers (a NULL-instance warning). */
  tandem_test_flush_events ();
}

/* The action of @prompt's button labelled @label, or NULL. */
static const char *
prompt_action (GtkWidget  *prompt,
               const char *label)
{
  g_autoptr(GList) buttons =
    gtk_container_get_children (GTK_CONTAINER (gtk_info_bar_get_action_area (GTK_INFO_BAR (prompt))));

  for (GList *l = buttons; l != NULL; l = l->next)
    if (g_strcmp0 (gtk_button_get_label (l->data), label) == 0)
      return gtk_actionable_get_action_name (l->data);
  return NULL;
}

/* The question: its words, and buttons that act through the share
 * actions (Share… asks what to share first). */
static void
test_share_prompt (void)
{
  GtkWidget *asks = g_object_ref_sink (tandem_share_prompt_new ("bob", TRUE, TRUE, FALSE));
  GtkWidget *offers = g_object_ref_sink (tandem_share_prompt_new ("bob", FALSE, FALSE, TRUE));

  g_assert_cmpstr (tandem_share_prompt_get_text (TANDEM_SHARE_PROMPT (asks)), ==,
                   "On your call: bob asks to see your screen.");
  g_assert_cmpstr (tandem_share_prompt_get_text (TANDEM_SHARE_PROMPT (offers)), ==,
                   "bob wants to show you their screen. Tandem will call them for the audio.");
  g_assert_cmpstr (prompt_action (asks, "_Decline"), ==, "app.decline-share");
  g_assert_cmpstr (prompt_action (asks, "_Share…"), ==, "app.choose-accept-share");
  g_assert_null (prompt_action (asks, "_Accept"));
  g_assert_cmpstr (prompt_action (offers, "_Decline"), ==, "app.decline-share");
  g_assert_cmpstr (prompt_action (offers, "_Accept"), ==, "app.accept-share");
  gtk_widget_destroy (asks);
  gtk_widget_destroy (offers);
  g_object_unref (asks);
  g_object_unref (offers);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  xvfb_b = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  xvfb_a = tandem_test_xvfb_start (A_W, A_H, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb_b), TRUE);

  tandem_ui_init ();
  gtk_test_init (&argc, &argv, NULL);

  /* What TandemApplication loads at startup. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/tandemphone/Tandem/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add_func ("/ui/share/bar", test_share_bar);
  g_test_add_func ("/ui/share/prompt", test_share_prompt);
  g_test_add_func ("/ui/share/security-line", test_security_line);
  g_test_add_func ("/ui/share/list-windows", test_list_windows);
  g_test_add_func ("/ui/share/scope-dialog", test_scope_dialog);
  g_test_add_func ("/ui/share/view", test_share_view);
  status = g_test_run ();

  tandem_test_xvfb_stop (xvfb_a);
  tandem_test_xvfb_stop (xvfb_b);
  return status;
}
