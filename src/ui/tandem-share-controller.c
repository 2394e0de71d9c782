/* tandem-share-controller.c
 *
 * What a TandemShare means on screen:
 *   - pending (the peer asked): a prompt in the window, "bob asks to see
 *     your screen" / "bob wants to show you their screen", with Decline
 *     and Share… / Accept (the notification is TandemNotifier's);
 *   - active, we share: an X11 capture of the chosen scope (the
 *     share-scope setting), or on Wayland a portal capture (the desktop's
 *     own picker, then PipeWire), served by a TandemVncServer on the
 *     share's fd, and the sharing bar in a small window kept above the
 *     others.  The portal's consent comes first, on the main thread;
 *     nothing is served before it.  Cancelled or failed, the share stops
 *     (the peer gets a BYE) and the window says why.  Control on Wayland
 *     asks the RemoteDesktop portal when it is first granted, before the
 *     peer is told it has control;
 *   - active, we view: a TandemShareView beside the chat of that peer.
 * A share that a relay dropped offers Reconnect (TandemShareReconnect).
 * The application actions (share-screen, request-screen, accept-share,
 * decline-share, stop-share, grant-control, revoke-control,
 * request-control, save-shared-screen) live here, enabled only when
 * they apply, so D-Bus callers and tests can wait on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_WAYLAND
#include <gdk/gdkwayland.h>
#endif
#include <libportal-gtk3/portal-gtk3.h>

#include "tandem-share-bar.h"
#include "tandem-share-controller.h"
#include "tandem-share-key-dialog.h"
#include "tandem-share-prompt.h"
#include "tandem-share-reconnect.h"
#include "tandem-share-scope-dialog.h"
#include "tandem-share-security.h"
#include "tandem-share-view.h"
#include "tandem-portal-capture.h"
#include "tandem-vnc-server.h"
#include "tandem-x11-capture.h"

typedef struct {
  TandemShare     *share;
  TandemVncServer *server;       /* we share */
  TandemCapture   *capture;      /* we share: from prepare to the end */
  GCancellable    *cancellable;  /* the portal's dialogs */
  gboolean         asking_input; /* the RemoteDesktop dialog is up */
  gboolean         grant_after;  /* then grant control (the peer is told) */
  guint            viewer_id;
  GtkWidget       *bar_window;   /* we share: the bar, above the other windows */
  TandemShareBar  *bar;
  GtkWidget       *view;         /* we view: a TandemShareView */
  GtkWidget       *prompt;       /* pending: the window's question */
  gboolean         key_confirmed; /* the user chose to share anyway */
} Entry;

struct _TandemShareController
{
  GObject         parent_instance;
  TandemShareReconnect *reconnect; /* shares a relay dropped */

  GtkApplication *application;   /* weak */
  TandemManager  *manager;
  GSettings      *settings;
  GPtrArray      *entries;       /* of Entry*, oldest first */
};

G_DEFINE_FINAL_TYPE (TandemShareController, tandem_share_controller, G_TYPE_OBJECT)

static void update_actions   (TandemShareController *self);
static void on_share_state   (TandemShare           *share,
                              GParamSpec            *pspec,
                              TandemShareController *self);
static void on_share_control (TandemShare           *share,
                              GParamSpec            *pspec,
                              TandemShareController *self);
static void on_capture_failed (TandemCapture        *capture,
                               const GError         *error,
                               TandemShareController *self);

static TandemWindow *
get_window (TandemShareController *self)
{
  GtkWindow *window = NULL;

  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    if (TANDEM_IS_WINDOW (l->data))
      {
        window = l->data;
        break;
      }
  if (window == NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (self->application), "open-conversation",
                                      g_variant_new_string (""));
      return get_window (self);
    }
  return TANDEM_WINDOW (window);
}

static const char *
peer_name (TandemShareController *self,
           TandemShare           *share)
{
  const char *address = tandem_share_get_peer_address (share);
  TandemContact *contact = tandem_contacts_find (tandem_manager_get_contacts (self->manager), address);

  return contact != NULL ? tandem_contact_get_name (contact) : address;
}

