/* tandem-calls.c
 *
 * liblinphone's calls, each wrapped once in a TandemCall (the
 * LinphoneCall's user data points back) and listed until it ends; the
 * call log as TandemCallRecords; the missed-call count.
 *
 * An incoming call may be held back, unannounced, while another owner
 * decides about it ("call-incoming"): TandemShares holds liblinphone's
 * copy of an INVITE until the share stack has seen its own, so that a
 * share offer never rings (see tandem-shares.c).  A held call rings after
 * HOLD_MAX_MS whatever happens.
 *
 * It also applies the "Encrypt calls" policy: outgoing calls offer ZRTP,
 * or SDES-SRTP when the default account signs in over TLS, with
 * encryption mandatory so that nothing leaves in the clear while the keys
 * are agreed; an answer that cannot encrypt is settled by the TandemCall
 * (plain, or the end under "always"); under "always" an incoming offer
 * that cannot encrypt is declined (488, Reason "Encrypted calls only").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-calls"

#include "config.h"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-calls.h"
#include "tandem-sip-address.h"

#define HOLD_MAX_MS 2000

struct _TandemCalls
{
  GObject          parent_instance;

  LinphoneCore    *core;            /* while started */
  LinphoneCoreCbs *cbs;
  GListStore      *store;           /* TandemCall, not yet ended */
  GListStore      *history;         /* TandemCallRecord, newest first */
  guint            missed_calls;
  GHashTable      *held;            /* Call-ID -> HeldCall */
  TandemCallEncryption encryption;
};

static void tandem_calls_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemCalls, tandem_calls, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tandem_calls_list_model_init))

enum {
  CALL_ADDED,
  CALL_INCOMING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_MISSED_CALLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  TandemCalls  *self;
  LinphoneCall *call;
  char         *call_id;
  guint         timeout_id;
} HeldCall;

static void
held_call_free (HeldCall *held)
{
  g_clear_handle_id (&held->timeout_id, g_source_remove);
  linphone_call_unref (held->call);
  g_free (held->call_id);
  g_free (held);
}

static const char *
get_call_id (LinphoneCall *call)
{
  return linphone_call_log_get_call_id (linphone_call_get_call_log (call));
}

static TandemCall *
wrap_call (TandemCalls  *self,
           LinphoneCall *call)
{
  TandemCall *wrapped = linphone_call_get_user_data (call);

  if (wrapped == NULL)
    {
      wrapped = tandem_call_new_for (call);
      tandem_call_set_encryption_required (wrapped, self->encryption == TANDEM_CALL_ENCRYPTION_ALWAYS);
      /* "Always": an offer that cannot be encrypted is declined (488,
       * Reason "Encrypted calls only") before it is announced, so it
       * never rings nor notifies; the call bar says why. */
      if (tandem_call_is_incoming (wrapped) && self->encryption == TANDEM_CALL_ENCRYPTION_ALWAYS &&
          !tandem_call_peer_can_encrypt (wrapped))
        {
          g_message ("Refusing the unencrypted call from %s (Encrypt calls: always)",
                     tandem_call_get_peer_address (wrapped));
          tandem_call_refuse_unencrypted (wrapped);
        }
      g_list_store_append (self->store, wrapped);
      g_object_unref (wrapped);
      g_signal_emit (self, signals[CALL_ADDED], 0, wrapped);
    }

  return wrapped;
}

static void
update_missed_calls (TandemCalls *self)
{
  guint missed = MAX (linphone_core_get_missed_calls_count (self->core), 0);

  if (missed != self->missed_calls)
    {
      self->missed_calls = missed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSED_CALLS]);
    }
}

static void
record_call (TandemCalls  *self,
             LinphoneCall *call)
{
  LinphoneCallLog *log = linphone_call_get_call_log (call);
  g_autoptr(TandemCallRecord) record = NULL;

  if (log == NULL)
    return;
  record = tandem_call_record_new_for (log);
  g_list_store_insert (self->history, 0, record);
  update_missed_calls (self);
}

static void
load_history (TandemCalls *self)
{
  const bctbx_list_t *logs = linphone_core_get_call_logs (self->core);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  /* liblinphone keeps the newest first, like the model. */
  for (const bctbx_list_t *l = logs; l != NULL; l = l->next)
    g_ptr_array_add (records, tandem_call_record_new_for (l->data));
  g_list_store_splice (self->history, 0, g_list_model_get_n_items (G_LIST_MODEL (self->history)),
                       records->pdata, records->len);
  update_missed_calls (self);
}

