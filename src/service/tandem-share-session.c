/* tandem-share-session.c
 *
 * The state of one share session.  TandemShareStack owns the signalling
 * (transactions, dialog) and updates the session through
 * tandem-share-private.h; the session only holds what a caller reads:
 * the peer, the direction, the state, the SDPs and why it ended.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-session"

#include "tandem-share-private.h"
#include "tandem-share-session.h"

struct _TandemShareSession
{
  GObject                  parent_instance;

  char                    *peer_address;
  gboolean                 incoming;
  TandemShareSessionState  state;
  char                    *remote_sdp;
  TandemShareSdp          *remote_share;
  gboolean                 has_audio;
  char                    *local_sdp;
  char                    *end_reason;
  guint                    status_code;
  char                    *call_id;
};

G_DEFINE_FINAL_TYPE (TandemShareSession, tandem_share_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TandemShareSessionState, tandem_share_session_state,
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_OFFERED, "offered"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_CALLING, "calling"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_RINGING, "ringing"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_ACTIVE, "active"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_ENDED, "ended"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_FAILED, "failed"))

enum {
  PROP_0,
  PROP_PEER_ADDRESS,
  PROP_INCOMING,
  PROP_STATE,
  PROP_END_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_share_session_finalize (GObject *object)
{
  TandemShareSession *self = TANDEM_SHARE_SESSION (object);

  g_free (self->peer_address);
  g_free (self->call_id);
  g_free (self->remote_sdp);
  g_clear_pointer (&self->remote_share, tandem_share_sdp_free);
  g_free (self->local_sdp);
  g_free (self->end_reason);

  G_OBJECT_CLASS (tandem_share_session_parent_class)->finalize (object);
}

static void
tandem_share_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemShareSession *self = TANDEM_SHARE_SESSION (object);

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
    case PROP_END_REASON:
      g_value_set_string (value, self->end_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_session_class_init (TandemShareSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_share_session_finalize;
  object_class->get_property = tandem_share_session_get_property;

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_SHARE_SESSION_STATE,
                       TANDEM_SHARE_SESSION_OFFERED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_END_REASON] =
    g_param_spec_string ("end-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_share_session_init (TandemShareSession *self)
{
}

TandemShareSession *
_tandem_share_session_new (const char *peer_address,
                           gboolean    incoming)
{
  TandemShareSession *self = g_object_new (TANDEM_TYPE_SHARE_SESSION, NULL);

  self->peer_address = g_strdup (peer_address);
  self->incoming = incoming;
  self->state = incoming ? TANDEM_SHARE_SESSION_OFFERED : TANDEM_SHARE_SESSION_CALLING;
  return self;
}

void
_tandem_share_session_set_state (TandemShareSession      *self,
                                 TandemShareSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_tandem_share_session_set_remote_sdp (TandemShareSession *self,
                                      const char         *sdp,
                                      TandemShareSdp     *share,
                                      gboolean            has_audio)
{
  g_free (self->remote_sdp);
  self->remote_sdp = g_strdup (sdp);
  g_clear_pointer (&self->remote_share, tandem_share_sdp_free);
  self->remote_share = share;
  self->has_audio = has_audio;
}

void
_tandem_share_session_set_local_sdp (TandemShareSession *self,
                                     const char         *sdp)
{
  g_free (self->local_sdp);
  self->local_sdp = g_strdup (sdp);
}

void
_tandem_share_session_set_end_reason (TandemShareSession *self,
                                      guint               status_code,
                                      const char         *reason)
{
  self->status_code = status_code;
  if (g_strcmp0 (self->end_reason, reason) == 0)
    return;
  g_free (self->end_reason);
  self->end_reason = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
}

const char *
tandem_share_session_get_peer_address (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->peer_address;
}

gboolean
tandem_share_session_is_incoming (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  return self->incoming;
}

TandemShareSessionState
tandem_share_session_get_state (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), TANDEM_SHARE_SESSION_FAILED);
  return self->state;
}

/* The parsed share stream of the peer's SDP (offer or answer); NULL
 * before there is one. */
const TandemShareSdp *
tandem_share_session_get_remote_share (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->remote_share;
}

const char *
tandem_share_session_get_remote_sdp (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->remote_sdp;
}

const char *
tandem_share_session_get_local_sdp (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->local_sdp;
}

/* Whether the peer's offer also had an m=audio stream (Blink does that);
 * this stack rejects it (port 0) in the answer. */
gboolean
tandem_share_session_has_audio (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  return self->has_audio;
}

const char *
tandem_share_session_get_end_reason (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->end_reason;
}

/* The SIP status that ended or failed the session, 0 if none (BYE). */
guint
tandem_share_session_get_status_code (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), 0);
  return self->status_code;
}

/* The SIP Call-ID of the INVITE (what liblinphone's branch of a forked
 * offer carries too). */
const char *
tandem_share_session_get_call_id (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);

  return self->call_id;
}

void
_tandem_share_session_set_call_id (TandemShareSession *self,
                                   const char         *call_id)
{
  g_free (self->call_id);
  self->call_id = g_strdup (call_id);
}
