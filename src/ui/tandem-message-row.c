/* tandem-message-row.c
 *
 * Outgoing messages sit on the right, incoming ones on the left.  The
 * line under the text gives the time and, for outgoing messages, the
 * delivery state; a failed message offers Retry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-message-row.h"

struct _TandemMessageRow
{
  GtkListBoxRow       parent_instance;

  TandemConversation *conversation;
  TandemChatMessage  *message;

  GtkBox             *bubble;
  GtkLabel           *text_label;
  GtkLabel           *meta_label;
  GtkButton          *retry_button;
};

G_DEFINE_FINAL_TYPE (TandemMessageRow, tandem_message_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
state_label (TandemMessageState state)
{
  switch (state)
    {
    case TANDEM_MESSAGE_SENDING:
      return _("Sending…");
    case TANDEM_MESSAGE_SENT:
      return _("Sent");
    case TANDEM_MESSAGE_DELIVERED:
      return _("Delivered");
    case TANDEM_MESSAGE_READ:
      return _("Read");
    case TANDEM_MESSAGE_FAILED:
      return _("Not delivered");
    case TANDEM_MESSAGE_RECEIVED:
    default:
      return NULL;
    }
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  /* Translators: date and time of an older message, see strftime(3) */
  return g_date_time_format (time, _("%e %b %Y, %H:%M"));
}

static void
on_message_changed (TandemMessageRow *self)
{
  TandemMessageState state = tandem_chat_message_get_state (self->message);
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->bubble));
  g_autofree char *time = format_time (tandem_chat_message_get_time (self->message));
  const char *label = state_label (state);
  g_autofree char *meta = label ? g_strdup_printf ("%s · %s", time, label) : g_strdup (time);
  g_autofree char *accessible = NULL;

  gtk_label_set_text (self->meta_label, meta);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), state == TANDEM_MESSAGE_FAILED);
  if (state == TANDEM_MESSAGE_FAILED)
    gtk_style_context_add_class (style, "failed");
  else
    gtk_style_context_remove_class (style, "failed");

  accessible = g_strdup_printf ("%s, %s",
                                tandem_chat_message_is_outgoing (self->message) ? _("You") : _("Them"),
                                meta);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), accessible);
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self)),
                              tandem_chat_message_get_text (self->message));
}

static void
on_retry_clicked (TandemMessageRow *self)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_conversation_retry (self->conversation, self->message, &error))
    g_message ("Retry: %s", error->message);
}

static void
tandem_message_row_dispose (GObject *object)
{
  TandemMessageRow *self = TANDEM_MESSAGE_ROW (object);

  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_clear_object (&self->message);
  g_clear_object (&self->conversation);

  G_OBJECT_CLASS (tandem_message_row_parent_class)->dispose (object);
}

static void
tandem_message_row_class_init (TandemMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_message_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, TandemMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, TandemMessageRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, TandemMessageRow, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
}

static void
tandem_message_row_init (TandemMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tandem_message_row_new (TandemConversation *conversation,
                        TandemChatMessage  *message)
{
  TandemMessageRow *self = g_object_new (TANDEM_TYPE_MESSAGE_ROW, NULL);
  gboolean outgoing = tandem_chat_message_is_outgoing (message);

  self->conversation = g_object_ref (conversation);
  self->message = g_object_ref (message);
  gtk_label_set_text (self->text_label, tandem_chat_message_get_text (message));
  gtk_widget_set_halign (GTK_WIDGET (self->bubble), outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (GTK_WIDGET (self->meta_label), outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
  if (outgoing)
    gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->bubble)), "outgoing");
  g_signal_connect_swapped (message, "notify::state", G_CALLBACK (on_message_changed), self);
  on_message_changed (self);

  return GTK_WIDGET (self);
}

TandemChatMessage *
tandem_message_row_get_message (TandemMessageRow *self)
{
  g_return_val_if_fail (TANDEM_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}
