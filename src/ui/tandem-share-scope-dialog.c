/* tandem-share-scope-dialog.c
 *
 * Three choices -- the whole screen, one monitor, one window -- each with
 * its list where it needs one, and below them what the other side will
 * see.  Picking a monitor or a window in a list selects its choice.
 * Monitors are the display's GdkMonitors; windows come from the share
 * layer (tandem_x11_list_windows), listed once when the dialog opens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-scope-dialog"

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>

#include "tandem-share-scope-dialog.h"
#include "tandem-x11-windows.h"

struct _TandemShareScopeDialog
{
  GtkDialog       parent_instance;

  char           *peer_name;
  gboolean        portal;        /* Wayland: the desktop's own picker chooses */

  GtkRadioButton *screen_radio;
  GtkRadioButton *monitor_radio;
  GtkRadioButton *window_radio;
  GtkComboBoxText *monitor_combo;
  GtkComboBoxText *window_combo;
  GtkLabel       *notice_label;
  GtkLabel       *control_label;
};

G_DEFINE_FINAL_TYPE (TandemShareScopeDialog, tandem_share_scope_dialog, GTK_TYPE_DIALOG)

static void
update_notice (TandemShareScopeDialog *self)
{
  g_autofree char *notice = NULL;
  g_autofree char *control = NULL;

  if (self->peer_name == NULL)
    return;  /* still being built */

  if (self->portal)
    /* Translators: %s is a contact's name */
    notice = g_strdup_printf (_("Your desktop asks next what to share: a whole screen or one window. %s will see only what you pick there."),
                              self->peer_name);
  else if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->window_radio)))
    {
      g_autofree char *title = gtk_combo_box_text_get_active_text (self->window_combo);

      /* Translators: the first %s is a contact's name, the second a window title */
      notice = g_strdup_printf (_("%s will see only the window “%s”; other windows are blacked out."),
                                self->peer_name, title != NULL ? title : "");
    }
  else if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->monitor_radio)))
    /* Translators: %s is a contact's name */
    notice = g_strdup_printf (_("%s will see only this monitor, with the windows and notifications on it."),
                              self->peer_name);
  else
    /* Translators: %s is a contact's name */
    notice = g_strdup_printf (_("%s will see everything on your screen, including notifications and other windows."),
                              self->peer_name);

  /* Translators: %s is a contact's name */
  control = g_strdup_printf (_("%s can't control it unless you allow it."), self->peer_name);
  gtk_label_set_text (self->notice_label, notice);
  gtk_label_set_text (self->control_label, control);
}

static void
on_choice_toggled (TandemShareScopeDialog *self)
{
  update_notice (self);
}

static void
on_monitor_changed (TandemShareScopeDialog *self)
{
  if (gtk_combo_box_get_active (GTK_COMBO_BOX (self->monitor_combo)) >= 0)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->monitor_radio), TRUE);
  update_notice (self);
}

static void
on_window_changed (TandemShareScopeDialog *self)
{
  if (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->window_combo)) != NULL)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->window_radio), TRUE);
  update_notice (self);
}

/* Opening a list means choosing from it, even to keep what it shows. */
static void
on_combo_popup_shown (GtkComboBox            *combo,
                      GParamSpec             *pspec,
                      TandemShareScopeDialog *self)
{
  gboolean shown = FALSE;

  g_object_get (combo, "popup-shown", &shown, NULL);
  if (!shown)
    return;
  if (combo == GTK_COMBO_BOX (self->monitor_combo))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->monitor_radio), TRUE);
  else if (gtk_combo_box_get_active_id (combo) != NULL)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->window_radio), TRUE);
}

static void
fill_monitors (TandemShareScopeDialog *self,
               GdkDisplay             *display)
{
  int n = gdk_display_get_n_monitors (display);

  for (int i = 0; i < n; i++)
    {
      GdkMonitor *monitor = gdk_display_get_monitor (display, i);
      const char *model = gdk_monitor_get_model (monitor);
      int scale = gdk_monitor_get_scale_factor (monitor);
      GdkRectangle geometry;
      g_autofree char *id = g_strdup_printf ("%d", i);
      g_autofree char *text = NULL;

      gdk_monitor_get_geometry (monitor, &geometry);
      if (model != NULL && *model != '\0')
        /* Translators: a monitor: its number, its model or connector, and its size in pixels */
        text = g_strdup_printf (_("Monitor %d — %s, %d×%d"), i + 1, model,
                                geometry.width * scale, geometry.height * scale);
      else
        /* Translators: a monitor: its number and its size in pixels */
        text = g_strdup_printf (_("Monitor %d — %d×%d"), i + 1,
                                geometry.width * scale, geometry.height * scale);
      gtk_combo_box_text_append (self->monitor_combo, id, text);
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->monitor_combo), 0);
}

