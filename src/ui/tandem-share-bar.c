/* tandem-share-bar.c
 *
 * A coloured bar (style.css: .share-bar, orange; .share-bar.control, red
 * while the viewer has control) that says with whom the screen is shared
 * and whether they can control it, with Allow Control / Revoke Control and
 * Stop Sharing.  Not a GtkInfoBar: Adwaita draws those pale and flattens
 * the suggested and destructive buttons inside them.  The buttons activate
 * the application's actions (app.grant-control, app.revoke-control,
 * app.stop-share), so D-Bus and notifications do the same thing; the bar
 * only shows the state it is given through its properties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-bar.h"
#include "tandem-share-security.h"

struct _TandemShareBar
{
  GtkBox      parent_instance;

  char       *peer_name;
  gboolean    control;
  gboolean    control_requested;

  GtkLabel   *title_label;
  GtkImage   *control_image;
  GtkLabel   *control_label;
  GtkWidget  *allow_button;
  GtkWidget  *revoke_button;
  GtkWidget  *stop_button;
  GtkBox     *text_box;
  GtkWidget  *security;
};

G_DEFINE_FINAL_TYPE (TandemShareBar, tandem_share_bar, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_PEER_NAME,
  PROP_CONTROL,
  PROP_CONTROL_REQUESTED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static const char *
peer (TandemShareBar *self)
{
  /* Translators: who the screen is shared with when their name is unknown */
  return self->peer_name != NULL && *self->peer_name != '\0' ? self->peer_name : _("the other side");
}

static void
set_description (GtkWidget  *widget,
                 const char *description)
{
  gtk_widget_set_tooltip_text (widget, description);
  atk_object_set_description (gtk_widget_get_accessible (widget), description);
}

static void
update (TandemShareBar *self)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  GtkStyleContext *allow_style = gtk_widget_get_style_context (self->allow_button);
  gboolean asking = self->control_requested && !self->control;
  g_autofree char *title = NULL;
  g_autofree char *control = NULL;
  g_autofree char *allow = NULL;
  g_autofree char *revoke = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *accessible = NULL;

  if (asking)
    /* Translators: %s is a contact's name */
    title = g_strdup_printf (_("%s asks to control your screen"), peer (self));
  else
    /* Translators: %s is a contact's name */
    title = g_strdup_printf (_("You are sharing your screen with %s"), peer (self));

  if (self->control)
    /* Translators: %s is a contact's name */
    control = g_strdup_printf (_("%s can control your screen"), peer (self));
  else
    /* Translators: the person you share your screen with can only watch */
    control = g_strdup (_("View only"));

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->control_label, control);
  gtk_image_set_from_icon_name (self->control_image,
                                self->control ? "input-mouse-symbolic" : "view-reveal-symbolic",
                                GTK_ICON_SIZE_BUTTON);

  gtk_widget_set_visible (self->allow_button, !self->control);
  gtk_widget_set_visible (self->revoke_button, self->control);
  if (asking)
    gtk_style_context_add_class (allow_style, "suggested-action");
  else
    gtk_style_context_remove_class (allow_style, "suggested-action");

  if (self->control)
    gtk_style_context_add_class (style, "control");
  else
    gtk_style_context_remove_class (style, "control");
  if (asking)
    gtk_style_context_add_class (style, "requested");
  else
    gtk_style_context_remove_class (style, "requested");

  /* Translators: %s is a contact's name */
  allow = g_strdup_printf (_("Let %s use your mouse and keyboard"), peer (self));
  set_description (self->allow_button, allow);
  /* Translators: %s is a contact's name */
  revoke = g_strdup_printf (_("Take control back from %s; they can still watch"), peer (self));
  set_description (self->revoke_button, revoke);
  /* Translators: %s is a contact's name */
  stop = g_strdup_printf (_("Stop sharing your screen with %s"), peer (self));
  set_description (self->stop_button, stop);

  /* Translators: accessible name of the sharing bar: "You are sharing your screen with bob. View only" */
  accessible = g_strdup_printf (_("%s. %s"), title, control);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), accessible);
}

