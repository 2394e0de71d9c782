/* tandem-manager.c
 *
 * The only owner of the LinphoneCore.  It iterates the core every 20 ms
 * from a GLib timeout on the main context, turns liblinphone's callbacks
 * into property changes on TandemAccount/TandemContact objects, and keeps
 * them in GListModels the UI binds to.  No liblinphone type leaves this
 * layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-manager"

#include "config.h"

#include <glib/gstdio.h>
#include <linphone/core.h>

#include "tandem-manager.h"
#include "tandem-secrets.h"
#include "tandem-service-private.h"

#define ITERATE_INTERVAL_MS 20
#define PUBLISH_EXPIRES_S 600

/* Least time between two presence PUBLISHes, see publish_presence(). */
#define PUBLISH_SPACING_US (1500 * G_TIME_SPAN_MILLISECOND)

typedef enum {
  KEYRING_UNKNOWN,   /* still asking the session bus */
  KEYRING_YES,
  KEYRING_NO,
} KeyringState;

struct _TandemManager
{
  GObject          parent_instance;

  char            *profile_dir;
  char            *bind_address;
  char            *root_ca;
  LinphoneCore    *core;
  LinphoneCoreCbs *cbs;
  guint            iterate_id;

  GListStore      *accounts;
  GListStore      *contacts;
  GHashTable      *conversations;   /* peer URI -> TandemConversation */
  GListStore      *calls;           /* calls not yet ended */
  GListStore      *call_history;    /* TandemCallRecord, newest first */
  guint            missed_calls;
  GHashTable      *subscribers;     /* address -> LinphoneFriend, waiting for the user */
  TandemManagerShares *shares;      /* screen sharing, while started */

  TandemPresence   presence;
  char            *presence_note;
  TandemCallEncryption call_encryption;
  gboolean         use_keyring;      /* passwords in the Secret Service */
  KeyringState     keyring_state;    /* whether one answers, once asked */
  GCancellable    *keyring_cancellable; /* keyring calls of this start */
  GPtrArray       *keyring_stores;   /* KeyringOp, until keyring_state is known */
  guint            publish_id;       /* a PUBLISH waiting for its turn */
  gint64           last_publish;     /* monotonic time of the last one */
};

G_DEFINE_FINAL_TYPE (TandemManager, tandem_manager, G_TYPE_OBJECT)

enum {
  MESSAGE_RECEIVED,
  CALL_ADDED,
  SUBSCRIPTION_REQUESTED,
  SUBSCRIPTION_HANDLED,
  SHARE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PROFILE_DIR,
  PROP_PRESENCE,
  PROP_PRESENCE_NOTE,
  PROP_MISSED_CALLS,
  PROP_PASSWORD_STORAGE,
  PROP_SHARE_TLS,
  PROP_SHARE_RELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
tandem_transport_from_string (const char      *str,
                              TandemTransport *out_transport)
{
  static const char *names[] = { "udp", "tcp", "tls" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str ? str : "", names[i]) == 0)
      {
        *out_transport = (TandemTransport) i;
        return TRUE;
      }

  return FALSE;
}

static LinphoneTransportType
to_linphone_transport (TandemTransport transport)
{
  switch (transport)
    {
    case TANDEM_TRANSPORT_TCP:
      return LinphoneTransportTcp;
    case TANDEM_TRANSPORT_TLS:
      return LinphoneTransportTls;
    case TANDEM_TRANSPORT_UDP:
    default:
      return LinphoneTransportUdp;
    }
}

static TandemRegistrationState
from_linphone_registration (LinphoneRegistrationState state)
{
  switch (state)
    {
    case LinphoneRegistrationProgress:
      return TANDEM_REGISTRATION_PROGRESS;
    case LinphoneRegistrationOk:
      return TANDEM_REGISTRATION_OK;
    case LinphoneRegistrationCleared:
      return TANDEM_REGISTRATION_CLEARED;
    case LinphoneRegistrationFailed:
      return TANDEM_REGISTRATION_FAILED;
    case LinphoneRegistrationNone:
    default:
      return TANDEM_REGISTRATION_NONE;
    }
}

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

/* ----- accounts ------------------------------------------------------ */

static TandemAccount *
lookup_account (TandemManager   *self,
                LinphoneAccount *account)
{
  return linphone_account_get_user_data (account);
}

static TandemAccount *
wrap_account (TandemManager   *self,
              LinphoneAccount *account)
{
  const LinphoneAccountParams *params = linphone_account_get_params (account);
  const LinphoneAddress *identity = linphone_account_params_get_identity_address (params);
  const LinphoneAddress *server = linphone_account_params_get_server_address (params);
  g_autofree char *identity_str = identity ? linphone_address_as_string_uri_only (identity) : NULL;
  g_autofree char *server_str = server ? linphone_address_as_string_uri_only (server) : NULL;
  TandemAccount *wrapped = _tandem_account_new (identity_str, server_str);

  /* The GListStore holds the reference; the LinphoneAccount points back. */
  linphone_account_set_user_data (account, wrapped);
  g_list_store_append (self->accounts, wrapped);
  g_object_unref (wrapped);

  return wrapped;
}

static char *
describe_registration_failure (LinphoneAccount *account,
                               const char      *message)
{
  const LinphoneErrorInfo *info = linphone_account_get_error_info (account);
  int code = info ? linphone_error_info_get_protocol_code (info) : 0;
  const char *phrase = info ? linphone_error_info_get_phrase (info) : NULL;

  if (code > 0 && phrase != NULL && *phrase != '\0')
    return g_strdup_printf ("%d %s", code, phrase);
  if (phrase != NULL && *phrase != '\0')
    return g_strdup (phrase);
  return g_strdup (message);
}

static void
on_account_registration_state_changed (LinphoneCore              *core,
                                       LinphoneAccount           *account,
                                       LinphoneRegistrationState  state,
                                       const char                *message)
{
  TandemManager *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  TandemAccount *wrapped = lookup_account (self, account);
  g_autofree char *reason = NULL;

  if (wrapped == NULL)
    {
      /* A removed account still reports its unregistration. */
      if (bctbx_list_find ((bctbx_list_t *) linphone_core_get_account_list (core), account) == NULL)
        return;
      wrapped = wrap_account (self, account);
    }

  if (state == LinphoneRegistrationFailed)
    reason = describe_registration_failure (account, message);
  /* liblinphone publishes the presence as soon as an account registers. */
  if (state == LinphoneRegistrationOk)
    {
      self->last_publish = g_get_monotonic_time ();
      _tandem_manager_shares_account_registered (self->shares, account);
    }

  g_debug ("%s: registration %d (%s)", tandem_account_get_identity (wrapped), state,
           reason ? reason : message);
  _tandem_account_set_state (wrapped, from_linphone_registration (state), reason);
}

/* ----- contacts ------------------------------------------------------ */

