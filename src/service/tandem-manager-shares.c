/* tandem-manager-shares.c
 *
 * Screen sharing in TandemManager: the share SIP stack of the default
 * account (started once liblinphone has registered it, with the same
 * credentials, transport, CA and bind address, and a +sip.instance of
 * its own per profile), the list of shares, and the guard for offers
 * that mix audio and a share stream.
 *
 * Mixed offers (Blink sends the share stream with an audio stream in one
 * INVITE): liblinphone 5.1 crashes accepting an offer whose share stream
 * comes before the audio, so liblinphone's branch of such an INVITE is
 * always declined (488) and never rings.  The share stack answers it:
 * the share stream accepted, the audio stream refused (port 0).  Once the
 * share runs, Tandem calls the peer back for the audio through
 * liblinphone (unless a call with them is already up), so both keep
 * working.  liblinphone's copy of any INVITE is held back until the share
 * stack has seen its own copy, so it never rings for a share offer (see
 * "liblinphone's branch of a fork" below).  Offers whose MSRP transport
 * does not fit the policy (share-tls) are refused before they ring.  See
 * README, "Screen sharing".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-manager-shares"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <linphone/core.h>

#include "tandem-manager.h"
#include "tandem-msrp-uri.h"
#include "tandem-service-private.h"
#include "tandem-share-private-manager.h"
#include "tandem-tls-identity.h"

#define SECTION "tandem_share"

struct _TandemManagerShares
{
  TandemManager    *manager;       /* owner */
  TandemShareStack *stack;
  char             *identity;      /* of the account the stack registers */
  GListStore       *shares;        /* of TandemShare, not yet ended */
  GHashTable       *share_call_ids; /* Call-IDs the share stack took */
  GHashTable       *other_call_ids; /* Call-IDs it saw as not a share */
  GHashTable       *held_calls;     /* Call-ID -> HeldCall, liblinphone's */
  GTlsCertificate  *certificate;
  TandemPeerKeys   *peer_keys;      /* <profile>/share-keys.ini */
  GCancellable     *cancellable;   /* the certificate made ahead */
  gboolean          certificate_pending;
  char             *password;
  char             *ha1;           /* when the password is not known */
  GHashTable       *passwords;     /* "user@domain" -> password, this run */
};

static LinphoneConfig *
get_config (TandemManager *manager)
{
  LinphoneCore *core = _tandem_manager_get_core (manager);

  return core != NULL ? linphone_core_get_config (core) : NULL;
}

/* ----- settings -------------------------------------------------------- */

/* Both live in the profile's linphonerc, [tandem_share]: written by
 * --provision and by Preferences (the "share-tls" and "share-relay"
 * properties), read for every new share. */
gboolean
tandem_manager_get_share_tls (TandemManager *self)
{
  LinphoneConfig *config = get_config (self);

  return config == NULL || linphone_config_get_int (config, SECTION, "tls", 1) != 0;
}

static void prepare_certificate (TandemManagerShares *shares);

void
tandem_manager_set_share_tls (TandemManager *self,
                              gboolean       tls)
{
  LinphoneConfig *config = get_config (self);

  g_return_if_fail (TANDEM_IS_MANAGER (self));

  if (config == NULL)
    {
      g_message ("The screen sharing TLS setting needs a running SIP stack");
      return;
    }
  if (tandem_manager_get_share_tls (self) == !!tls)
    return;
  linphone_config_set_int (config, SECTION, "tls", tls ? 1 : 0);
  linphone_config_sync (config);
  g_debug ("screen sharing offers %s from now on", tls ? "TCP/TLS/MSRP" : "TCP/MSRP");
  if (tls)
    prepare_certificate (_tandem_manager_get_shares (self));
  g_object_notify (G_OBJECT (self), "share-tls");
}

/* "auto" (discover the account domain's relay, else direct), "none" (never
 * a relay) or "host:port" / an msrp(s):// URI. */
char *
tandem_manager_dup_share_relay (TandemManager *self)
{
  LinphoneConfig *config = get_config (self);

  return g_strdup (config ? linphone_config_get_string (config, SECTION, "relay", "auto") : "auto");
}

