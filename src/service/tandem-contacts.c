/* tandem-contacts.c
 *
 * The friend list of the profile's LinphoneCore, each friend wrapped once
 * in a TandemContact (the LinphoneFriend's user data points back), the
 * presence liblinphone reports for them, the presence we publish, and the
 * presence subscription requests of people who are not contacts yet.
 * Contacts live in their own sqlite file in the profile (see
 * TandemManager).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-contacts"

#include "config.h"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-contacts.h"
#include "tandem-sip-address.h"

/* Least time between two presence PUBLISHes, see schedule_publish(). */
#define PUBLISH_SPACING_US (1500 * G_TIME_SPAN_MILLISECOND)

struct _TandemContacts
{
  GObject          parent_instance;

  LinphoneCore    *core;            /* while started */
  LinphoneCoreCbs *cbs;
  GListStore      *store;           /* of TandemContact */
  GHashTable      *subscribers;     /* address -> LinphoneFriend, waiting for the user */

  TandemPresence   presence;
  char            *presence_note;
  guint            publish_id;      /* a PUBLISH waiting for its turn */
  gint64           last_publish;    /* monotonic time of the last one */
};

static void tandem_contacts_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemContacts, tandem_contacts, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tandem_contacts_list_model_init))

enum {
  SUBSCRIPTION_REQUESTED,
  SUBSCRIPTION_HANDLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PRESENCE,
  PROP_PRESENCE_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ----- their presence ------------------------------------------------ */

static TandemPresence
activity_presence (const LinphonePresenceActivity *activity)
{
  switch (linphone_presence_activity_get_type (activity))
    {
    case LinphonePresenceActivityAway:
    case LinphonePresenceActivityBreakfast:
    case LinphonePresenceActivityDinner:
    case LinphonePresenceActivityLunch:
    case LinphonePresenceActivityMeal:
    case LinphonePresenceActivityHoliday:
    case LinphonePresenceActivityVacation:
    case LinphonePresenceActivitySleeping:
    case LinphonePresenceActivityTravel:
    case LinphonePresenceActivitySteering:
    case LinphonePresenceActivityShopping:
      return TANDEM_PRESENCE_AWAY;
    default:
      return TANDEM_PRESENCE_BUSY;
    }
}

/* From the PIDF basic status and the RPID activity.  liblinphone's own
 * "consolidated" presence counts its <pidfonline:online/> extension as
 * online even when the basic status is closed (linphonec publishes that
 * when it quits), so the basic status decides here:
 *   closed, no activity   -> offline
 *   closed, an activity   -> do not disturb (liblinphone's encoding)
 *   open, an activity     -> away or busy
 *   open, no activity     -> available */
static TandemPresence
presence_from_model (const LinphonePresenceModel *model,
                     LinphoneConsolidatedPresence consolidated)
{
  const LinphonePresenceActivity *activity;

  if (model == NULL || consolidated == LinphoneConsolidatedPresenceOffline)
    return TANDEM_PRESENCE_OFFLINE;

  activity = linphone_presence_model_get_activity (model);
  if (linphone_presence_model_get_basic_status (model) == LinphonePresenceBasicStatusClosed)
    return activity != NULL ? TANDEM_PRESENCE_DND : TANDEM_PRESENCE_OFFLINE;

  return activity != NULL ? activity_presence (activity) : TANDEM_PRESENCE_AVAILABLE;
}

static void
update_contact_presence (TandemContact  *contact,
                         LinphoneFriend *friend)
{
  const LinphonePresenceModel *model = linphone_friend_get_presence_model (friend);
  LinphonePresenceNote *note = model ? linphone_presence_model_get_note (model, NULL) : NULL;

  tandem_contact_set_presence (contact,
                                presence_from_model (model, linphone_friend_get_consolidated_presence (friend)),
                                note ? linphone_presence_note_get_content (note) : NULL);
}

static TandemContact *
wrap_friend (TandemContacts *self,
             LinphoneFriend *friend)
{
  const LinphoneAddress *address = linphone_friend_get_address (friend);
  g_autofree char *address_str = address ? linphone_address_as_string_uri_only (address) : NULL;
  TandemContact *contact = tandem_contact_new (linphone_friend_get_name (friend), address_str);

  linphone_friend_set_user_data (friend, contact);
  g_object_set_data_full (G_OBJECT (contact), "tandem-friend",
                          linphone_friend_ref (friend),
                          (GDestroyNotify) linphone_friend_unref);
  update_contact_presence (contact, friend);
  g_list_store_append (self->store, contact);
  g_object_unref (contact);

  return contact;
}

static void
on_notify_presence_received (LinphoneCore   *core,
                             LinphoneFriend *friend)
{
  TandemContact *contact = linphone_friend_get_user_data (friend);

  if (contact != NULL)
    update_contact_presence (contact, friend);
}

static void
on_new_subscription_requested (LinphoneCore   *core,
                               LinphoneFriend *friend,
                               const char     *url)
{
  TandemContacts *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  const LinphoneAddress *address = linphone_friend_get_address (friend);
  g_autofree char *uri = address ? linphone_address_as_string_uri_only (address) : NULL;

  /* Someone not in the contacts wants our presence (a direct SUBSCRIBE;
   * through a presence server the server decides).  liblinphone keeps
   * them among its subscribers, out of the friend list, and notifies
   * them nothing until the friend is applied: when the user allows
   * (added to the list) or denies. */
  if (uri == NULL || tandem_contacts_find (self, uri) != NULL)
    return;
  g_message ("Presence subscription request from %s", uri);
  g_hash_table_replace (self->subscribers, g_strdup (uri), linphone_friend_ref (friend));
  g_signal_emit (self, signals[SUBSCRIPTION_REQUESTED], 0, uri);
}

/* ----- our presence -------------------------------------------------- */

static void
publish_presence (TandemContacts *self)
{
  LinphonePresenceModel *model;

  switch (self->presence)
    {
    case TANDEM_PRESENCE_AWAY:
      model = linphone_core_create_presence_model_with_activity (self->core, LinphonePresenceActivityAway, NULL);
      break;
    case TANDEM_PRESENCE_BUSY:
      model = linphone_core_create_presence_model_with_activity (self->core, LinphonePresenceActivityBusy, NULL);
      break;
    case TANDEM_PRESENCE_DND:
      {
        /* What liblinphone reads back as "do not disturb": closed, with
         * an activity (linphone_core_set_consolidated_presence() builds
         * the same, but also toggles publishing on the accounts). */
        LinphonePresenceActivity *activity =
          linphone_core_create_presence_activity (self->core, LinphonePresenceActivityAway, NULL);

        model = linphone_core_create_presence_model (self->core);
        linphone_presence_model_set_basic_status (model, LinphonePresenceBasicStatusClosed);
        linphone_presence_model_add_activity (model, activity);
        linphone_presence_activity_unref (activity);
      }
      break;
    case TANDEM_PRESENCE_OFFLINE:
      model = linphone_core_create_presence_model (self->core);
      linphone_presence_model_set_basic_status (model, LinphonePresenceBasicStatusClosed);
      break;
    case TANDEM_PRESENCE_AVAILABLE:
    default:
      model = linphone_core_create_presence_model (self->core);
      linphone_presence_model_set_basic_status (model, LinphonePresenceBasicStatusOpen);
      break;
    }

  if (self->presence_note != NULL)
    linphone_presence_model_add_note (model, self->presence_note, NULL);
  g_debug ("publishing presence %s", tandem_presence_to_string (self->presence));
  linphone_core_set_presence_model (self->core, model);
  linphone_presence_model_unref (model);
  self->last_publish = g_get_monotonic_time ();
}

static void
on_publish_due (gpointer user_data)
{
  TandemContacts *self = user_data;

  self->publish_id = 0;
  if (self->core != NULL)
    publish_presence (self);
}

/* liblinphone queues a PUBLISH made while the previous one is still in
 * flight and sends it later without the SIP-If-Match of the publication
 * it replaces, so the server keeps two publications and watchers see a
 * mix of old and new status.  Spacing PUBLISHes avoids the overlap: a
 * change right after the last one waits for its turn, and only the newest
 * state is sent. */
static void
schedule_publish (TandemContacts *self)
{
  gint64 wait = self->last_publish + PUBLISH_SPACING_US - g_get_monotonic_time ();

  if (self->publish_id != 0)
    return;
  if (wait <= 0)
    publish_presence (self);
  else
    self->publish_id = g_timeout_add_once (wait / 1000 + 1, on_publish_due, self);
}

/* liblinphone publishes the presence as soon as an account registers. */
static void
on_account_registration_state_changed (LinphoneCore              *core,
                                       LinphoneAccount           *account,
                                       LinphoneRegistrationState  state,
                                       const char                *message)
{
  TandemContacts *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));

  if (state == LinphoneRegistrationOk)
    self->last_publish = g_get_monotonic_time ();
}