static void
update_call (TandemCalls       *self,
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
  /* Once the streams run: an update from the Connected callback comes in
   * the middle of liblinphone's handling of the 200 OK ("BUG: nextState
   * is not set in accepted()").  Mandatory encryption keeps the streams
   * silent until then. */
  if (state == LinphoneCallStateStreamsRunning && !tandem_call_settle_unencrypted_answer (wrapped))
    g_message ("Ending the call with %s: it cannot be encrypted (Encrypt calls: always)",
               tandem_call_get_peer_address (wrapped));
  if (state == LinphoneCallStateUpdatedByRemote && !tandem_call_settle_remote_update (wrapped))
    g_message ("Ending the call with %s: it would go on unencrypted (Encrypt calls: always)",
               tandem_call_get_peer_address (wrapped));
  if (tandem_call_update (wrapped, state) &&
      g_list_store_find (self->store, wrapped, &position))
    {
      if (tandem_call_get_end_reason (wrapped) != NULL)
        g_message ("The call with %s ended: %s", tandem_call_get_peer_address (wrapped),
                   tandem_call_get_end_reason (wrapped));
      g_list_store_remove (self->store, position);
    }
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
    tandem_call_update_security (wrapped);
}

/* liblinphone's side of the policy: what it answers with.  Outgoing calls
 * choose per call (tandem_calls_call()). */
static void
apply_encryption (TandemCalls *self)
{
  if (self->core == NULL)
    return;
  linphone_core_set_media_encryption (self->core,
                                      self->encryption == TANDEM_CALL_ENCRYPTION_NEVER
                                      ? LinphoneMediaEncryptionNone : LinphoneMediaEncryptionZRTP);
  /* Not liblinphone's mandatory flag: it would refuse a plain offer
   * before the user sees it.  update_call() refuses it, with a reason on
   * both sides. */
  linphone_core_set_media_encryption_mandatory (self->core, FALSE);
}

static gboolean
on_hold_expired (gpointer user_data)
{
  HeldCall *held = user_data;
  g_autofree char *call_id = g_strdup (held->call_id);

  held->timeout_id = 0;
  g_message ("Call %s was held back and nobody decided: letting it ring", call_id);
  tandem_calls_release (held->self, call_id);
  return G_SOURCE_REMOVE;
}

static gboolean
hold_call (TandemCalls  *self,
           LinphoneCall *call)
{
  const char *call_id = get_call_id (call);
  gboolean hold = FALSE;
  HeldCall *held;

  if (call_id == NULL)
    return FALSE;
  if (g_hash_table_contains (self->held, call_id))
    return TRUE;
  g_signal_emit (self, signals[CALL_INCOMING], 0, call_id, &hold);
  /* A handler may have declined it already. */
  if (!hold || linphone_call_get_state (call) != LinphoneCallStateIncomingReceived)
    return hold;
  g_debug ("holding call %s back", call_id);
  held = g_new0 (HeldCall, 1);
  held->self = self;
  held->call = linphone_call_ref (call);
  held->call_id = g_strdup (call_id);
  held->timeout_id = g_timeout_add (HOLD_MAX_MS, on_hold_expired, held);
  g_hash_table_insert (self->held, g_strdup (call_id), held);
  return TRUE;
}

static void
on_call_state_changed (LinphoneCore      *core,
                       LinphoneCall      *call,
                       LinphoneCallState  state,
                       const char        *message)
{
  TandemCalls *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));

  if (linphone_call_get_user_data (call) == NULL &&
      (state == LinphoneCallStateEnd || state == LinphoneCallStateReleased))
    return;
  if (state == LinphoneCallStateIncomingReceived && linphone_call_get_user_data (call) == NULL &&
      hold_call (self, call))
    return;
  update_call (self, call, state, message);
}

/* ----- life cycle ---------------------------------------------------- */