static gboolean
check_relay (const char  *relay,
             GError     **error)
{
  g_autoptr(TandemMsrpUri) uri = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_str_equal (relay, "auto") || g_str_equal (relay, "none"))
    return TRUE;
  text = g_str_has_prefix (relay, "msrp") ? g_strdup (relay) : g_strdup_printf ("msrp://%s;tcp", relay);
  uri = tandem_msrp_uri_parse (text, &local_error);
  if (uri == NULL || strchr (relay, ' ') != NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   /* Translators: "auto" and "none" are literal values */
                   _("“%s” is not an MSRP relay: write auto, none, host:port or an msrps:// address"),
                   relay);
      return FALSE;
    }
  return TRUE;
}

/* An empty @relay means "none". */
gboolean
tandem_manager_set_share_relay (TandemManager  *self,
                                const char     *relay,
                                GError        **error)
{
  LinphoneConfig *config = get_config (self);
  g_autofree char *old = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (relay && *relay ? relay : "none"));

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);

  if (config == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                   _("The SIP stack is not running"));
      return FALSE;
    }
  if (!check_relay (stripped, error))
    return FALSE;
  old = tandem_manager_dup_share_relay (self);
  if (g_str_equal (old, stripped))
    return TRUE;
  linphone_config_set_string (config, SECTION, "relay", stripped);
  linphone_config_sync (config);
  g_object_notify (G_OBJECT (self), "share-relay");
  return TRUE;
}

void
tandem_manager_set_share_options (TandemManager *self,
                                  gboolean       tls,
                                  const char    *relay)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (get_config (self) != NULL);

  tandem_manager_set_share_tls (self, tls);
  if (!tandem_manager_set_share_relay (self, relay, &error))
    g_message ("%s", error->message);
}

/* The +sip.instance of the share stack: one per profile, kept. */
static char *
dup_instance_id (TandemManager *manager)
{
  LinphoneConfig *config = get_config (manager);
  const char *id = linphone_config_get_string (config, SECTION, "instance_id", NULL);

  if (id == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      linphone_config_set_string (config, SECTION, "instance_id", uuid);
      linphone_config_sync (config);
      return g_steal_pointer (&uuid);
    }
  return g_strdup (id);
}

/* ----- the media options of a new share -------------------------------- */

static char *
dup_tls_dir (TandemManagerShares *shares)
{
  return g_build_filename (tandem_manager_get_profile_dir (shares->manager), "tls", NULL);
}

static TandemPeerKeys *
ensure_peer_keys (TandemManagerShares *shares)
{
  if (shares->peer_keys == NULL)
    {
      g_autofree char *path = g_build_filename (tandem_manager_get_profile_dir (shares->manager),
                                                "share-keys.ini", NULL);

      shares->peer_keys = tandem_peer_keys_new (path);
    }
  return shares->peer_keys;
}

/* Made ahead when the stack starts (on_certificate_ready), so no click
 * waits for openssl on the main thread; made here only if that failed.
 * Never two openssl runs on the same files at once. */
static GTlsCertificate *
ensure_certificate (TandemManagerShares  *shares,
                    GError              **error)
{
  if (shares->certificate == NULL && shares->certificate_pending)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                   _("Screen sharing is still getting ready; try again in a moment"));
      return NULL;
    }
  if (shares->certificate == NULL)
    {
      g_autofree char *dir = dup_tls_dir (shares);

      shares->certificate = tandem_tls_identity_ensure (dir, NULL, error);
    }
  return shares->certificate;
}