static void
update_contact_presence (TandemContact  *contact,
                         LinphoneFriend *friend)
{
  const LinphonePresenceModel *model = linphone_friend_get_presence_model (friend);
  LinphonePresenceNote *note = model ? linphone_presence_model_get_note (model, NULL) : NULL;

  _tandem_contact_set_presence (contact,
                                presence_from_model (model, linphone_friend_get_consolidated_presence (friend)),
                                note ? linphone_presence_note_get_content (note) : NULL);
}

static TandemContact *
wrap_friend (TandemManager  *self,
             LinphoneFriend *friend)
{
  const LinphoneAddress *address = linphone_friend_get_address (friend);
  g_autofree char *address_str = address ? linphone_address_as_string_uri_only (address) : NULL;
  TandemContact *contact = _tandem_contact_new (linphone_friend_get_name (friend), address_str);

  linphone_friend_set_user_data (friend, contact);
  g_object_set_data_full (G_OBJECT (contact), "tandem-friend",
                          linphone_friend_ref (friend),
                          (GDestroyNotify) linphone_friend_unref);
  update_contact_presence (contact, friend);
  g_list_store_append (self->contacts, contact);
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
  TandemManager *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  const LinphoneAddress *address = linphone_friend_get_address (friend);
  g_autofree char *uri = address ? linphone_address_as_string_uri_only (address) : NULL;

  /* Someone not in the contacts wants our presence (a direct SUBSCRIBE;
   * through a presence server the server decides).  liblinphone keeps
   * them among its subscribers, out of the friend list, and notifies
   * them nothing until the friend is applied: when the user allows
   * (added to the list) or denies. */
  if (uri == NULL || tandem_manager_find_contact (self, uri) != NULL)
    return;
  g_message ("Presence subscription request from %s", uri);
  g_hash_table_replace (self->subscribers, g_strdup (uri), linphone_friend_ref (friend));
  g_signal_emit (self, signals[SUBSCRIPTION_REQUESTED], 0, uri);
}

/* ----- conversations ------------------------------------------------- */

static char *
room_key (LinphoneChatRoom *room)
{
  return linphone_address_as_string_uri_only (linphone_chat_room_get_peer_address (room));
}

static TandemConversation *
wrap_room (TandemManager    *self,
           LinphoneChatRoom *room)
{
  g_autofree char *key = room_key (room);
  TandemConversation *conversation = g_hash_table_lookup (self->conversations, key);

  if (conversation == NULL)
    {
      conversation = _tandem_conversation_new (room);
      g_hash_table_insert (self->conversations, g_steal_pointer (&key), conversation);
    }

  return conversation;
}

static void
on_message_received (LinphoneCore        *core,
                     LinphoneChatRoom    *room,
                     LinphoneChatMessage *message)
{
  TandemManager *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  TandemConversation *conversation = wrap_room (self, room);
  /* liblinphone reuses the buffer behind get_utf8_text(): copy it now. */
  g_autofree char *text = g_strdup (linphone_chat_message_get_utf8_text (message));

  /* Only text is handled; other content (files, IMDN) is not shown. */
  if (text == NULL)
    return;

  _tandem_conversation_add_received (conversation, message);
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, conversation, text);
}

static void
on_is_composing_received (LinphoneCore     *core,
                          LinphoneChatRoom *room)
{
  TandemManager *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));

  _tandem_conversation_update_composing (wrap_room (self, room));
}

/* ----- calls --------------------------------------------------------- */

static TandemCall *
wrap_call (TandemManager *self,
           LinphoneCall  *call)
{
  TandemCall *wrapped = linphone_call_get_user_data (call);

  if (wrapped == NULL)
    {
      wrapped = _tandem_call_new (call);
      g_list_store_append (self->calls, wrapped);
      g_object_unref (wrapped);
      g_signal_emit (self, signals[CALL_ADDED], 0, wrapped);
    }

  return wrapped;
}

static void
update_missed_calls (TandemManager *self)
{
  guint missed = MAX (linphone_core_get_missed_calls_count (self->core), 0);

  if (missed != self->missed_calls)
    {
      self->missed_calls = missed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSED_CALLS]);
    }
}

static void
record_call (TandemManager *self,
             LinphoneCall  *call)
{
  LinphoneCallLog *log = linphone_call_get_call_log (call);
  g_autoptr(TandemCallRecord) record = NULL;

  if (log == NULL)
    return;
  record = _tandem_call_record_new (log);
  g_list_store_insert (self->call_history, 0, record);
  update_missed_calls (self);
}

static void
load_call_history (TandemManager *self)
{
  const bctbx_list_t *logs = linphone_core_get_call_logs (self->core);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  /* liblinphone keeps the newest first, like the model. */
  for (const bctbx_list_t *l = logs; l != NULL; l = l->next)
    g_ptr_array_add (records, _tandem_call_record_new (l->data));
  g_list_store_splice (self->call_history, 0, g_list_model_get_n_items (G_LIST_MODEL (self->call_history)),
                       records->pdata, records->len);
  update_missed_calls (self);
}

static void
on_call_encryption_changed (LinphoneCore *core,
                            LinphoneCall *call,
                            bool_t        on,
                            const char   *token)
{
  TandemCall *wrapped = linphone_call_get_user_data (call);

  g_debug ("call encryption %s%s%s", on ? "on" : "off", token ? ", code " : "", token ? token : "");
  if (wrapped != NULL)
    _tandem_call_update_security (wrapped);
}

/* liblinphone's side of the "Encrypt calls" preference: what it offers
 * and how it answers.  Outgoing calls choose per call (see
 * tandem_manager_call()). */
static void
apply_call_encryption (TandemManager *self)
{
  if (self->core == NULL)
    return;
  linphone_core_set_media_encryption (self->core,
                                      self->call_encryption == TANDEM_CALL_ENCRYPTION_NEVER
                                      ? LinphoneMediaEncryptionNone : LinphoneMediaEncryptionZRTP);
  /* Not liblinphone's mandatory flag: it would refuse a plain offer
   * before the user sees it.  Tandem refuses it itself (update_call()),
   * with a reason on both sides. */
  linphone_core_set_media_encryption_mandatory (self->core, FALSE);
}

TandemCallEncryption
tandem_manager_get_call_encryption (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE);
  return self->call_encryption;
}

void
tandem_manager_set_call_encryption (TandemManager        *self,
                                    TandemCallEncryption  encryption)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  self->call_encryption = encryption;
  apply_call_encryption (self);
}

static void update_call (TandemManager     *self,
                         LinphoneCall      *call,
                         LinphoneCallState  state,
                         const char        *message);

