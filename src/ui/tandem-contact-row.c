/* tandem-contact-row.c
 *
 * Shows a contact's name, presence icon and status line, and keeps its
 * accessible name in the form "bob, Available".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-contact-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-contact-row.h"
#include "tandem-presence-label.h"

struct _TandemContactRow
{
  GtkListBoxRow  parent_instance;

  TandemContact *contact;

  GtkImage      *presence_image;
  GtkLabel      *name_label;
  GtkLabel      *status_label;
};

G_DEFINE_FINAL_TYPE (TandemContactRow, tandem_contact_row, GTK_TYPE_LIST_BOX_ROW)

static void
update (TandemContactRow *self)
{
  static const char *classes[] = { "offline", "available", "away", "busy", "dnd" };
  TandemPresence presence = tandem_contact_get_presence (self->contact);
  const char *label = tandem_presence_get_label (presence);
  const char *note = tandem_contact_get_note (self->contact);
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->presence_image));
  g_autofree char *status = NULL;
  g_autofree char *accessible = NULL;

  gtk_label_set_text (self->name_label, tandem_contact_get_name (self->contact));
  gtk_image_set_from_icon_name (self->presence_image,
                                tandem_presence_get_icon_name (presence),
                                GTK_ICON_SIZE_BUTTON);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_style_context_remove_class (style, classes[i]);
  gtk_style_context_add_class (style, classes[presence]);

  if (note != NULL && *note != '\0')
    /* Translators: presence, then the contact's own note */
    status = g_strdup_printf (_("%s — %s"), label, note);
  else
    status = g_strdup (label);
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tandem_contact_get_address (self->contact));

  /* Translators: accessible name of a contact row: name, presence */
  accessible = g_strdup_printf (_("%s, %s"), tandem_contact_get_name (self->contact), label);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), accessible);
}

static void
on_contact_notify (TandemContactRow *self)
{
  update (self);
  gtk_list_box_row_changed (GTK_LIST_BOX_ROW (self));
}

static void
tandem_contact_row_dispose (GObject *object)
{
  TandemContactRow *self = TANDEM_CONTACT_ROW (object);

  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_clear_object (&self->contact);

  G_OBJECT_CLASS (tandem_contact_row_parent_class)->dispose (object);
}

static void
tandem_contact_row_class_init (TandemContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_contact_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemContactRow, presence_image);
  gtk_widget_class_bind_template_child (widget_class, TandemContactRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TandemContactRow, status_label);
}

static void
tandem_contact_row_init (TandemContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tandem_contact_row_new (TandemContact *contact)
{
  TandemContactRow *self;

  g_return_val_if_fail (TANDEM_IS_CONTACT (contact), NULL);

  self = g_object_new (TANDEM_TYPE_CONTACT_ROW, NULL);
  self->contact = g_object_ref (contact);
  g_signal_connect_swapped (contact, "notify", G_CALLBACK (on_contact_notify), self);
  update (self);

  return GTK_WIDGET (self);
}

TandemContact *
tandem_contact_row_get_contact (TandemContactRow *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACT_ROW (self), NULL);

  return self->contact;
}