static void
on_certificate_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = tandem_tls_identity_ensure_finish (result, &error);
  TandemManagerShares *shares = user_data;

  if (certificate == NULL)
    {
      /* Cancelled: @shares is gone.  Else the first share reports it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("No TLS identity for screen sharing yet: %s", error->message);
          shares->certificate_pending = FALSE;
        }
      return;
    }
  shares->certificate_pending = FALSE;
  if (shares->certificate == NULL)
    shares->certificate = certificate;
  else
    g_object_unref (certificate);
}

/* The first use of the profile runs openssl: not on the user's click.
 * Started with the stack, and when TLS is switched on later. */
static void
prepare_certificate (TandemManagerShares *shares)
{
  g_autofree char *dir = NULL;

  if (shares == NULL || shares->stack == NULL || shares->certificate != NULL || shares->certificate_pending)
    return;
  dir = dup_tls_dir (shares);
  shares->certificate_pending = TRUE;
  tandem_tls_identity_ensure_async (dir, shares->cancellable, on_certificate_ready, shares);
}

typedef struct {
  TandemShareMediaOptions options;
  char                   *relay;
  char                   *domain;
  char                   *username;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->relay);
  g_free (o->domain);
  g_free (o->username);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* @tls: whether this share runs over TLS: the setting for an offer of
 * ours, the offer's own transport for an offer we answer. */
static gboolean
fill_options (TandemManagerShares  *shares,
              Options              *o,
              gboolean              tls,
              GError              **error)
{
  g_autofree char *user_part = NULL;
  const char *at;

  memset (o, 0, sizeof *o);
  o->options.tls = tls;
  /* the certificate also keys the end-to-end encryption, TLS or not */
  if (ensure_certificate (shares, error) == NULL)
    return FALSE;
  o->options.e2e = TRUE;
  o->options.certificate = shares->certificate;
  o->options.local_address = _tandem_manager_get_bind_address (shares->manager);
  o->relay = tandem_manager_dup_share_relay (shares->manager);
  o->options.relay = g_str_equal (o->relay, "none") ? NULL : o->relay;
  /* identity "sip:user@domain" */
  at = strchr (shares->identity, '@');
  if (at != NULL)
    {
      const char *colon = strchr (shares->identity, ':');

      o->username = g_strndup (colon + 1, at - colon - 1);
      o->domain = g_strdup (at + 1);
      g_strdelimit (o->domain, ";>", '\0');
    }
  o->options.domain = o->domain;
  o->options.username = o->username;
  o->options.password = shares->password;
  o->options.ha1 = shares->ha1;
  /* Blink offers msrps without a fingerprint. */
  o->options.allow_unpinned = TRUE;
  return TRUE;
}

/* ----- shares ---------------------------------------------------------- */

static void
on_share_state (TandemShare         *share,
                GParamSpec          *pspec,
                TandemManagerShares *shares)
{
  guint position;

  if (tandem_share_get_state (share) == TANDEM_SHARE_ACTIVE && tandem_share_has_audio (share) &&
      tandem_share_is_incoming (share))
    {
      /* The audio of a mixed offer, see the top of this file. */
      const char *peer = tandem_share_get_peer_address (share);

      if (tandem_manager_find_call (shares->manager, peer) == NULL)
        {
          g_message ("The share offer of %s had audio: calling back for it", peer);
          tandem_manager_call (shares->manager, peer, NULL);
        }
    }

  if (tandem_share_get_state (share) == TANDEM_SHARE_ENDED &&
      g_list_store_find (shares->shares, share, &position))
    {
      g_signal_handlers_disconnect_by_data (share, shares);
      g_list_store_remove (shares->shares, position);
    }
}

static void
add_share (TandemManagerShares *shares,
           TandemShare         *share)
{
  g_signal_connect (share, "notify::state", G_CALLBACK (on_share_state), shares);
  g_list_store_append (shares->shares, share);
  g_signal_emit_by_name (shares->manager, "share-added", share);
}

static void
decline_linphone_branch (TandemManagerShares *shares,
                         const char          *call_id)
{
  LinphoneCore *core = _tandem_manager_get_core (shares->manager);

  g_hash_table_remove (shares->held_calls, call_id);

  for (const bctbx_list_t *l = linphone_core_get_calls (core); l != NULL; l = l->next)
    {
      LinphoneCall *call = l->data;
      const char *id = linphone_call_log_get_call_id (linphone_call_get_call_log (call));

      if (g_strcmp0 (id, call_id) == 0 && linphone_call_get_state (call) == LinphoneCallStateIncomingReceived)
        {
          g_debug ("declining liblinphone's branch of share offer %s", call_id);
          linphone_call_decline (call, LinphoneReasonNotAcceptable);
        }
    }
}

/* The local policy for the MSRP transport of an offer: with TLS on
 * ("Require encryption" in Preferences), only TCP/TLS/MSRP; with it off,
 * either, answered in the offer's own transport.  NULL when it fits, else
 * the reason phrase of the 606 that refuses it before it rings. */
static const char *
check_policy (TandemManagerShares  *shares,
              const TandemShareSdp *offer)
{
  if (tandem_manager_get_share_tls (shares->manager) && !offer->tls)
    return TANDEM_SHARE_PHRASE_TLS_REQUIRED;
  return NULL;
}

static void
on_share_offered (TandemShareStack     *stack,
                  TandemShareSession   *session,
                  const char           *peer,
                  const TandemShareSdp *offer,
                  TandemManagerShares  *shares)
{
  g_auto(Options) o = { { 0 }, NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShare) share = NULL;
  const char *call_id = tandem_share_session_get_call_id (session);
  const char *refusal = check_policy (shares, offer);

  if (call_id != NULL)
    {
      g_hash_table_add (shares->share_call_ids, g_strdup (call_id));
      decline_linphone_branch (shares, call_id);
    }
  if (refusal != NULL)
    {
      /* 606, not 488: liblinphone answers its branch of the same INVITE
       * 488 on its own, and a proxy picks either of two 488s (kamailio
       * the first branch); a 6xx it forwards at once, with our reason. */
      g_message ("Share offer from %s refused before it rang: 606 %s", peer, refusal);
      tandem_share_stack_refuse (stack, session, 606, refusal, NULL);
      return;
    }
  if (!fill_options (shares, &o, offer->tls, &error))
    {
      g_message ("Share offer from %s refused: %s", peer, error->message);
      tandem_share_stack_decline (stack, session, NULL);
      return;
    }
  share = _tandem_share_new_incoming (stack, &o.options, session, offer);
  _tandem_share_set_peer_keys (share, ensure_peer_keys (shares));
  add_share (shares, share);
}

/* ----- liblinphone's branch of a fork --------------------------------- */

/* The proxy forks every INVITE to the AOR to both bindings, liblinphone's
 * and the share stack's, and their copies arrive in either order.  A
 * share offer that mixes in audio (Blink's) reaches liblinphone as a
 * call: if it came first it rang (the window came up, a notification,
 * the ring) until the share stack's copy arrived and declined it.  So an
 * incoming liblinphone call is held, unannounced, until the share stack
 * has seen the same Call-ID: a share offer (liblinphone's branch is
 * declined, it never rang) or another INVITE (the call rings now).  An
 * INVITE that never reaches the share stack (sent to liblinphone's own
 * contact) rings after HOLD_MAX_MS. */
#define HOLD_MAX_MS 2000

typedef struct {
  TandemManagerShares *shares;
  LinphoneCall        *call;
  char                *call_id;
  guint                timeout_id;
} HeldCall;

static void
held_call_free (HeldCall *held)
{
  g_clear_handle_id (&held->timeout_id, g_source_remove);
  linphone_call_unref (held->call);
  g_free (held->call_id);
  g_free (held);
}

static void
release_call (TandemManagerShares *shares,
              const char          *call_id)
{
  HeldCall *held = g_hash_table_lookup (shares->held_calls, call_id);
  LinphoneCall *call;

  if (held == NULL)
    return;
  call = linphone_call_ref (held->call);
  g_hash_table_remove (shares->held_calls, call_id);
  if (linphone_call_get_state (call) == LinphoneCallStateIncomingReceived)
    _tandem_manager_announce_call (shares->manager, call);
  linphone_call_unref (call);
}

static gboolean
on_hold_expired (gpointer user_data)
{
  HeldCall *held = user_data;
  g_autofree char *call_id = g_strdup (held->call_id);

  held->timeout_id = 0;
  g_message ("The share stack never saw call %s: letting it ring", call_id);
  release_call (held->shares, call_id);
  return G_SOURCE_REMOVE;
}

static void
on_other_invite (TandemShareStack    *stack,
                 const char          *call_id,
                 TandemManagerShares *shares)
{
  if (g_hash_table_contains (shares->held_calls, call_id))
    {
      g_debug ("call %s is not a share offer: it rings", call_id);
      release_call (shares, call_id);
      return;
    }
  /* liblinphone's copy is still to come.  (Bounded: a copy that never
   * comes leaves its Call-ID here until the table is cleared.) */
  if (g_hash_table_size (shares->other_call_ids) > 256)
    g_hash_table_remove_all (shares->other_call_ids);
  g_hash_table_add (shares->other_call_ids, g_strdup (call_id));
}

/* liblinphone has an incoming call: TRUE when it must not be announced
 * now (the share stack's, declined; or held until the share stack has
 * seen it). */
gboolean
_tandem_manager_shares_hold_call (TandemManagerShares *shares,
                                  gpointer             linphone_call)
{
  LinphoneCall *call = linphone_call;
  const char *call_id = linphone_call_log_get_call_id (linphone_call_get_call_log (call));
  HeldCall *held;

  if (shares == NULL || call_id == NULL)
    return FALSE;
  if (g_hash_table_contains (shares->share_call_ids, call_id))
    {
      g_debug ("declining liblinphone's branch of share offer %s", call_id);
      linphone_call_decline (call, LinphoneReasonNotAcceptable);
      return TRUE;
    }
  if (g_hash_table_remove (shares->other_call_ids, call_id))
    return FALSE;
  if (shares->stack == NULL || tandem_share_stack_get_state (shares->stack) != TANDEM_REGISTRATION_OK)
    return FALSE;
  if (g_hash_table_contains (shares->held_calls, call_id))
    return TRUE;
  g_debug ("holding call %s until the share stack has seen it", call_id);
  held = g_new0 (HeldCall, 1);
  held->shares = shares;
  held->call = linphone_call_ref (call);
  held->call_id = g_strdup (call_id);
  held->timeout_id = g_timeout_add (HOLD_MAX_MS, on_hold_expired, held);
  g_hash_table_insert (shares->held_calls, g_strdup (call_id), held);
  return TRUE;
}

static TandemShare *
start_share (TandemManager  *self,
             const char     *address,
             gboolean        sharer,
             GError        **error)
{
  TandemManagerShares *shares = _tandem_manager_get_shares (self);
  g_auto(Options) o = { { 0 }, NULL, NULL, NULL };
  g_autofree char *peer = NULL;
  TandemShare *share;

  if (shares == NULL || shares->stack == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                   _("Screen sharing needs a signed-in account"));
      return NULL;
    }
  peer = _tandem_manager_normalize_address (self, address, error);
  if (peer == NULL || !fill_options (shares, &o, tandem_manager_get_share_tls (self), error))
    return NULL;
  share = _tandem_share_new_outgoing (shares->stack, &o.options, peer, sharer);
  _tandem_share_set_peer_keys (share, ensure_peer_keys (shares));
  add_share (shares, share);
  g_object_unref (share);
  return share;
}

