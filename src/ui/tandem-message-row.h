/* tandem-message-row.h: one chat message as a bubble.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-conversation.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_MESSAGE_ROW (tandem_message_row_get_type ())
G_DECLARE_FINAL_TYPE (TandemMessageRow, tandem_message_row, TANDEM, MESSAGE_ROW, GtkListBoxRow)

GtkWidget         *tandem_message_row_new         (TandemConversation *conversation,
                                                   TandemChatMessage  *message);
TandemChatMessage *tandem_message_row_get_message (TandemMessageRow   *self);

G_END_DECLS