void
tandem_calls_start (TandemCalls *self,
                    gpointer     linphone_core)
{
  g_return_if_fail (TANDEM_IS_CALLS (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
  self->cbs = linphone_factory_create_core_cbs (linphone_factory_get ());
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_call_state_changed (self->cbs, on_call_state_changed);
  linphone_core_cbs_set_call_encryption_changed (self->cbs, on_call_encryption_changed);
  linphone_core_add_callbacks (self->core, self->cbs);
  apply_encryption (self);
  load_history (self);
}

void
tandem_calls_stop (TandemCalls *self)
{
  g_return_if_fail (TANDEM_IS_CALLS (self));

  g_hash_table_remove_all (self->held);
  if (self->core != NULL)
    {
      linphone_core_terminate_all_calls (self->core);
      linphone_core_remove_callbacks (self->core, self->cbs);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
  g_list_store_remove_all (self->store);
  g_list_store_remove_all (self->history);
}

/* ----- public API ---------------------------------------------------- */

gboolean
tandem_calls_release (TandemCalls *self,
                      const char  *call_id)
{
  HeldCall *held;
  LinphoneCall *call;

  g_return_val_if_fail (TANDEM_IS_CALLS (self), FALSE);

  held = g_hash_table_lookup (self->held, call_id);
  if (held == NULL)
    return FALSE;
  call = linphone_call_ref (held->call);
  g_hash_table_remove (self->held, call_id);
  if (linphone_call_get_state (call) == LinphoneCallStateIncomingReceived)
    {
      g_debug ("call %s rings now", call_id);
      update_call (self, call, LinphoneCallStateIncomingReceived, "Incoming call received");
    }
  linphone_call_unref (call);
  return TRUE;
}

/* Declines liblinphone's incoming call @call_id (488), held or not;
 * FALSE if there was none. */
gboolean
tandem_calls_decline (TandemCalls *self,
                      const char  *call_id)
{
  gboolean declined = FALSE;

  g_return_val_if_fail (TANDEM_IS_CALLS (self), FALSE);

  g_hash_table_remove (self->held, call_id);
  if (self->core == NULL)
    return FALSE;
  for (const bctbx_list_t *l = linphone_core_get_calls (self->core); l != NULL; l = l->next)
    {
      LinphoneCall *call = l->data;

      if (g_strcmp0 (get_call_id (call), call_id) == 0 &&
          linphone_call_get_state (call) == LinphoneCallStateIncomingReceived)
        {
          linphone_call_decline (call, LinphoneReasonNotAcceptable);
          declined = TRUE;
        }
    }
  return declined;
}

GListModel *
tandem_calls_get_history (TandemCalls *self)
{
  g_return_val_if_fail (TANDEM_IS_CALLS (self), NULL);

  return G_LIST_MODEL (self->history);
}

guint
tandem_calls_get_missed_calls (TandemCalls *self)
{
  g_return_val_if_fail (TANDEM_IS_CALLS (self), 0);

  return self->missed_calls;
}

/* The user has seen the history. */
void
tandem_calls_reset_missed_calls (TandemCalls *self)
{
  g_return_if_fail (TANDEM_IS_CALLS (self));

  if (self->core != NULL)
    {
      linphone_core_reset_missed_calls_count (self->core);
      update_missed_calls (self);
    }
}

void
tandem_calls_clear_history (TandemCalls *self)
{
  g_return_if_fail (TANDEM_IS_CALLS (self));

  if (self->core == NULL)
    return;
  linphone_core_clear_call_logs (self->core);
  g_list_store_remove_all (self->history);
  update_missed_calls (self);
}

TandemCall *
tandem_calls_find (TandemCalls *self,
                   const char  *address)
{
  g_return_val_if_fail (TANDEM_IS_CALLS (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(TandemCall) call = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (tandem_call_get_peer_address (call), address) == 0)
        return call;   /* the list keeps it */
    }
  return NULL;
}

TandemCall *
tandem_calls_call (TandemCalls  *self,
                   const char   *address,
                   GError      **error)
{
  g_autofree char *uri = NULL;
  LinphoneAddress *peer;
  LinphoneCall *call;
  LinphoneCallParams *params;
  LinphoneAccount *account;
  gboolean tls;

  g_return_val_if_fail (TANDEM_IS_CALLS (self), NULL);

  if (!tandem_sip_require_core (self->core, error) ||
      (uri = tandem_sip_address_normalize (address, error)) == NULL)
    return NULL;
  /* ZRTP agrees on keys in the media path and needs nothing from the
   * signalling; SDES puts the keys in the SDP, so it is offered only when
   * the signalling is TLS, where many phones without ZRTP expect it. */
  account = linphone_core_get_default_account (self->core);
  tls = account != NULL &&
        linphone_account_params_get_transport (linphone_account_get_params (account)) == LinphoneTransportTls;
  params = linphone_core_create_call_params (self->core, NULL);
  if (self->encryption == TANDEM_CALL_ENCRYPTION_NEVER)
    linphone_call_params_set_media_encryption (params, LinphoneMediaEncryptionNone);
  else
    linphone_call_params_set_media_encryption (params, tls ? LinphoneMediaEncryptionSRTP
                                                           : LinphoneMediaEncryptionZRTP);
  /* Nothing in the clear while the keys are agreed; an answer without
   * encryption is settled in update_call(). */
  linphone_call_params_enable_mandatory_media_encryption (params,
                                                          self->encryption != TANDEM_CALL_ENCRYPTION_NEVER);
  peer = linphone_factory_create_address (linphone_factory_get (), address);
  call = linphone_core_invite_address_with_params (self->core, peer, params);
  linphone_call_params_unref (params);
  linphone_address_unref (peer);
  if (call == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   _("The call to %s could not be started"), address);
      return NULL;
    }

  return wrap_call (self, call);
}

TandemCallEncryption
tandem_calls_get_encryption (TandemCalls *self)
{
  g_return_val_if_fail (TANDEM_IS_CALLS (self), TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE);
  return self->encryption;
}

/* The "Encrypt calls" preference; may be set before the start. */
void
tandem_calls_set_encryption (TandemCalls          *self,
                             TandemCallEncryption  encryption)
{
  g_return_if_fail (TANDEM_IS_CALLS (self));

  self->encryption = encryption;
  apply_encryption (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(TandemCall) call = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      tandem_call_set_encryption_required (call, encryption == TANDEM_CALL_ENCRYPTION_ALWAYS);
    }
}

/* ----- GListModel and GObject ---------------------------------------- */

static GType
tandem_calls_get_item_type (GListModel *model)
{
  return TANDEM_TYPE_CALL;
}

static guint
tandem_calls_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TANDEM_CALLS (model)->store));
}