/* Offers our screen to @address (rfbsetup:passive). */
TandemShare *
tandem_manager_share_screen (TandemManager  *self,
                             const char     *address,
                             GError        **error)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return start_share (self, address, TRUE, error);
}

/* Asks @address for their screen (rfbsetup:active). */
TandemShare *
tandem_manager_request_screen (TandemManager  *self,
                               const char     *address,
                               GError        **error)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return start_share (self, address, FALSE, error);
}

/* The share stack has registered (and the TLS identity is made): shares
 * can go out and come in. */
gboolean
tandem_manager_can_share (TandemManager *self)
{
  TandemManagerShares *shares;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);
  shares = _tandem_manager_get_shares (self);
  return shares != NULL && shares->stack != NULL && !shares->certificate_pending &&
         tandem_share_stack_get_state (shares->stack) == TANDEM_REGISTRATION_OK;
}

GListModel *
tandem_manager_get_shares (TandemManager *self)
{
  TandemManagerShares *shares;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  shares = _tandem_manager_get_shares (self);
  return shares != NULL ? G_LIST_MODEL (shares->shares) : NULL;
}

/* ----- the stack ------------------------------------------------------- */

void
_tandem_manager_shares_remember_password (TandemManagerShares *shares,
                                          const char          *username,
                                          const char          *domain,
                                          const char          *password)
{
  if (shares != NULL && username != NULL && domain != NULL && password != NULL)
    g_hash_table_replace (shares->passwords, g_strdup_printf ("%s@%s", username, domain),
                          g_strdup (password));
}

