/* tandem-accounts.c
 *
 * The accounts of the profile's LinphoneCore, each wrapped once in a
 * TandemAccount (the LinphoneAccount's user data points back), and their
 * passwords.
 *
 * Passwords: every keyring call is asynchronous, since a Secret Service
 * may take as long as the user likes to answer a prompt (unlock, or
 * create a keyring) and the main loop goes on meanwhile.  An account whose
 * password is still to come says so (TandemAccount:waiting-for-keyring)
 * and signs in once it arrives: liblinphone retries the REGISTER it could
 * not authenticate.  Without a keyring (or when it refuses) the profile
 * keeps the digest hash (HA1), never the clear password.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-accounts"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <linphone/core.h>

#include "tandem-accounts.h"
#include "tandem-secrets.h"
#include "tandem-sip-address.h"

/* A publication left behind by a crash or a lost network stays on the
 * server until it expires, mixed into what contacts see: keep that short. */
#define PUBLISH_EXPIRES_S 600

typedef enum {
  KEYRING_UNKNOWN,   /* still asking the session bus */
  KEYRING_YES,
  KEYRING_NO,
} KeyringState;

struct _TandemAccounts
{
  GObject          parent_instance;

  char            *profile_dir;
  LinphoneCore    *core;              /* while started */
  LinphoneCoreCbs *cbs;
  GListStore      *store;             /* of TandemAccount */
  GHashTable      *passwords;         /* "user@domain" -> password typed this run */

  gboolean         use_keyring;       /* passwords in the Secret Service */
  KeyringState     keyring_state;     /* whether one answers, once asked */
  GCancellable    *keyring_cancellable; /* keyring calls of this start */
  GPtrArray       *keyring_stores;    /* KeyringOp, until keyring_state is known */
};

static void tandem_accounts_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemAccounts, tandem_accounts, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tandem_accounts_list_model_init))

