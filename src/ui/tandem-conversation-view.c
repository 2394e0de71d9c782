/* tandem-conversation-view.c
 *
 * A header with the peer and the Call / Share my screen / Request screen
 * buttons, then a horizontal pane: the shared screen's slot (hidden until
 * a share is running) and the chat.  Sending goes through the
 * app.send-message action, the same path D-Bus uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-conversation-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-conversation-view.h"
#include "tandem-message-row.h"
#include "tandem-presence-label.h"

#define OLDER_PAGE 50

struct _TandemConversationView
{
  GtkBox              parent_instance;

  TandemConversation *conversation;
  TandemContact      *contact;
  char               *address;
  gboolean            stick_to_bottom;
  double              restore_from_bottom;  /* < 0: nothing to restore */

  GtkImage           *presence_image;
  GtkLabel           *peer_name_label;
  GtkLabel           *peer_status_label;
  GtkScrolledWindow  *scroller;
  GtkListBox         *message_list;
  GtkLabel           *composing_label;
  GtkEntry           *message_entry;
  GtkButton          *send_button;
  GtkButton          *call_button;
  GtkButton          *share_button;
  GtkButton          *request_button;
  GtkPaned           *share_paned;
  GtkBox             *share_slot;
  GHashTable         *share_widgets;  /* address -> the shared screen with them */
  gboolean            place_divider;
};

G_DEFINE_FINAL_TYPE (TandemConversationView, tandem_conversation_view, GTK_TYPE_BOX)

static const char *
peer_name (TandemConversationView *self)
{
  return self->contact ? tandem_contact_get_name (self->contact) : self->address;
}

static void
on_contact_changed (TandemConversationView *self)
{
  static const char *classes[] = { "offline", "available", "away", "busy", "dnd" };
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->presence_image));
  TandemPresence presence = self->contact ? tandem_contact_get_presence (self->contact)
                                          : TANDEM_PRESENCE_OFFLINE;
  g_autofree char *status = NULL;

  gtk_label_set_text (self->peer_name_label, peer_name (self));
  if (self->contact != NULL)
    {
      const char *note = tandem_contact_get_note (self->contact);

      status = note && *note
        ? g_strdup_printf (_("%s — %s"), tandem_presence_get_label (presence), note)
        : g_strdup (tandem_presence_get_label (presence));
      status = g_strdup_printf ("%s · %s", tandem_contact_get_address (self->contact),
                                g_steal_pointer (&status));
    }
  else
    status = g_strdup_printf ("%s · %s", self->address, _("Not in your contacts"));
  gtk_label_set_text (self->peer_status_label, status);

  gtk_image_set_from_icon_name (self->presence_image, tandem_presence_get_icon_name (presence),
                                GTK_ICON_SIZE_LARGE_TOOLBAR);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_style_context_remove_class (style, classes[i]);
  gtk_style_context_add_class (style, classes[presence]);
}

static void
on_composing_changed (TandemConversationView *self)
{
  gboolean composing = self->conversation && tandem_conversation_get_remote_composing (self->conversation);

  if (composing)
    {
      /* Translators: %s is the contact's name */
      g_autofree char *text = g_strdup_printf (_("%s is typing…"), peer_name (self));
      gtk_label_set_text (self->composing_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->composing_label), composing);
}

static GtkWidget *
create_message_row (gpointer item,
                    gpointer user_data)
{
  TandemConversationView *self = user_data;

  return tandem_message_row_new (self->conversation, TANDEM_CHAT_MESSAGE (item));
}

/* ----- scrolling ----------------------------------------------------- */

static void
on_adjustment_changed (GtkAdjustment          *adjustment,
                       TandemConversationView *self)
{
  if (self->restore_from_bottom >= 0)
    {
      gtk_adjustment_set_value (adjustment,
                                gtk_adjustment_get_upper (adjustment) - self->restore_from_bottom);
      self->restore_from_bottom = -1;
    }
  else if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

static void
on_adjustment_value_changed (GtkAdjustment          *adjustment,
                             TandemConversationView *self)
{
  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >=
    gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 8;
}

static void
on_scroller_edge_reached (GtkScrolledWindow      *scroller,
                          GtkPositionType         pos,
                          TandemConversationView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  double from_bottom;

  if (pos != GTK_POS_TOP || self->conversation == NULL ||
      !tandem_conversation_has_older (self->conversation))
    return;

  /* Keep what the user is reading in place while older messages are
   * inserted above it. */
  from_bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment);
  if (tandem_conversation_load_older (self->conversation, OLDER_PAGE) > 0)
    self->restore_from_bottom = from_bottom;
}

/* ----- input --------------------------------------------------------- */

static void
on_send (TandemConversationView *self)
{
  const char *text = gtk_entry_get_text (self->message_entry);
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());

  if (self->address == NULL || text == NULL || *text == '\0' || app == NULL)
    return;

  self->stick_to_bottom = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "send-message",
                                  g_variant_new ("(ss)", self->address, text));
  gtk_entry_set_text (self->message_entry, "");
}

static void
on_entry_changed (TandemConversationView *self)
{
  const char *text = gtk_entry_get_text (self->message_entry);
  gboolean has_text = text != NULL && *text != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), has_text && self->address != NULL);
  if (has_text && self->conversation != NULL)
    tandem_conversation_set_composing (self->conversation);
}

/* ----- public -------------------------------------------------------- */