/* The encryption line (TandemShareSecurity) under the control line. */
GtkWidget *
tandem_share_bar_get_security (TandemShareBar *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_BAR (self), NULL);
  return self->security;
}

GtkWidget *
tandem_share_bar_new (void)
{
  return g_object_new (TANDEM_TYPE_SHARE_BAR, NULL);
}

const char *
tandem_share_bar_get_peer_name (TandemShareBar *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_BAR (self), NULL);
  return self->peer_name;
}

void
tandem_share_bar_set_peer_name (TandemShareBar *self,
                                const char     *peer_name)
{
  g_return_if_fail (TANDEM_IS_SHARE_BAR (self));

  if (g_strcmp0 (self->peer_name, peer_name) == 0)
    return;
  g_free (self->peer_name);
  self->peer_name = g_strdup (peer_name);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
}

gboolean
tandem_share_bar_get_control (TandemShareBar *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_BAR (self), FALSE);
  return self->control;
}

void
tandem_share_bar_set_control (TandemShareBar *self,
                              gboolean        control)
{
  g_return_if_fail (TANDEM_IS_SHARE_BAR (self));

  control = !!control;
  if (self->control == control)
    return;
  self->control = control;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL]);
}

gboolean
tandem_share_bar_get_control_requested (TandemShareBar *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_BAR (self), FALSE);
  return self->control_requested;
}

void
tandem_share_bar_set_control_requested (TandemShareBar *self,
                                        gboolean        control_requested)
{
  g_return_if_fail (TANDEM_IS_SHARE_BAR (self));

  control_requested = !!control_requested;
  if (self->control_requested == control_requested)
    return;
  self->control_requested = control_requested;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_REQUESTED]);
}

static void
tandem_share_bar_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TandemShareBar *self = TANDEM_SHARE_BAR (object);

  switch (prop_id)
    {
    case PROP_PEER_NAME:         g_value_set_string (value, self->peer_name); break;
    case PROP_CONTROL:           g_value_set_boolean (value, self->control); break;
    case PROP_CONTROL_REQUESTED: g_value_set_boolean (value, self->control_requested); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_bar_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TandemShareBar *self = TANDEM_SHARE_BAR (object);

  switch (prop_id)
    {
    case PROP_PEER_NAME:         tandem_share_bar_set_peer_name (self, g_value_get_string (value)); break;
    case PROP_CONTROL:           tandem_share_bar_set_control (self, g_value_get_boolean (value)); break;
    case PROP_CONTROL_REQUESTED: tandem_share_bar_set_control_requested (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_bar_finalize (GObject *object)
{
  TandemShareBar *self = TANDEM_SHARE_BAR (object);

  g_free (self->peer_name);

  G_OBJECT_CLASS (tandem_share_bar_parent_class)->finalize (object);
}

static void
tandem_share_bar_class_init (TandemShareBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tandem_share_bar_get_property;
  object_class->set_property = tandem_share_bar_set_property;
  object_class->finalize = tandem_share_bar_finalize;

  /* Who the screen is shared with, as shown to the user. */
  properties[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, rw);
  /* The viewer currently has control (mouse and keyboard). */
  properties[PROP_CONTROL] = g_param_spec_boolean ("control", NULL, NULL, FALSE, rw);
  /* The viewer asked for control and has no answer yet. */
  properties[PROP_CONTROL_REQUESTED] = g_param_spec_boolean ("control-requested", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, ATK_ROLE_INFO_BAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-share-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, title_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, control_image);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, control_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, allow_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, revoke_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, stop_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareBar, text_box);
}

static void
tandem_share_bar_init (TandemShareBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->security = tandem_share_security_new ();
  gtk_box_pack_start (self->text_box, self->security, FALSE, FALSE, 0);
  update (self);
}
