/* tandem-call-history-window.c
 *
 * Newest call first: who, when, how long, and whether it was missed or
 * declined.  Activating a row calls back (app.call).  Opening the window
 * counts as having seen the missed calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-call-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-call-history-window.h"

struct _TandemCallHistoryWindow
{
  GtkWindow      parent_instance;

  TandemManager *manager;
  GtkStack      *stack;
  GtkListBox    *list;
  GtkWidget     *clear_button;
};

G_DEFINE_FINAL_TYPE (TandemCallHistoryWindow, tandem_call_history_window, GTK_TYPE_WINDOW)

static char *
describe (TandemCallRecord *record)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (tandem_call_record_get_start (record));
  /* Translators: date and time of a call, see strftime(3) */
  g_autofree char *time = when ? g_date_time_format (when, _("%e %b, %H:%M")) : g_strdup ("");
  guint d = tandem_call_record_get_duration (record);

  switch (tandem_call_record_get_outcome (record))
    {
    case TANDEM_CALL_OUTCOME_MISSED:
      return g_strdup_printf ("%s · %s", time, _("Missed"));
    case TANDEM_CALL_OUTCOME_DECLINED:
      return g_strdup_printf ("%s · %s", time, _("Declined"));
    case TANDEM_CALL_OUTCOME_ABORTED:
      return g_strdup_printf ("%s · %s", time, _("No answer"));
    case TANDEM_CALL_OUTCOME_ANSWERED:
    default:
      return g_strdup_printf ("%s · %u:%02u", time, d / 60, d % 60);
    }
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TandemCallRecord *record = item;
  gboolean missed = tandem_call_record_get_outcome (record) == TANDEM_CALL_OUTCOME_MISSED;
  const char *icon = missed ? "call-missed-symbolic"
                   : tandem_call_record_is_incoming (record) ? "call-incoming-symbolic"
                   : "call-outgoing-symbolic";
  g_autofree char *detail = describe (record);
  g_autofree char *accessible = g_strdup_printf ("%s, %s, %s", tandem_call_record_get_peer_name (record),
                                                 tandem_call_record_is_incoming (record) ? _("incoming") : _("outgoing"),
                                                 detail);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *image = gtk_image_new_from_icon_name (icon, GTK_ICON_SIZE_LARGE_TOOLBAR);
  GtkWidget *name = gtk_label_new (tandem_call_record_get_peer_name (record));
  GtkWidget *info = gtk_label_new (detail);

  g_object_set (box, "margin", 10, NULL);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (info), 0);
  gtk_style_context_add_class (gtk_widget_get_style_context (name), missed ? "missed-call" : "contact-name");
  gtk_style_context_add_class (gtk_widget_get_style_context (info), "dim-label");
  gtk_widget_set_tooltip_text (row, tandem_call_record_get_peer_address (record));
  gtk_container_add (GTK_CONTAINER (labels), name);
  gtk_container_add (GTK_CONTAINER (labels), info);
  gtk_container_add (GTK_CONTAINER (box), image);
  gtk_container_add (GTK_CONTAINER (box), labels);
  gtk_container_add (GTK_CONTAINER (row), box);
  g_object_set_data_full (G_OBJECT (row), "tandem-address",
                          g_strdup (tandem_call_record_get_peer_address (record)), g_free);
  atk_object_set_name (gtk_widget_get_accessible (row), accessible);
  gtk_widget_show_all (row);

  return row;
}

static void
on_history_changed (TandemCallHistoryWindow *self)
{
  guint n = g_list_model_get_n_items (tandem_calls_get_history (tandem_manager_get_calls (self->manager)));

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  gtk_widget_set_sensitive (self->clear_button, n > 0);
}

static void
on_row_activated (TandemCallHistoryWindow *self,
                  GtkListBoxRow           *row)
{
  const char *address = g_object_get_data (G_OBJECT (row), "tandem-address");
  GApplication *app = g_application_get_default ();

  if (address != NULL && app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "call", g_variant_new_string (address));
}

static void
on_clear_clicked (TandemCallHistoryWindow *self)
{
  tandem_calls_clear_history (tandem_manager_get_calls (self->manager));
}

static void
tandem_call_history_window_dispose (GObject *object)
{
  TandemCallHistoryWindow *self = TANDEM_CALL_HISTORY_WINDOW (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (tandem_calls_get_history (tandem_manager_get_calls (self->manager)), self);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tandem_call_history_window_parent_class)->dispose (object);
}

static void
tandem_call_history_window_class_init (TandemCallHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_call_history_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-call-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemCallHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TandemCallHistoryWindow, list);
  gtk_widget_class_bind_template_child (widget_class, TandemCallHistoryWindow, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
tandem_call_history_window_init (TandemCallHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tandem_call_history_window_new (GtkWindow     *parent,
                                TandemManager *manager)
{
  TandemCallHistoryWindow *self = g_object_new (TANDEM_TYPE_CALL_HISTORY_WINDOW,
                                                "transient-for", parent, NULL);
  GListModel *history = tandem_calls_get_history (tandem_manager_get_calls (manager));

  self->manager = g_object_ref (manager);
  gtk_list_box_bind_model (self->list, history, create_row, self, NULL);
  g_signal_connect_swapped (history, "items-changed", G_CALLBACK (on_history_changed), self);
  on_history_changed (self);
  tandem_calls_reset_missed_calls (tandem_manager_get_calls (manager));

  return GTK_WIDGET (self);
}
