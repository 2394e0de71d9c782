/* tandem-service-types.h: enumerations shared by the service objects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TANDEM_PRESENCE_OFFLINE,
  TANDEM_PRESENCE_AVAILABLE,
  TANDEM_PRESENCE_AWAY,
  TANDEM_PRESENCE_BUSY,
  TANDEM_PRESENCE_DND,
} TandemPresence;

typedef enum {
  TANDEM_REGISTRATION_NONE,
  TANDEM_REGISTRATION_PROGRESS,
  TANDEM_REGISTRATION_OK,
  TANDEM_REGISTRATION_CLEARED,
  TANDEM_REGISTRATION_FAILED,
} TandemRegistrationState;

typedef enum {
  TANDEM_MESSAGE_SENDING,
  TANDEM_MESSAGE_SENT,
  TANDEM_MESSAGE_DELIVERED,
  TANDEM_MESSAGE_READ,
  TANDEM_MESSAGE_FAILED,
  TANDEM_MESSAGE_RECEIVED,
} TandemMessageState;

typedef enum {
  TANDEM_CALL_INCOMING,     /* ringing here, not answered yet */
  TANDEM_CALL_OUTGOING,     /* dialling or ringing there */
  TANDEM_CALL_ACTIVE,
  TANDEM_CALL_HELD,         /* put on hold by us */
  TANDEM_CALL_HELD_BY_PEER,
  TANDEM_CALL_ENDED,
  TANDEM_CALL_FAILED,
} TandemCallState;

typedef enum {
  TANDEM_CALL_OUTCOME_ANSWERED,
  TANDEM_CALL_OUTCOME_MISSED,
  TANDEM_CALL_OUTCOME_DECLINED,
  TANDEM_CALL_OUTCOME_ABORTED,   /* hung up before it was answered */
} TandemCallOutcome;

/* What protects a call's media, as far as this side knows. */
typedef enum {
  TANDEM_CALL_SECURITY_NONE,        /* plain RTP: anyone on the path can listen */
  TANDEM_CALL_SECURITY_PENDING,     /* encryption asked for, keys not agreed yet */
  TANDEM_CALL_SECURITY_SRTP,        /* SRTP keyed over the signalling (SDES, DTLS) */
  TANDEM_CALL_SECURITY_ZRTP,        /* ZRTP: the security code is to be compared */
  TANDEM_CALL_SECURITY_VERIFIED,    /* ZRTP with a peer whose code was confirmed */
  TANDEM_CALL_SECURITY_MISMATCH,    /* ZRTP, but the peer's key changed since it was verified */
  TANDEM_CALL_SECURITY_BLOCKED,     /* plain RTP: the keys could not be agreed (blocked on the way) */
} TandemCallSecurity;

/* The "Encrypt calls" preference. */
typedef enum {
  TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE,  /* offer it; plain RTP with a peer that cannot */
  TANDEM_CALL_ENCRYPTION_ALWAYS,         /* refuse unencrypted calls */
  TANDEM_CALL_ENCRYPTION_NEVER,          /* offer plain RTP */
} TandemCallEncryption;

typedef enum {
  TANDEM_TRANSPORT_UDP,
  TANDEM_TRANSPORT_TCP,
  TANDEM_TRANSPORT_TLS,
} TandemTransport;

typedef enum {
  TANDEM_AUDIO_CAPTURE,     /* microphone */
  TANDEM_AUDIO_PLAYBACK,    /* the call's sound */
  TANDEM_AUDIO_RINGER,      /* the ring tone */
} TandemAudioRole;

/* NAT traversal, as liblinphone supports it. */
typedef struct {
  char     *stun_server;    /* host[:port], STUN and TURN */
  gboolean  stun;
  gboolean  ice;
  gboolean  turn;
  char     *turn_username;
  char     *turn_password;  /* write-only: never read back */
} TandemNatSettings;

typedef enum {
  TANDEM_SERVICE_ERROR_FAILED,
  TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
  TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
  TANDEM_SERVICE_ERROR_NOT_STARTED,
} TandemServiceError;

#define TANDEM_TYPE_PRESENCE (tandem_presence_get_type ())
#define TANDEM_TYPE_REGISTRATION_STATE (tandem_registration_state_get_type ())
#define TANDEM_TYPE_MESSAGE_STATE (tandem_message_state_get_type ())
#define TANDEM_TYPE_CALL_STATE (tandem_call_state_get_type ())
#define TANDEM_TYPE_CALL_OUTCOME (tandem_call_outcome_get_type ())
#define TANDEM_TYPE_CALL_SECURITY (tandem_call_security_get_type ())
#define TANDEM_TYPE_CALL_ENCRYPTION (tandem_call_encryption_get_type ())
#define TANDEM_SERVICE_ERROR (tandem_service_error_quark ())

GType          tandem_presence_get_type           (void) G_GNUC_CONST;
GType          tandem_registration_state_get_type (void) G_GNUC_CONST;
GType          tandem_message_state_get_type      (void) G_GNUC_CONST;
GType          tandem_call_state_get_type         (void) G_GNUC_CONST;
GType          tandem_call_outcome_get_type       (void) G_GNUC_CONST;
GType          tandem_call_security_get_type      (void) G_GNUC_CONST;
GType          tandem_call_encryption_get_type    (void) G_GNUC_CONST;
GQuark         tandem_service_error_quark         (void);

void           tandem_nat_settings_clear   (TandemNatSettings *settings);

gboolean       tandem_transport_from_string (const char      *str,
                                             TandemTransport *out_transport);

const char    *tandem_presence_to_string   (TandemPresence presence);
gboolean       tandem_presence_from_string (const char     *str,
                                            TandemPresence *out_presence);

/* Like g_set_str() of GLib 2.76: replace *dest by a copy of src and say
 * whether it changed. */
static inline gboolean
tandem_set_str (char       **dest,
                const char  *src)
{
  if (g_strcmp0 (*dest, src) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (src);
  return TRUE;
}

G_END_DECLS
