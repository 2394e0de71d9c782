/* tandem-conversation.c
 *
 * Wraps a basic (one-to-one, unencrypted) LinphoneChatRoom.  History lives
 * in liblinphone's sqlite database in the profile; the conversation loads
 * only the newest page when the UI first asks for the messages, and older
 * pages on demand, so a long history opens fast.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-conversation"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-conversation.h"

#define HISTORY_PAGE 100

struct _TandemConversation
{
  GObject           parent_instance;

  LinphoneChatRoom *room;
  char             *peer_address;
  GListStore       *messages;
  gboolean          loaded;
  guint             loaded_count;   /* messages taken from the history */
  guint             unread;
  gboolean          remote_composing;
};

G_DEFINE_FINAL_TYPE (TandemConversation, tandem_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PEER_ADDRESS,
  PROP_UNREAD_COUNT,
  PROP_REMOTE_COMPOSING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_conversation_dispose (GObject *object)
{
  TandemConversation *self = TANDEM_CONVERSATION (object);

  if (self->messages != NULL)
    g_list_store_remove_all (self->messages);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->room, linphone_chat_room_unref);

  G_OBJECT_CLASS (tandem_conversation_parent_class)->dispose (object);
}

static void
tandem_conversation_finalize (GObject *object)
{
  TandemConversation *self = TANDEM_CONVERSATION (object);

  g_free (self->peer_address);

  G_OBJECT_CLASS (tandem_conversation_parent_class)->finalize (object);
}

static void
tandem_conversation_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TandemConversation *self = TANDEM_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread);
      break;
    case PROP_REMOTE_COMPOSING:
      g_value_set_boolean (value, self->remote_composing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_conversation_class_init (TandemConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_conversation_dispose;
  object_class->finalize = tandem_conversation_finalize;
  object_class->get_property = tandem_conversation_get_property;

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_COMPOSING] =
    g_param_spec_boolean ("remote-composing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_conversation_init (TandemConversation *self)
{
  self->messages = g_list_store_new (TANDEM_TYPE_CHAT_MESSAGE);
}

static void
update_unread (TandemConversation *self)
{
  int unread = linphone_chat_room_get_unread_messages_count (self->room);

  if ((guint) MAX (unread, 0) != self->unread)
    {
      self->unread = MAX (unread, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
    }
}

TandemConversation *
tandem_conversation_new_for (gpointer linphone_room)
{
  TandemConversation *self = g_object_new (TANDEM_TYPE_CONVERSATION, NULL);
  const LinphoneAddress *peer;

  self->room = linphone_chat_room_ref (linphone_room);
  peer = linphone_chat_room_get_peer_address (self->room);
  self->peer_address = linphone_address_as_string_uri_only (peer);
  update_unread (self);

  return self;
}

gpointer
tandem_conversation_get_room (TandemConversation *self)
{
  return self->room;
}

/* Wraps messages [begin, end) of the history, counted from the newest, in
 * chronological order. */
static GPtrArray *
wrap_history (TandemConversation *self,
              int                 begin,
              int                 end)
{
  bctbx_list_t *history = linphone_chat_room_get_history_range (self->room, begin, end);
  GPtrArray *wrapped = g_ptr_array_new_with_free_func (g_object_unref);

  for (bctbx_list_t *l = history; l != NULL; l = l->next)
    g_ptr_array_add (wrapped, tandem_chat_message_new_for (l->data));
  bctbx_list_free_with_data (history, (bctbx_list_free_func) linphone_chat_message_unref);

  return wrapped;
}

GListModel *
tandem_conversation_get_messages (TandemConversation *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), NULL);

  if (!self->loaded)
    {
      g_autoptr(GPtrArray) page = wrap_history (self, 0, HISTORY_PAGE);

      self->loaded = TRUE;
      self->loaded_count = page->len;
      g_list_store_splice (self->messages, 0, 0, page->pdata, page->len);
    }

  return G_LIST_MODEL (self->messages);
}

gboolean
tandem_conversation_has_older (TandemConversation *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), FALSE);

  return self->loaded &&
         self->loaded_count < (guint) MAX (linphone_chat_room_get_history_size (self->room), 0);
}

guint
tandem_conversation_load_older (TandemConversation *self,
                                guint               count)
{
  g_autoptr(GPtrArray) page = NULL;
  guint begin;

  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), 0);

  if (!self->loaded)
    tandem_conversation_get_messages (self);
  if (!tandem_conversation_has_older (self))
    return 0;

  /* Messages that arrived since loading moved the history's index 0. */
  begin = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  page = wrap_history (self, begin, begin + count);
  self->loaded_count += page->len;
  g_list_store_splice (self->messages, 0, 0, page->pdata, page->len);

  return page->len;
}

static void
append_message (TandemConversation  *self,
                LinphoneChatMessage *message)
{
  g_autoptr(TandemChatMessage) wrapped = NULL;

  /* Before the UI loads the history, the new message is part of it. */
  if (!self->loaded)
    return;

  wrapped = tandem_chat_message_new_for (message);
  g_list_store_append (self->messages, wrapped);
}

void
tandem_conversation_add_received (TandemConversation *self,
                                  gpointer            message)
{
  append_message (self, message);
  if (self->remote_composing)
    {
      self->remote_composing = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_COMPOSING]);
    }
  update_unread (self);
}

void
tandem_conversation_update_composing (TandemConversation *self)
{
  gboolean composing = linphone_chat_room_is_remote_composing (self->room);

  if (composing != self->remote_composing)
    {
      self->remote_composing = composing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_COMPOSING]);
    }
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

TandemChatMessage *
tandem_conversation_send_text (TandemConversation  *self,
                               const char          *text,
                               GError             **error)
{
  LinphoneChatMessage *message;
  TandemChatMessage *wrapped;

  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("The message is not valid UTF-8"));
      return NULL;
    }
  if (is_blank (text))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("An empty message cannot be sent"));
      return NULL;
    }

  tandem_conversation_get_messages (self);
  message = linphone_chat_room_create_message_from_utf8 (self->room, text);
  /* Wrap first, so the state callbacks of the send reach the wrapper.
   * liblinphone stores the message before sending: if the network fails
   * it stays in the history, marked failed, and can be retried. */
  wrapped = tandem_chat_message_new_for (message);
  g_list_store_append (self->messages, wrapped);
  linphone_chat_message_send (message);
  linphone_chat_message_unref (message);
  g_object_unref (wrapped);

  return wrapped;
}

gboolean
tandem_conversation_retry (TandemConversation  *self,
                           TandemChatMessage   *message,
                           GError             **error)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (message), FALSE);

  if (tandem_chat_message_get_state (message) != TANDEM_MESSAGE_FAILED)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("Only a message that failed can be sent again"));
      return FALSE;
    }

  linphone_chat_message_send (tandem_chat_message_get_linphone (message));
  return TRUE;
}

void
tandem_conversation_mark_read (TandemConversation *self)
{
  g_return_if_fail (TANDEM_IS_CONVERSATION (self));

  linphone_chat_room_mark_as_read (self->room);
  update_unread (self);
}

guint
tandem_conversation_get_unread_count (TandemConversation *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), 0);
  return self->unread;
}

void
tandem_conversation_set_composing (TandemConversation *self)
{
  g_return_if_fail (TANDEM_IS_CONVERSATION (self));
  linphone_chat_room_compose (self->room);
}

gboolean
tandem_conversation_get_remote_composing (TandemConversation *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), FALSE);
  return self->remote_composing;
}

const char *
tandem_conversation_get_peer_address (TandemConversation *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION (self), NULL);
  return self->peer_address;
}
