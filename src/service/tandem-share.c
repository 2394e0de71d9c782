/* tandem-share.c
 *
 * One share session end to end: the SIP dialog (TandemShareStack) and
 * the media (TandemShareMedia: MSRP, the relay, TLS, the RFB tunnel).
 *
 *   outgoing: prepare the media -> INVITE with our offer -> 200 OK ->
 *             start the media with the answer -> ACTIVE
 *   incoming: PENDING -> accept: prepare -> 200 OK with our answer ->
 *             start the media with the offer -> ACTIVE
 *
 * Whatever ends first (a BYE, a CANCEL, a failure response, the stream
 * closing or breaking) ends the rest: the stream is closed and the
 * dialog hung up, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "tandem-share.h"

struct _TandemShare
{
  GObject             parent_instance;

  TandemShareStack   *stack;
  TandemShareSession *session;
  TandemShareMedia   *media;
  GCancellable       *cancellable;
  TandemShareSdp     *offer;        /* incoming: the peer's offer */

  char               *peer_address;
  gboolean            incoming;
  gboolean            sharer;
  gboolean            has_audio;
  TandemShareState    state;
  char               *end_reason;
  gboolean            control;
  gboolean            control_requested;
  gboolean            ending;
  gboolean            relay_lost;
  gboolean            relayed;      /* the running stream crossed a relay */
  guint               ping_id;
  int                 vnc_fd;
  TandemPeerKeys     *peer_keys;
  gulong              peer_keys_changed_id;
};

G_DEFINE_FINAL_TYPE (TandemShare, tandem_share, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TandemShareState, tandem_share_state,
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_CALLING, "calling"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_ACTIVE, "active"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_ENDED, "ended"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_CONTROL,
  PROP_CONTROL_REQUESTED,
  PROP_UNACKED,
  PROP_KEY_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (TandemShare      *self,
           TandemShareState  state)
{
  if (self->state == state)
    return;
  g_debug ("share with %s: %d -> %d", self->peer_address, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_control (TandemShare *self,
             gboolean     control,
             gboolean     requested)
{
  if (self->control != control)
    {
      self->control = control;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL]);
    }
  if (self->control_requested != requested)
    {
      self->control_requested = requested;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_REQUESTED]);
    }
}

/* Ends everything that still runs, once, and says why. */
static void
end (TandemShare *self,
     const char  *reason,
     gboolean     hang_up)
{
  if (self->state == TANDEM_SHARE_ENDED || self->ending)
    return;
  /* Hanging up may report the end again, synchronously; and whoever
   * listens to the state may drop the last reference. */
  self->ending = TRUE;
  g_object_ref (self);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  g_message ("Share with %s ended: %s", self->peer_address, reason);
  self->end_reason = g_strdup (reason);
  g_cancellable_cancel (self->cancellable);
  if (hang_up && self->session != NULL)
    tandem_share_session_hang_up (self->session, NULL);
  if (self->media != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->media, self);
      tandem_share_media_close (self->media);
    }
  if (self->vnc_fd >= 0)
    close (self->vnc_fd);
  self->vnc_fd = -1;
  set_control (self, FALSE, FALSE);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  set_state (self, TANDEM_SHARE_ENDED);
  g_object_unref (self);
}

/* ----- the media ------------------------------------------------------- */

/* The control word (INFO, application/x-tandem-control) that says the
 * sender's relay dropped the stream; a BYE follows.  Other peers answer
 * the INFO with an error, which is ignored. */
#define RELAY_LOST "relay-lost"

/* Through a relay the MSRP connection never learns that the peer went
 * away without a BYE (killed, network lost); an in-dialog OPTIONS every
 * few seconds does.  A direct share needs none: a killed peer's kernel
 * closes the connection, and the MSRP keepalives notice a silent network
 * loss. */
#define PING_INTERVAL_S 3