static void
report (TandemShareController *self,
        const char            *what,
        const GError          *error)
{
  /* Translators: "<what failed>: <why>" */
  g_autofree char *message = g_strdup_printf (_("%s: %s"), what, error->message);

  tandem_window_show_error (get_window (self), message);
}

/* ----- entries --------------------------------------------------------- */

static Entry *
find_entry (TandemShareController *self,
            TandemShare           *share)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      if (entry->share == share)
        return entry;
    }
  return NULL;
}

static Entry *
find_entry_by_capture (TandemShareController *self,
                       gpointer               capture)
{
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      if (entry->capture == capture)
        return entry;
    }
  return NULL;
}

/* The newest share in @state (any state but ended for -1), sharer or
 * viewer as asked (-1: either). */
static Entry *
newest (TandemShareController *self,
        int                    state,
        int                    sharer)
{
  for (guint i = self->entries->len; i > 0; i--)
    {
      Entry *entry = self->entries->pdata[i - 1];
      TandemShareState s = tandem_share_get_state (entry->share);

      if (s == TANDEM_SHARE_ENDED || (state >= 0 && (int) s != state))
        continue;
      if (sharer >= 0 && tandem_share_is_sharer (entry->share) != (gboolean) sharer)
        continue;
      return entry;
    }
  return NULL;
}

static void
stop_serving (Entry *entry)
{
  if (entry->cancellable != NULL)
    {
      g_cancellable_cancel (entry->cancellable);
      g_clear_object (&entry->cancellable);
    }
  if (entry->capture != NULL)
    {
      g_signal_handlers_disconnect_matched (entry->capture, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_capture_failed, NULL);
      g_clear_object (&entry->capture);
    }
  if (entry->server != NULL)
    {
      tandem_vnc_server_stop (entry->server);
      g_clear_object (&entry->server);
    }
  g_clear_pointer (&entry->bar_window, gtk_widget_destroy);
  entry->bar = NULL;
}

/* A relayed viewer without end-to-end acknowledgements gets large changes
 * in parts (HACKING.md, "Picture quality"). */
static void
on_share_unacked (TandemShare           *share,
                  GParamSpec            *pspec,
                  TandemShareController *self)
{
  Entry *entry = find_entry (self, share);

  if (entry != NULL && entry->server != NULL && tandem_share_is_unacked (share))
    tandem_vnc_server_set_viewer_unacked (entry->server, entry->viewer_id, TRUE);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_signal_handlers_disconnect_matched (entry->share, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_share_state, NULL);
  g_signal_handlers_disconnect_matched (entry->share, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_share_control, NULL);
  g_signal_handlers_disconnect_matched (entry->share, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_share_unacked, NULL);
  if (entry->view != NULL)
    g_signal_handlers_disconnect_by_data (entry->view, entry);
  stop_serving (entry);
  g_clear_pointer (&entry->prompt, gtk_widget_destroy);
  g_clear_object (&entry->view);
  g_clear_object (&entry->share);
  g_free (entry);
}

/* ----- sharing: capture, server, bar ----------------------------------- */

static TandemCapture *
capture_for_scope (const char *scope)
{
  if (g_str_has_prefix (scope, "monitor:"))
    return TANDEM_CAPTURE (tandem_x11_capture_new_monitor (NULL, (int) g_ascii_strtoll (scope + 8, NULL, 10)));
  if (g_str_has_prefix (scope, "window:"))
    return TANDEM_CAPTURE (tandem_x11_capture_new_window (NULL, (gulong) g_ascii_strtoull (scope + 7, NULL, 0)));
  return TANDEM_CAPTURE (tandem_x11_capture_new_screen (NULL));
}

static void serve_capture (TandemShareController *self, Entry *entry);

static void
on_share_anyway (TandemShareKeyDialog  *dialog,
                 TandemShare           *share,
                 TandemShareController *self)
{
  Entry *entry = find_entry (self, share);

  if (entry == NULL)
    return;
  entry->key_confirmed = TRUE;
  serve_capture (self, entry);
}

