/* tandem-call.c
 *
 * Wraps a LinphoneCall.  The manager forwards liblinphone's call state
 * callbacks here; the object turns them into the few states a user cares
 * about and keeps the reason a call failed or ended.
 *
 * It also says what protects the media (the security property): plain
 * RTP, SRTP keyed over the signalling (SDES), or ZRTP with its security
 * code (the SAS) to compare aloud.  Whether the peer's code was verified
 * on an earlier call lives in liblinphone's ZRTP cache (zrtp-secrets.db in
 * the profile); a peer that was verified but whose code now is not is a
 * key mismatch, shown as a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-call"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-call.h"

/* The SIP reason of a 488 for an unencrypted offer refused by a Tandem set
 * to "Encrypt calls: always"; the caller's Tandem turns it into words. */
#define TANDEM_CALL_ENCRYPTED_ONLY_PHRASE "Encrypted calls only"
/* The Reason of a BYE from a Tandem that gave up on a call whose keys
 * could not be agreed (ZRTP blocked on the way, say) and that must be
 * encrypted; the peer's Tandem turns it into words too. */
#define TANDEM_CALL_NOT_ENCRYPTED_PHRASE "Could not be encrypted"

/* How long ZRTP may take to agree on keys once the media runs.  It needs
 * four round trips (Hello, Commit, DHPart, Confirm), and retransmits what
 * a lossy link drops: a few seconds on the slowest links.  The callee
 * waits longer than the caller, so that the caller's fallback (an update
 * without encryption) comes first and the two do not cross. */
#define KEY_AGREEMENT_TIMEOUT_S        10
#define KEY_AGREEMENT_TIMEOUT_CALLEE_S 15

struct _TandemCall
{
  GObject          parent_instance;

  LinphoneCall    *call;
  char            *peer_address;
  char            *peer_name;
  gboolean         incoming;
  TandemCallState  state;
  char            *end_reason;
  guint            final_duration;

  TandemCallSecurity security;
  char              *security_code;
  gboolean           peer_was_verified;  /* in the ZRTP cache before this call */
  gboolean           encryption_required; /* "Encrypt calls: always" */
  gboolean           gave_up_encryption;  /* went on unencrypted: no keys agreed in time */
  guint              key_agreement_id;    /* the timeout while agreeing on keys */
};