static gboolean
on_ping (gpointer data)
{
  TandemShare *self = data;

  if (self->session != NULL)
    {
      g_debug ("share with %s: OPTIONS, to notice a peer gone behind the relay", self->peer_address);
      tandem_share_session_ping (self->session);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_media_connected (TandemShareMedia *media,
                    TandemShare      *self)
{
  self->vnc_fd = tandem_share_media_steal_vnc_fd (media);
  self->relayed = tandem_share_media_is_relayed (media);
  if (self->relayed)
    self->ping_id = g_timeout_add_seconds (PING_INTERVAL_S, on_ping, self);
  set_state (self, TANDEM_SHARE_ACTIVE);
}

static void
on_media_unacked (TandemShareMedia *media,
                  TandemShare      *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNACKED]);
}

static void
on_media_ended (TandemShareMedia *media,
                const char       *message,
                TandemShare      *self)
{
  g_autofree char *reason = NULL;

  /* Through a relay the peer's own close is not seen (the relay keeps
   * the connection; its BYE ends the share): a running stream that ends
   * means the relay dropped it.  The peer is told (Reason of the BYE). */
  if (self->state == TANDEM_SHARE_ACTIVE && self->relayed && tandem_share_media_get_stream_lost (media))
    {
      g_message ("Share with %s: the relay dropped the stream (%s)", self->peer_address,
                 message != NULL ? message : "closed");
      self->relay_lost = TRUE;
      /* The peer's own connection may still be up: tell it before the
       * BYE (the INFO's transaction goes out first). */
      if (self->session != NULL)
        tandem_share_session_send_control (self->session, RELAY_LOST, NULL);
      end (self, _("The connection through the relay was lost"), TRUE);
      return;
    }
  if (message == NULL)
    reason = g_strdup (_("The screen sharing connection closed"));
  else
    /* Translators: %s says why, e.g. "The network was lost" */
    reason = g_strdup_printf (_("The screen sharing connection failed: %s"), message);
  end (self, reason, TRUE);
}

static void
start_media (TandemShare          *self,
             const TandemShareSdp *remote)
{
  g_autoptr(GError) error = NULL;

  set_state (self, TANDEM_SHARE_CONNECTING);
  if (!tandem_share_media_start (self->media, remote, &error))
    end (self, error->message, TRUE);
}

/* ----- the dialog ------------------------------------------------------ */

static void
on_session_ringing (TandemShareSession *session,
                    TandemShare        *self)
{
  g_debug ("share with %s: ringing", self->peer_address);
}

static void
on_session_accepted (TandemShareSession *session,
                     const char         *sdp,
                     TandemShare        *self)
{
  self->has_audio = tandem_share_session_has_audio (session);
  start_media (self, tandem_share_session_get_remote_share (session));
}

/* "bob" of "sip:bob@example.org". */
static char *
dup_user_name (const char *address)
{
  const char *colon = strchr (address, ':');
  const char *start = colon != NULL ? colon + 1 : address;
  const char *at = strchr (start, '@');

  return at != NULL ? g_strndup (start, at - start) : g_strdup (start);
}

static void
on_session_failed (TandemShareSession *session,
                   guint               code,
                   const char         *text,
                   TandemShare        *self)
{
  g_autofree char *reason = NULL;

  switch (code)
    {
    case 486:
    case 600:
    case 603:
      reason = g_strdup_printf (_("Declined (%s)"), text);
      break;
    case 408:
    case 480:
      reason = g_strdup_printf (_("No answer (%s)"), text);
      break;
    case 404:
    case 604:
      reason = g_strdup_printf (_("Not reachable (%s)"), text);
      break;
    case 488:
    case 606:
      if (strstr (text, TANDEM_SHARE_PHRASE_TLS_REQUIRED) != NULL)
        {
          g_autofree char *name = dup_user_name (self->peer_address);

          /* Translators: %s is the other person's user name, e.g. "bob" */
          reason = g_strdup_printf (_("%s's Tandem only accepts encrypted screen sharing"), name);
        }
      else
        /* Translators: %s is the SIP status, e.g. "488 Not Acceptable Here" */
        reason = g_strdup_printf (_("The other side cannot take this kind of screen sharing (%s)"), text);
      break;
    default:
      reason = g_strdup_printf (_("Failed (%s)"), text);
    }
  end (self, reason, FALSE);
}