static void
show_bar (TandemShareController *self,
          Entry                 *entry)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new (GTK_WINDOW_TOPLEVEL));

  gtk_window_set_title (window, _("Screen sharing"));
  gtk_window_set_keep_above (window, TRUE);
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_skip_taskbar_hint (window, TRUE);
  gtk_window_set_resizable (window, FALSE);
  gtk_window_set_gravity (window, GDK_GRAVITY_NORTH);
  gtk_application_add_window (self->application, window);
  entry->bar = TANDEM_SHARE_BAR (tandem_share_bar_new ());
  tandem_share_bar_set_peer_name (entry->bar, peer_name (self, entry->share));
  tandem_share_security_set_share (TANDEM_SHARE_SECURITY (tandem_share_bar_get_security (entry->bar)),
                                   entry->share);
  gtk_container_add (GTK_CONTAINER (window), GTK_WIDGET (entry->bar));
  gtk_widget_show (GTK_WIDGET (entry->bar));
  entry->bar_window = GTK_WIDGET (window);
  gtk_widget_show (entry->bar_window);
  {
    GdkRectangle area;
    int width;

    gdk_monitor_get_workarea (gdk_display_get_primary_monitor (gdk_display_get_default ())
                              ? gdk_display_get_primary_monitor (gdk_display_get_default ())
                              : gdk_display_get_monitor (gdk_display_get_default (), 0), &area);
    gtk_window_get_size (window, &width, NULL);
    gtk_window_move (window, area.x + (area.width - width) / 2, area.y);
  }
}

/* Wayland (or XWayland, where an X11 capture sees black): the portals.
 * $TANDEM_SHARE_CAPTURE=portal|x11 overrides (tests). */
static gboolean
use_portal (void)
{
  const char *forced = g_getenv ("TANDEM_SHARE_CAPTURE");

  if (forced != NULL && *forced != '\0')
    return g_strcmp0 (forced, "portal") == 0;
#ifdef GDK_WINDOWING_WAYLAND
  if (GDK_IS_WAYLAND_DISPLAY (gdk_display_get_default ()))
    return TRUE;
#endif
  return g_strcmp0 (g_getenv ("XDG_SESSION_TYPE"), "wayland") == 0;
}

/* Plain words for what went wrong with the capture. */
static char *
describe_capture_error (const GError *error)
{
  if (error->domain == TANDEM_SHARE_ERROR)
    switch ((TandemShareError) error->code)
      {
      case TANDEM_SHARE_ERROR_NO_PORTAL:
        return g_strdup (_("Screen sharing on Wayland needs xdg-desktop-portal"));
      case TANDEM_SHARE_ERROR_CANCELLED:
        return g_strdup (_("Sharing cancelled"));
      case TANDEM_SHARE_ERROR_STREAM_FAILED:
        return g_strdup (_("Screen sharing stopped: the screen stream from your desktop failed"));
      case TANDEM_SHARE_ERROR_SOURCE_CLOSED:
        return g_strdup (_("Screen sharing ended: the shared window or screen is gone"));
      case TANDEM_SHARE_ERROR_NO_SHM:
        return g_strdup (_("Screen sharing is not possible: your desktop offers the screen only as DMA-BUF (graphics memory), which Tandem cannot read"));
      case TANDEM_SHARE_ERROR_NO_INPUT:
        return g_strdup (_("Control not given: remote interaction was not allowed"));
      case TANDEM_SHARE_ERROR_FAILED:
      default:
        break;
      }
  /* Translators: "<what failed>: <why>" */
  return g_strdup_printf (_("%s: %s"), _("Your screen could not be shared"), error->message);
}

/* Shows @message in the window; the "share-message" action's state keeps
 * it for D-Bus callers and tests. */
static void
say (TandemShareController *self,
     const char            *message)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), "share-message");

  tandem_window_show_error (get_window (self), message);
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (message));
}

/* A new share makes what was said about the last one old news: the window
 * stops showing it (if it still does; other errors stay). */
static void
unsay (TandemShareController *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), "share-message");
  g_autoptr(GVariant) said = action != NULL ? g_action_get_state (action) : NULL;

  if (said == NULL || *g_variant_get_string (said, NULL) == '\0')
    return;
  tandem_window_dismiss_error (get_window (self), g_variant_get_string (said, NULL));
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (""));
}