G_DEFINE_FINAL_TYPE (TandemCall, tandem_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PEER_ADDRESS,
  PROP_INCOMING,
  PROP_STATE,
  PROP_MUTED,
  PROP_SECURITY,
  PROP_SECURITY_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_call_dispose (GObject *object)
{
  TandemCall *self = TANDEM_CALL (object);

  g_clear_handle_id (&self->key_agreement_id, g_source_remove);
  if (self->call != NULL)
    {
      linphone_call_set_user_data (self->call, NULL);
      g_clear_pointer (&self->call, linphone_call_unref);
    }

  G_OBJECT_CLASS (tandem_call_parent_class)->dispose (object);
}

static void
tandem_call_finalize (GObject *object)
{
  TandemCall *self = TANDEM_CALL (object);

  g_free (self->peer_address);
  g_free (self->peer_name);
  g_free (self->end_reason);
  g_free (self->security_code);

  G_OBJECT_CLASS (tandem_call_parent_class)->finalize (object);
}

static void
tandem_call_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TandemCall *self = TANDEM_CALL (object);

  switch (prop_id)
    {
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_INCOMING:
      g_value_set_boolean (value, self->incoming);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, tandem_call_get_muted (self));
      break;
    case PROP_SECURITY:
      g_value_set_enum (value, self->security);
      break;
    case PROP_SECURITY_CODE:
      g_value_set_string (value, self->security_code);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_call_class_init (TandemCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_call_dispose;
  object_class->finalize = tandem_call_finalize;
  object_class->get_property = tandem_call_get_property;

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TANDEM_TYPE_CALL_STATE, TANDEM_CALL_OUTGOING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECURITY] =
    g_param_spec_enum ("security", NULL, NULL,
                       TANDEM_TYPE_CALL_SECURITY, TANDEM_CALL_SECURITY_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECURITY_CODE] =
    g_param_spec_string ("security-code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_call_init (TandemCall *self)
{
}

/* Whether @info, or the Reason header it carries, says @phrase: the
 * words of a Tandem that refused or ended an unencrypted call. */
static gboolean
error_info_says (const LinphoneErrorInfo *info,
                 const char              *phrase)
{
  const LinphoneErrorInfo *sub = linphone_error_info_get_sub_error_info (info);

  return g_strcmp0 (linphone_error_info_get_phrase (info), phrase) == 0 ||
         (sub != NULL && g_strcmp0 (linphone_error_info_get_phrase (sub), phrase) == 0);
}

static char *
describe_end (LinphoneCall *call)
{
  /* get_reason() refreshes the error info, which frees its strings: ask
   * for it first, and copy what the error info says at once. */
  LinphoneReason reason = linphone_call_get_reason (call);
  const LinphoneErrorInfo *info;
  int code;
  g_autofree char *phrase = NULL;

  if (reason == LinphoneReasonNone)
    return NULL;

  info = linphone_call_get_error_info (call);
  code = info ? linphone_error_info_get_protocol_code (info) : 0;
  phrase = g_strdup (info ? linphone_error_info_get_phrase (info) : NULL);
  if (info != NULL && error_info_says (info, TANDEM_CALL_NOT_ENCRYPTED_PHRASE))
    /* Translators: shown after "Call ended: ", when no keys could be agreed and the call had to be encrypted */
    return g_strdup (_("the call could not be encrypted"));
  if (code == 488 && error_info_says (info, TANDEM_CALL_ENCRYPTED_ONLY_PHRASE))
    {
      const LinphoneAddress *remote = linphone_call_get_remote_address (call);
      const char *who = linphone_address_get_username (remote);

      /* Translators: the peer's Tandem refused our unencrypted call; %s is the peer, e.g. "bob" */
      return g_strdup_printf (_("%s accepts only encrypted calls"), who ? who : "?");
    }
  if (code > 0 && phrase != NULL && *phrase != '\0')
    return g_strdup_printf ("%d %s", code, phrase);
  return g_strdup (linphone_reason_to_string (reason));
}

TandemCall *
tandem_call_new_for (gpointer linphone_call)
{
  TandemCall *self = g_object_new (TANDEM_TYPE_CALL, NULL);
  const LinphoneAddress *remote;
  const char *display;

  self->call = linphone_call_ref (linphone_call);
  linphone_call_set_user_data (self->call, self);
  remote = linphone_call_get_remote_address (self->call);
  self->peer_address = linphone_address_as_string_uri_only (remote);
  display = linphone_address_get_display_name (remote);
  self->peer_name = g_strdup (display && *display ? display : linphone_address_get_username (remote));
  self->incoming = linphone_call_get_dir (self->call) == LinphoneCallIncoming;
  self->state = self->incoming ? TANDEM_CALL_INCOMING : TANDEM_CALL_OUTGOING;
  self->peer_was_verified =
    linphone_core_get_zrtp_status (linphone_call_get_core (self->call), self->peer_address)
      == LinphoneZrtpPeerStatusValid;

  return self;
}

/* Whether the peer's offer (or answer) carries a way to encrypt: SDES
 * keys or a DTLS fingerprint (liblinphone then names the encryption in
 * the remote parameters), or ZRTP's zrtp-hash (which it does not; the
 * attribute is there among the SDP's attributes). */
gboolean
tandem_call_peer_can_encrypt (TandemCall *self)
{
  const LinphoneCallParams *remote;

  if (self->call == NULL)
    return FALSE;
  remote = linphone_call_get_remote_params (self->call);
  if (remote == NULL)
    return FALSE;
  return linphone_call_params_get_media_encryption (remote) != LinphoneMediaEncryptionNone ||
         linphone_call_params_get_custom_sdp_media_attribute (remote, LinphoneStreamTypeAudio, "zrtp-hash") != NULL;
}

static void
set_security (TandemCall         *self,
              TandemCallSecurity  security,
              const char         *code)
{
  if (g_strcmp0 (code, self->security_code) != 0)
    {
      g_free (self->security_code);
      self->security_code = g_strdup (code);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_CODE]);
    }
  if (security != self->security)
    {
      g_debug ("call %s: security %d%s%s", self->peer_address, security,
               code ? ", code " : "", code ? code : "");
      self->security = security;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
    }
}