static gpointer
tandem_calls_get_item (GListModel *model,
                       guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TANDEM_CALLS (model)->store), position);
}

static void
tandem_calls_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tandem_calls_get_item_type;
  iface->get_n_items = tandem_calls_get_n_items;
  iface->get_item = tandem_calls_get_item;
}

static void
on_items_changed (GListModel  *store,
                  guint        position,
                  guint        removed,
                  guint        added,
                  TandemCalls *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

TandemCalls *
tandem_calls_new (void)
{
  return g_object_new (TANDEM_TYPE_CALLS, NULL);
}

static void
tandem_calls_dispose (GObject *object)
{
  tandem_calls_stop (TANDEM_CALLS (object));

  G_OBJECT_CLASS (tandem_calls_parent_class)->dispose (object);
}

static void
tandem_calls_finalize (GObject *object)
{
  TandemCalls *self = TANDEM_CALLS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_pointer (&self->held, g_hash_table_unref);

  G_OBJECT_CLASS (tandem_calls_parent_class)->finalize (object);
}

static void
tandem_calls_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TandemCalls *self = TANDEM_CALLS (object);

  switch (prop_id)
    {
    case PROP_MISSED_CALLS:
      g_value_set_uint (value, self->missed_calls);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_calls_class_init (TandemCallsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_calls_dispose;
  object_class->finalize = tandem_calls_finalize;
  object_class->get_property = tandem_calls_get_property;

  properties[PROP_MISSED_CALLS] =
    g_param_spec_uint ("missed-calls", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A call appeared: incoming (ringing) or placed by tandem_calls_call(). */
  signals[CALL_ADDED] =
    g_signal_new ("call-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_CALL);

  /* An incoming call (its Call-ID) is about to ring: TRUE holds it back. */
  signals[CALL_INCOMING] =
    g_signal_new ("call-incoming", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
}

static void
tandem_calls_init (TandemCalls *self)
{
  self->store = g_list_store_new (TANDEM_TYPE_CALL);
  g_signal_connect (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  self->history = g_list_store_new (TANDEM_TYPE_CALL_RECORD);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) held_call_free);
}