static void
on_call_state_changed (LinphoneCore      *core,
                       LinphoneCall      *call,
                       LinphoneCallState  state,
                       const char        *message)
{
  TandemManager *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));

  if (linphone_call_get_user_data (call) == NULL &&
      (state == LinphoneCallStateEnd || state == LinphoneCallStateReleased))
    return;
  /* liblinphone's branch of a share offer: never rings, never accepted;
   * a new call waits until the share stack has seen it (see
   * tandem-manager-shares.c). */
  if (state == LinphoneCallStateIncomingReceived && linphone_call_get_user_data (call) == NULL &&
      _tandem_manager_shares_hold_call (self->shares, call))
    return;
  update_call (self, call, state, message);
}

/* A call the share stack held back turned out not to be a share offer. */
void
_tandem_manager_announce_call (TandemManager *self,
                               gpointer       linphone_call)
{
  update_call (self, linphone_call, LinphoneCallStateIncomingReceived, "Incoming call received");
}

static void
update_call (TandemManager     *self,
             LinphoneCall      *call,
             LinphoneCallState  state,
             const char        *message)
{
  g_autoptr(TandemCall) wrapped = NULL;
  guint position;

  wrapped = g_object_ref (wrap_call (self, call));
  g_debug ("call %s: %s (%s)", tandem_call_get_peer_address (wrapped),
           linphone_call_state_to_string (state), message);
  /* The call log is complete once the call ends (Released may come much
   * later, after the last SIP transaction of the call has timed out). */
  if (state == LinphoneCallStateEnd || state == LinphoneCallStateError)
    record_call (self, call);
  if (state == LinphoneCallStateIncomingReceived && !_tandem_call_peer_can_encrypt (wrapped) &&
      self->call_encryption == TANDEM_CALL_ENCRYPTION_ALWAYS)
    {
      g_message ("Refusing the unencrypted call from %s (Encrypt calls: always)",
                 tandem_call_get_peer_address (wrapped));
      _tandem_call_update (wrapped, state);
      _tandem_call_refuse_unencrypted (wrapped);
      return;
    }
  if (state == LinphoneCallStateConnected &&
      !_tandem_call_settle_unencrypted_answer (wrapped, self->call_encryption == TANDEM_CALL_ENCRYPTION_ALWAYS))
    g_message ("Ending the call with %s: it cannot be encrypted (Encrypt calls: always)",
               tandem_call_get_peer_address (wrapped));
  if (_tandem_call_update (wrapped, state) &&
      g_list_store_find (self->calls, wrapped, &position))
    {
      if (tandem_call_get_end_reason (wrapped) != NULL)
        g_message ("The call with %s ended: %s", tandem_call_get_peer_address (wrapped),
                   tandem_call_get_end_reason (wrapped));
      g_list_store_remove (self->calls, position);
    }
}

/* ----- life cycle ---------------------------------------------------- */

/* liblinphone logs to stdout by default; send its messages to GLib's log
 * instead, as debug messages (G_MESSAGES_DEBUG=liblinphone shows them),
 * so that a test with fatal warnings is not ended by the stack's own
 * complaints.  Its errors become g_message. */
static void
on_log_message_written (LinphoneLoggingService *service,
                        const char             *domain,
                        LinphoneLogLevel        level,
                        const char             *message)
{
  if (level >= LinphoneLogLevelError)
    g_log ("liblinphone", G_LOG_LEVEL_MESSAGE, "%s", message);
  else
    g_log ("liblinphone", G_LOG_LEVEL_DEBUG, "%s", message);
}

static void
route_linphone_logs (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      LinphoneLoggingService *service = linphone_logging_service_get ();
      LinphoneLoggingServiceCbs *cbs = linphone_factory_create_logging_service_cbs (linphone_factory_get ());

      linphone_logging_service_cbs_set_log_message_written (cbs, on_log_message_written);
      linphone_logging_service_add_callbacks (service, cbs);
      linphone_logging_service_cbs_unref (cbs);
      linphone_logging_service_set_log_level (service,
                                              g_getenv ("G_MESSAGES_DEBUG") ? LinphoneLogLevelMessage
                                                                            : LinphoneLogLevelError);
      g_once_init_leave (&done, 1);
    }
}

static gboolean
on_iterate (gpointer user_data)
{
  TandemManager *self = user_data;

  linphone_core_iterate (self->core);

  return G_SOURCE_CONTINUE;
}

static void
configure_core (TandemManager  *self,
                LinphoneConfig *config)
{
  linphone_config_set_int (config, "sip", "subscribe_presence_only_when_registered", 1);
  linphone_config_set_int (config, "misc", "store_friends", 1);
  /* With a keyring, credentials stay out of the profile's linphonerc
   * (liblinphone then keeps them in memory only); without one, it keeps
   * the digest hash (HA1) there, never the clear password. */
  linphone_config_set_int (config, "sip", "store_auth_info", !self->use_keyring);
  linphone_config_set_int (config, "sip", "store_ha1_passwd", 1);
  linphone_config_set_int (config, "video", "capture", 0);
  linphone_config_set_int (config, "video", "display", 0);
  if (self->bind_address != NULL)
    {
      /* Binding to one IPv4 address (tests, the local demo) also keeps
       * unreachable IPv6 addresses out of Contact and SDP. */
      linphone_config_set_int (config, "sip", "use_ipv6", 0);
      linphone_config_set_string (config, "sip", "bind_address", self->bind_address);
      linphone_config_set_string (config, "rtp", "bind_address", self->bind_address);
    }
}

static void
add_auth (TandemManager         *self,
          const LinphoneAddress *identity,
          const char            *password)
{
  LinphoneAuthInfo *auth = linphone_factory_create_auth_info_2 (linphone_factory_get (),
                                                                linphone_address_get_username (identity),
                                                                NULL, password, NULL, NULL,
                                                                linphone_address_get_domain (identity),
                                                                NULL);

  linphone_core_add_auth_info (self->core, auth);
  linphone_auth_info_unref (auth);
  /* The MSRP relay's digest needs the password itself, which liblinphone
   * may keep only hashed. */
  _tandem_manager_shares_remember_password (self->shares, linphone_address_get_username (identity),
                                            linphone_address_get_domain (identity), password);
}

/* ----- passwords in the keyring ------------------------------------- */

/* Every keyring call is asynchronous: a Secret Service may take as long as
 * the user likes to answer a prompt (unlock, or create a keyring), and
 * the main loop goes on meanwhile.  An account whose password is still to
 * come says so (TandemAccount:waiting-for-keyring) and signs in once it
 * arrives: liblinphone retries the REGISTER it could not authenticate. */

typedef struct {
  TandemManager *self;
  GCancellable  *cancellable;   /* of the start that made it */
  char          *key;           /* identity URI, or "turn:<user>" */
  char          *password;      /* what to store */
} KeyringOp;

static KeyringOp *
keyring_op_new (TandemManager *self,
                const char    *key,
                const char    *password)
{
  KeyringOp *op = g_new0 (KeyringOp, 1);

  op->self = g_object_ref (self);
  op->cancellable = g_object_ref (self->keyring_cancellable);
  op->key = g_strdup (key);
  op->password = g_strdup (password);
  return op;
}