static void watch_key_agreement (TandemCall *self);

/* Reads what protects the media now from liblinphone. */
static void
read_security (TandemCall *self)
{
  const LinphoneCallParams *current;
  const LinphoneCallParams *asked;
  LinphoneMediaEncryption now;
  LinphoneMediaEncryption wanted;
  const char *token;

  if (self->call == NULL)
    return;
  if (self->state != TANDEM_CALL_ACTIVE && self->state != TANDEM_CALL_HELD &&
      self->state != TANDEM_CALL_HELD_BY_PEER)
    return;   /* keep what the call had when it ended */

  current = linphone_call_get_current_params (self->call);
  asked = linphone_call_get_params (self->call);
  now = current ? linphone_call_params_get_media_encryption (current) : LinphoneMediaEncryptionNone;
  wanted = asked ? linphone_call_params_get_media_encryption (asked) : LinphoneMediaEncryptionNone;
  token = linphone_call_get_authentication_token (self->call);

  switch (now)
    {
    case LinphoneMediaEncryptionZRTP:
      if (linphone_call_get_authentication_token_verified (self->call))
        set_security (self, TANDEM_CALL_SECURITY_VERIFIED, token);
      else if (self->peer_was_verified)
        set_security (self, TANDEM_CALL_SECURITY_MISMATCH, token);
      else
        set_security (self, TANDEM_CALL_SECURITY_ZRTP, token);
      break;
    case LinphoneMediaEncryptionSRTP:
    case LinphoneMediaEncryptionDTLS:
      set_security (self, TANDEM_CALL_SECURITY_SRTP, NULL);
      break;
    case LinphoneMediaEncryptionNone:
    default:
      /* Still agreeing on keys when both sides asked for encryption
       * (ZRTP needs a few round trips after the streams start). */
      if (wanted != LinphoneMediaEncryptionNone && tandem_call_peer_can_encrypt (self))
        set_security (self, TANDEM_CALL_SECURITY_PENDING, NULL);
      else if (self->gave_up_encryption)
        set_security (self, TANDEM_CALL_SECURITY_BLOCKED, NULL);
      else
        set_security (self, TANDEM_CALL_SECURITY_NONE, NULL);
      break;
    }
}

/* Called on every state change and when liblinphone says the encryption
 * changed. */
void
tandem_call_update_security (TandemCall *self)
{
  read_security (self);
  watch_key_agreement (self);
}

/* Ends the call because it cannot be encrypted, and says so here and, in
 * the BYE's Reason, to the peer's Tandem. */
static void
end_unencrypted (TandemCall *self)
{
  LinphoneErrorInfo *info;

  g_free (self->end_reason);
  self->end_reason = g_strdup (_("the call could not be encrypted"));
  info = linphone_factory_create_error_info (linphone_factory_get ());
  linphone_error_info_set (info, "SIP", LinphoneReasonNotAcceptable, 488, TANDEM_CALL_NOT_ENCRYPTED_PHRASE, NULL);
  linphone_call_terminate_with_error_info (self->call, info);
  linphone_error_info_unref (info);
}

/* The parameters of an update (or of its answer) that drops encryption:
 * the call goes on in plain RTP, and the call bar says so. */
static LinphoneCallParams *
create_unencrypted_params (TandemCall *self)
{
  LinphoneCallParams *params = linphone_core_create_call_params (linphone_call_get_core (self->call), self->call);

  linphone_call_params_set_media_encryption (params, LinphoneMediaEncryptionNone);
  linphone_call_params_enable_mandatory_media_encryption (params, FALSE);
  return params;
}

static void
go_on_unencrypted (TandemCall *self)
{
  LinphoneCallParams *params = create_unencrypted_params (self);

  linphone_call_update (self->call, params);
  linphone_call_params_unref (params);
}

/* No keys agreed in time: ZRTP's packets do not get through (a firewall
 * or media relay that passes RTP only), or the peer's ZRTP is broken.
 * Nothing of the call has been heard (encryption is mandatory until the
 * keys are agreed).  "When possible" goes on unencrypted; "always", or a
 * second timeout after that, ends the call, saying why. */