static void
on_session_ended (TandemShareSession *session,
                  TandemShare        *self)
{
  if (self->relay_lost)  /* the peer's INFO said so */
    end (self, _("The connection through the relay was lost"), FALSE);
  else if (tandem_share_session_get_status_code (session) != 0)
    end (self, _("The other side is gone"), FALSE);
  else
    end (self, _("Ended by the other side"), FALSE);
}

static void
on_session_cancelled (TandemShareSession *session,
                      TandemShare        *self)
{
  end (self, _("Withdrawn by the other side"), FALSE);
}

static void
on_session_control (TandemShareSession *session,
                    const char         *what,
                    TandemShare        *self)
{
  if (self->state == TANDEM_SHARE_ENDED)
    return;
  if (g_str_equal (what, RELAY_LOST))
    self->relay_lost = TRUE;  /* its BYE follows */
  else if (self->sharer && g_str_equal (what, "request") && !self->control)
    set_control (self, FALSE, TRUE);
  else if (!self->sharer && g_str_equal (what, "grant"))
    set_control (self, TRUE, FALSE);
  else if (!self->sharer && g_str_equal (what, "revoke"))
    set_control (self, FALSE, FALSE);
  else
    g_debug ("share with %s: control message “%s” ignored", self->peer_address, what);
}

/* The dialog of this share: its own signals, nobody else's. */
static void
set_session (TandemShare        *self,
             TandemShareSession *session)
{
  self->session = g_object_ref (session);
  g_signal_connect (session, "ringing", G_CALLBACK (on_session_ringing), self);
  g_signal_connect (session, "accepted", G_CALLBACK (on_session_accepted), self);
  g_signal_connect (session, "failed", G_CALLBACK (on_session_failed), self);
  g_signal_connect (session, "ended", G_CALLBACK (on_session_ended), self);
  g_signal_connect (session, "cancelled", G_CALLBACK (on_session_cancelled), self);
  g_signal_connect (session, "control", G_CALLBACK (on_session_control), self);
}

/* ----- outgoing -------------------------------------------------------- */

static char *
sdp_text (const TandemShareSdp *sdp)
{
  return tandem_share_sdp_to_string (sdp, g_get_real_time () / G_USEC_PER_SEC,
                                     1, "Tandem " PACKAGE_VERSION);
}

static void
on_prepared_outgoing (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TandemShare) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSdp) offer = NULL;
  g_autofree char *text = NULL;
  TandemShareSession *session;

  if (!tandem_share_media_prepare_finish (TANDEM_SHARE_MEDIA (source), result, &error))
    {
      if (self->state != TANDEM_SHARE_ENDED)
        end (self, error->message, FALSE);
      return;
    }
  if (self->state == TANDEM_SHARE_ENDED)
    return;

  offer = tandem_share_media_create_offer (self->media, self->sharer ? TANDEM_RFB_SETUP_PASSIVE
                                                                     : TANDEM_RFB_SETUP_ACTIVE);
  text = sdp_text (offer);
  session = tandem_share_stack_invite (self->stack, self->peer_address, text, &error);
  if (session == NULL)
    {
      end (self, error->message, FALSE);
      return;
    }
  set_session (self, session);
}

/* ----- incoming -------------------------------------------------------- */

static void
on_prepared_incoming (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TandemShare) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSdp) answer = NULL;
  g_autofree char *text = NULL;

  if (!tandem_share_media_prepare_finish (TANDEM_SHARE_MEDIA (source), result, &error))
    {
      if (self->state != TANDEM_SHARE_ENDED)
        {
          tandem_share_session_decline (self->session, NULL);
          end (self, error->message, FALSE);
        }
      return;
    }
  if (self->state == TANDEM_SHARE_ENDED)
    return;

  answer = tandem_share_media_create_answer (self->media, self->offer, &error);
  if (answer != NULL)
    {
      text = sdp_text (answer);
      if (tandem_share_session_accept (self->session, text, &error))
        {
          start_media (self, self->offer);
          return;
        }
    }
  tandem_share_session_decline (self->session, NULL);
  end (self, error->message, FALSE);
}