static void
keyring_op_free (KeyringOp *op)
{
  if (op == NULL)
    return;
  g_object_unref (op->self);
  g_object_unref (op->cancellable);
  g_free (op->key);
  if (op->password != NULL)
    memset (op->password, 0, strlen (op->password));
  g_free (op->password);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringOp, keyring_op_free)

/* The call belongs to a stop()ped start: nothing to do. */
static gboolean
keyring_op_stale (KeyringOp *op)
{
  return g_cancellable_is_cancelled (op->cancellable) || op->self->core == NULL;
}

static LinphoneAccount *
find_account_by_uri (TandemManager *self,
                     const char    *uri)
{
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      const LinphoneAddress *identity =
        linphone_account_params_get_identity_address (linphone_account_get_params (l->data));
      g_autofree char *text = identity ? linphone_address_as_string_uri_only (identity) : NULL;

      if (g_strcmp0 (text, uri) == 0)
        return l->data;
    }
  return NULL;
}

/* Hands liblinphone the password of @key, which is an identity or a TURN
 * user. */
static void
use_password (TandemManager *self,
              const char    *key,
              const char    *password)
{
  LinphoneAccount *account;

  if (g_str_has_prefix (key, "turn:"))
    {
      _tandem_manager_add_turn_auth (self, key + strlen ("turn:"), password);
      return;
    }
  account = find_account_by_uri (self, key);
  if (account != NULL)
    add_auth (self, linphone_account_params_get_identity_address (linphone_account_get_params (account)),
              password);
}

static void
set_waiting_for_keyring (TandemManager   *self,
                         LinphoneAccount *account,
                         gboolean         waiting)
{
  TandemAccount *wrapped = account != NULL ? lookup_account (self, account) : NULL;

  if (wrapped != NULL)
    _tandem_account_set_waiting_for_keyring (wrapped, waiting);
}

/* No keyring, or it refused: the profile keeps the digest hash (HA1) of
 * the passwords from now on. */
static void
keep_passwords_in_profile (TandemManager *self)
{
  self->keyring_state = KEYRING_NO;
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    set_waiting_for_keyring (self, l->data, FALSE);
  if (!self->use_keyring)
    return;
  self->use_keyring = FALSE;
  linphone_config_set_int (linphone_core_get_config (self->core), "sip", "store_auth_info", 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD_STORAGE]);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  g_autoptr(GError) error = NULL;
  gboolean stored = tandem_secrets_store_finish (result, &error);

  if (keyring_op_stale (op))
    return;
  if (stored)
    {
      g_debug ("the keyring keeps the password of %s", op->key);
      return;
    }
  /* Keep working without the keyring, and say where passwords go. */
  g_message ("The keyring refused the password of %s (%s); keeping it in the profile",
             op->key, error ? error->message : "no reason given");
  keep_passwords_in_profile (op->self);
  use_password (op->self, op->key, op->password);  /* now written to the profile */
}

static void
store_password (TandemManager *self,
                const char    *key,
                const char    *password)
{
  KeyringOp *op;

  if (!self->use_keyring)
    return;
  op = keyring_op_new (self, key, password);
  if (self->keyring_state == KEYRING_UNKNOWN)
    g_ptr_array_add (self->keyring_stores, op);
  else
    tandem_secrets_store_async (self->profile_dir, key, password, op->cancellable, on_password_stored, op);
}

static void
on_password_looked_up (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = tandem_secrets_lookup_finish (result, &error);
  TandemManager *self = op->self;

  if (keyring_op_stale (op))
    return;
  if (password != NULL)
    {
      g_debug ("the keyring gave the password of %s", op->key);
      use_password (self, op->key, password);
    }
  else if (!g_str_has_prefix (op->key, "turn:"))
    g_message ("No password in the keyring for %s%s%s", op->key,
               error ? ": " : "", error ? error->message : "");
  if (!g_str_has_prefix (op->key, "turn:"))
    set_waiting_for_keyring (self, find_account_by_uri (self, op->key), FALSE);
}

static void
lookup_password (TandemManager *self,
                 const char    *key)
{
  KeyringOp *op = keyring_op_new (self, key, NULL);

  tandem_secrets_lookup_async (self->profile_dir, key, op->cancellable, on_password_looked_up, op);
}

static void
on_keyring_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  TandemManager *self = op->self;
  gboolean available = tandem_secrets_check_finish (result);
  g_autoptr(GPtrArray) stores = NULL;

  if (keyring_op_stale (op))
    return;
  stores = g_steal_pointer (&self->keyring_stores);
  self->keyring_stores = g_ptr_array_new_with_free_func ((GDestroyNotify) keyring_op_free);
  g_debug ("passwords kept in %s", available ? "the Secret Service" : "the profile (HA1)");
  if (!available)
    {
      keep_passwords_in_profile (self);
      /* Passwords typed meanwhile go to the profile. */
      for (guint i = 0; i < stores->len; i++)
        {
          KeyringOp *store = stores->pdata[i];

          use_password (self, store->key, store->password);
        }
      return;
    }

  self->keyring_state = KEYRING_YES;
  for (guint i = 0; i < stores->len; i++)
    {
      KeyringOp *store = g_steal_pointer (&stores->pdata[i]);

      tandem_secrets_store_async (self->profile_dir, store->key, store->password, store->cancellable,
                                  on_password_stored, store);
    }
  /* The accounts loaded from the profile, and the TURN credentials (see
   * tandem_manager_set_nat()). */
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      TandemAccount *wrapped = lookup_account (self, l->data);

      if (wrapped != NULL && tandem_account_get_waiting_for_keyring (wrapped))
        lookup_password (self, tandem_account_get_identity (wrapped));
    }
  {
    LinphoneNatPolicy *policy = linphone_core_get_nat_policy (self->core);
    const char *user = policy ? linphone_nat_policy_get_stun_server_username (policy) : NULL;

    if (user != NULL && *user != '\0')
      {
        g_autofree char *key = g_strconcat ("turn:", user, NULL);

        lookup_password (self, key);
      }
  }
}

/* At start: the accounts without credentials in the profile wait for the
 * keyring, which is asked whether it is there at all. */
static void
start_keyring (TandemManager *self)
{
  self->keyring_cancellable = g_cancellable_new ();
  self->keyring_stores = g_ptr_array_new_with_free_func ((GDestroyNotify) keyring_op_free);
  if (!self->use_keyring)
    {
      self->keyring_state = KEYRING_NO;
      return;
    }
  self->keyring_state = KEYRING_UNKNOWN;
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      const LinphoneAddress *identity =
        linphone_account_params_get_identity_address (linphone_account_get_params (l->data));

      if (identity != NULL &&
          linphone_core_find_auth_info (self->core, NULL, linphone_address_get_username (identity),
                                        linphone_address_get_domain (identity)) == NULL)
        set_waiting_for_keyring (self, l->data, TRUE);
    }
  tandem_secrets_check_async (self->keyring_cancellable, on_keyring_checked, keyring_op_new (self, "", NULL));
}