static gboolean
on_key_agreement_timeout (gpointer user_data)
{
  TandemCall *self = user_data;

  self->key_agreement_id = 0;
  if (self->call == NULL)
    return G_SOURCE_REMOVE;
  if (self->encryption_required || self->gave_up_encryption)
    {
      g_message ("call %s: no keys agreed; ending it", self->peer_address);
      end_unencrypted (self);
    }
  else
    {
      g_message ("call %s: no keys agreed; going on unencrypted", self->peer_address);
      self->gave_up_encryption = TRUE;
      go_on_unencrypted (self);
    }
  return G_SOURCE_REMOVE;
}

/* Times the key agreement of a running call. */
static void
watch_key_agreement (TandemCall *self)
{
  gboolean agreeing = self->call != NULL && self->state == TANDEM_CALL_ACTIVE &&
                      self->security == TANDEM_CALL_SECURITY_PENDING;

  if (!agreeing)
    g_clear_handle_id (&self->key_agreement_id, g_source_remove);
  else if (self->key_agreement_id == 0)
    self->key_agreement_id = g_timeout_add_seconds (self->incoming ? KEY_AGREEMENT_TIMEOUT_CALLEE_S
                                                                   : KEY_AGREEMENT_TIMEOUT_S,
                                                    on_key_agreement_timeout, self);
}

/* Returns TRUE when the call has ended for good. */
gboolean
tandem_call_update (TandemCall *self,
                    int         linphone_state)
{
  TandemCallState state = self->state;

  /* An ended call stays ended (a refused one ends before liblinphone
   * says so); only its LinphoneCall is let go. */
  if (state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED)
    {
      if (linphone_state == LinphoneCallStateReleased && self->call != NULL)
        {
          linphone_call_set_user_data (self->call, NULL);
          g_clear_pointer (&self->call, linphone_call_unref);
        }
      return TRUE;
    }

  switch ((LinphoneCallState) linphone_state)
    {
    case LinphoneCallStateIncomingReceived:
    case LinphoneCallStatePushIncomingReceived:
    case LinphoneCallStateIncomingEarlyMedia:
      state = TANDEM_CALL_INCOMING;
      break;
    case LinphoneCallStateOutgoingInit:
    case LinphoneCallStateOutgoingProgress:
    case LinphoneCallStateOutgoingRinging:
    case LinphoneCallStateOutgoingEarlyMedia:
      state = TANDEM_CALL_OUTGOING;
      break;
    case LinphoneCallStateConnected:
    case LinphoneCallStateStreamsRunning:
      state = TANDEM_CALL_ACTIVE;
      break;
    case LinphoneCallStatePaused:
      state = TANDEM_CALL_HELD;
      break;
    case LinphoneCallStatePausedByRemote:
      state = TANDEM_CALL_HELD_BY_PEER;
      break;
    case LinphoneCallStateError:
      state = TANDEM_CALL_FAILED;
      break;
    case LinphoneCallStateEnd:
    case LinphoneCallStateReleased:
      if (state != TANDEM_CALL_FAILED)
        state = TANDEM_CALL_ENDED;
      break;
    default:
      /* Transitions (pausing, resuming, updating) keep the state. */
      break;
    }

  if (state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED)
    {
      if (self->end_reason == NULL && self->call != NULL)
        self->end_reason = describe_end (self->call);
      if (self->call != NULL)
        self->final_duration = linphone_call_get_duration (self->call);
    }

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  tandem_call_update_security (self);

  if (linphone_state == LinphoneCallStateReleased && self->call != NULL)
    {
      linphone_call_set_user_data (self->call, NULL);
      g_clear_pointer (&self->call, linphone_call_unref);
    }

  return state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED;
}