/* ----- construction ---------------------------------------------------- */

static TandemShare *
share_new (TandemShareStack              *stack,
           const TandemShareMediaOptions *options,
           const char                    *peer_address,
           gboolean                       incoming,
           gboolean                       sharer)
{
  TandemShare *self = g_object_new (TANDEM_TYPE_SHARE, NULL);

  self->stack = g_object_ref (stack);
  self->media = tandem_share_media_new (options);
  self->peer_address = g_strdup (peer_address);
  self->incoming = incoming;
  self->sharer = sharer;
  g_signal_connect (self->media, "connected", G_CALLBACK (on_media_connected), self);
  g_signal_connect (self->media, "ended", G_CALLBACK (on_media_ended), self);
  g_signal_connect (self->media, "unacked", G_CALLBACK (on_media_unacked), self);
  return self;
}

TandemShare *
tandem_share_new_outgoing (TandemShareStack              *stack,
                           const TandemShareMediaOptions *options,
                           const char                    *peer_address,
                           gboolean                       sharer)
{
  TandemShare *self = share_new (stack, options, peer_address, FALSE, sharer);

  self->state = TANDEM_SHARE_CALLING;
  tandem_share_media_prepare_async (self->media, self->cancellable, on_prepared_outgoing,
                                    g_object_ref (self));
  return self;
}

TandemShare *
tandem_share_new_incoming (TandemShareStack              *stack,
                           const TandemShareMediaOptions *options,
                           TandemShareSession            *session,
                           const TandemShareSdp          *offer)
{
  /* rfbsetup is the VNC role of the offerer; none means active (the
   * offerer views, we share). */
  gboolean sharer = tandem_share_sdp_get_offer_rfbsetup (offer) != TANDEM_RFB_SETUP_PASSIVE;
  TandemShare *self = share_new (stack, options, tandem_share_session_get_peer_address (session),
                                 TRUE, sharer);

  set_session (self, session);
  self->offer = tandem_share_sdp_copy (offer);
  self->has_audio = tandem_share_session_has_audio (session);
  self->state = TANDEM_SHARE_PENDING;
  return self;
}

TandemShareSession *
tandem_share_get_session (TandemShare *self)
{
  return self->session;
}

/* ----- public API ------------------------------------------------------ */

gboolean
tandem_share_accept (TandemShare  *self,
                     GError      **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);

  if (self->state != TANDEM_SHARE_PENDING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("This share request is no longer waiting"));
      return FALSE;
    }
  set_state (self, TANDEM_SHARE_CONNECTING);
  tandem_share_media_prepare_async (self->media, self->cancellable, on_prepared_incoming,
                                    g_object_ref (self));
  return TRUE;
}

gboolean
tandem_share_decline (TandemShare  *self,
                      GError      **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);

  if (self->state != TANDEM_SHARE_PENDING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("This share request is no longer waiting"));
      return FALSE;
    }
  tandem_share_session_decline (self->session, NULL);
  end (self, _("Declined"), FALSE);
  return TRUE;
}

void
tandem_share_stop (TandemShare *self)
{
  g_return_if_fail (TANDEM_IS_SHARE (self));

  if (self->state == TANDEM_SHARE_PENDING)
    tandem_share_decline (self, NULL);
  else
    end (self, _("Stopped"), TRUE);
}