static void
disconnect_peer (TandemConversationView *self)
{
  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_clear_object (&self->conversation);
  g_clear_object (&self->contact);
  g_clear_pointer (&self->address, g_free);
}

/* The screen gets the room; the chat keeps a readable column. */
static void
on_share_paned_size_allocate (GtkWidget              *paned,
                              GdkRectangle           *allocation,
                              TandemConversationView *self)
{
  if (!self->place_divider || allocation->width < 200)
    return;
  self->place_divider = FALSE;
  gtk_paned_set_position (self->share_paned, MAX (allocation->width - 380, allocation->width / 2));
}

static void
update_share_slot (TandemConversationView *self)
{
  GtkWidget *wanted = self->address ? g_hash_table_lookup (self->share_widgets, self->address) : NULL;
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->share_slot));

  for (GList *l = children; l != NULL; l = l->next)
    if (l->data != wanted)
      gtk_container_remove (GTK_CONTAINER (self->share_slot), l->data);
  if (wanted != NULL && gtk_widget_get_parent (wanted) == NULL)
    {
      gtk_box_pack_start (self->share_slot, wanted, TRUE, TRUE, 0);
      gtk_widget_show (wanted);
      /* Placed at the next allocation: the view may not have its size yet
       * (it may just have been switched to). */
      self->place_divider = TRUE;
      gtk_widget_queue_resize (GTK_WIDGET (self->share_paned));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->share_slot), wanted != NULL);
}

void
tandem_conversation_view_set_peer (TandemConversationView *self,
                                   TandemConversation     *conversation,
                                   TandemContact          *contact,
                                   const char             *address)
{
  g_return_if_fail (TANDEM_IS_CONVERSATION_VIEW (self));

  disconnect_peer (self);
  self->conversation = conversation ? g_object_ref (conversation) : NULL;
  self->contact = contact ? g_object_ref (contact) : NULL;
  self->address = g_strdup (contact ? tandem_contact_get_address (contact) : address);
  self->stick_to_bottom = TRUE;

  if (self->contact != NULL)
    g_signal_connect_swapped (self->contact, "notify", G_CALLBACK (on_contact_changed), self);
  if (self->conversation != NULL)
    {
      g_signal_connect_swapped (self->conversation, "notify::remote-composing",
                                G_CALLBACK (on_composing_changed), self);
      /* What arrives while the user is looking is read. */
      g_signal_connect_swapped (self->conversation, "notify::unread-count",
                                G_CALLBACK (tandem_conversation_view_mark_read), self);
    }

  gtk_list_box_bind_model (self->message_list,
                           self->conversation ? tandem_conversation_get_messages (self->conversation) : NULL,
                           create_message_row, self, NULL);
  /* The target first: an action name without its parameter is refused. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->call_button),
                                          g_variant_new_string (self->address ? self->address : ""));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->call_button), "app.call");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->share_button),
                                          g_variant_new_string (self->address ? self->address : ""));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->share_button), "app.choose-share-screen");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->request_button),
                                          g_variant_new_string (self->address ? self->address : ""));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->request_button), "app.request-screen");
  update_share_slot (self);
  gtk_entry_set_text (self->message_entry, "");
  on_entry_changed (self);
  on_contact_changed (self);
  on_composing_changed (self);
  tandem_conversation_view_mark_read (self);
}

/* The shared screen of @address (a widget; NULL to forget it) shows
 * beside the chat whenever the conversation with them is on screen. */
void
tandem_conversation_view_set_share_widget (TandemConversationView *self,
                                           const char             *address,
                                           GtkWidget              *widget)
{
  g_return_if_fail (TANDEM_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (address != NULL);

  if (widget != NULL)
    g_hash_table_replace (self->share_widgets, g_strdup (address), g_object_ref_sink (widget));
  else
    g_hash_table_remove (self->share_widgets, address);
  update_share_slot (self);
}

const char *
tandem_conversation_view_get_address (TandemConversationView *self)
{
  g_return_val_if_fail (TANDEM_IS_CONVERSATION_VIEW (self), NULL);
  return self->address;
}

void
tandem_conversation_view_mark_read (TandemConversationView *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  g_return_if_fail (TANDEM_IS_CONVERSATION_VIEW (self));

  if (self->conversation != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      GTK_IS_WINDOW (toplevel) && gtk_window_is_active (GTK_WINDOW (toplevel)))
    tandem_conversation_mark_read (self->conversation);
}

/* ----- GObject ------------------------------------------------------- */

static void
tandem_conversation_view_dispose (GObject *object)
{
  TandemConversationView *self = TANDEM_CONVERSATION_VIEW (object);

  disconnect_peer (self);
  g_clear_pointer (&self->share_widgets, g_hash_table_unref);

  G_OBJECT_CLASS (tandem_conversation_view_parent_class)->dispose (object);
}

static void
tandem_conversation_view_class_init (TandemConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_conversation_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, presence_image);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, peer_name_label);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, peer_status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, scroller);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, message_list);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, composing_label);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, message_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, send_button);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, call_button);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, share_button);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, request_button);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, share_paned);
  gtk_widget_class_bind_template_child (widget_class, TandemConversationView, share_slot);
  gtk_widget_class_bind_template_callback (widget_class, on_scroller_edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, on_send);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
tandem_conversation_view_init (TandemConversationView *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->share_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_signal_connect (self->share_paned, "size-allocate", G_CALLBACK (on_share_paned_size_allocate), self);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_value_changed), self);
  self->stick_to_bottom = TRUE;
  self->restore_from_bottom = -1;
}
