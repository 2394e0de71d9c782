/* tandem-shares.c
 *
 * Screen sharing for a profile: the share SIP stack of the default
 * account (started once liblinphone has registered it, with the same
 * credentials, transport, CA and bind address, and a +sip.instance of
 * its own per profile), the list of shares, the sharing settings, and
 * the guard for offers that mix audio and a share stream.
 *
 * Mixed offers (Blink sends the share stream with an audio stream in one
 * INVITE): liblinphone 5.1 crashes accepting an offer whose share stream
 * comes before the audio, so liblinphone's branch of such an INVITE is
 * always declined (488) and never rings.  The share stack answers it:
 * the share stream accepted, the audio stream refused (port 0).  Once the
 * share runs, Tandem calls the peer back for the audio through
 * liblinphone (unless a call with them is already up), so both keep
 * working.  liblinphone's copy of any INVITE is held back (TandemCalls'
 * "call-incoming") until the share stack has seen its own copy, so it
 * never rings for a share offer (see "liblinphone's branch of a fork"
 * below).  Offers whose MSRP transport does not fit the policy (tls) are
 * refused before they ring.  See README, "Screen sharing".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-shares"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <linphone/core.h>

#include "tandem-msrp-uri.h"
#include "tandem-share.h"
#include "tandem-shares.h"
#include "tandem-sip-address.h"
#include "tandem-tls-identity.h"

#define SECTION "tandem_share"

struct _TandemShares
{
  GObject           parent_instance;

  char             *profile_dir;
  TandemAccounts   *accounts;
  TandemCalls      *calls;
  GListStore       *store;          /* of TandemShare, not yet ended */

  /* While started: */
  LinphoneCore     *core;
  LinphoneCoreCbs  *cbs;
  char             *bind_address;
  char             *root_ca;
  TandemShareStack *stack;
  char             *identity;       /* of the account the stack registers */
  GHashTable       *share_call_ids; /* Call-IDs the share stack took */
  GHashTable       *other_call_ids; /* Call-IDs it saw as not a share */
  GTlsCertificate  *certificate;
  GCancellable     *cancellable;    /* the certificate made ahead */
  gboolean          certificate_pending;
  char             *password;
  char             *ha1;            /* when the password is not known */
};

static void tandem_shares_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemShares, tandem_shares, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tandem_shares_list_model_init))

enum {
  SHARE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_TLS,
  PROP_RELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static LinphoneConfig *
get_config (TandemShares *self)
{
  return self->core != NULL ? linphone_core_get_config (self->core) : NULL;
}

/* ----- settings -------------------------------------------------------- */

/* Both live in the profile's linphonerc, [tandem_share]: written by
 * --provision and by Preferences, read for every new share. */
gboolean
tandem_shares_get_tls (TandemShares *self)
{
  LinphoneConfig *config;

  g_return_val_if_fail (TANDEM_IS_SHARES (self), TRUE);

  config = get_config (self);
  return config == NULL || linphone_config_get_int (config, SECTION, "tls", 1) != 0;
}

static void prepare_certificate (TandemShares *self);

void
tandem_shares_set_tls (TandemShares *self,
                       gboolean      tls)
{
  LinphoneConfig *config;

  g_return_if_fail (TANDEM_IS_SHARES (self));

  config = get_config (self);
  if (config == NULL)
    {
      g_message ("The screen sharing TLS setting needs a running SIP stack");
      return;
    }
  if (tandem_shares_get_tls (self) == !!tls)
    return;
  linphone_config_set_int (config, SECTION, "tls", tls ? 1 : 0);
  linphone_config_sync (config);
  g_debug ("screen sharing offers %s from now on", tls ? "TCP/TLS/MSRP" : "TCP/MSRP");
  if (tls)
    prepare_certificate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS]);
}

/* "auto" (discover the account domain's relay, else direct), "none" (never
 * a relay) or "host:port" / an msrp(s):// URI. */
