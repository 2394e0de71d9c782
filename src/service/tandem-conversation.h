/* tandem-conversation.h: the chat with one peer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "tandem-chat-message.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONVERSATION (tandem_conversation_get_type ())
G_DECLARE_FINAL_TYPE (TandemConversation, tandem_conversation, TANDEM, CONVERSATION, GObject)

const char        *tandem_conversation_get_peer_address     (TandemConversation  *self);
GListModel        *tandem_conversation_get_messages         (TandemConversation  *self);
guint              tandem_conversation_load_older           (TandemConversation  *self,
                                                             guint                count);
gboolean           tandem_conversation_has_older            (TandemConversation  *self);
TandemChatMessage *tandem_conversation_send_text            (TandemConversation  *self,
                                                             const char          *text,
                                                             GError             **error);
gboolean           tandem_conversation_retry                (TandemConversation  *self,
                                                             TandemChatMessage   *message,
                                                             GError             **error);
void               tandem_conversation_mark_read            (TandemConversation  *self);
guint              tandem_conversation_get_unread_count     (TandemConversation  *self);
void               tandem_conversation_set_composing        (TandemConversation  *self);
gboolean           tandem_conversation_get_remote_composing (TandemConversation  *self);

/* For TandemConversations; the gpointers are liblinphone objects
 * (LinphoneChatRoom, LinphoneChatMessage), kept out of this header. */
TandemConversation *tandem_conversation_new_for         (gpointer            linphone_room);
gpointer            tandem_conversation_get_room        (TandemConversation *self);
void                tandem_conversation_add_received    (TandemConversation *self,
                                                         gpointer            linphone_message);
void                tandem_conversation_update_composing (TandemConversation *self);

G_END_DECLS
