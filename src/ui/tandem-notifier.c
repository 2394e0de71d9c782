/* tandem-notifier.c
 *
 * libnotify notifications whose buttons run the application's actions:
 *   - an incoming call, with Answer and Decline;
 *   - a message that arrives while its conversation is not in front of the
 *     user, with Open;
 *   - a presence subscription request, with Deny and Allow;
 *   - a screen share offered or requested, with Decline and Accept.
 * Each is withdrawn once handled elsewhere: the call is answered, declined
 * or gone; the conversation has been read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "tandem-notifier.h"

struct _TandemNotifier
{
  GObject         parent_instance;

  GtkApplication *application;   /* weak */
  TandemManager  *manager;
  GSettings      *settings;      /* "notifications": the user's switch */
  GHashTable     *subscribers;   /* address -> NotifyNotification */
};

G_DEFINE_FINAL_TYPE (TandemNotifier, tandem_notifier, G_TYPE_OBJECT)

static void
show (TandemNotifier     *self,
      NotifyNotification *notification)
{
  g_autoptr(GError) error = NULL;

  if (self->settings != NULL && !g_settings_get_boolean (self->settings, "notifications"))
    return;

  /* No notification server (a bare X session, the tests): say so in the
   * debug log; the window shows the same. */
  if (!notify_notification_show (notification, &error))
    g_debug ("Notification not shown: %s", error->message);
}

static void
withdraw (NotifyNotification *notification)
{
  g_autoptr(GError) error = NULL;

  if (!notify_notification_close (notification, &error))
    g_debug ("Notification not withdrawn: %s", error->message);
}

static void
on_action (NotifyNotification *notification,
           char               *action,
           gpointer            user_data)
{
  TandemNotifier *self = user_data;
  GVariant *target = g_object_get_data (G_OBJECT (notification), "tandem-target");

  if (self->application == NULL)
    return;

  if (g_str_equal (action, "default") || g_str_equal (action, "open"))
    action = "open-conversation";
  g_action_group_activate_action (G_ACTION_GROUP (self->application), action, target);
  if (g_str_equal (action, "open-conversation") || g_str_equal (action, "answer") ||
      g_str_equal (action, "choose-accept-share") || g_str_equal (action, "accept-share"))
    {
      GtkWindow *window = gtk_application_get_active_window (self->application);
      if (window != NULL)
        gtk_window_present (window);
    }
}

/* ----- calls --------------------------------------------------------- */

static void
on_call_state (TandemCall         *call,
               GParamSpec         *pspec,
               NotifyNotification *notification)
{
  if (tandem_call_get_state (call) != TANDEM_CALL_INCOMING)
    {
      withdraw (notification);
      g_signal_handlers_disconnect_by_data (call, notification);
    }
}