static char *
dup_password (TandemManagerShares   *shares,
              LinphoneCore          *core,
              const LinphoneAddress *identity,
              char                 **ha1)
{
  const LinphoneAuthInfo *auth = linphone_core_find_auth_info (core, NULL,
                                                               linphone_address_get_username (identity),
                                                               linphone_address_get_domain (identity));

  *ha1 = auth && linphone_auth_info_get_ha1 (auth) ? g_strdup (linphone_auth_info_get_ha1 (auth)) : NULL;
  {
    g_autofree char *key = g_strdup_printf ("%s@%s", linphone_address_get_username (identity),
                                            linphone_address_get_domain (identity));
    const char *known = g_hash_table_lookup (shares->passwords, key);

    if (known != NULL)
      return g_strdup (known);
  }
  return auth && linphone_auth_info_get_password (auth) ? g_strdup (linphone_auth_info_get_password (auth)) : NULL;
}

/* liblinphone registered @account: start the share stack for it, if it is
 * the default account and none runs yet. */
void
_tandem_manager_shares_account_registered (TandemManagerShares *shares,
                                           gpointer             linphone_account)
{
  LinphoneCore *core = _tandem_manager_get_core (shares->manager);
  LinphoneAccount *account = linphone_account;
  const LinphoneAccountParams *params = linphone_account_get_params (account);
  const LinphoneAddress *identity = linphone_account_params_get_identity_address (params);
  g_autofree char *server = g_strdup (linphone_account_params_get_server_addr (params));
  g_autofree char *identity_str = NULL;
  g_autofree char *ha1 = NULL;
  g_autofree char *instance = NULL;
  g_autoptr(GError) error = NULL;
  TandemTransport transport;

  if (shares->stack != NULL || account != linphone_core_get_default_account (core) || identity == NULL)
    return;

  identity_str = linphone_address_as_string_uri_only (identity);
  /* liblinphone writes it as a name-addr: "<sip:host;transport=tcp>". */
  if (server != NULL && server[0] == '<')
    {
      char *end = strrchr (server, '>');

      if (end != NULL)
        *end = '\0';
      memmove (server, server + 1, strlen (server));
    }
  switch (linphone_account_params_get_transport (params))
    {
    case LinphoneTransportTcp: transport = TANDEM_TRANSPORT_TCP; break;
    case LinphoneTransportTls: transport = TANDEM_TRANSPORT_TLS; break;
    default: transport = TANDEM_TRANSPORT_UDP;
    }
  g_free (shares->password);
  shares->password = dup_password (shares, core, identity, &ha1);
  shares->stack = tandem_share_stack_new (identity_str, server, transport,
                                          _tandem_manager_get_bind_address (shares->manager),
                                          _tandem_manager_get_root_ca (shares->manager));
  if (shares->password != NULL)
    tandem_share_stack_set_password (shares->stack, shares->password);
  else if (ha1 != NULL)
    tandem_share_stack_set_ha1 (shares->stack, ha1);
  g_free (shares->ha1);
  shares->ha1 = g_steal_pointer (&ha1);
  instance = dup_instance_id (shares->manager);
  tandem_share_stack_set_instance_id (shares->stack, instance);
  g_signal_connect (shares->stack, "share-offered", G_CALLBACK (on_share_offered), shares);
  g_signal_connect (shares->stack, "other-invite", G_CALLBACK (on_other_invite), shares);
  if (!tandem_share_stack_start (shares->stack, &error))
    {
      g_message ("Screen sharing is not available for %s: %s", identity_str, error->message);
      g_clear_object (&shares->stack);
      return;
    }
  shares->identity = g_steal_pointer (&identity_str);
  /* Also with TLS off: a TLS offer is answered over TLS. */
  prepare_certificate (shares);
}

