/* tandem-share-reconnect.c: shares that a relay dropped, remembered per
 * peer for two minutes.  The viewer's ended TandemShareView gets a
 * Reconnect button; the sharer gets a bar in the window.  Reconnect
 * offers the share again in the same direction (the capture follows the
 * remembered scope: no chooser), and an offer from that peer in the same
 * direction is taken without a prompt.  The application action
 * "reconnect-share" (the peer's address) is this object's, enabled while
 * a dropped share is remembered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-reconnect"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-reconnect.h"

#define RECONNECT_WINDOW_US (120 * G_USEC_PER_SEC)

typedef struct {
  gboolean   sharer;
  gint64     when;
  GtkWidget *bar;      /* sharer: the window's Reconnect bar */
} Lost;

struct _TandemShareReconnect
{
  GObject         parent_instance;

  GtkApplication *application;   /* weak */
  TandemShares   *shares;
  GHashTable     *lost;          /* peer address -> Lost */
};

G_DEFINE_FINAL_TYPE (TandemShareReconnect, tandem_share_reconnect, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
lost_free (gpointer data)
{
  Lost *lost = data;

  if (lost->bar != NULL)
    {
      gtk_widget_destroy (lost->bar);
      g_object_unref (lost->bar);
    }
  g_free (lost);
}

static void
update_action (TandemShareReconnect *self)
{
  GAction *action = self->application != NULL
    ? g_action_map_lookup_action (G_ACTION_MAP (self->application), "reconnect-share") : NULL;

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), g_hash_table_size (self->lost) > 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
forget (TandemShareReconnect *self,
        const char           *address)
{
  if (g_hash_table_remove (self->lost, address))
    update_action (self);
}

static Lost *
find_lost (TandemShareReconnect *self,
           const char           *address)
{
  Lost *lost = g_hash_table_lookup (self->lost, address);

  if (lost != NULL && g_get_monotonic_time () - lost->when > RECONNECT_WINDOW_US)
    {
      forget (self, address);
      lost = NULL;
    }
  return lost;
}

static void
ask_reconnect (TandemShareReconnect *self,
               const char           *address)
{
  if (self->application != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->application), "reconnect-share",
                                    g_variant_new_string (address));
}

static void
on_bar_response (GtkInfoBar           *bar,
                 int                   response,
                 TandemShareReconnect *self)
{
  g_autofree char *address = g_strdup (g_object_get_data (G_OBJECT (bar), "tandem-peer"));

  if (response == GTK_RESPONSE_ACCEPT)
    ask_reconnect (self, address);
  else
    forget (self, address);  /* destroys the bar */
}

static void
on_view_reconnect (TandemShareView      *view,
                   TandemShareReconnect *self)
{
  tandem_share_view_set_reconnectable (view, FALSE);
  ask_reconnect (self, g_object_get_data (G_OBJECT (view), "tandem-peer"));
}

static GtkWidget *
new_bar (TandemShareReconnect *self,
         const char           *address,
         const char           *peer_name)
{
  /* Translators: %s is the person the screen was shared with */
  g_autofree char *text = g_strdup_printf (_("Screen sharing with %s: the connection through the relay was lost."),
                                           peer_name);
  GtkInfoBar *bar = GTK_INFO_BAR (gtk_info_bar_new ());
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (GTK_WIDGET (bar), "share_reconnect");
  gtk_info_bar_set_message_type (bar, GTK_MESSAGE_WARNING);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_container_add (GTK_CONTAINER (gtk_info_bar_get_content_area (bar)), label);
  gtk_info_bar_add_button (bar, _("_Dismiss"), GTK_RESPONSE_CLOSE);
  gtk_style_context_add_class (gtk_widget_get_style_context (
                                 gtk_info_bar_add_button (bar, _("_Reconnect"), GTK_RESPONSE_ACCEPT)),
                               "suggested-action");
  g_object_set_data_full (G_OBJECT (bar), "tandem-peer", g_strdup (address), g_free);
  g_signal_connect (bar, "response", G_CALLBACK (on_bar_response), self);
  gtk_widget_show_all (GTK_WIDGET (bar));
  return g_object_ref_sink (GTK_WIDGET (bar));
}