static void
stop_keyring (TandemManager *self)
{
  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  g_clear_object (&self->keyring_cancellable);
  g_clear_pointer (&self->keyring_stores, g_ptr_array_unref);
}

static void
apply_headless_audio (TandemManager *self)
{
  /* TANDEM_NO_SOUNDCARD=1 (tests, CI, a machine without audio) plays and
   * records files instead of opening devices. */
  if (g_strcmp0 (g_getenv ("TANDEM_NO_SOUNDCARD"), "1") != 0)
    return;

  linphone_core_set_use_files (self->core, TRUE);
  linphone_core_set_ring (self->core, NULL);
  linphone_core_set_ringback (self->core, NULL);
  /* What the "microphone" says: nothing, or TANDEM_PLAY_FILE (a WAV
   * file; tests use one to have audio on the wire). */
  linphone_core_set_play_file (self->core, g_getenv ("TANDEM_PLAY_FILE"));
  linphone_core_set_record_file (self->core, NULL);
}

gboolean
tandem_manager_start (TandemManager  *self,
                      GError        **error)
{
  LinphoneFactory *factory = linphone_factory_get ();
  /* liblinphone appends file names to the data directory as is. */
  g_autofree char *data_dir = g_build_filename (self->profile_dir, "data", G_DIR_SEPARATOR_S, NULL);
  g_autofree char *rc_path = g_build_filename (self->profile_dir, "linphonerc", NULL);
  g_autofree char *friends_db = NULL;
  LinphoneConfig *config;
  LinphoneTransports *transports;
  const bctbx_list_t *l;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);
  g_return_val_if_fail (self->core == NULL, FALSE);

  /* linphone.db fails to open, and the core never leaves Startup, unless
   * its directory exists first. */
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s: %s", data_dir, g_strerror (saved));
      return FALSE;
    }

  route_linphone_logs ();
  /* Until the session bus says whether a Secret Service runs (see
   * start_keyring()). */
  self->use_keyring = g_strcmp0 (g_getenv ("TANDEM_NO_KEYRING"), "1") != 0;
  linphone_factory_set_data_dir (factory, data_dir);
  linphone_factory_set_config_dir (factory, self->profile_dir);

  config = linphone_factory_create_config (factory, rc_path);
  configure_core (self, config);
  self->core = linphone_factory_create_core_with_config_3 (factory, config, NULL);
  linphone_config_unref (config);
  if (self->core == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "The SIP stack could not be created");
      return FALSE;
    }

  self->cbs = linphone_factory_create_core_cbs (factory);
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_account_registration_state_changed (self->cbs, on_account_registration_state_changed);
  linphone_core_cbs_set_notify_presence_received (self->cbs, on_notify_presence_received);
  linphone_core_cbs_set_new_subscription_requested (self->cbs, on_new_subscription_requested);
  linphone_core_cbs_set_message_received (self->cbs, on_message_received);
  linphone_core_cbs_set_is_composing_received (self->cbs, on_is_composing_received);
  linphone_core_cbs_set_call_state_changed (self->cbs, on_call_state_changed);
  linphone_core_cbs_set_call_encryption_changed (self->cbs, on_call_encryption_changed);
  linphone_core_add_callbacks (self->core, self->cbs);

  linphone_core_set_user_agent (self->core, "Tandem", PACKAGE_VERSION);
  linphone_core_enable_video_capture (self->core, FALSE);
  linphone_core_enable_video_display (self->core, FALSE);
  apply_headless_audio (self);
  if (self->root_ca != NULL)
    linphone_core_set_root_ca (self->core, self->root_ca);

  /* Random ports, so several profiles run side by side. */
  transports = linphone_factory_create_transports (factory);
  linphone_transports_set_udp_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_transports_set_tcp_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_transports_set_tls_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_core_set_transports (self->core, transports);
  linphone_transports_unref (transports);
  linphone_core_set_audio_port (self->core, -1);
  apply_call_encryption (self);

  self->shares = _tandem_manager_shares_new (self);

  if (linphone_core_start (self->core) != 0)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "The SIP stack failed to start (profile %s)", self->profile_dir);
      tandem_manager_stop (self);
      return FALSE;
    }

  /* Contacts live in their own sqlite file in the profile; liblinphone
   * keeps none unless told where. */
  friends_db = g_build_filename (data_dir, "friends.db", NULL);
  linphone_core_set_friends_database_path (self->core, friends_db);

  for (l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    if (lookup_account (self, l->data) == NULL)
      wrap_account (self, l->data);

  for (l = linphone_friend_list_get_friends (linphone_core_get_default_friend_list (self->core));
       l != NULL; l = l->next)
    if (linphone_friend_get_user_data (l->data) == NULL)
      wrap_friend (self, l->data);

  for (l = linphone_core_get_chat_rooms (self->core); l != NULL; l = l->next)
    wrap_room (self, l->data);
  load_call_history (self);
  start_keyring (self);

  tandem_manager_set_presence (self, self->presence, self->presence_note);

  self->iterate_id = g_timeout_add (ITERATE_INTERVAL_MS, on_iterate, self);
  g_source_set_name_by_id (self->iterate_id, "[tandem] linphone_core_iterate");

  return TRUE;
}

void
tandem_manager_stop (TandemManager *self)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  g_clear_handle_id (&self->iterate_id, g_source_remove);
  stop_keyring (self);
  if (self->core != NULL)
    {
      const bctbx_list_t *l;

      for (l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
        linphone_account_set_user_data (l->data, NULL);
      for (l = linphone_friend_list_get_friends (linphone_core_get_default_friend_list (self->core));
           l != NULL; l = l->next)
        linphone_friend_set_user_data (l->data, NULL);

      g_clear_pointer (&self->shares, _tandem_manager_shares_free);
      g_hash_table_remove_all (self->conversations);
      g_hash_table_remove_all (self->subscribers);
      linphone_core_terminate_all_calls (self->core);
      g_list_store_remove_all (self->calls);
      g_list_store_remove_all (self->call_history);
      linphone_core_remove_callbacks (self->core, self->cbs);
      linphone_core_stop (self->core);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
  g_clear_handle_id (&self->publish_id, g_source_remove);
  g_list_store_remove_all (self->contacts);
  g_list_store_remove_all (self->accounts);
  g_hash_table_remove_all (self->conversations);
}

gboolean
tandem_manager_is_started (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);

  return self->core != NULL;
}

/* ----- public API ---------------------------------------------------- */

static gboolean
require_core (TandemManager  *self,
              GError        **error)
{
  if (self->core != NULL)
    return TRUE;

  g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
               "The SIP stack is not running");
  return FALSE;
}