/* Ends the share (the peer is told) and says why in the window. */
static void
end_share_with_error (TandemShareController *self,
                      Entry                 *entry,
                      const GError          *error)
{
  g_autofree char *message = describe_capture_error (error);
  g_autoptr(TandemShare) share = g_object_ref (entry->share);

  g_message ("screen share ends: %s", error->message);
  say (self, message);
  /* entry is gone after this */
  tandem_share_stop (share);
}

static void on_input_ready (GObject *source, GAsyncResult *result, gpointer data);

/* Wayland: asks the RemoteDesktop portal for input, once per share. */
static void
ask_input (TandemShareController *self,
           Entry                 *entry)
{
  if (entry->asking_input)
    return;
  entry->asking_input = TRUE;
  tandem_portal_capture_request_input_async (TANDEM_PORTAL_CAPTURE (entry->capture),
                                             entry->cancellable, on_input_ready, g_object_ref (self));
}

static void
serve_capture (TandemShareController *self,
               Entry                 *entry)
{
  g_autoptr(GError) error = NULL;
  int fd;

  if (!entry->key_confirmed && (tandem_share_get_key_state (entry->share) == TANDEM_SHARE_KEY_CHANGED ||
                                tandem_share_get_key_state (entry->share) == TANDEM_SHARE_KEY_MISSING))
    {
      /* a verified peer's key changed, or is missing: asked before the VNC
       * server gets the fd */
      GtkWidget *dialog = tandem_share_key_dialog_new (GTK_WINDOW (get_window (self)), entry->share,
                                                       peer_name (self, entry->share));

      g_signal_connect_object (dialog, "share-anyway", G_CALLBACK (on_share_anyway), self, 0);
      gtk_widget_show (dialog);
      return;
    }
  fd = tandem_share_steal_vnc_fd (entry->share);
  entry->server = tandem_vnc_server_new (entry->capture, g_get_real_name ());
  if (fd < 0 || !tandem_vnc_server_start (entry->server, &error))
    {
      if (error != NULL)
        report (self, _("Your screen could not be shared"), error);
      g_clear_object (&entry->server);
      tandem_share_stop (entry->share);
      return;
    }
  /* The user consented when they started or accepted the share. */
  entry->viewer_id = tandem_vnc_server_add_viewer (entry->server, fd, tandem_share_get_peer_address (entry->share));
  tandem_vnc_server_accept_viewer (entry->server, entry->viewer_id);
  on_share_unacked (entry->share, NULL, self);
  show_bar (self, entry);
  if (entry->grant_after)
    ask_input (self, entry);
  if (tandem_share_get_control (entry->share))
    on_share_control (entry->share, NULL, self);
}

static void
on_capture_failed (TandemCapture         *capture,
                   const GError          *error,
                   TandemShareController *self)
{
  Entry *entry = find_entry_by_capture (self, capture);

  if (entry != NULL)
    end_share_with_error (self, entry, error);
}

