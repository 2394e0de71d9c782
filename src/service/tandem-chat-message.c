/* tandem-chat-message.c
 *
 * Wraps a LinphoneChatMessage and follows its delivery state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-chat-message"

#include <linphone/core.h>

#include "tandem-chat-message.h"

struct _TandemChatMessage
{
  GObject              parent_instance;

  LinphoneChatMessage *message;
  LinphoneChatMessageCbs *cbs;
  char                *text;
  gboolean             outgoing;
  gint64               time;
  TandemMessageState   state;
};

G_DEFINE_FINAL_TYPE (TandemChatMessage, tandem_chat_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_OUTGOING,
  PROP_TIME,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static TandemMessageState
from_linphone_state (LinphoneChatMessageState state,
                     gboolean                 outgoing)
{
  if (!outgoing)
    return TANDEM_MESSAGE_RECEIVED;

  switch (state)
    {
    case LinphoneChatMessageStateDelivered:
      return TANDEM_MESSAGE_SENT;
    case LinphoneChatMessageStateDeliveredToUser:
      return TANDEM_MESSAGE_DELIVERED;
    case LinphoneChatMessageStateDisplayed:
      return TANDEM_MESSAGE_READ;
    case LinphoneChatMessageStateNotDelivered:
    case LinphoneChatMessageStateFileTransferError:
      return TANDEM_MESSAGE_FAILED;
    case LinphoneChatMessageStateIdle:
    case LinphoneChatMessageStateInProgress:
    default:
      return TANDEM_MESSAGE_SENDING;
    }
}

static void
on_msg_state_changed (LinphoneChatMessage      *message,
                      LinphoneChatMessageState  state)
{
  TandemChatMessage *self = linphone_chat_message_cbs_get_user_data (linphone_chat_message_get_current_callbacks (message));
  TandemMessageState new_state;

  if (self == NULL)
    return;

  new_state = from_linphone_state (state, self->outgoing);
  if (new_state != self->state)
    {
      self->state = new_state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
tandem_chat_message_dispose (GObject *object)
{
  TandemChatMessage *self = TANDEM_CHAT_MESSAGE (object);

  if (self->message != NULL)
    {
      linphone_chat_message_remove_callbacks (self->message, self->cbs);
      g_clear_pointer (&self->message, linphone_chat_message_unref);
    }
  g_clear_pointer (&self->cbs, linphone_chat_message_cbs_unref);

  G_OBJECT_CLASS (tandem_chat_message_parent_class)->dispose (object);
}

static void
tandem_chat_message_finalize (GObject *object)
{
  TandemChatMessage *self = TANDEM_CHAT_MESSAGE (object);

  g_free (self->text);

  G_OBJECT_CLASS (tandem_chat_message_parent_class)->finalize (object);
}

static void
tandem_chat_message_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TandemChatMessage *self = TANDEM_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_OUTGOING:
      g_value_set_boolean (value, self->outgoing);
      break;
    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_chat_message_class_init (TandemChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_chat_message_dispose;
  object_class->finalize = tandem_chat_message_finalize;
  object_class->get_property = tandem_chat_message_get_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTGOING] =
    g_param_spec_boolean ("outgoing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TANDEM_TYPE_MESSAGE_STATE, TANDEM_MESSAGE_SENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_chat_message_init (TandemChatMessage *self)
{
}

TandemChatMessage *
tandem_chat_message_new_for (gpointer linphone_message)
{
  LinphoneChatMessage *message = linphone_message;
  TandemChatMessage *self = g_object_new (TANDEM_TYPE_CHAT_MESSAGE, NULL);
  const char *text = linphone_chat_message_get_utf8_text (message);

  self->message = linphone_chat_message_ref (message);
  self->text = g_strdup (text ? text : "");
  self->outgoing = linphone_chat_message_is_outgoing (message);
  self->time = linphone_chat_message_get_time (message);
  self->state = from_linphone_state (linphone_chat_message_get_state (message), self->outgoing);

  self->cbs = linphone_factory_create_chat_message_cbs (linphone_factory_get ());
  linphone_chat_message_cbs_set_user_data (self->cbs, self);
  linphone_chat_message_cbs_set_msg_state_changed (self->cbs, on_msg_state_changed);
  linphone_chat_message_add_callbacks (message, self->cbs);

  return self;
}

gpointer
tandem_chat_message_get_linphone (TandemChatMessage *self)
{
  return self->message;
}

const char *
tandem_chat_message_get_text (TandemChatMessage *self)
{
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (self), NULL);
  return self->text;
}

gboolean
tandem_chat_message_is_outgoing (TandemChatMessage *self)
{
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (self), FALSE);
  return self->outgoing;
}

gint64
tandem_chat_message_get_time (TandemChatMessage *self)
{
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (self), 0);
  return self->time;
}

TandemMessageState
tandem_chat_message_get_state (TandemChatMessage *self)
{
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (self), TANDEM_MESSAGE_FAILED);
  return self->state;
}

const char *
tandem_chat_message_get_id (TandemChatMessage *self)
{
  g_return_val_if_fail (TANDEM_IS_CHAT_MESSAGE (self), NULL);
  return linphone_chat_message_get_message_id (self->message);
}
