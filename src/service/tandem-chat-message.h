/* tandem-chat-message.h: one text message of a conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CHAT_MESSAGE (tandem_chat_message_get_type ())
G_DECLARE_FINAL_TYPE (TandemChatMessage, tandem_chat_message, TANDEM, CHAT_MESSAGE, GObject)

const char         *tandem_chat_message_get_text     (TandemChatMessage *self);
gboolean            tandem_chat_message_is_outgoing  (TandemChatMessage *self);
gint64              tandem_chat_message_get_time     (TandemChatMessage *self);
TandemMessageState  tandem_chat_message_get_state    (TandemChatMessage *self);
const char         *tandem_chat_message_get_id       (TandemChatMessage *self);

/* For TandemConversation; the gpointer is a LinphoneChatMessage, kept
 * out of this header. */
TandemChatMessage *tandem_chat_message_new_for (gpointer           linphone_message);
gpointer           tandem_chat_message_get_linphone (TandemChatMessage *self);

G_END_DECLS
