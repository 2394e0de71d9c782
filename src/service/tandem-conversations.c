/* tandem-conversations.c
 *
 * liblinphone's chat rooms, each wrapped once in a TandemConversation,
 * keyed by the peer's address: one-to-one, unencrypted SIP MESSAGE chat
 * ("basic" in liblinphone).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-conversations"

#include "config.h"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-conversations.h"
#include "tandem-sip-address.h"

struct _TandemConversations
{
  GObject          parent_instance;

  LinphoneCore    *core;            /* while started */
  LinphoneCoreCbs *cbs;
  GHashTable      *conversations;   /* peer URI -> TandemConversation */
};

G_DEFINE_FINAL_TYPE (TandemConversations, tandem_conversations, G_TYPE_OBJECT)

enum {
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static TandemConversation *
wrap_room (TandemConversations *self,
           LinphoneChatRoom    *room)
{
  char *key = linphone_address_as_string_uri_only (linphone_chat_room_get_peer_address (room));
  TandemConversation *conversation = g_hash_table_lookup (self->conversations, key);

  if (conversation == NULL)
    {
      conversation = tandem_conversation_new_for (room);
      g_hash_table_insert (self->conversations, key, conversation);
    }
  else
    g_free (key);

  return conversation;
}

static void
on_message_received (LinphoneCore        *core,
                     LinphoneChatRoom    *room,
                     LinphoneChatMessage *message)
{
  TandemConversations *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));
  TandemConversation *conversation = wrap_room (self, room);
  /* liblinphone reuses the buffer behind get_utf8_text(): copy it now. */
  g_autofree char *text = g_strdup (linphone_chat_message_get_utf8_text (message));

  /* Only text is handled; other content (files, IMDN) is not shown. */
  if (text == NULL)
    return;

  g_debug ("message from %s", tandem_conversation_get_peer_address (conversation));
  tandem_conversation_add_received (conversation, message);
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, conversation, text);
}

static void
on_is_composing_received (LinphoneCore     *core,
                          LinphoneChatRoom *room)
{
  TandemConversations *self = linphone_core_cbs_get_user_data (linphone_core_get_current_callbacks (core));

  tandem_conversation_update_composing (wrap_room (self, room));
}

void
tandem_conversations_start (TandemConversations *self,
                            gpointer             linphone_core)
{
  g_return_if_fail (TANDEM_IS_CONVERSATIONS (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
  self->cbs = linphone_factory_create_core_cbs (linphone_factory_get ());
  linphone_core_cbs_set_user_data (self->cbs, self);
  linphone_core_cbs_set_message_received (self->cbs, on_message_received);
  linphone_core_cbs_set_is_composing_received (self->cbs, on_is_composing_received);
  linphone_core_add_callbacks (self->core, self->cbs);

  for (const bctbx_list_t *l = linphone_core_get_chat_rooms (self->core); l != NULL; l = l->next)
    wrap_room (self, l->data);
}

void
tandem_conversations_stop (TandemConversations *self)
{
  g_return_if_fail (TANDEM_IS_CONVERSATIONS (self));

  g_hash_table_remove_all (self->conversations);
  if (self->core != NULL)
    {
      linphone_core_remove_callbacks (self->core, self->cbs);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
  g_clear_pointer (&self->cbs, linphone_core_cbs_unref);
}

TandemConversation *
tandem_conversations_get (TandemConversations  *self,
                          const char           *address,
                          GError              **error)
{
  g_autofree char *uri = NULL;
  LinphoneAddress *peer;
  LinphoneAccount *account;
  const LinphoneAddress *local = NULL;
  LinphoneChatRoomParams *params;
  LinphoneChatRoom *room;
  bctbx_list_t *participants;
  TandemConversation *conversation;

  g_return_val_if_fail (TANDEM_IS_CONVERSATIONS (self), NULL);

  if (!tandem_sip_require_core (self->core, error) ||
      (uri = tandem_sip_address_normalize (address, error)) == NULL)
    return NULL;
  peer = linphone_factory_create_address (linphone_factory_get (), address);

  account = linphone_core_get_default_account (self->core);
  if (account != NULL)
    local = linphone_account_params_get_identity_address (linphone_account_get_params (account));

  params = linphone_core_create_default_chat_room_params (self->core);
  linphone_chat_room_params_set_backend (params, LinphoneChatRoomBackendBasic);
  linphone_chat_room_params_enable_group (params, FALSE);
  linphone_chat_room_params_set_encryption_backend (params, LinphoneChatRoomEncryptionBackendNone);
  participants = bctbx_list_append (NULL, peer);

  room = linphone_core_search_chat_room (self->core, params, local, peer, participants);
  if (room == NULL)
    room = linphone_core_create_chat_room_6 (self->core, params, local, participants);
  else
    linphone_chat_room_ref (room);

  bctbx_list_free (participants);
  linphone_chat_room_params_unref (params);
  linphone_address_unref (peer);

  if (room == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   _("Could not open a conversation with %s"), address);
      return NULL;
    }

  conversation = wrap_room (self, room);
  linphone_chat_room_unref (room);

  return conversation;
}

TandemConversations *
tandem_conversations_new (void)
{
  return g_object_new (TANDEM_TYPE_CONVERSATIONS, NULL);
}

static void
tandem_conversations_dispose (GObject *object)
{
  tandem_conversations_stop (TANDEM_CONVERSATIONS (object));

  G_OBJECT_CLASS (tandem_conversations_parent_class)->dispose (object);
}

static void
tandem_conversations_finalize (GObject *object)
{
  TandemConversations *self = TANDEM_CONVERSATIONS (object);

  g_clear_pointer (&self->conversations, g_hash_table_unref);

  G_OBJECT_CLASS (tandem_conversations_parent_class)->finalize (object);
}

static void
tandem_conversations_class_init (TandemConversationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_conversations_dispose;
  object_class->finalize = tandem_conversations_finalize;

  /* A text message arrived in @conversation (also while it is not shown). */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TANDEM_TYPE_CONVERSATION, G_TYPE_STRING);
}

static void
tandem_conversations_init (TandemConversations *self)
{
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}