char *
tandem_shares_dup_relay (TandemShares *self)
{
  LinphoneConfig *config;

  g_return_val_if_fail (TANDEM_IS_SHARES (self), NULL);

  config = get_config (self);
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
tandem_shares_set_relay (TandemShares  *self,
                         const char    *relay,
                         GError       **error)
{
  LinphoneConfig *config;
  g_autofree char *old = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (relay && *relay ? relay : "none"));

  g_return_val_if_fail (TANDEM_IS_SHARES (self), FALSE);

  config = get_config (self);
  if (!tandem_sip_require_core (self->core, error) || !check_relay (stripped, error))
    return FALSE;
  old = tandem_shares_dup_relay (self);
  if (g_str_equal (old, stripped))
    return TRUE;
  linphone_config_set_string (config, SECTION, "relay", stripped);
  linphone_config_sync (config);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY]);
  return TRUE;
}

void
tandem_shares_set_options (TandemShares *self,
                           gboolean      tls,
                           const char   *relay)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TANDEM_IS_SHARES (self));
  g_return_if_fail (self->core != NULL);

  tandem_shares_set_tls (self, tls);
  if (!tandem_shares_set_relay (self, relay, &error))
    g_message ("%s", error->message);
}

/* The +sip.instance of the share stack: one per profile, kept. */
static char *
dup_instance_id (TandemShares *self)
{
  LinphoneConfig *config = get_config (self);
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
dup_tls_dir (TandemShares *self)
{
  return g_build_filename (self->profile_dir, "tls", NULL);
}

/* Made ahead when the stack starts (on_certificate_ready), so no click
 * waits for openssl on the main thread; made here only if that failed.
 * Never two openssl runs on the same files at once. */
static GTlsCertificate *
ensure_certificate (TandemShares  *self,
                    GError       **error)
{
  if (self->certificate == NULL && self->certificate_pending)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                           _("Screen sharing is still getting ready; try again in a moment"));
      return NULL;
    }
  if (self->certificate == NULL)
    {
      g_autofree char *dir = dup_tls_dir (self);

      self->certificate = tandem_tls_identity_ensure (dir, NULL, error);
    }
  return self->certificate;
}