static LinphoneAddress *
parse_sip_address (TandemManager  *self,
                   const char     *text,
                   GError        **error)
{
  LinphoneAddress *address = NULL;

  /* liblinphone's parser is lenient ("sip:jane at example" becomes a
   * user "jane at example"?), so refuse blanks and controls first. */
  if (text != NULL && (g_str_has_prefix (text, "sip:") || g_str_has_prefix (text, "sips:")) &&
      strpbrk (text, " \t\r\n\"<>") == NULL)
    address = linphone_factory_create_address (linphone_factory_get (), text);

  if (address == NULL || linphone_address_get_domain (address) == NULL)
    {
      g_clear_pointer (&address, linphone_address_unref);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   "“%s” is not a valid SIP address (expected sip:user@domain)",
                   text ? text : "");
    }

  return address;
}

/* Provisioning the same identity twice replaces the account. */
static void
remove_account_with_identity (TandemManager         *self,
                              const LinphoneAddress *identity)
{
  const bctbx_list_t *l;

  for (l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      LinphoneAccount *account = l->data;
      const LinphoneAccountParams *params = linphone_account_get_params (account);
      const LinphoneAddress *existing = linphone_account_params_get_identity_address (params);
      TandemAccount *wrapped;
      guint position;

      if (existing == NULL || !linphone_address_weak_equal (existing, identity))
        continue;

      wrapped = lookup_account (self, account);
      if (wrapped != NULL && g_list_store_find (self->accounts, wrapped, &position))
        g_list_store_remove (self->accounts, position);
      linphone_account_set_user_data (account, NULL);
      linphone_core_remove_account (self->core, account);
      return;
    }
}

TandemAccount *
tandem_manager_add_account (TandemManager    *self,
                            const char       *identity,
                            const char       *password,
                            const char       *server,
                            TandemTransport   transport,
                            GError          **error)
{
  LinphoneAddress *identity_addr;
  LinphoneAddress *server_addr;
  LinphoneAccountParams *params;
  LinphoneAccount *account;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  if (!require_core (self, error))
    return NULL;

  identity_addr = parse_sip_address (self, identity, error);
  if (identity_addr == NULL)
    return NULL;

  if (server == NULL || *server == '\0')
    server_addr = linphone_factory_create_address (linphone_factory_get (), "sip:placeholder");
  else
    server_addr = parse_sip_address (self, server, error);
  if (server_addr == NULL)
    {
      linphone_address_unref (identity_addr);
      return NULL;
    }
  if (server == NULL || *server == '\0')
    linphone_address_set_domain (server_addr, linphone_address_get_domain (identity_addr));
  linphone_address_set_transport (server_addr, to_linphone_transport (transport));

  remove_account_with_identity (self, identity_addr);

  params = linphone_core_create_account_params (self->core);
  linphone_account_params_set_identity_address (params, identity_addr);
  linphone_account_params_set_server_address (params, server_addr);
  linphone_account_params_set_outbound_proxy_enabled (params, TRUE);
  linphone_account_params_set_register_enabled (params, TRUE);
  linphone_account_params_set_publish_enabled (params, TRUE);
  /* A publication left behind by a crash or a lost network stays on the
   * server until it expires, mixed into what contacts see: keep that short. */
  linphone_account_params_set_publish_expires (params, PUBLISH_EXPIRES_S);
  account = linphone_core_create_account (self->core, params);
  linphone_account_params_unref (params);

  if (password != NULL && *password != '\0')
    {
      g_autofree char *uri = linphone_address_as_string_uri_only (identity_addr);

      /* Signs in at once; the keyring keeps it when it can. */
      store_password (self, uri, password);
      add_auth (self, identity_addr, password);
    }

  linphone_address_unref (identity_addr);
  linphone_address_unref (server_addr);

  if (linphone_core_add_account (self->core, account) != 0)
    {
      linphone_account_unref (account);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "The account %s could not be added", identity);
      return NULL;
    }
  if (linphone_core_get_default_account (self->core) == NULL)
    linphone_core_set_default_account (self->core, account);

  if (lookup_account (self, account) == NULL)
    wrap_account (self, account);
  linphone_account_unref (account);

  return lookup_account (self, account);
}