static void
fill_windows (TandemShareScopeDialog *self,
              GdkDisplay             *display)
{
  /* The share layer speaks X11: GDK's X display when it has one, else $DISPLAY. */
  const char *name = g_strcmp0 (G_OBJECT_TYPE_NAME (display), "GdkX11Display") == 0
                     ? gdk_display_get_name (display) : NULL;
  g_autoptr(GPtrArray) windows = tandem_x11_list_windows (name);

  for (guint i = 0; i < windows->len; i++)
    {
      TandemX11Window *window = g_ptr_array_index (windows, i);
      g_autofree char *id = g_strdup_printf ("%lu", window->xid);

      gtk_combo_box_text_append (self->window_combo, id, window->title);
    }

  if (windows->len > 0)
    {
      gtk_combo_box_set_active (GTK_COMBO_BOX (self->window_combo), 0);
      return;
    }
  gtk_combo_box_text_append (self->window_combo, NULL, _("No windows found"));
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->window_combo), 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_combo), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_radio), FALSE);
}

/* "123", "0x7b": an X id; 0 if not a number. */
static gulong
parse_xid (const char *text)
{
  char *end = NULL;
  guint64 value;

  if (g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X"))
    value = g_ascii_strtoull (text + 2, &end, 16);
  else
    value = g_ascii_strtoull (text, &end, 10);
  return end != NULL && end != text && *end == '\0' && value <= G_MAXULONG ? (gulong) value : 0;
}

static void
select_scope (TandemShareScopeDialog *self,
              const char             *scope)
{
  GtkRadioButton *radio = self->screen_radio;

  if (scope != NULL && g_str_has_prefix (scope, "monitor:"))
    {
      g_autofree char *id = NULL;
      char *end = NULL;
      guint64 index = g_ascii_strtoull (scope + 8, &end, 10);

      if (end != scope + 8 && *end == '\0')
        {
          id = g_strdup_printf ("%" G_GUINT64_FORMAT, index);
          if (gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->monitor_combo), id))
            radio = self->monitor_radio;
        }
    }
  else if (scope != NULL && g_str_has_prefix (scope, "window:"))
    {
      gulong xid = parse_xid (scope + 7);
      g_autofree char *id = g_strdup_printf ("%lu", xid);

      if (xid != 0 && gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->window_combo), id))
        radio = self->window_radio;
    }

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (radio), TRUE);
  update_notice (self);
}

TandemShareScopeDialog *
tandem_share_scope_dialog_new (GtkWindow  *parent,
                               const char *peer_name,
                               const char *initial_scope)
{
  TandemShareScopeDialog *self;
  GdkDisplay *display;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (TANDEM_TYPE_SHARE_SCOPE_DIALOG,
                       "use-header-bar", TRUE,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  /* Translators: who the screen is shared with when their name is unknown */
  self->peer_name = g_strdup (peer_name != NULL && *peer_name != '\0' ? peer_name : _("The other side"));

  /* Translators: title of the dialog; %s is a contact's name */
  title = g_strdup_printf (_("Share your screen with %s"), self->peer_name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  display = parent != NULL ? gtk_widget_get_display (GTK_WIDGET (parent)) : gdk_display_get_default ();
  fill_monitors (self, display);
  fill_windows (self, display);
  select_scope (self, initial_scope);
  gtk_widget_grab_focus (gtk_dialog_get_widget_for_response (GTK_DIALOG (self), GTK_RESPONSE_OK));
  return self;
}

/* On Wayland: no X11 monitors or windows to list; the desktop's portal
 * picker chooses after this dialog.  It still says what the other person
 * will see and that they cannot control it unless allowed. */
TandemShareScopeDialog *
tandem_share_scope_dialog_new_for_portal (GtkWindow  *parent,
                                          const char *peer_name)
{
  TandemShareScopeDialog *self = tandem_share_scope_dialog_new (parent, peer_name, NULL);

  self->portal = TRUE;
  gtk_widget_hide (gtk_widget_get_parent (GTK_WIDGET (self->screen_radio)));
  update_notice (self);
  return self;
}

char *
tandem_share_scope_dialog_dup_scope (TandemShareScopeDialog *self)
{
  const char *id;

  g_return_val_if_fail (TANDEM_IS_SHARE_SCOPE_DIALOG (self), NULL);

  if (self->portal)
    return g_strdup ("portal");
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->monitor_radio))
      && (id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->monitor_combo))) != NULL)
    return g_strdup_printf ("monitor:%s", id);
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->window_radio))
      && (id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->window_combo))) != NULL)
    return g_strdup_printf ("window:%s", id);
  return g_strdup ("screen");
}

static void
tandem_share_scope_dialog_finalize (GObject *object)
{
  TandemShareScopeDialog *self = TANDEM_SHARE_SCOPE_DIALOG (object);

  g_free (self->peer_name);

  G_OBJECT_CLASS (tandem_share_scope_dialog_parent_class)->finalize (object);
}

static void
tandem_share_scope_dialog_class_init (TandemShareScopeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tandem_share_scope_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-share-scope-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, screen_radio);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, monitor_radio);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, window_radio);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, monitor_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, window_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareScopeDialog, control_label);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_monitor_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_window_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_combo_popup_shown);
}

static void
tandem_share_scope_dialog_init (TandemShareScopeDialog *self)
{
  GList *cells;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Long window titles are cut, not allowed to widen the dialog. */
  cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (self->window_combo));
  for (GList *l = cells; l != NULL; l = l->next)
    g_object_set (l->data, "ellipsize", PANGO_ELLIPSIZE_END, "max-width-chars", 40, NULL);
  g_list_free (cells);
}