void
tandem_share_reconnect_add (TandemShareReconnect *self,
                            TandemShare          *share,
                            const char           *peer_name,
                            TandemShareView      *view,
                            TandemWindow         *window)
{
  const char *address = tandem_share_get_peer_address (share);
  Lost *lost = g_new0 (Lost, 1);

  g_return_if_fail (TANDEM_IS_SHARE_RECONNECT (self));
  lost->sharer = tandem_share_is_sharer (share);
  lost->when = g_get_monotonic_time ();
  g_hash_table_replace (self->lost, g_strdup (address), lost);
  if (view != NULL)
    {
      g_object_set_data_full (G_OBJECT (view), "tandem-peer", g_strdup (address), g_free);
      g_signal_handlers_disconnect_by_func (view, on_view_reconnect, self);
      g_signal_connect_object (view, "reconnect", G_CALLBACK (on_view_reconnect), self, 0);
      tandem_share_view_set_reconnectable (view, TRUE);
    }
  else if (window != NULL)
    {
      lost->bar = new_bar (self, address, peer_name);
      tandem_window_add_bar (window, lost->bar);
    }
  update_action (self);
}

gboolean
tandem_share_reconnect_take (TandemShareReconnect *self,
                             TandemShare          *share)
{
  const char *address = tandem_share_get_peer_address (share);
  Lost *lost;

  g_return_val_if_fail (TANDEM_IS_SHARE_RECONNECT (self), FALSE);
  lost = find_lost (self, address);
  if (lost == NULL || !tandem_share_is_incoming (share) || lost->sharer != tandem_share_is_sharer (share))
    return FALSE;
  g_message ("share with %s: set up again after the relay dropped it", address);
  forget (self, address);
  return TRUE;
}

gboolean
tandem_share_reconnect_run (TandemShareReconnect *self,
                            const char           *address,
                            GError              **error)
{
  Lost *lost;
  gboolean sharer;

  g_return_val_if_fail (TANDEM_IS_SHARE_RECONNECT (self), FALSE);
  if ((lost = find_lost (self, address)) == NULL)
    return TRUE;  /* too late, or done already */
  sharer = lost->sharer;
  forget (self, address);
  g_message ("share with %s: reconnecting (%s)", address, sharer ? "sharing" : "viewing");
  return (sharer ? tandem_shares_share_screen (self->shares, address, error)
                 : tandem_shares_request_screen (self->shares, address, error)) != NULL;
}

static void
on_reconnect_share (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       data)
{
  TandemShareReconnect *self = data;
  g_autoptr(GError) error = NULL;
  GtkWindow *window = gtk_application_get_active_window (self->application);

  if (!tandem_share_reconnect_run (self, g_variant_get_string (parameter, NULL), &error) && TANDEM_IS_WINDOW (window))
    {
      /* Translators: "<what failed>: <why>" */
      g_autofree char *message = g_strdup_printf (_("%s: %s"), _("The share could not be set up again"),
                                                  error->message);

      tandem_window_show_error (TANDEM_WINDOW (window), message);
    }
}

gboolean
tandem_share_reconnect_is_empty (TandemShareReconnect *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_RECONNECT (self), TRUE);
  return g_hash_table_size (self->lost) == 0;
}

static void
tandem_share_reconnect_dispose (GObject *object)
{
  TandemShareReconnect *self = TANDEM_SHARE_RECONNECT (object);

  g_clear_pointer (&self->lost, g_hash_table_unref);
  g_clear_object (&self->shares);
  g_clear_weak_pointer (&self->application);
  G_OBJECT_CLASS (tandem_share_reconnect_parent_class)->dispose (object);
}

static void
tandem_share_reconnect_class_init (TandemShareReconnectClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_share_reconnect_dispose;
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tandem_share_reconnect_init (TandemShareReconnect *self)
{
  self->lost = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, lost_free);
}

TandemShareReconnect *
tandem_share_reconnect_new (GtkApplication *application,
                            TandemShares   *shares)
{
  TandemShareReconnect *self = g_object_new (TANDEM_TYPE_SHARE_RECONNECT, NULL);

  static const GActionEntry actions[] = {
    { "reconnect-share", on_reconnect_share, "s", NULL, NULL, { 0 } },
  };

  g_set_weak_pointer (&self->application, application);
  self->shares = g_object_ref (shares);
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), self);
  update_action (self);
  return self;
}