gboolean
tandem_share_set_control (TandemShare  *self,
                          gboolean      control,
                          GError      **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);

  if (!self->sharer || self->state != TANDEM_SHARE_ACTIVE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only the person sharing their screen, during the share, can change control"));
      return FALSE;
    }
  set_control (self, control, FALSE);
  /* A peer without Tandem's control signalling (Blink) ignores this;
   * the server enforces the choice either way. */
  {
    g_autoptr(GError) local_error = NULL;

    if (!tandem_share_session_send_control (self->session, control ? "grant" : "revoke",
                                          &local_error))
      g_message ("Control change not sent to %s: %s", self->peer_address, local_error->message);
  }
  return TRUE;
}

gboolean
tandem_share_request_control (TandemShare  *self,
                              GError      **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);

  if (self->sharer || self->state != TANDEM_SHARE_ACTIVE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Control can only be requested while viewing a shared screen"));
      return FALSE;
    }
  if (!tandem_share_session_send_control (self->session, "request", error))
    return FALSE;
  set_control (self, self->control, TRUE);
  return TRUE;
}

const char *
tandem_share_get_peer_address (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), NULL);
  return self->peer_address;
}

gboolean
tandem_share_is_incoming (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->incoming;
}

gboolean
tandem_share_is_sharer (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->sharer;
}

TandemShareState
tandem_share_get_state (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), TANDEM_SHARE_ENDED);
  return self->state;
}

const char *
tandem_share_get_end_reason (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), NULL);
  return self->end_reason;
}

gboolean
tandem_share_get_control (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->control;
}

gboolean
tandem_share_get_control_requested (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->control_requested;
}

gboolean
tandem_share_get_relay_lost (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->relay_lost;
}

gboolean
tandem_share_is_unacked (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->media != NULL && tandem_share_media_is_unacked (self->media);
}

gboolean
tandem_share_is_relayed (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->media != NULL && tandem_share_media_is_relayed (self->media);
}

gboolean
tandem_share_has_audio (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), FALSE);
  return self->has_audio;
}

TandemShareEncryption
tandem_share_get_encryption (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), TANDEM_SHARE_ENCRYPTION_UNKNOWN);
  if (self->media == NULL || !tandem_share_media_is_connected (self->media))
    return TANDEM_SHARE_ENCRYPTION_UNKNOWN;
  switch (tandem_share_media_get_protection (self->media))
    {
    case TANDEM_SHARE_PROTECTION_NONE: return TANDEM_SHARE_ENCRYPTION_NONE;
    case TANDEM_SHARE_PROTECTION_TO_RELAY: return TANDEM_SHARE_ENCRYPTION_TO_RELAY;
    case TANDEM_SHARE_PROTECTION_TLS: return TANDEM_SHARE_ENCRYPTION_TLS;
    case TANDEM_SHARE_PROTECTION_END_TO_END: return TANDEM_SHARE_ENCRYPTION_END_TO_END;
    default: return TANDEM_SHARE_ENCRYPTION_UNKNOWN;
    }
}

char *
tandem_share_dup_security_code (TandemShare *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE (self), NULL);
  if (tandem_share_get_encryption (self) != TANDEM_SHARE_ENCRYPTION_END_TO_END)
    return NULL;
  return tandem_share_media_dup_security_code (self->media);
}

TandemShareKeyState
tandem_share_get_key_state (TandemShare *self)
{
  const char *key;

  g_return_val_if_fail (TANDEM_IS_SHARE (self), TANDEM_SHARE_KEY_UNVERIFIED);
  if (self->peer_keys == NULL)
    return TANDEM_SHARE_KEY_UNVERIFIED;
  switch (tandem_share_get_encryption (self))
    {
    case TANDEM_SHARE_ENCRYPTION_END_TO_END:
      break;
    case TANDEM_SHARE_ENCRYPTION_UNKNOWN:
      return TANDEM_SHARE_KEY_UNVERIFIED;
    default:
      return tandem_peer_keys_lookup (self->peer_keys, self->peer_address) != NULL
             ? TANDEM_SHARE_KEY_MISSING : TANDEM_SHARE_KEY_UNVERIFIED;
    }
  key = tandem_share_media_get_peer_key (self->media);
  switch (tandem_peer_keys_check (self->peer_keys, self->peer_address, key))
    {
    case TANDEM_PEER_KEY_VERIFIED: return TANDEM_SHARE_KEY_VERIFIED;
    case TANDEM_PEER_KEY_CHANGED: return TANDEM_SHARE_KEY_CHANGED;
    default: return TANDEM_SHARE_KEY_UNVERIFIED;
    }
}