enum {
  PROP_0,
  PROP_PASSWORD_STORAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* ----- the wrapped accounts ------------------------------------------ */

static TandemAccount *
lookup_account (LinphoneAccount *account)
{
  return linphone_account_get_user_data (account);
}

static TandemAccount *
wrap_account (TandemAccounts  *self,
              LinphoneAccount *account)
{
  const LinphoneAccountParams *params = linphone_account_get_params (account);
  const LinphoneAddress *identity = linphone_account_params_get_identity_address (params);
  const LinphoneAddress *server = linphone_account_params_get_server_address (params);
  g_autofree char *identity_str = identity ? linphone_address_as_string_uri_only (identity) : NULL;
  g_autofree char *server_str = server ? linphone_address_as_string_uri_only (server) : NULL;
  TandemAccount *wrapped = tandem_account_new (identity_str, server_str);

  /* The store holds the reference; the LinphoneAccount points back. */
  linphone_account_set_user_data (account, wrapped);
  g_list_store_append (self->store, wrapped);
  g_object_unref (wrapped);

  return wrapped;
}

static void
forget_account (TandemAccounts *self,
                TandemAccount  *account)
{
  guint position;

  if (g_list_store_find (self->store, account, &position))
    g_list_store_remove (self->store, position);
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
  TandemAccounts *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  TandemAccount *wrapped = lookup_account (account);
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
  g_debug ("%s: registration %d (%s)", tandem_account_get_identity (wrapped), state,
           reason ? reason : message);
  tandem_account_set_state (wrapped, from_linphone_registration (state), reason);
}

static void
add_auth (TandemAccounts        *self,
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
   * may keep only hashed (see tandem_accounts_dup_password()). */
  if (linphone_address_get_username (identity) != NULL && linphone_address_get_domain (identity) != NULL)
    g_hash_table_replace (self->passwords,
                          g_strdup_printf ("%s@%s", linphone_address_get_username (identity),
                                           linphone_address_get_domain (identity)),
                          g_strdup (password));
}

static void
add_turn_auth (TandemAccounts *self,
               const char     *username,
               const char     *password)
{
  LinphoneAuthInfo *auth = linphone_factory_create_auth_info_2 (linphone_factory_get (), username,
                                                                NULL, password, NULL, NULL, NULL, NULL);

  linphone_core_add_auth_info (self->core, auth);
  linphone_auth_info_unref (auth);
}

/* ----- passwords in the keyring ------------------------------------- */

typedef struct {
  TandemAccounts *self;
  GCancellable   *cancellable;   /* of the start that made it */
  char           *key;           /* identity URI, or "turn:<user>" */
  char           *password;      /* what to store */
} KeyringOp;

static KeyringOp *
keyring_op_new (TandemAccounts *self,
                const char     *key,
                const char     *password)
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
find_account_by_uri (TandemAccounts *self,
                     const char     *uri)
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
use_password (TandemAccounts *self,
              const char     *key,
              const char     *password)
{
  LinphoneAccount *account;

  if (g_str_has_prefix (key, "turn:"))
    {
      add_turn_auth (self, key + strlen ("turn:"), password);
      return;
    }
  account = find_account_by_uri (self, key);
  if (account != NULL)
    add_auth (self, linphone_account_params_get_identity_address (linphone_account_get_params (account)),
              password);
}

static void
set_waiting_for_keyring (LinphoneAccount *account,
                         gboolean         waiting)
{
  TandemAccount *wrapped = account != NULL ? lookup_account (account) : NULL;

  if (wrapped != NULL)
    tandem_account_set_waiting_for_keyring (wrapped, waiting);
}

/* No keyring, or it refused: the profile keeps the digest hash (HA1) of
 * the passwords from now on. */
static void
keep_passwords_in_profile (TandemAccounts *self)
{
  self->keyring_state = KEYRING_NO;
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    set_waiting_for_keyring (l->data, FALSE);
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
store_password (TandemAccounts *self,
                const char     *key,
                const char     *password)
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
  TandemAccounts *self = op->self;

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
    set_waiting_for_keyring (find_account_by_uri (self, op->key), FALSE);
}

static void
lookup_password (TandemAccounts *self,
                 const char     *key)
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
  TandemAccounts *self = op->self;
  gboolean available = tandem_secrets_check_finish (result);
  g_autoptr(GPtrArray) stores = NULL;
  LinphoneNatPolicy *policy;
  const char *turn_user;

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
   * tandem_accounts_set_turn_password()). */
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      TandemAccount *wrapped = lookup_account (l->data);

      if (wrapped != NULL && tandem_account_get_waiting_for_keyring (wrapped))
        lookup_password (self, tandem_account_get_identity (wrapped));
    }
  policy = linphone_core_get_nat_policy (self->core);
  turn_user = policy ? linphone_nat_policy_get_stun_server_username (policy) : NULL;
  if (turn_user != NULL && *turn_user != '\0')
    {
      g_autofree char *key = g_strconcat ("turn:", turn_user, NULL);

      lookup_password (self, key);
    }
}

/* At start: the accounts without credentials in the profile wait for the
 * keyring, which is asked whether it is there at all. */
static void
start_keyring (TandemAccounts *self)
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
        set_waiting_for_keyring (l->data, TRUE);
    }
  tandem_secrets_check_async (self->keyring_cancellable, on_keyring_checked, keyring_op_new (self, "", NULL));
}

static void
stop_keyring (TandemAccounts *self)
{
  if (self->keyring_cancellable != NULL)
    g_cancellable_cancel (self->keyring_cancellable);
  g_clear_object (&self->keyring_cancellable);
  g_clear_pointer (&self->keyring_stores, g_ptr_array_unref);
}

/* ----- life cycle ---------------------------------------------------- */

/* Before the core is made from @linphone_config: with a keyring,
 * credentials stay out of the profile's linphonerc (liblinphone then
 * keeps them in memory only); without one, it keeps the digest hash
 * (HA1) there, never the clear password. */
void
tandem_accounts_configure (TandemAccounts *self,
                           gpointer        linphone_config)
{
  g_return_if_fail (TANDEM_IS_ACCOUNTS (self));

  /* Until the session bus says whether a Secret Service runs (see
   * start_keyring()). */
  self->use_keyring = g_strcmp0 (g_getenv ("TANDEM_NO_KEYRING"), "1") != 0;
  linphone_config_set_int (linphone_config, "sip", "store_auth_info", !self->use_keyring);
  linphone_config_set_int (linphone_config, "sip", "store_ha1_passwd", 1);
}