static void
on_certificate_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = tandem_tls_identity_ensure_finish (result, &error);
  TandemShares *self = user_data;

  if (certificate == NULL)
    {
      /* Cancelled: stopped, maybe gone.  Else the first share reports it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("No TLS identity for screen sharing yet: %s", error->message);
          self->certificate_pending = FALSE;
        }
      return;
    }
  self->certificate_pending = FALSE;
  if (self->certificate == NULL)
    self->certificate = certificate;
  else
    g_object_unref (certificate);
}

/* The first use of the profile runs openssl: not on the user's click.
 * Started with the stack, and when TLS is switched on later. */
static void
prepare_certificate (TandemShares *self)
{
  g_autofree char *dir = NULL;

  if (self->stack == NULL || self->certificate != NULL || self->certificate_pending)
    return;
  dir = dup_tls_dir (self);
  self->certificate_pending = TRUE;
  tandem_tls_identity_ensure_async (dir, self->cancellable, on_certificate_ready, self);
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
fill_options (TandemShares  *self,
              Options       *o,
              gboolean       tls,
              GError       **error)
{
  const char *at;

  memset (o, 0, sizeof *o);
  o->options.tls = tls;
  if (o->options.tls && ensure_certificate (self, error) == NULL)
    return FALSE;
  o->options.certificate = self->certificate;
  o->options.local_address = self->bind_address;
  o->relay = tandem_shares_dup_relay (self);
  o->options.relay = g_str_equal (o->relay, "none") ? NULL : o->relay;
  /* identity "sip:user@domain" */
  at = strchr (self->identity, '@');
  if (at != NULL)
    {
      const char *colon = strchr (self->identity, ':');

      o->username = g_strndup (colon + 1, at - colon - 1);
      o->domain = g_strdup (at + 1);
      g_strdelimit (o->domain, ";>", '\0');
    }
  o->options.domain = o->domain;
  o->options.username = o->username;
  o->options.password = self->password;
  o->options.ha1 = self->ha1;
  /* Blink offers msrps without a fingerprint. */
  o->options.allow_unpinned = TRUE;
  return TRUE;
}

/* ----- shares ---------------------------------------------------------- */

static void
on_share_state (TandemShare  *share,
                GParamSpec   *pspec,
                TandemShares *self)
{
  guint position;

  if (tandem_share_get_state (share) == TANDEM_SHARE_ACTIVE && tandem_share_has_audio (share) &&
      tandem_share_is_incoming (share))
    {
      /* The audio of a mixed offer, see the top of this file. */
      const char *peer = tandem_share_get_peer_address (share);

      if (tandem_calls_find (self->calls, peer) == NULL)
        {
          g_message ("The share offer of %s had audio: calling back for it", peer);
          tandem_calls_call (self->calls, peer, NULL);
        }
    }

  if (tandem_share_get_state (share) == TANDEM_SHARE_ENDED &&
      g_list_store_find (self->store, share, &position))
    {
      g_signal_handlers_disconnect_by_data (share, self);
      g_list_store_remove (self->store, position);
    }
}

static void
add_share (TandemShares *self,
           TandemShare  *share)
{
  g_signal_connect (share, "notify::state", G_CALLBACK (on_share_state), self);
  g_list_store_append (self->store, share);
  g_signal_emit (self, signals[SHARE_ADDED], 0, share);
}

/* The local policy for the MSRP transport of an offer: with TLS on
 * ("Require encryption" in Preferences), only TCP/TLS/MSRP; with it off,
 * either, answered in the offer's own transport.  NULL when it fits, else
 * the reason phrase of the 606 that refuses it before it rings. */
static const char *
check_policy (TandemShares         *self,
              const TandemShareSdp *offer)
{
  if (tandem_shares_get_tls (self) && !offer->tls)
    return TANDEM_SHARE_PHRASE_TLS_REQUIRED;
  return NULL;
}

static void
on_share_offered (TandemShareStack     *stack,
                  TandemShareSession   *session,
                  const char           *peer,
                  const TandemShareSdp *offer,
                  TandemShares         *self)
{
  g_auto(Options) o = { { 0 }, NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShare) share = NULL;
  const char *call_id = tandem_share_session_get_call_id (session);
  const char *refusal = check_policy (self, offer);

  if (call_id != NULL)
    {
      g_hash_table_add (self->share_call_ids, g_strdup (call_id));
      if (tandem_calls_decline (self->calls, call_id))
        g_debug ("declined liblinphone's branch of share offer %s", call_id);
    }
  if (refusal != NULL)
    {
      /* 606, not 488: liblinphone answers its branch of the same INVITE
       * 488 on its own, and a proxy picks either of two 488s (kamailio
       * the first branch); a 6xx it forwards at once, with our reason. */
      g_message ("Share offer from %s refused before it rang: 606 %s", peer, refusal);
      tandem_share_session_refuse (session, 606, refusal, NULL);
      return;
    }
  if (!fill_options (self, &o, offer->tls, &error))
    {
      g_message ("Share offer from %s refused: %s", peer, error->message);
      tandem_share_session_decline (session, NULL);
      return;
    }
  share = tandem_share_new_incoming (stack, &o.options, session, offer);
  add_share (self, share);
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
 * contact) rings when TandemCalls stops holding it. */

static void
on_other_invite (TandemShareStack *stack,
                 const char       *call_id,
                 TandemShares     *self)
{
  if (tandem_calls_release (self->calls, call_id))
    {
      g_debug ("call %s is not a share offer: it rings", call_id);
      return;
    }
  /* liblinphone's copy is still to come.  (Bounded: a copy that never
   * comes leaves its Call-ID here until the table is cleared.) */
  if (g_hash_table_size (self->other_call_ids) > 256)
    g_hash_table_remove_all (self->other_call_ids);
  g_hash_table_add (self->other_call_ids, g_strdup (call_id));
}

/* liblinphone has an incoming call: TRUE when it must not be announced
 * now (the share stack's, declined; or held until the share stack has
 * seen it). */
static gboolean
on_call_incoming (TandemCalls  *calls,
                  const char   *call_id,
                  TandemShares *self)
{
  if (self->core == NULL)
    return FALSE;
  if (g_hash_table_contains (self->share_call_ids, call_id))
    {
      if (tandem_calls_decline (self->calls, call_id))
        g_debug ("declined liblinphone's branch of share offer %s", call_id);
      return TRUE;
    }
  if (g_hash_table_remove (self->other_call_ids, call_id))
    return FALSE;
  if (self->stack == NULL || tandem_share_stack_get_state (self->stack) != TANDEM_REGISTRATION_OK)
    return FALSE;
  g_debug ("holding call %s until the share stack has seen it", call_id);
  return TRUE;
}

static TandemShare *
start_share (TandemShares  *self,
             const char    *address,
             gboolean       sharer,
             GError       **error)
{
  g_auto(Options) o = { { 0 }, NULL, NULL, NULL };
  g_autofree char *peer = NULL;
  TandemShare *share;

  if (self->stack == NULL)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                           _("Screen sharing needs a signed-in account"));
      return NULL;
    }
  peer = tandem_sip_address_normalize (address, error);
  if (peer == NULL || !fill_options (self, &o, tandem_shares_get_tls (self), error))
    return NULL;
  share = tandem_share_new_outgoing (self->stack, &o.options, peer, sharer);
  add_share (self, share);
  g_object_unref (share);
  return share;
}