TandemManagerShares *
_tandem_manager_shares_new (TandemManager *manager)
{
  TandemManagerShares *shares = g_new0 (TandemManagerShares, 1);

  shares->manager = manager;
  shares->shares = g_list_store_new (TANDEM_TYPE_SHARE);
  shares->share_call_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shares->other_call_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shares->held_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) held_call_free);
  shares->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  shares->cancellable = g_cancellable_new ();
  return shares;
}

void
_tandem_manager_shares_free (TandemManagerShares *shares)
{
  if (shares == NULL)
    return;
  g_cancellable_cancel (shares->cancellable);
  g_clear_object (&shares->cancellable);

  /* End what runs: the peers get their BYE before the stack goes. */
  while (g_list_model_get_n_items (G_LIST_MODEL (shares->shares)) > 0)
    {
      g_autoptr(TandemShare) share = g_list_model_get_item (G_LIST_MODEL (shares->shares), 0);

      g_signal_handlers_disconnect_by_data (share, shares);
      g_list_store_remove (shares->shares, 0);
      tandem_share_stop (share);
    }
  if (shares->stack != NULL)
    {
      g_signal_handlers_disconnect_by_data (shares->stack, shares);
      tandem_share_stack_stop (shares->stack);
      g_clear_object (&shares->stack);
    }
  g_clear_object (&shares->shares);
  g_clear_object (&shares->certificate);
  g_clear_object (&shares->peer_keys);
  g_clear_pointer (&shares->share_call_ids, g_hash_table_unref);
  g_clear_pointer (&shares->other_call_ids, g_hash_table_unref);
  g_clear_pointer (&shares->held_calls, g_hash_table_unref);
  g_clear_pointer (&shares->passwords, g_hash_table_unref);
  if (shares->password != NULL)
    memset (shares->password, 0, strlen (shares->password));
  g_free (shares->password);
  g_free (shares->ha1);
  g_free (shares->identity);
  g_free (shares);
}