void
tandem_accounts_start (TandemAccounts *self,
                       gpointer        linphone_core)
{
  g_return_if_fail (TANDEM_IS_ACCOUNTS (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
  self->cbs = linphone_factory_create_core_cbs (linphone_factory_get ());
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_account_registration_state_changed (self->cbs, on_account_registration_state_changed);
  linphone_core_add_callbacks (self->core, self->cbs);

  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    if (lookup_account (l->data) == NULL)
      wrap_account (self, l->data);
  start_keyring (self);
}

void
tandem_accounts_stop (TandemAccounts *self)
{
  g_return_if_fail (TANDEM_IS_ACCOUNTS (self));

  stop_keyring (self);
  if (self->core != NULL)
    {
      for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
        linphone_account_set_user_data (l->data, NULL);
      linphone_core_remove_callbacks (self->core, self->cbs);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
  g_list_store_remove_all (self->store);
  g_hash_table_remove_all (self->passwords);
}

/* ----- public API ---------------------------------------------------- */

/* Provisioning the same identity twice replaces the account. */
static void
remove_account_with_identity (TandemAccounts        *self,
                              const LinphoneAddress *identity)
{
  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    {
      LinphoneAccount *account = l->data;
      const LinphoneAccountParams *params = linphone_account_get_params (account);
      const LinphoneAddress *existing = linphone_account_params_get_identity_address (params);
      TandemAccount *wrapped;

      if (existing == NULL || !linphone_address_weak_equal (existing, identity))
        continue;

      wrapped = lookup_account (account);
      if (wrapped != NULL)
        forget_account (self, wrapped);
      linphone_account_set_user_data (account, NULL);
      linphone_core_remove_account (self->core, account);
      return;
    }
}

static LinphoneAddress *
parse_address (const char  *text,
               GError     **error)
{
  g_autofree char *checked = tandem_sip_address_normalize (text, error);

  return checked != NULL ? linphone_factory_create_address (linphone_factory_get (), text) : NULL;
}

TandemAccount *
tandem_accounts_add (TandemAccounts   *self,
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

  g_return_val_if_fail (TANDEM_IS_ACCOUNTS (self), NULL);

  if (!tandem_sip_require_core (self->core, error))
    return NULL;

  identity_addr = parse_address (identity, error);
  if (identity_addr == NULL)
    return NULL;

  if (server == NULL || *server == '\0')
    server_addr = linphone_factory_create_address (linphone_factory_get (), "sip:placeholder");
  else
    server_addr = parse_address (server, error);
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
                   _("The account %s could not be added"), identity);
      return NULL;
    }
  if (linphone_core_get_default_account (self->core) == NULL)
    linphone_core_set_default_account (self->core, account);

  if (lookup_account (account) == NULL)
    wrap_account (self, account);
  linphone_account_unref (account);

  return lookup_account (account);
}

gboolean
tandem_accounts_remove (TandemAccounts  *self,
                        TandemAccount   *account,
                        GError         **error)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNTS (self), FALSE);

  if (!tandem_sip_require_core (self->core, error))
    return FALSE;

  for (const bctbx_list_t *l = linphone_core_get_account_list (self->core); l != NULL; l = l->next)
    if (linphone_account_get_user_data (l->data) == account)
      {
        if (self->use_keyring)
          tandem_secrets_clear_async (self->profile_dir, tandem_account_get_identity (account));
        forget_account (self, account);
        linphone_account_set_user_data (l->data, NULL);
        linphone_core_remove_account (self->core, l->data);
        return TRUE;
      }

  g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                       _("That account is not in this profile"));
  return FALSE;
}

const char *
tandem_accounts_get_password_storage (TandemAccounts *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNTS (self), NULL);

  return self->use_keyring ? "keyring" : "profile";
}