TandemShare *
tandem_shares_share_screen (TandemShares  *self,
                            const char    *address,
                            GError       **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARES (self), NULL);
  return start_share (self, address, TRUE, error);
}

TandemShare *
tandem_shares_request_screen (TandemShares  *self,
                              const char    *address,
                              GError       **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARES (self), NULL);
  return start_share (self, address, FALSE, error);
}

gboolean
tandem_shares_can_share (TandemShares *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARES (self), FALSE);
  return self->stack != NULL && !self->certificate_pending &&
         tandem_share_stack_get_state (self->stack) == TANDEM_REGISTRATION_OK;
}

/* ----- the stack ------------------------------------------------------- */

/* liblinphone registered @account: start the share stack for it, if it is
 * the default account and none runs yet. */
static void
on_account_registration_state_changed (LinphoneCore              *core,
                                       LinphoneAccount           *account,
                                       LinphoneRegistrationState  state,
                                       const char                *message)
{
  TandemShares *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  const LinphoneAccountParams *params = linphone_account_get_params (account);
  const LinphoneAddress *identity = linphone_account_params_get_identity_address (params);
  g_autofree char *server = NULL;
  g_autofree char *identity_str = NULL;
  g_autofree char *ha1 = NULL;
  g_autofree char *instance = NULL;
  g_autoptr(GError) error = NULL;
  TandemTransport transport;

  if (state != LinphoneRegistrationOk || self->stack != NULL ||
      account != linphone_core_get_default_account (core) || identity == NULL)
    return;

  server = g_strdup (linphone_account_params_get_server_addr (params));
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
  g_free (self->password);
  self->password = tandem_accounts_dup_password (self->accounts, linphone_address_get_username (identity),
                                                 linphone_address_get_domain (identity), &ha1);
  self->stack = tandem_share_stack_new (identity_str, server, transport, self->bind_address, self->root_ca);
  if (self->password != NULL)
    tandem_share_stack_set_password (self->stack, self->password);
  else if (ha1 != NULL)
    tandem_share_stack_set_ha1 (self->stack, ha1);
  g_free (self->ha1);
  self->ha1 = g_steal_pointer (&ha1);
  instance = dup_instance_id (self);
  tandem_share_stack_set_instance_id (self->stack, instance);
  g_signal_connect (self->stack, "share-offered", G_CALLBACK (on_share_offered), self);
  g_signal_connect (self->stack, "other-invite", G_CALLBACK (on_other_invite), self);
  if (!tandem_share_stack_start (self->stack, &error))
    {
      g_message ("Screen sharing is not available for %s: %s", identity_str, error->message);
      g_clear_object (&self->stack);
      return;
    }
  g_debug ("share stack started for %s", identity_str);
  g_free (self->identity);
  self->identity = g_steal_pointer (&identity_str);
  /* Also with TLS off: a TLS offer is answered over TLS. */
  prepare_certificate (self);
}