GListModel *
tandem_manager_get_accounts (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

GListModel *
tandem_manager_get_contacts (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return G_LIST_MODEL (self->contacts);
}

TandemContact *
tandem_manager_find_contact (TandemManager *self,
                             const char    *address)
{
  LinphoneAddress *wanted;
  LinphoneFriend *friend;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

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
tandem_manager_add_contact (TandemManager  *self,
                            const char     *name,
                            const char     *address,
                            GError        **error)
{
  LinphoneAddress *parsed;
  LinphoneFriend *friend;
  TandemContact *contact;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  if (!require_core (self, error))
    return NULL;

  parsed = parse_sip_address (self, address, error);
  if (parsed == NULL)
    return NULL;
  uri = linphone_address_as_string_uri_only (parsed);
  linphone_address_unref (parsed);

  contact = tandem_manager_find_contact (self, uri);
  if (contact != NULL)
    {
      friend = g_object_get_data (G_OBJECT (contact), "tandem-friend");
      linphone_friend_edit (friend);
      linphone_friend_set_name (friend, name);
      linphone_friend_done (friend);
      _tandem_contact_set_name (contact, name);
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

/* The Contact of the default account's registration (where peers reach
 * this stack directly), or NULL before it registered. */
char *
tandem_manager_dup_contact_address (TandemManager *self)
{
  LinphoneAccount *account;
  const LinphoneAddress *contact;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  if (self->core == NULL || (account = linphone_core_get_default_account (self->core)) == NULL
      || (contact = linphone_account_get_contact_address (account)) == NULL)
    return NULL;
  return linphone_address_as_string_uri_only (contact);
}

/* Presence subscription requests from people who are not contacts, still
 * waiting for the user's answer (addresses, oldest first is not kept). */
GStrv
tandem_manager_dup_pending_subscribers (TandemManager *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  g_hash_table_iter_init (&iter, self->subscribers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

static LinphoneFriend *
steal_subscriber (TandemManager  *self,
                  const char     *address,
                  GError        **error)
{
  gpointer key = NULL, friend = NULL;

  if (!g_hash_table_steal_extended (self->subscribers, address, &key, &friend))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "No subscription request from %s is waiting", address);
      return NULL;
    }
  g_free (key);
  return friend;
}

/* Allows @address to see our presence, and makes them a contact (whose
 * presence we see in turn). */
TandemContact *
tandem_manager_allow_subscriber (TandemManager  *self,
                                 const char     *address,
                                 GError        **error)
{
  LinphoneFriend *friend;
  TandemContact *contact;
  const LinphoneAddress *parsed;
  const char *name;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!require_core (self, error) || (friend = steal_subscriber (self, address, error)) == NULL)
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
tandem_manager_deny_subscriber (TandemManager  *self,
                                const char     *address,
                                GError        **error)
{
  LinphoneFriend *friend;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (!require_core (self, error) || (friend = steal_subscriber (self, address, error)) == NULL)
    return FALSE;

  linphone_friend_edit (friend);
  linphone_core_reject_subscriber (self->core, friend);
  linphone_friend_done (friend);
  linphone_friend_unref (friend);
  g_signal_emit (self, signals[SUBSCRIPTION_HANDLED], 0, address);

  return TRUE;
}

void
tandem_manager_remove_contact (TandemManager *self,
                               TandemContact *contact)
{
  LinphoneFriend *friend;
  guint position;

  g_return_if_fail (TANDEM_IS_MANAGER (self));
  g_return_if_fail (TANDEM_IS_CONTACT (contact));

  friend = g_object_get_data (G_OBJECT (contact), "tandem-friend");
  if (friend == NULL || self->core == NULL)
    return;

  linphone_friend_set_user_data (friend, NULL);
  linphone_friend_list_remove_friend (linphone_core_get_default_friend_list (self->core), friend);
  if (g_list_store_find (self->contacts, contact, &position))
    g_list_store_remove (self->contacts, position);
}

TandemConversation *
tandem_manager_get_conversation (TandemManager  *self,
                                 const char     *address,
                                 GError        **error)
{
  LinphoneAddress *peer;
  LinphoneAccount *account;
  const LinphoneAddress *local = NULL;
  LinphoneChatRoomParams *params;
  LinphoneChatRoom *room;
  bctbx_list_t *participants;
  TandemConversation *conversation;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  if (!require_core (self, error))
    return NULL;

  peer = parse_sip_address (self, address, error);
  if (peer == NULL)
    return NULL;

  account = linphone_core_get_default_account (self->core);
  if (account != NULL)
    local = linphone_account_params_get_identity_address (linphone_account_get_params (account));

  /* One-to-one, unencrypted SIP MESSAGE chat ("basic" in liblinphone). */
  params = linphone_core_create_default_chat_room_params (self->core);
  linphone_chat_room_params_set_backend (params, LinphoneChatRoomBackendBasic);
  linphone_chat_room_params_enable_group (params, FALSE);
  linphone_chat_room_params_set_encryption_backend (params, LinphoneChatRoomEncryptionBackendNone);
  participants = bctbx_list_append (NULL, peer);

  room = linphone_core_search_chat_room (self->core, params, local, peer, participants);
  if (room == NULL)
    room = linphone_core_create_chat_room_6 (self->core, params, local, participants);
  else
    linphone_chat_room_ref (room);

  bctbx_list_free (participants);
  linphone_chat_room_params_unref (params);
  linphone_address_unref (peer);

  if (room == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "Could not open a conversation with %s", address);
      return NULL;
    }

  conversation = wrap_room (self, room);
  linphone_chat_room_unref (room);

  return conversation;
}

GListModel *
tandem_manager_get_call_history (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return G_LIST_MODEL (self->call_history);
}

guint
tandem_manager_get_missed_calls (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), 0);

  return self->missed_calls;
}

/* The user has seen the history. */
void
tandem_manager_reset_missed_calls (TandemManager *self)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  if (self->core != NULL)
    {
      linphone_core_reset_missed_calls_count (self->core);
      update_missed_calls (self);
    }
}

void
tandem_manager_clear_call_history (TandemManager *self)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  if (self->core == NULL)
    return;
  linphone_core_clear_call_logs (self->core);
  g_list_store_remove_all (self->call_history);
  update_missed_calls (self);
}

GListModel *
tandem_manager_get_calls (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return G_LIST_MODEL (self->calls);
}

/* A call not yet ended with @address (as the calls list names peers), or
 * NULL. */
TandemCall *
tandem_manager_find_call (TandemManager *self,
                          const char    *address)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->calls)); i++)
    {
      g_autoptr(TandemCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (g_strcmp0 (tandem_call_get_peer_address (call), address) == 0)
        return call;   /* the list keeps it */
    }
  return NULL;
}

TandemCall *
tandem_manager_call (TandemManager  *self,
                     const char     *address,
                     GError        **error)
{
  LinphoneAddress *peer;
  LinphoneCall *call;
  LinphoneCallParams *params;
  LinphoneAccount *account;
  gboolean tls;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  if (!require_core (self, error))
    return NULL;

  peer = parse_sip_address (self, address, error);
  if (peer == NULL)
    return NULL;

  /* ZRTP agrees on keys in the media path and needs nothing from the
   * signalling; SDES puts the keys in the SDP, so it is offered only when
   * the signalling is TLS, where many phones without ZRTP expect it. */
  account = linphone_core_get_default_account (self->core);
  tls = account != NULL &&
        linphone_account_params_get_transport (linphone_account_get_params (account)) == LinphoneTransportTls;
  params = linphone_core_create_call_params (self->core, NULL);
  if (self->call_encryption == TANDEM_CALL_ENCRYPTION_NEVER)
    linphone_call_params_set_media_encryption (params, LinphoneMediaEncryptionNone);
  else
    linphone_call_params_set_media_encryption (params, tls ? LinphoneMediaEncryptionSRTP
                                                           : LinphoneMediaEncryptionZRTP);
  /* Nothing in the clear while the keys are agreed; an answer without
   * encryption is settled in update_call(). */
  linphone_call_params_enable_mandatory_media_encryption (params,
                                                          self->call_encryption != TANDEM_CALL_ENCRYPTION_NEVER);
  call = linphone_core_invite_address_with_params (self->core, peer, params);
  linphone_call_params_unref (params);
  linphone_address_unref (peer);
  if (call == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "The call to %s could not be started", address);
      return NULL;
    }

  return wrap_call (self, call);
}

TandemPresence
tandem_manager_get_presence (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), TANDEM_PRESENCE_OFFLINE);

  return self->presence;
}

const char *
tandem_manager_get_presence_note (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return self->presence_note;
}

static void
publish_presence (TandemManager *self)
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
  linphone_core_set_presence_model (self->core, model);
  linphone_presence_model_unref (model);
  self->last_publish = g_get_monotonic_time ();
}

static void
on_publish_due (gpointer user_data)
{
  TandemManager *self = user_data;

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
schedule_publish (TandemManager *self)
{
  gint64 wait = self->last_publish + PUBLISH_SPACING_US - g_get_monotonic_time ();

  if (self->publish_id != 0)
    return;
  if (wait <= 0)
    publish_presence (self);
  else
    self->publish_id = g_timeout_add_once (wait / 1000 + 1, on_publish_due, self);
}

void
tandem_manager_set_presence (TandemManager  *self,
                             TandemPresence  presence,
                             const char     *note)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  if (self->presence != presence)
    {
      self->presence = presence;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
    }
  if (_tandem_set_str (&self->presence_note, note && *note ? note : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE_NOTE]);

  if (self->core != NULL)
    schedule_publish (self);
}

gpointer
_tandem_manager_get_core (TandemManager *self)
{
  return self->core;
}