static void
on_call_added (TandemNotifier *self,
               TandemCall     *call)
{
  NotifyNotification *notification;
  g_autofree char *summary = NULL;

  if (!tandem_call_is_incoming (call) || tandem_call_get_state (call) != TANDEM_CALL_INCOMING)
    return;

  /* Translators: notification title, %s is the caller */
  summary = g_strdup_printf (_("Incoming call from %s"), tandem_call_get_peer_name (call));
  notification = notify_notification_new (summary, tandem_call_get_peer_address (call),
                                          "call-start-symbolic");
  notify_notification_set_urgency (notification, NOTIFY_URGENCY_CRITICAL);
  notify_notification_set_category (notification, "call.incoming");
  notify_notification_set_hint (notification, "desktop-entry", g_variant_new_string (TANDEM_APP_ID));
  notify_notification_add_action (notification, "answer", _("Answer"), on_action, self, NULL);
  notify_notification_add_action (notification, "decline", _("Decline"), on_action, self, NULL);

  /* The call holds the notification until it stops ringing. */
  g_signal_connect_data (call, "notify::state", G_CALLBACK (on_call_state),
                         notification, (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  show (self, notification);
}

/* ----- messages ------------------------------------------------------ */

static gboolean
conversation_in_front (TandemNotifier     *self,
                       TandemConversation *conversation)
{
  GtkWindow *window = gtk_application_get_active_window (self->application);
  g_autoptr(GVariant) state = NULL;

  if (window == NULL || !gtk_window_is_active (window))
    return FALSE;

  state = g_action_group_get_action_state (G_ACTION_GROUP (self->application), "open-conversation");
  return state != NULL &&
         g_strcmp0 (g_variant_get_string (state, NULL),
                    tandem_conversation_get_peer_address (conversation)) == 0;
}

static void
on_unread_changed (TandemConversation *conversation,
                   GParamSpec         *pspec,
                   NotifyNotification *notification)
{
  if (tandem_conversation_get_unread_count (conversation) == 0)
    {
      withdraw (notification);
      g_object_set_data (G_OBJECT (conversation), "tandem-notification", NULL);
      g_signal_handlers_disconnect_by_data (conversation, notification);
    }
}

static void
on_message_received (TandemNotifier     *self,
                     TandemConversation *conversation,
                     const char         *text)
{
  NotifyNotification *notification;
  const char *address = tandem_conversation_get_peer_address (conversation);
  TandemContact *contact = tandem_contacts_find (tandem_manager_get_contacts (self->manager), address);
  g_autofree char *summary = NULL;

  if (self->application == NULL || conversation_in_front (self, conversation))
    return;

  /* Translators: notification title, %s is the sender */
  summary = g_strdup_printf (_("Message from %s"), contact ? tandem_contact_get_name (contact) : address);

  /* One notification per conversation, updated as messages arrive. */
  notification = g_object_get_data (G_OBJECT (conversation), "tandem-notification");
  if (notification != NULL)
    notify_notification_update (notification, summary, text, "mail-unread-symbolic");
  else
    {
      notification = notify_notification_new (summary, text, "mail-unread-symbolic");
      notify_notification_set_category (notification, "im.received");
      notify_notification_set_hint (notification, "desktop-entry", g_variant_new_string (TANDEM_APP_ID));
      g_object_set_data_full (G_OBJECT (notification), "tandem-target",
                              g_variant_ref_sink (g_variant_new_string (address)),
                              (GDestroyNotify) g_variant_unref);
      notify_notification_add_action (notification, "default", _("Open"), on_action, self, NULL);
      notify_notification_add_action (notification, "open", _("Open"), on_action, self, NULL);
      g_object_set_data_full (G_OBJECT (conversation), "tandem-notification",
                              notification, g_object_unref);
      g_signal_connect (conversation, "notify::unread-count", G_CALLBACK (on_unread_changed), notification);
    }
  show (self, notification);
}

/* ----- presence subscription requests -------------------------------- */

static void
on_subscription_requested (TandemNotifier *self,
                           const char     *address)
{
  NotifyNotification *notification;
  /* Translators: notification body, %s is a SIP address */
  g_autofree char *body = g_strdup_printf (_("%s wants to see when you are online."), address);

  notification = notify_notification_new (_("Presence request"), body, "avatar-default-symbolic");
  notify_notification_set_category (notification, "presence");
  notify_notification_set_hint (notification, "desktop-entry", g_variant_new_string (TANDEM_APP_ID));
  g_object_set_data_full (G_OBJECT (notification), "tandem-target",
                          g_variant_ref_sink (g_variant_new_string (address)),
                          (GDestroyNotify) g_variant_unref);
  notify_notification_add_action (notification, "deny-subscriber", _("Deny"), on_action, self, NULL);
  notify_notification_add_action (notification, "allow-subscriber", _("Allow"), on_action, self, NULL);
  g_hash_table_replace (self->subscribers, g_strdup (address), notification);
  show (self, notification);
}

static void
on_subscription_handled (TandemNotifier *self,
                         const char     *address)
{
  NotifyNotification *notification = g_hash_table_lookup (self->subscribers, address);

  if (notification != NULL)
    {
      withdraw (notification);
      g_hash_table_remove (self->subscribers, address);
    }
}

/* ----- screen shares ------------------------------------------------- */

static void
on_share_state (TandemShare        *share,
                GParamSpec         *pspec,
                NotifyNotification *notification)
{
  if (tandem_share_get_state (share) != TANDEM_SHARE_PENDING)
    {
      withdraw (notification);
      g_signal_handlers_disconnect_by_data (share, notification);
    }
}

static void
on_share_added (TandemNotifier *self,
                TandemShare    *share)
{
  NotifyNotification *notification;
  const char *address = tandem_share_get_peer_address (share);
  TandemContact *contact = tandem_contacts_find (tandem_manager_get_contacts (self->manager), address);
  const char *name = contact ? tandem_contact_get_name (contact) : address;
  g_autofree char *summary = NULL;

  if (tandem_share_get_state (share) != TANDEM_SHARE_PENDING)
    return;
  summary = tandem_share_is_sharer (share)
    /* Translators: notification title, %s is a person */
    ? g_strdup_printf (_("%s asks to see your screen"), name)
    /* Translators: notification title, %s is a person */
    : g_strdup_printf (_("%s wants to show you their screen"), name);
  notification = notify_notification_new (summary, address, "video-display-symbolic");
  notify_notification_set_urgency (notification, NOTIFY_URGENCY_CRITICAL);
  notify_notification_set_hint (notification, "desktop-entry", g_variant_new_string (TANDEM_APP_ID));
  notify_notification_add_action (notification, "decline-share", _("Decline"), on_action, self, NULL);
  /* Sharing asks what to share first, in the window. */
  notify_notification_add_action (notification,
                                  tandem_share_is_sharer (share) ? "choose-accept-share" : "accept-share",
                                  _("Accept"), on_action, self, NULL);
  g_signal_connect_data (share, "notify::state", G_CALLBACK (on_share_state),
                         notification, (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  show (self, notification);
}

/* ----- GObject ------------------------------------------------------- */

static void
tandem_notifier_dispose (GObject *object)
{
  TandemNotifier *self = TANDEM_NOTIFIER (object);

  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (tandem_manager_get_calls (self->manager), self);
      g_signal_handlers_disconnect_by_data (tandem_manager_get_conversations (self->manager), self);
      g_signal_handlers_disconnect_by_data (tandem_manager_get_contacts (self->manager), self);
      g_signal_handlers_disconnect_by_data (tandem_manager_get_shares (self->manager), self);
    }
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->subscribers, g_hash_table_unref);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (tandem_notifier_parent_class)->dispose (object);
}

static void
tandem_notifier_class_init (TandemNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_notifier_dispose;
}

static void
tandem_notifier_init (TandemNotifier *self)
{
  self->subscribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

TandemNotifier *
tandem_notifier_new (GtkApplication *application,
                     TandemManager  *manager,
                     GSettings      *settings)
{
  TandemNotifier *self = g_object_new (TANDEM_TYPE_NOTIFIER, NULL);

  if (!notify_is_initted ())
    notify_init (g_get_application_name ());

  g_set_weak_pointer (&self->application, application);
  self->manager = g_object_ref (manager);
  self->settings = settings ? g_object_ref (settings) : NULL;
  g_signal_connect_swapped (tandem_manager_get_calls (manager), "call-added", G_CALLBACK (on_call_added), self);
  g_signal_connect_swapped (tandem_manager_get_conversations (manager), "message-received", G_CALLBACK (on_message_received), self);
  g_signal_connect_swapped (tandem_manager_get_contacts (manager), "subscription-requested", G_CALLBACK (on_subscription_requested), self);
  g_signal_connect_swapped (tandem_manager_get_shares (manager), "share-added", G_CALLBACK (on_share_added), self);
  g_signal_connect_swapped (tandem_manager_get_contacts (manager), "subscription-handled", G_CALLBACK (on_subscription_handled), self);

  return self;
}