static void
on_capture_prepared (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(TandemShareController) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = tandem_capture_prepare_finish (TANDEM_CAPTURE (source), result, &error);
  Entry *entry = find_entry_by_capture (self, source);

  if (entry == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the share ended meanwhile */
  if (!ok)
    {
      end_share_with_error (self, entry, error);
      return;
    }
  if (self->settings != NULL && g_settings_get_boolean (self->settings, "share-remember"))
    {
      const char *token = tandem_portal_capture_get_restore_token (TANDEM_PORTAL_CAPTURE (source));

      g_settings_set_string (self->settings, "share-restore-token", token != NULL ? token : "");
    }
  serve_capture (self, entry);
}

static void
start_portal (TandemShareController *self,
              Entry                 *entry)
{
  gboolean remember = self->settings != NULL && g_settings_get_boolean (self->settings, "share-remember");
  g_autofree char *token = remember ? g_settings_get_string (self->settings, "share-restore-token") : NULL;
  TandemPortalCapture *capture = tandem_portal_capture_new (token, remember);

  tandem_portal_capture_set_parent (capture, xdp_parent_new_gtk (GTK_WINDOW (get_window (self))));
  entry->capture = TANDEM_CAPTURE (capture);
  entry->cancellable = g_cancellable_new ();
  g_signal_connect (capture, "failed", G_CALLBACK (on_capture_failed), self);
  tandem_capture_prepare_async (entry->capture, entry->cancellable, on_capture_prepared, g_object_ref (self));
}

static void
start_serving (TandemShareController *self,
               Entry                 *entry)
{
  g_autofree char *scope = NULL;

  if (use_portal ())
    {
      start_portal (self, entry);
      return;
    }
  scope = self->settings ? g_settings_get_string (self->settings, "share-scope") : g_strdup ("screen");
  entry->capture = capture_for_scope (scope);
  serve_capture (self, entry);
}

static void
on_input_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(TandemShareController) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = tandem_portal_capture_request_input_finish (TANDEM_PORTAL_CAPTURE (source), result, &error);
  Entry *entry = find_entry_by_capture (self, source);

  if (entry == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  entry->asking_input = FALSE;
  if (!ok)
    {
      g_autofree char *message = describe_capture_error (error);

      g_message ("control not given: %s", error->message);
      entry->grant_after = FALSE;
      say (self, message);
      if (tandem_share_get_control (entry->share))
        tandem_share_set_control (entry->share, FALSE, NULL);
      return;
    }
  if (entry->grant_after && !tandem_share_get_control (entry->share))
    {
      g_autoptr(GError) grant_error = NULL;

      entry->grant_after = FALSE;
      if (!tandem_share_set_control (entry->share, TRUE, &grant_error))
        report (self, _("Control could not be changed"), grant_error);
      return;
    }
  on_share_control (entry->share, NULL, self);
}

/* ----- viewing --------------------------------------------------------- */

static void
on_view_request_control (TandemShareView *view,
                         Entry           *entry)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_share_request_control (entry->share, &error))
    g_message ("Control not requested: %s", error->message);
}

static void
on_view_stop (TandemShareView *view,
              Entry           *entry)
{
  tandem_share_stop (entry->share);
}

static void
start_viewing (TandemShareController *self,
               Entry                 *entry)
{
  TandemWindow *window = get_window (self);
  const char *address = tandem_share_get_peer_address (entry->share);

  entry->view = g_object_ref_sink (tandem_share_view_new (peer_name (self, entry->share)));
  g_signal_connect (entry->view, "request-control", G_CALLBACK (on_view_request_control), entry);
  g_signal_connect (entry->view, "stop", G_CALLBACK (on_view_stop), entry);
  tandem_share_security_set_share (TANDEM_SHARE_SECURITY (tandem_share_view_get_security (TANDEM_SHARE_VIEW (entry->view))),
                                   entry->share);
  tandem_window_open_conversation (window, address);
  tandem_window_set_share_view (window, address, entry->view);
  tandem_share_view_open_fd (TANDEM_SHARE_VIEW (entry->view), tandem_share_steal_vnc_fd (entry->share));
  gtk_window_present (GTK_WINDOW (window));
}

/* ----- the prompt of a pending share ------------------------------------ */

static void
show_prompt (TandemShareController *self,
             Entry                 *entry)
{
  TandemCalls *calls = tandem_manager_get_calls (self->manager);

  entry->prompt = tandem_share_prompt_new (peer_name (self, entry->share), tandem_share_is_sharer (entry->share),
                                           tandem_calls_find (calls, tandem_share_get_peer_address (entry->share)) != NULL,
                                           tandem_share_has_audio (entry->share));
  gtk_widget_show_all (entry->prompt);
  tandem_window_add_bar (get_window (self), entry->prompt);
  gtk_window_present (GTK_WINDOW (get_window (self)));
}

/* ----- share life ------------------------------------------------------ */