static gboolean
check_live (TandemCall  *self,
            GError     **error)
{
  if (self->call == NULL || self->state == TANDEM_CALL_ENDED || self->state == TANDEM_CALL_FAILED)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("The call has ended"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_status (LinphoneStatus   status,
              const char      *message,
              GError         **error)
{
  if (status != 0)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
tandem_call_accept (TandemCall  *self,
                    GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (self->state != TANDEM_CALL_INCOMING)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("Only a ringing incoming call can be answered"));
      return FALSE;
    }
  /* An encrypted offer is answered with encryption made mandatory: no
   * packet of audio leaves in the clear while ZRTP is still agreeing on
   * keys. */
  if (tandem_call_peer_can_encrypt (self))
    {
      LinphoneCallParams *params = linphone_core_create_call_params (linphone_call_get_core (self->call),
                                                                     self->call);
      LinphoneStatus status;

      linphone_call_params_enable_mandatory_media_encryption (params, TRUE);
      status = linphone_call_accept_with_params (self->call, params);
      linphone_call_params_unref (params);
      return check_status (status, _("The call could not be answered"), error);
    }
  return check_status (linphone_call_accept (self->call), _("The call could not be answered"), error);
}

gboolean
tandem_call_decline (TandemCall  *self,
                     GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (self->state != TANDEM_CALL_INCOMING)
    return tandem_call_hang_up (self, error);
  self->end_reason = g_strdup ("Declined");
  return check_status (linphone_call_decline (self->call, LinphoneReasonDeclined), _("The call could not be declined"), error);
}

gboolean
tandem_call_hang_up (TandemCall  *self,
                     GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_terminate (self->call), _("The call could not be hung up"), error);
}

gboolean
tandem_call_hold (TandemCall  *self,
                  GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_pause (self->call), _("The call could not be put on hold"), error);
}

gboolean
tandem_call_resume (TandemCall  *self,
                    GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_resume (self->call), _("The call could not be resumed"), error);
}

void
tandem_call_set_muted (TandemCall *self,
                       gboolean    muted)
{
  g_return_if_fail (TANDEM_IS_CALL (self));

  if (self->call == NULL || tandem_call_get_muted (self) == !!muted)
    return;
  linphone_call_set_microphone_muted (self->call, muted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
tandem_call_send_dtmf (TandemCall  *self,
                       char         digit,
                       GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (strchr ("0123456789*#ABCD", digit) == NULL || digit == '\0')
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("“%c” is not a key of the keypad"), digit);
      return FALSE;
    }
  return check_status (linphone_call_send_dtmf (self->call, digit), _("No tone could be sent in the call"), error);
}

const char *
tandem_call_get_peer_address (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->peer_address;
}

const char *
tandem_call_get_peer_name (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->peer_name ? self->peer_name : self->peer_address;
}

gboolean
tandem_call_is_incoming (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);
  return self->incoming;
}

TandemCallState
tandem_call_get_state (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), TANDEM_CALL_ENDED);
  return self->state;
}

const char *
tandem_call_get_end_reason (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->end_reason;
}

guint
tandem_call_get_duration (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), 0);
  return self->call ? (guint) MAX (linphone_call_get_duration (self->call), 0) : self->final_duration;
}

double
tandem_call_get_quality (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), -1);
  return self->call && self->state == TANDEM_CALL_ACTIVE
    ? linphone_call_get_current_quality (self->call) : -1;
}

gboolean
tandem_call_get_muted (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);
  return self->call ? linphone_call_get_microphone_muted (self->call) : FALSE;
}

TandemCallSecurity
tandem_call_get_security (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), TANDEM_CALL_SECURITY_NONE);
  return self->security;
}

const char *
tandem_call_get_security_code (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->security_code;
}

/* The user compared the security code with the peer and it matched: the
 * ZRTP cache remembers the peer as verified, for this and later calls. */
gboolean
tandem_call_mark_verified (TandemCall  *self,
                           GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (self->security != TANDEM_CALL_SECURITY_ZRTP && self->security != TANDEM_CALL_SECURITY_MISMATCH &&
      self->security != TANDEM_CALL_SECURITY_VERIFIED)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "The call has no security code to verify");
      return FALSE;
    }
  linphone_call_set_authentication_token_verified (self->call, TRUE);
  self->peer_was_verified = TRUE;
  tandem_call_update_security (self);
  return TRUE;
}

/* An incoming call that offers no encryption while the user asked for
 * encrypted calls only: declined with a reason the caller's Tandem turns
 * into words (describe_end()), and ours says why too. */
