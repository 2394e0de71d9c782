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
#include "tandem-manager.h"

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

/* tandem-manager.c, for tandem-manager-settings.c */
gpointer            _tandem_manager_get_core             (TandemManager      *self);
void                _tandem_manager_forget_account       (TandemManager      *self,
                                                          TandemAccount      *account);
void                _tandem_manager_forget_password      (TandemManager      *self,
                                                          const char         *identity);
gboolean            _tandem_manager_store_password       (TandemManager      *self,
                                                          const char         *key,
                                                          const char         *password);
void                _tandem_manager_add_turn_auth        (TandemManager      *self,
                                                          const char         *username,
                                                          const char         *password);

/* tandem-manager.c, for tandem-manager-shares.c */
typedef struct _TandemManagerShares TandemManagerShares;
const char          *_tandem_manager_get_bind_address    (TandemManager      *self);
const char          *_tandem_manager_get_root_ca         (TandemManager      *self);
TandemManagerShares *_tandem_manager_get_shares          (TandemManager      *self);
char                *_tandem_manager_normalize_address   (TandemManager      *self,
                                                          const char         *address,
                                                          GError            **error);

/* tandem-manager-shares.c */
TandemManagerShares *_tandem_manager_shares_new          (TandemManager       *manager);
void                 _tandem_manager_shares_free         (TandemManagerShares *shares);
void                 _tandem_manager_shares_account_registered (TandemManagerShares *shares,
                                                          gpointer             linphone_account);
void                 _tandem_manager_shares_remember_password (TandemManagerShares *shares,
                                                          const char          *username,
                                                          const char          *domain,
                                                          const char          *password);
gboolean             _tandem_manager_shares_hold_call    (TandemManagerShares *shares,
                                                          gpointer             linphone_call);
void                 _tandem_manager_announce_call       (TandemManager       *self,
                                                          gpointer             linphone_call);

G_END_DECLS