static void
on_share_state (TandemShare           *share,
                GParamSpec            *pspec,
                TandemShareController *self)
{
  Entry *entry = find_entry (self, share);
  TandemShareState state = tandem_share_get_state (share);

  if (entry == NULL)
    return;
  if (state != TANDEM_SHARE_PENDING)
    g_clear_pointer (&entry->prompt, gtk_widget_destroy);

  if (state == TANDEM_SHARE_ACTIVE && tandem_share_is_sharer (share) && entry->server == NULL)
    start_serving (self, entry);
  else if (state == TANDEM_SHARE_ACTIVE && !tandem_share_is_sharer (share) && entry->view == NULL)
    start_viewing (self, entry);
  else if (state == TANDEM_SHARE_ENDED)
    {
      const char *reason = tandem_share_get_end_reason (share);

      stop_serving (entry);
      if (entry->view != NULL)
        tandem_share_view_set_ended (TANDEM_SHARE_VIEW (entry->view), reason);
      if (tandem_share_get_relay_lost (share))
        {
          /* said where Reconnect is; the state is for D-Bus callers and tests */
          g_action_group_change_action_state (G_ACTION_GROUP (self->application), "share-message",
                                              g_variant_new_string (reason));
          tandem_share_reconnect_add (self->reconnect, share, peer_name (self, share),
                                      entry->view ? TANDEM_SHARE_VIEW (entry->view) : NULL, get_window (self));
        }
      else if (entry->view == NULL && !tandem_share_is_incoming (share) && reason != NULL &&
               g_strcmp0 (reason, _("Stopped")) != 0 &&
               g_strcmp0 (reason, _("Ended by the other side")) != 0)
        {
          /* Translators: %s says why, e.g. "Declined (603 Decline)" */
          g_autofree char *message = g_strdup_printf (_("Screen sharing with %s ended: %s"),
                                                      peer_name (self, share), reason);
          tandem_window_show_error (get_window (self), message);
        }
      /* The ended view stays beside the chat until a new share replaces it. */
      g_ptr_array_remove (self->entries, entry);
    }
  update_actions (self);
}

static void
on_share_control (TandemShare           *share,
                  GParamSpec            *pspec,
                  TandemShareController *self)
{
  Entry *entry = find_entry (self, share);

  if (entry == NULL)
    return;
  if (entry->server != NULL)
    {
      gboolean control = tandem_share_get_control (share);

      /* Wayland: the RemoteDesktop portal asks first; control starts when
       * it said yes.  A revoke applies at once. */
      if (control && TANDEM_IS_PORTAL_CAPTURE (entry->capture) &&
          !tandem_portal_capture_has_input (TANDEM_PORTAL_CAPTURE (entry->capture)))
        {
          ask_input (self, entry);
          control = FALSE;
        }
      tandem_vnc_server_set_control (entry->server, entry->viewer_id, control);
    }
  if (entry->bar != NULL)
    {
      tandem_share_bar_set_control (entry->bar, tandem_share_get_control (share));
      tandem_share_bar_set_control_requested (entry->bar, tandem_share_get_control_requested (share));
    }
  if (entry->view != NULL)
    tandem_share_view_set_control_granted (TANDEM_SHARE_VIEW (entry->view), tandem_share_get_control (share));
  update_actions (self);
}

static void
on_share_added (TandemShareController *self,
                TandemShare           *share)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->share = g_object_ref (share);
  g_ptr_array_add (self->entries, entry);
  g_signal_connect (share, "notify::state", G_CALLBACK (on_share_state), self);
  g_signal_connect (share, "notify::control", G_CALLBACK (on_share_control), self);
  g_signal_connect (share, "notify::control-requested", G_CALLBACK (on_share_control), self);
  g_signal_connect (share, "notify::unacked", G_CALLBACK (on_share_unacked), self);
  unsay (self);
  if (tandem_share_get_state (share) == TANDEM_SHARE_PENDING && tandem_share_reconnect_take (self->reconnect, share))
    {
      g_autoptr(GError) error = NULL;  /* accept-share is not enabled yet */

      if (!tandem_share_accept (share, &error))
        report (self, _("The share could not be accepted"), error);
    }
  else if (tandem_share_get_state (share) == TANDEM_SHARE_PENDING)
    show_prompt (self, entry);
  update_actions (self);
}

/* ----- actions --------------------------------------------------------- */