/* ----- life cycle ---------------------------------------------------- */

void
tandem_contacts_start (TandemContacts *self,
                       gpointer        linphone_core)
{
  g_return_if_fail (TANDEM_IS_CONTACTS (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
  self->cbs = linphone_factory_create_core_cbs (linphone_factory_get ());
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_notify_presence_received (self->cbs, on_notify_presence_received);
  linphone_core_cbs_set_new_subscription_requested (self->cbs, on_new_subscription_requested);
  linphone_core_cbs_set_account_registration_state_changed (self->cbs, on_account_registration_state_changed);
  linphone_core_add_callbacks (self->core, self->cbs);

  for (const bctbx_list_t *l = linphone_friend_list_get_friends (linphone_core_get_default_friend_list (self->core));
       l != NULL; l = l->next)
    if (linphone_friend_get_user_data (l->data) == NULL)
      wrap_friend (self, l->data);
  tandem_contacts_set_presence (self, self->presence, self->presence_note);
}

void
tandem_contacts_stop (TandemContacts *self)
{
  g_return_if_fail (TANDEM_IS_CONTACTS (self));

  if (self->core != NULL)
    {
      for (const bctbx_list_t *l = linphone_friend_list_get_friends (linphone_core_get_default_friend_list (self->core));
           l != NULL; l = l->next)
        linphone_friend_set_user_data (l->data, NULL);
      linphone_core_remove_callbacks (self->core, self->cbs);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
  g_clear_handle_id (&self->publish_id, g_source_remove);
  g_hash_table_remove_all (self->subscribers);
  g_list_store_remove_all (self->store);
}

/* ----- public API ---------------------------------------------------- */

TandemContact *
tandem_contacts_find (TandemContacts *self,
                      const char     *address)
{
  LinphoneAddress *wanted;
  LinphoneFriend *friend;

  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), NULL);

  if (self->core == NULL || address == NULL)
    return NULL;

  wanted = linphone_factory_create_address (linphone_factory_get (), address);
  if (wanted == NULL)
    return NULL;
  friend = linphone_core_find_friend (self->core, wanted);
  linphone_address_unref (wanted);

  return friend ? linphone_friend_get_user_data (friend) : NULL;
}

TandemContact *
tandem_contacts_add (TandemContacts  *self,
                     const char      *name,
                     const char      *address,
                     GError         **error)
{
  LinphoneFriend *friend;
  TandemContact *contact;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), NULL);

  if (!tandem_sip_require_core (self->core, error) ||
      (uri = tandem_sip_address_normalize (address, error)) == NULL)
    return NULL;

  contact = tandem_contacts_find (self, uri);
  if (contact != NULL)
    {
      friend = g_object_get_data (G_OBJECT (contact), "tandem-friend");
      linphone_friend_edit (friend);
      linphone_friend_set_name (friend, name);
      linphone_friend_done (friend);
      tandem_contact_set_name (contact, name);
      return contact;
    }

  friend = linphone_core_create_friend_with_address (self->core, uri);
  linphone_friend_set_name (friend, name);
  linphone_friend_enable_subscribes (friend, TRUE);
  linphone_friend_set_inc_subscribe_policy (friend, LinphoneSPAccept);
  linphone_friend_list_add_friend (linphone_core_get_default_friend_list (self->core), friend);
  contact = wrap_friend (self, friend);
  linphone_friend_unref (friend);

  return contact;
}

