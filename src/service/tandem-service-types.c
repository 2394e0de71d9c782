/* tandem-service-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-service-types"

#include "tandem-service-types.h"

G_DEFINE_ENUM_TYPE (TandemPresence, tandem_presence,
  G_DEFINE_ENUM_VALUE (TANDEM_PRESENCE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (TANDEM_PRESENCE_AVAILABLE, "available"),
  G_DEFINE_ENUM_VALUE (TANDEM_PRESENCE_AWAY, "away"),
  G_DEFINE_ENUM_VALUE (TANDEM_PRESENCE_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (TANDEM_PRESENCE_DND, "dnd"))

G_DEFINE_ENUM_TYPE (TandemRegistrationState, tandem_registration_state,
  G_DEFINE_ENUM_VALUE (TANDEM_REGISTRATION_NONE, "none"),
  G_DEFINE_ENUM_VALUE (TANDEM_REGISTRATION_PROGRESS, "progress"),
  G_DEFINE_ENUM_VALUE (TANDEM_REGISTRATION_OK, "ok"),
  G_DEFINE_ENUM_VALUE (TANDEM_REGISTRATION_CLEARED, "cleared"),
  G_DEFINE_ENUM_VALUE (TANDEM_REGISTRATION_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (TandemMessageState, tandem_message_state,
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_DELIVERED, "delivered"),
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_READ, "read"),
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (TANDEM_MESSAGE_RECEIVED, "received"))

G_DEFINE_ENUM_TYPE (TandemCallState, tandem_call_state,
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_INCOMING, "incoming"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_OUTGOING, "outgoing"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_ACTIVE, "active"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_HELD, "held"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_HELD_BY_PEER, "held-by-peer"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_ENDED, "ended"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (TandemCallOutcome, tandem_call_outcome,
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_OUTCOME_ANSWERED, "answered"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_OUTCOME_MISSED, "missed"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_OUTCOME_DECLINED, "declined"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_OUTCOME_ABORTED, "aborted"))

G_DEFINE_ENUM_TYPE (TandemCallSecurity, tandem_call_security,
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_NONE, "none"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_SRTP, "srtp"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_ZRTP, "zrtp"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_VERIFIED, "verified"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_MISMATCH, "mismatch"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_SECURITY_BLOCKED, "blocked"))

G_DEFINE_ENUM_TYPE (TandemCallEncryption, tandem_call_encryption,
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE, "when-possible"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_ENCRYPTION_ALWAYS, "always"),
  G_DEFINE_ENUM_VALUE (TANDEM_CALL_ENCRYPTION_NEVER, "never"))

G_DEFINE_QUARK (tandem-service-error-quark, tandem_service_error)

const char *
tandem_presence_to_string (TandemPresence presence)
{
  GEnumClass *klass = g_type_class_ref (TANDEM_TYPE_PRESENCE);
  GEnumValue *value = g_enum_get_value (klass, presence);
  const char *nick = value ? value->value_nick : "offline";

  g_type_class_unref (klass);
  return nick;
}

gboolean
tandem_presence_from_string (const char     *str,
                             TandemPresence *out_presence)
{
  GEnumClass *klass;
  GEnumValue *value;

  if (str == NULL)
    return FALSE;

  klass = g_type_class_ref (TANDEM_TYPE_PRESENCE);
  value = g_enum_get_value_by_nick (klass, str);
  if (value != NULL && out_presence != NULL)
    *out_presence = value->value;
  g_type_class_unref (klass);

  return value != NULL;
}

void
tandem_nat_settings_clear (TandemNatSettings *settings)
{
  g_clear_pointer (&settings->stun_server, g_free);
  g_clear_pointer (&settings->turn_username, g_free);
  g_clear_pointer (&settings->turn_password, g_free);
}

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
