/* tandem-service-private.h: what the service objects tell each other.
 * Never installed and never included outside src/service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-account.h"
#include "tandem-call.h"
#include "tandem-call-record.h"
#include "tandem-chat-message.h"
#include "tandem-contact.h"
#include "tandem-conversation.h"
#include "tandem-service-types.h"

G_BEGIN_DECLS

/* Like g_set_str() of GLib 2.76: replace *dest by a copy of src and say
 * whether it changed. */
static inline gboolean
_tandem_set_str (char       **dest,
                 const char  *src)
{
  if (g_strcmp0 (*dest, src) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (src);
  return TRUE;
}

TandemContact *_tandem_contact_new          (const char     *name,
                                             const char     *address);
void           _tandem_contact_set_name     (TandemContact  *self,
                                             const char     *name);
void           _tandem_contact_set_presence (TandemContact  *self,
                                             TandemPresence  presence,
                                             const char     *note);

TandemAccount *_tandem_account_new          (const char              *identity,
                                             const char              *server);
void           _tandem_account_set_state    (TandemAccount           *self,
                                             TandemRegistrationState  state,
                                             const char              *message);
void           _tandem_account_set_waiting_for_keyring (TandemAccount *self,
                                                        gboolean       waiting);

/* The gpointers are liblinphone objects; their types stay out of headers
 * that do not include liblinphone. */
TandemChatMessage  *_tandem_chat_message_new             (gpointer            linphone_message);
gpointer            _tandem_chat_message_get_linphone    (TandemChatMessage  *self);

TandemConversation *_tandem_conversation_new             (gpointer            linphone_room);
gpointer            _tandem_conversation_get_room        (TandemConversation *self);
void                _tandem_conversation_add_received    (TandemConversation *self,
                                                          gpointer            linphone_message);
void                _tandem_conversation_update_composing (TandemConversation *self);

TandemCall         *_tandem_call_new                     (gpointer            linphone_call);
gboolean            _tandem_call_update                  (TandemCall         *self,
                                                          int                 linphone_state);
void                _tandem_call_update_security         (TandemCall         *self);
gboolean            _tandem_call_peer_can_encrypt        (TandemCall         *self);
void                _tandem_call_refuse_unencrypted      (TandemCall         *self);
gboolean            _tandem_call_settle_unencrypted_answer (TandemCall       *self,
                                                          gboolean            refuse);

/* The SIP reason phrase of a 488 for an unencrypted offer refused by a
 * Tandem set to "Encrypt calls: always"; both ends turn it into words. */
#define TANDEM_CALL_ENCRYPTED_ONLY_PHRASE "Encrypted calls only"

TandemCallRecord   *_tandem_call_record_new              (gpointer            linphone_call_log);

G_END_DECLS