void
tandem_share_set_key_verified (TandemShare *self,
                               gboolean     verified)
{
  g_return_if_fail (TANDEM_IS_SHARE (self));
  if (self->peer_keys == NULL || tandem_share_get_encryption (self) != TANDEM_SHARE_ENCRYPTION_END_TO_END)
    return;
  tandem_peer_keys_set_verified (self->peer_keys, self->peer_address,
                                 verified ? tandem_share_media_get_peer_key (self->media) : NULL);
}

static void
on_peer_keys_changed (TandemPeerKeys *keys,
                      const char     *address,
                      TandemShare    *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_STATE]);
}

void
tandem_share_set_peer_keys (TandemShare    *self,
                             TandemPeerKeys *keys)
{
  g_return_if_fail (TANDEM_IS_SHARE (self));
  if (self->peer_keys != NULL)
    g_clear_signal_handler (&self->peer_keys_changed_id, self->peer_keys);
  g_set_object (&self->peer_keys, keys);
  if (keys != NULL)
    self->peer_keys_changed_id = g_signal_connect (keys, "changed", G_CALLBACK (on_peer_keys_changed), self);
}

int
tandem_share_steal_vnc_fd (TandemShare *self)
{
  int fd;

  g_return_val_if_fail (TANDEM_IS_SHARE (self), -1);

  fd = self->vnc_fd;
  self->vnc_fd = -1;
  return fd;
}

/* ----- GObject --------------------------------------------------------- */

static void
tandem_share_dispose (GObject *object)
{
  TandemShare *self = TANDEM_SHARE (object);

  if (self->state != TANDEM_SHARE_ENDED && self->stack != NULL)
    end (self, _("Stopped"), TRUE);
  g_clear_object (&self->media);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->stack);
  if (self->peer_keys != NULL)
    g_clear_signal_handler (&self->peer_keys_changed_id, self->peer_keys);
  g_clear_object (&self->peer_keys);

  G_OBJECT_CLASS (tandem_share_parent_class)->dispose (object);
}

static void
tandem_share_finalize (GObject *object)
{
  TandemShare *self = TANDEM_SHARE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->offer, tandem_share_sdp_free);
  g_free (self->peer_address);
  g_free (self->end_reason);
  if (self->vnc_fd >= 0)
    close (self->vnc_fd);

  G_OBJECT_CLASS (tandem_share_parent_class)->finalize (object);
}

static void
tandem_share_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TandemShare *self = TANDEM_SHARE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CONTROL:
      g_value_set_boolean (value, self->control);
      break;
    case PROP_CONTROL_REQUESTED:
      g_value_set_boolean (value, self->control_requested);
      break;
    case PROP_UNACKED:
      g_value_set_boolean (value, tandem_share_is_unacked (self));
      break;
    case PROP_KEY_STATE:
      g_value_set_int (value, tandem_share_get_key_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_class_init (TandemShareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_share_dispose;
  object_class->finalize = tandem_share_finalize;
  object_class->get_property = tandem_share_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_SHARE_STATE, TANDEM_SHARE_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROL] =
    g_param_spec_boolean ("control", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROL_REQUESTED] =
    g_param_spec_boolean ("control-requested", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Relayed, and the peer sends no end-to-end acknowledgements. */
  properties[PROP_UNACKED] =
    g_param_spec_boolean ("unacked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* a TandemShareKeyState */
  properties[PROP_KEY_STATE] =
    g_param_spec_int ("key-state", NULL, NULL, 0, TANDEM_SHARE_KEY_MISSING, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_share_init (TandemShare *self)
{
  self->cancellable = g_cancellable_new ();
  self->vnc_fd = -1;
}