void
tandem_call_refuse_unencrypted (TandemCall *self)
{
  LinphoneErrorInfo *info;
  LinphoneErrorInfo *sub;

  if (self->call == NULL)
    return;
  g_free (self->end_reason);
  /* Translators: shown after "Call ended: "; %s is the caller, e.g. "alice" */
  self->end_reason = g_strdup_printf (_("refused, %s's call was not encrypted"), tandem_call_get_peer_name (self));
  info = linphone_factory_create_error_info (linphone_factory_get ());
  /* liblinphone sends its own reason phrase ("Not acceptable here"); the
   * Reason header carries ours, and the caller's Tandem reads it from the
   * sub error info (refused_unencrypted()). */
  linphone_error_info_set (info, "SIP", LinphoneReasonNotAcceptable, 488, TANDEM_CALL_ENCRYPTED_ONLY_PHRASE, NULL);
  sub = linphone_factory_create_error_info (linphone_factory_get ());
  linphone_error_info_set (sub, "SIP", LinphoneReasonNotAcceptable, 488, TANDEM_CALL_ENCRYPTED_ONLY_PHRASE, NULL);
  linphone_error_info_set_sub_error_info (info, sub);
  linphone_error_info_unref (sub);
  linphone_call_decline_with_error_info (self->call, info);
  linphone_error_info_unref (info);
  /* Ended already: it never rings. */
  self->state = TANDEM_CALL_ENDED;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Whether this side demands encryption (mandatory in its parameters) that
 * the peer's SDP, offer or answer, does not offer. */
static gboolean
peer_drops_demanded_encryption (TandemCall *self)
{
  const LinphoneCallParams *asked = linphone_call_get_params (self->call);

  return asked != NULL && linphone_call_params_mandatory_media_encryption_enabled (asked) &&
         !tandem_call_peer_can_encrypt (self);
}

/* An outgoing call offered encryption as mandatory (nothing leaves in the
 * clear before the keys are agreed), and the answer shows the peer cannot
 * encrypt.  With "when possible" the call goes on in plain RTP (an update
 * that drops the demand); with "always" it ends, saying why.  Returns
 * FALSE when it ended the call. */
gboolean
tandem_call_settle_unencrypted_answer (TandemCall *self)
{
  if (self->call == NULL || self->incoming || !peer_drops_demanded_encryption (self))
    return TRUE;

  if (self->encryption_required)
    {
      g_free (self->end_reason);
      /* Translators: shown after "Call ended: "; %s is the peer, e.g. "bob" */
      self->end_reason = g_strdup_printf (_("%s's phone cannot encrypt calls"), tandem_call_get_peer_name (self));
      linphone_call_terminate (self->call);
      return FALSE;
    }

  g_message ("%s cannot encrypt: the call goes on unencrypted", self->peer_address);
  go_on_unencrypted (self);
  return TRUE;
}

/* The peer updates the call (a re-INVITE, in liblinphone's
 * UpdatedByRemote).  When the update drops the encryption this side made
 * mandatory (the peer's Tandem gave up agreeing on keys), "when possible"
 * answers it unencrypted and the call goes on; "always" ends the call.
 * Returns FALSE when it ended the call. */
gboolean
tandem_call_settle_remote_update (TandemCall *self)
{
  LinphoneCallParams *params;

  if (self->call == NULL || !peer_drops_demanded_encryption (self))
    return TRUE;

  if (self->encryption_required)
    {
      g_message ("%s dropped encryption: ending the call", self->peer_address);
      end_unencrypted (self);
      return FALSE;
    }
  g_message ("%s dropped encryption: the call goes on unencrypted", self->peer_address);
  self->gave_up_encryption = TRUE;
  linphone_call_defer_update (self->call);
  params = create_unencrypted_params (self);
  linphone_call_accept_update (self->call, params);
  linphone_call_params_unref (params);
  return TRUE;
}

/* "Encrypt calls: always" (for a call going on: from now). */
void
tandem_call_set_encryption_required (TandemCall *self,
                                     gboolean    required)
{
  g_return_if_fail (TANDEM_IS_CALL (self));
  self->encryption_required = !!required;
}