void
tandem_contacts_remove (TandemContacts *self,
                        TandemContact  *contact)
{
  LinphoneFriend *friend;
  guint position;

  g_return_if_fail (TANDEM_IS_CONTACTS (self));
  g_return_if_fail (TANDEM_IS_CONTACT (contact));

  friend = g_object_get_data (G_OBJECT (contact), "tandem-friend");
  if (friend == NULL || self->core == NULL)
    return;

  linphone_friend_set_user_data (friend, NULL);
  linphone_friend_list_remove_friend (linphone_core_get_default_friend_list (self->core), friend);
  if (g_list_store_find (self->store, contact, &position))
    g_list_store_remove (self->store, position);
}

GStrv
tandem_contacts_dup_pending_subscribers (TandemContacts *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), NULL);

  g_hash_table_iter_init (&iter, self->subscribers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

static LinphoneFriend *
steal_subscriber (TandemContacts  *self,
                  const char      *address,
                  GError         **error)
{
  gpointer key = NULL, friend = NULL;

  if (!g_hash_table_steal_extended (self->subscribers, address, &key, &friend))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   _("No subscription request from %s is waiting"), address);
      return NULL;
    }
  g_free (key);
  return friend;
}

/* Allows @address to see our presence, and makes them a contact (whose
 * presence we see in turn). */