void
tandem_shares_start (TandemShares *self,
                     gpointer      linphone_core,
                     const char   *bind_address,
                     const char   *root_ca)
{
  g_return_if_fail (TANDEM_IS_SHARES (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
  self->bind_address = g_strdup (bind_address);
  self->root_ca = g_strdup (root_ca);
  self->cancellable = g_cancellable_new ();
  self->cbs = linphone_factory_create_core_cbs (linphone_factory_get ());
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_account_registration_state_changed (self->cbs, on_account_registration_state_changed);
  linphone_core_add_callbacks (self->core, self->cbs);
}

void
tandem_shares_stop (TandemShares *self)
{
  g_return_if_fail (TANDEM_IS_SHARES (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->certificate_pending = FALSE;

  /* End what runs: the peers get their BYE before the stack goes. */
  while (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    {
      g_autoptr(TandemShare) share = g_list_model_get_item (G_LIST_MODEL (self->store), 0);

      g_signal_handlers_disconnect_by_data (share, self);
      g_list_store_remove (self->store, 0);
      tandem_share_stop (share);
    }
  if (self->stack != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stack, self);
      tandem_share_stack_stop (self->stack);
      g_clear_object (&self->stack);
    }
  if (self->core != NULL)
    {
      linphone_core_remove_callbacks (self->core, self->cbs);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
  g_clear_object (&self->certificate);
  g_hash_table_remove_all (self->share_call_ids);
  g_hash_table_remove_all (self->other_call_ids);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->ha1, g_free);
  g_clear_pointer (&self->identity, g_free);
  g_clear_pointer (&self->bind_address, g_free);
  g_clear_pointer (&self->root_ca, g_free);
}

/* ----- GListModel and GObject ---------------------------------------- */

static GType
tandem_shares_get_item_type (GListModel *model)
{
  return TANDEM_TYPE_SHARE;
}

static guint
tandem_shares_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TANDEM_SHARES (model)->store));
}

static gpointer
tandem_shares_get_item (GListModel *model,
                        guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TANDEM_SHARES (model)->store), position);
}

static void
tandem_shares_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tandem_shares_get_item_type;
  iface->get_n_items = tandem_shares_get_n_items;
  iface->get_item = tandem_shares_get_item;
}

static void
on_items_changed (GListModel   *store,
                  guint         position,
                  guint         removed,
                  guint         added,
                  TandemShares *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

TandemShares *
tandem_shares_new (const char     *profile_dir,
                   TandemAccounts *accounts,
                   TandemCalls    *calls)
{
  TandemShares *self = g_object_new (TANDEM_TYPE_SHARES, NULL);

  self->profile_dir = g_strdup (profile_dir);
  self->accounts = g_object_ref (accounts);
  self->calls = g_object_ref (calls);
  g_signal_connect (calls, "call-incoming", G_CALLBACK (on_call_incoming), self);
  return self;
}

static void
tandem_shares_dispose (GObject *object)
{
  TandemShares *self = TANDEM_SHARES (object);

  tandem_shares_stop (self);
  if (self->calls != NULL)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  g_clear_object (&self->calls);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (tandem_shares_parent_class)->dispose (object);
}

static void
tandem_shares_finalize (GObject *object)
{
  TandemShares *self = TANDEM_SHARES (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->share_call_ids, g_hash_table_unref);
  g_clear_pointer (&self->other_call_ids, g_hash_table_unref);
  g_free (self->profile_dir);

  G_OBJECT_CLASS (tandem_shares_parent_class)->finalize (object);
}

static void
tandem_shares_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TandemShares *self = TANDEM_SHARES (object);

  switch (prop_id)
    {
    case PROP_TLS:
      g_value_set_boolean (value, tandem_shares_get_tls (self));
      break;
    case PROP_RELAY:
      g_value_take_string (value, tandem_shares_dup_relay (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_shares_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TandemShares *self = TANDEM_SHARES (object);

  switch (prop_id)
    {
    case PROP_TLS:
      tandem_shares_set_tls (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_shares_class_init (TandemSharesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_shares_dispose;
  object_class->finalize = tandem_shares_finalize;
  object_class->get_property = tandem_shares_get_property;
  object_class->set_property = tandem_shares_set_property;

  properties[PROP_TLS] =
    g_param_spec_boolean ("tls", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RELAY] =
    g_param_spec_string ("relay", NULL, NULL, "auto",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SHARE_ADDED] =
    g_signal_new ("share-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE);
}

static void
tandem_shares_init (TandemShares *self)
{
  self->store = g_list_store_new (TANDEM_TYPE_SHARE);
  g_signal_connect (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  self->share_call_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->other_call_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