char *
tandem_accounts_dup_contact_address (TandemAccounts *self)
{
  LinphoneAccount *account;
  const LinphoneAddress *contact;

  g_return_val_if_fail (TANDEM_IS_ACCOUNTS (self), NULL);

  if (self->core == NULL || (account = linphone_core_get_default_account (self->core)) == NULL
      || (contact = linphone_account_get_contact_address (account)) == NULL)
    return NULL;
  return linphone_address_as_string_uri_only (contact);
}

void
tandem_accounts_set_turn_password (TandemAccounts *self,
                                   const char     *username,
                                   const char     *password)
{
  g_autofree char *key = g_strconcat ("turn:", username, NULL);

  g_return_if_fail (TANDEM_IS_ACCOUNTS (self));
  g_return_if_fail (self->core != NULL);

  store_password (self, key, password);
  add_turn_auth (self, username, password);
}

char *
tandem_accounts_dup_password (TandemAccounts  *self,
                              const char      *username,
                              const char      *domain,
                              char           **ha1)
{
  const LinphoneAuthInfo *auth;
  g_autofree char *key = NULL;
  const char *known;

  g_return_val_if_fail (TANDEM_IS_ACCOUNTS (self), NULL);

  key = g_strdup_printf ("%s@%s", username, domain);
  known = g_hash_table_lookup (self->passwords, key);
  auth = self->core ? linphone_core_find_auth_info (self->core, NULL, username, domain) : NULL;
  *ha1 = auth && linphone_auth_info_get_ha1 (auth) ? g_strdup (linphone_auth_info_get_ha1 (auth)) : NULL;
  if (known != NULL)
    return g_strdup (known);
  return auth && linphone_auth_info_get_password (auth) ? g_strdup (linphone_auth_info_get_password (auth)) : NULL;
}

/* ----- GListModel and GObject ---------------------------------------- */

static GType
tandem_accounts_get_item_type (GListModel *model)
{
  return TANDEM_TYPE_ACCOUNT;
}

static guint
tandem_accounts_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TANDEM_ACCOUNTS (model)->store));
}

static gpointer
tandem_accounts_get_item (GListModel *model,
                          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TANDEM_ACCOUNTS (model)->store), position);
}

static void
tandem_accounts_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tandem_accounts_get_item_type;
  iface->get_n_items = tandem_accounts_get_n_items;
  iface->get_item = tandem_accounts_get_item;
}

static void
on_items_changed (GListModel     *store,
                  guint           position,
                  guint           removed,
                  guint           added,
                  TandemAccounts *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

TandemAccounts *
tandem_accounts_new (const char *profile_dir)
{
  TandemAccounts *self = g_object_new (TANDEM_TYPE_ACCOUNTS, NULL);

  self->profile_dir = g_strdup (profile_dir);
  return self;
}

static void
tandem_accounts_dispose (GObject *object)
{
  tandem_accounts_stop (TANDEM_ACCOUNTS (object));

  G_OBJECT_CLASS (tandem_accounts_parent_class)->dispose (object);
}

static void
tandem_accounts_finalize (GObject *object)
{
  TandemAccounts *self = TANDEM_ACCOUNTS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->passwords, g_hash_table_unref);
  g_free (self->profile_dir);

  G_OBJECT_CLASS (tandem_accounts_parent_class)->finalize (object);
}

static void
tandem_accounts_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TandemAccounts *self = TANDEM_ACCOUNTS (object);

  switch (prop_id)
    {
    case PROP_PASSWORD_STORAGE:
      g_value_set_string (value, tandem_accounts_get_password_storage (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_accounts_class_init (TandemAccountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_accounts_dispose;
  object_class->finalize = tandem_accounts_finalize;
  object_class->get_property = tandem_accounts_get_property;

  properties[PROP_PASSWORD_STORAGE] =
    g_param_spec_string ("password-storage", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_accounts_init (TandemAccounts *self)
{
  self->store = g_list_store_new (TANDEM_TYPE_ACCOUNT);
  g_signal_connect (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->use_keyring = g_strcmp0 (g_getenv ("TANDEM_NO_KEYRING"), "1") != 0;
}