static void
enable (TandemShareController *self,
        const char            *name,
        gboolean               enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (TandemShareController *self)
{
  Entry *sharing = newest (self, TANDEM_SHARE_ACTIVE, TRUE);
  Entry *viewing = newest (self, TANDEM_SHARE_ACTIVE, FALSE);

  enable (self, "accept-share", newest (self, TANDEM_SHARE_PENDING, -1) != NULL);
  enable (self, "choose-accept-share", newest (self, TANDEM_SHARE_PENDING, TRUE) != NULL);
  enable (self, "decline-share", newest (self, TANDEM_SHARE_PENDING, -1) != NULL);
  enable (self, "stop-share", newest (self, -1, -1) != NULL);
  enable (self, "grant-control", sharing != NULL && !tandem_share_get_control (sharing->share));
  enable (self, "revoke-control", sharing != NULL && tandem_share_get_control (sharing->share));
  enable (self, "request-control", viewing != NULL && !tandem_share_get_control (viewing->share));
  enable (self, "save-shared-screen", viewing != NULL);
}

static void
on_share_screen (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemShareController *self = user_data;
  g_autoptr(GError) error = NULL;

  if (tandem_shares_share_screen (tandem_manager_get_shares (self->manager), g_variant_get_string (parameter, NULL), &error) == NULL)
    report (self, _("Your screen could not be shared"), error);
}

static void
on_request_screen (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TandemShareController *self = user_data;
  g_autoptr(GError) error = NULL;

  if (tandem_shares_request_screen (tandem_manager_get_shares (self->manager), g_variant_get_string (parameter, NULL), &error) == NULL)
    report (self, _("The screen could not be requested"), error);
}

static void
on_scope_response (GtkDialog             *dialog,
                   int                    response,
                   TandemShareController *self)
{
  const char *then = g_object_get_data (G_OBJECT (dialog), "tandem-then");
  GVariant *target = g_object_get_data (G_OBJECT (dialog), "tandem-target");

  if (response == GTK_RESPONSE_OK && self->application != NULL)
    {
      g_autofree char *chosen = tandem_share_scope_dialog_dup_scope (TANDEM_SHARE_SCOPE_DIALOG (dialog));

      if (self->settings != NULL && g_strcmp0 (chosen, "portal") != 0)
        g_settings_set_string (self->settings, "share-scope", chosen);
      g_action_group_activate_action (G_ACTION_GROUP (self->application), then, target);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* The scope chooser, then @then (share-screen with @target, or
 * accept-share) once the user has chosen; the action returns at once. */
static void
choose_scope (TandemShareController *self,
              const char            *peer,
              const char            *then,
              GVariant              *target)
{
  g_autofree char *scope = self->settings ? g_settings_get_string (self->settings, "share-scope")
                                          : g_strdup ("screen");
  TandemShareScopeDialog *dialog = use_portal ()
    ? tandem_share_scope_dialog_new_for_portal (GTK_WINDOW (get_window (self)), peer)
    : tandem_share_scope_dialog_new (GTK_WINDOW (get_window (self)), peer, scope);

  g_object_set_data_full (G_OBJECT (dialog), "tandem-then", g_strdup (then), g_free);
  if (target != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "tandem-target", g_variant_ref (target),
                            (GDestroyNotify) g_variant_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_scope_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_choose_share_screen (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TandemShareController *self = user_data;
  const char *address = g_variant_get_string (parameter, NULL);
  TandemContact *contact = tandem_contacts_find (tandem_manager_get_contacts (self->manager), address);

  choose_scope (self, contact ? tandem_contact_get_name (contact) : address, "share-screen", parameter);
}

static void
on_choose_accept_share (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, TANDEM_SHARE_PENDING, TRUE);

  if (entry != NULL)
    choose_scope (self, peer_name (self, entry->share), "accept-share", NULL);
}

static void
on_accept_share (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, TANDEM_SHARE_PENDING, -1);
  g_autoptr(GError) error = NULL;

  if (entry != NULL && !tandem_share_accept (entry->share, &error))
    report (self, _("The share could not be accepted"), error);
}

static void
on_decline_share (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, TANDEM_SHARE_PENDING, -1);

  if (entry != NULL)
    tandem_share_decline (entry->share, NULL);
}

static void
on_stop_share (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, -1, -1);

  if (entry != NULL)
    tandem_share_stop (entry->share);
}

static void
set_control (TandemShareController *self,
             gboolean               control)
{
  Entry *entry = newest (self, TANDEM_SHARE_ACTIVE, TRUE);
  g_autoptr(GError) error = NULL;

  /* Wayland: the RemoteDesktop portal says yes first; then the peer is
   * told they have control.  While the screen is still being prepared
   * (the ScreenCast portal has not answered yet), the question waits for
   * it: serve_capture() asks. */
  if (entry != NULL && control && TANDEM_IS_PORTAL_CAPTURE (entry->capture) &&
      !tandem_portal_capture_has_input (TANDEM_PORTAL_CAPTURE (entry->capture)))
    {
      entry->grant_after = TRUE;
      if (entry->server != NULL)
        ask_input (self, entry);
      return;
    }
  if (entry != NULL && !tandem_share_set_control (entry->share, control, &error))
    report (self, _("Control could not be changed"), error);
}

static void
on_grant_control (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  set_control (user_data, TRUE);
}

static void
on_revoke_control (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  set_control (user_data, FALSE);
}

static void
on_request_control (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, TANDEM_SHARE_ACTIVE, FALSE);

  if (entry != NULL && entry->view != NULL)
    on_view_request_control (TANDEM_SHARE_VIEW (entry->view), entry);
}