const char *
_tandem_manager_get_bind_address (TandemManager *self)
{
  return self->bind_address;
}

const char *
_tandem_manager_get_root_ca (TandemManager *self)
{
  return self->root_ca;
}

TandemManagerShares *
_tandem_manager_get_shares (TandemManager *self)
{
  return self->shares;
}

/* "sip:user@domain" of @address, or an error saying it is not one. */
char *
_tandem_manager_normalize_address (TandemManager  *self,
                                   const char     *address,
                                   GError        **error)
{
  LinphoneAddress *parsed;
  char *uri;

  if (!require_core (self, error) || (parsed = parse_sip_address (self, address, error)) == NULL)
    return NULL;
  uri = linphone_address_as_string_uri_only (parsed);
  linphone_address_unref (parsed);
  return uri;
}

void
_tandem_manager_forget_account (TandemManager *self,
                                TandemAccount *account)
{
  guint position;

  if (g_list_store_find (self->accounts, account, &position))
    g_list_store_remove (self->accounts, position);
}

/* Where account passwords are kept: "keyring" (the Secret Service) or
 * "profile" (a digest hash in the profile's linphonerc). */
void
_tandem_manager_add_turn_auth (TandemManager *self,
                               const char    *username,
                               const char    *password)
{
  LinphoneAuthInfo *auth = linphone_factory_create_auth_info_2 (linphone_factory_get (), username,
                                                                NULL, password, NULL, NULL, NULL, NULL);

  linphone_core_add_auth_info (self->core, auth);
  linphone_auth_info_unref (auth);
}

/* Keeps @password in the keyring, if there is one (asynchronously). */
gboolean
_tandem_manager_store_password (TandemManager *self,
                                const char    *key,
                                const char    *password)
{
  if (!self->use_keyring)
    return FALSE;
  store_password (self, key, password);
  return TRUE;
}

const char *
tandem_manager_get_password_storage (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return self->use_keyring ? "keyring" : "profile";
}

void
_tandem_manager_forget_password (TandemManager *self,
                                 const char    *identity)
{
  if (self->use_keyring)
    tandem_secrets_clear_async (self->profile_dir, identity);
}

/* ----- GObject ------------------------------------------------------- */

TandemManager *
tandem_manager_new (const char *profile_dir)
{
  return g_object_new (TANDEM_TYPE_MANAGER, "profile-dir", profile_dir, NULL);
}

const char *
tandem_manager_get_profile_dir (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return self->profile_dir;
}

void
tandem_manager_set_bind_address (TandemManager *self,
                                 const char    *address)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));
  g_return_if_fail (self->core == NULL);

  _tandem_set_str (&self->bind_address, address);
}

/* Extra trusted certificate authorities (a PEM file or directory) for TLS
 * to SIP servers, e.g. a company CA.  Set before tandem_manager_start(). */
void
tandem_manager_set_root_ca (TandemManager *self,
                            const char    *path)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));
  g_return_if_fail (self->core == NULL);

  _tandem_set_str (&self->root_ca, path);
}

static void
tandem_manager_dispose (GObject *object)
{
  TandemManager *self = TANDEM_MANAGER (object);

  if (self->core != NULL)
    tandem_manager_stop (self);

  G_OBJECT_CLASS (tandem_manager_parent_class)->dispose (object);
}

static void
tandem_manager_finalize (GObject *object)
{
  TandemManager *self = TANDEM_MANAGER (object);

  g_clear_object (&self->accounts);
  g_clear_object (&self->contacts);
  g_clear_pointer (&self->conversations, g_hash_table_unref);
  g_clear_pointer (&self->subscribers, g_hash_table_unref);
  g_clear_object (&self->calls);
  g_clear_object (&self->call_history);
  g_free (self->profile_dir);
  g_free (self->bind_address);
  g_free (self->root_ca);
  g_free (self->presence_note);

  G_OBJECT_CLASS (tandem_manager_parent_class)->finalize (object);
}

static void
tandem_manager_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemManager *self = TANDEM_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PROFILE_DIR:
      g_value_set_string (value, self->profile_dir);
      break;
    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;
    case PROP_PRESENCE_NOTE:
      g_value_set_string (value, self->presence_note);
      break;
    case PROP_MISSED_CALLS:
      g_value_set_uint (value, self->missed_calls);
      break;
    case PROP_PASSWORD_STORAGE:
      g_value_set_string (value, tandem_manager_get_password_storage (self));
      break;
    case PROP_SHARE_TLS:
      g_value_set_boolean (value, tandem_manager_get_share_tls (self));
      break;
    case PROP_SHARE_RELAY:
      g_value_take_string (value, tandem_manager_dup_share_relay (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_manager_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TandemManager *self = TANDEM_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PROFILE_DIR:
      self->profile_dir = g_value_dup_string (value);
      break;
    case PROP_SHARE_TLS:
      tandem_manager_set_share_tls (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_manager_class_init (TandemManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_manager_dispose;
  object_class->finalize = tandem_manager_finalize;
  object_class->get_property = tandem_manager_get_property;
  object_class->set_property = tandem_manager_set_property;

  properties[PROP_PROFILE_DIR] =
    g_param_spec_string ("profile-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TANDEM_TYPE_PRESENCE, TANDEM_PRESENCE_AVAILABLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENCE_NOTE] =
    g_param_spec_string ("presence-note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MISSED_CALLS] =
    g_param_spec_uint ("missed-calls", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PASSWORD_STORAGE] =
    g_param_spec_string ("password-storage", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Screen sharing, kept in the profile (tandem-manager-shares.c): whether
   * this side offers TLS (msrps) and requires it of offers it accepts,
   * and the MSRP relay ("auto", "none", host:port or an msrp(s):// URI). */
  properties[PROP_SHARE_TLS] =
    g_param_spec_boolean ("share-tls", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_RELAY] =
    g_param_spec_string ("share-relay", NULL, NULL, "auto",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A call appeared: incoming (ringing) or placed by tandem_manager_call(). */
  signals[CALL_ADDED] =
    g_signal_new ("call-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_CALL);

  /* A text message arrived in @conversation (also while it is not shown). */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TANDEM_TYPE_CONVERSATION, G_TYPE_STRING);

  /* A screen share appeared: offered by a peer (pending the user's answer)
   * or started by tandem_manager_share_screen() / _request_screen(). */
  signals[SHARE_ADDED] =
    g_signal_new ("share-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE);

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
tandem_manager_init (TandemManager *self)
{
  self->calls = g_list_store_new (TANDEM_TYPE_CALL);
  self->call_history = g_list_store_new (TANDEM_TYPE_CALL_RECORD);
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->accounts = g_list_store_new (TANDEM_TYPE_ACCOUNT);
  self->contacts = g_list_store_new (TANDEM_TYPE_CONTACT);
  self->subscribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) linphone_friend_unref);
  self->presence = TANDEM_PRESENCE_AVAILABLE;
}
