/* tandem-conversation-view.h: the chat with one peer, and room beside it
 * for a shared screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-contact.h"
#include "tandem-conversation.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONVERSATION_VIEW (tandem_conversation_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemConversationView, tandem_conversation_view, TANDEM, CONVERSATION_VIEW, GtkBox)

void        tandem_conversation_view_set_peer    (TandemConversationView *self,
                                                  TandemConversation     *conversation,
                                                  TandemContact          *contact,
                                                  const char             *address);
const char *tandem_conversation_view_get_address (TandemConversationView *self);
void        tandem_conversation_view_mark_read   (TandemConversationView *self);
void        tandem_conversation_view_set_share_widget (TandemConversationView *self,
                                                  const char             *address,
                                                  GtkWidget              *widget);

G_END_DECLS