/* Saves the remote screen as received (full size, before scaling) as a
 * PNG. */
static void
on_save_shared_screen (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TandemShareController *self = user_data;
  Entry *entry = newest (self, TANDEM_SHARE_ACTIVE, FALSE);
  cairo_surface_t *surface;

  if (entry == NULL || entry->view == NULL)
    return;
  surface = tandem_vnc_view_snapshot (tandem_share_view_get_vnc_view (TANDEM_SHARE_VIEW (entry->view)));
  if (surface == NULL || cairo_surface_write_to_png (surface, g_variant_get_string (parameter, NULL)) != CAIRO_STATUS_SUCCESS)
    g_message ("The shared screen could not be saved to %s", g_variant_get_string (parameter, NULL));
  g_clear_pointer (&surface, cairo_surface_destroy);
}

static const GActionEntry share_actions[] = {
  { "share-screen", on_share_screen, "s", NULL, NULL, { 0 } },
  { "request-screen", on_request_screen, "s", NULL, NULL, { 0 } },
  { "choose-share-screen", on_choose_share_screen, "s", NULL, NULL, { 0 } },
  { "choose-accept-share", on_choose_accept_share, NULL, NULL, NULL, { 0 } },
  { "accept-share", on_accept_share, NULL, NULL, NULL, { 0 } },
  { "decline-share", on_decline_share, NULL, NULL, NULL, { 0 } },
  { "stop-share", on_stop_share, NULL, NULL, NULL, { 0 } },
  { "grant-control", on_grant_control, NULL, NULL, NULL, { 0 } },
  { "revoke-control", on_revoke_control, NULL, NULL, NULL, { 0 } },
  { "request-control", on_request_control, NULL, NULL, NULL, { 0 } },
  { "save-shared-screen", on_save_shared_screen, "s", NULL, NULL, { 0 } },
  /* State: the last thing said about a share of ours going wrong. */
  { "share-message", NULL, NULL, "''", NULL, { 0 } },
};

/* ----- GObject --------------------------------------------------------- */

static void
tandem_share_controller_dispose (GObject *object)
{
  TandemShareController *self = TANDEM_SHARE_CONTROLLER (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (tandem_manager_get_shares (self->manager), self);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->reconnect);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (tandem_share_controller_parent_class)->dispose (object);
}

static void
tandem_share_controller_class_init (TandemShareControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_share_controller_dispose;
}

static void
tandem_share_controller_init (TandemShareController *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
}

TandemShareController *
tandem_share_controller_new (GtkApplication *application,
                             TandemManager  *manager,
                             GSettings      *settings)
{
  TandemShareController *self = g_object_new (TANDEM_TYPE_SHARE_CONTROLLER, NULL);

  g_set_weak_pointer (&self->application, application);
  self->manager = g_object_ref (manager);
  self->settings = settings ? g_object_ref (settings) : NULL;
  g_action_map_add_action_entries (G_ACTION_MAP (application), share_actions,
                                   G_N_ELEMENTS (share_actions), self);
  g_signal_connect_swapped (tandem_manager_get_shares (manager), "share-added", G_CALLBACK (on_share_added), self);
  self->reconnect = tandem_share_reconnect_new (application, tandem_manager_get_shares (manager));
  update_actions (self);

  return self;
}
