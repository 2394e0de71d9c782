/* tandem-conversations.h: the one-to-one text conversations of a profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-conversation.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONVERSATIONS (tandem_conversations_get_type ())
G_DECLARE_FINAL_TYPE (TandemConversations, tandem_conversations, TANDEM, CONVERSATIONS, GObject)

/* The conversation with @address, made if there is none yet.  Signal
 * "message-received" (TandemConversation *, const char *text): a text
 * message arrived, also in a conversation nobody shows. */
TandemConversation  *tandem_conversations_get   (TandemConversations  *self,
                                                 const char           *address,
                                                 GError              **error);

/* For TandemManager; @linphone_core is a LinphoneCore. */
TandemConversations *tandem_conversations_new   (void);
void                 tandem_conversations_start (TandemConversations  *self,
                                                 gpointer              linphone_core);
void                 tandem_conversations_stop  (TandemConversations  *self);

G_END_DECLS