TandemContact *
tandem_contacts_allow_subscriber (TandemContacts  *self,
                                  const char      *address,
                                  GError         **error)
{
  LinphoneFriend *friend;
  TandemContact *contact;
  const LinphoneAddress *parsed;
  const char *name;

  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!tandem_sip_require_core (self->core, error) || (friend = steal_subscriber (self, address, error)) == NULL)
    return NULL;

  parsed = linphone_friend_get_address (friend);
  name = linphone_address_get_display_name (parsed);
  if (name == NULL || *name == '\0')
    name = linphone_address_get_username (parsed);
  linphone_friend_edit (friend);
  if (linphone_friend_get_name (friend) == NULL)
    linphone_friend_set_name (friend, name ? name : address);
  linphone_friend_enable_subscribes (friend, TRUE);
  linphone_friend_set_inc_subscribe_policy (friend, LinphoneSPAccept);
  linphone_friend_done (friend);
  linphone_friend_list_add_friend (linphone_core_get_default_friend_list (self->core), friend);
  contact = wrap_friend (self, friend);
  linphone_friend_unref (friend);
  g_signal_emit (self, signals[SUBSCRIPTION_HANDLED], 0, address);

  return contact;
}

/* Refuses @address our presence; liblinphone remembers it for this run. */
gboolean
tandem_contacts_deny_subscriber (TandemContacts  *self,
                                 const char      *address,
                                 GError         **error)
{
  LinphoneFriend *friend;

  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (!tandem_sip_require_core (self->core, error) || (friend = steal_subscriber (self, address, error)) == NULL)
    return FALSE;

  linphone_friend_edit (friend);
  linphone_core_reject_subscriber (self->core, friend);
  linphone_friend_done (friend);
  linphone_friend_unref (friend);
  g_signal_emit (self, signals[SUBSCRIPTION_HANDLED], 0, address);

  return TRUE;
}

TandemPresence
tandem_contacts_get_presence (TandemContacts *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), TANDEM_PRESENCE_OFFLINE);

  return self->presence;
}

const char *
tandem_contacts_get_presence_note (TandemContacts *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACTS (self), NULL);

  return self->presence_note;
}

void
tandem_contacts_set_presence (TandemContacts *self,
                              TandemPresence  presence,
                              const char     *note)
{
  g_return_if_fail (TANDEM_IS_CONTACTS (self));

  if (self->presence != presence)
    {
      self->presence = presence;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
    }
  if (tandem_set_str (&self->presence_note, note && *note ? note : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE_NOTE]);

  if (self->core != NULL)
    schedule_publish (self);
}

/* ----- GListModel and GObject ---------------------------------------- */

static GType
tandem_contacts_get_item_type (GListModel *model)
{
  return TANDEM_TYPE_CONTACT;
}

static guint
tandem_contacts_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TANDEM_CONTACTS (model)->store));
}

static gpointer
tandem_contacts_get_item (GListModel *model,
                          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TANDEM_CONTACTS (model)->store), position);
}

static void
tandem_contacts_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tandem_contacts_get_item_type;
  iface->get_n_items = tandem_contacts_get_n_items;
  iface->get_item = tandem_contacts_get_item;
}

static void
on_items_changed (GListModel     *store,
                  guint           position,
                  guint           removed,
                  guint           added,
                  TandemContacts *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

TandemContacts *
tandem_contacts_new (void)
{
  return g_object_new (TANDEM_TYPE_CONTACTS, NULL);
}

static void
tandem_contacts_dispose (GObject *object)
{
  tandem_contacts_stop (TANDEM_CONTACTS (object));

  G_OBJECT_CLASS (tandem_contacts_parent_class)->dispose (object);
}

static void
tandem_contacts_finalize (GObject *object)
{
  TandemContacts *self = TANDEM_CONTACTS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->subscribers, g_hash_table_unref);
  g_free (self->presence_note);

  G_OBJECT_CLASS (tandem_contacts_parent_class)->finalize (object);
}

static void
tandem_contacts_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TandemContacts *self = TANDEM_CONTACTS (object);

  switch (prop_id)
    {
    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;
    case PROP_PRESENCE_NOTE:
      g_value_set_string (value, self->presence_note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_contacts_class_init (TandemContactsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_contacts_dispose;
  object_class->finalize = tandem_contacts_finalize;
  object_class->get_property = tandem_contacts_get_property;

  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TANDEM_TYPE_PRESENCE, TANDEM_PRESENCE_AVAILABLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENCE_NOTE] =
    g_param_spec_string ("presence-note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Someone who is not a contact asks to see our presence (address). */
  signals[SUBSCRIPTION_REQUESTED] =
    g_signal_new ("subscription-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /* That request was allowed or denied (address), or is gone. */
  signals[SUBSCRIPTION_HANDLED] =
    g_signal_new ("subscription-handled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_contacts_init (TandemContacts *self)
{
  self->store = g_list_store_new (TANDEM_TYPE_CONTACT);
  g_signal_connect (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  self->subscribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) linphone_friend_unref);
  self->presence = TANDEM_PRESENCE_AVAILABLE;
}
