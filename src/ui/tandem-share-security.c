/* tandem-share-security.c
 *
 * An icon, a label and, end to end only, a "Mark as verified" check box:
 *   - end to end: "End-to-end encrypted. Security code: 4F2A 91"; the
 *     tooltip says to read it to each other on the call; a code that
 *     changed since it was marked verified is shown as a warning;
 *   - TLS to a relay (a Blink peer via relays): "Encrypted to the relay
 *     only"; TLS straight to a Blink peer: "Encrypted, without a security
 *     code"; plain TCP: "Not encrypted".
 * It only shows what the controller sets; the controller turns the
 * check box's "verified-toggled" into tandem_share_set_key_verified().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-security"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-security.h"

struct _TandemShareSecurity
{
  GtkBox      parent_instance;

  GtkImage   *image;
  GtkLabel   *label;
  GtkWidget  *verified_button;
  gboolean    updating;
  TandemShare *share;
};

enum {
  SIGNAL_VERIFIED_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemShareSecurity, tandem_share_security, GTK_TYPE_BOX)

static void
on_verified_toggled (GtkToggleButton     *button,
                     TandemShareSecurity *self)
{
  if (self->updating)
    return;
  g_signal_emit (self, signals[SIGNAL_VERIFIED_TOGGLED], 0, gtk_toggle_button_get_active (button));
  if (self->share != NULL)
    tandem_share_set_key_verified (self->share, gtk_toggle_button_get_active (button));
}

static void
on_share_notify (TandemShare         *share,
                 GParamSpec          *pspec,
                 TandemShareSecurity *self)
{
  g_autofree char *code = tandem_share_dup_security_code (share);

  tandem_share_security_set_state (self, tandem_share_get_encryption (share), code,
                                   tandem_share_get_key_state (share));
}

void
tandem_share_security_set_share (TandemShareSecurity *self,
                                 TandemShare         *share)
{
  g_return_if_fail (TANDEM_IS_SHARE_SECURITY (self));

  if (self->share != NULL)
    g_signal_handlers_disconnect_by_data (self->share, self);
  g_set_object (&self->share, share);
  if (share == NULL)
    return;
  g_signal_connect (share, "notify::state", G_CALLBACK (on_share_notify), self);
  g_signal_connect (share, "notify::key-state", G_CALLBACK (on_share_notify), self);
  on_share_notify (share, NULL, self);
}

static void
tandem_share_security_dispose (GObject *object)
{
  tandem_share_security_set_share (TANDEM_SHARE_SECURITY (object), NULL);
  G_OBJECT_CLASS (tandem_share_security_parent_class)->dispose (object);
}

GtkWidget *
tandem_share_security_new (void)
{
  return g_object_new (TANDEM_TYPE_SHARE_SECURITY, NULL);
}

void
tandem_share_security_set_state (TandemShareSecurity  *self,
                                 TandemShareEncryption encryption,
                                 const char           *code,
                                 TandemShareKeyState   key_state)
{
  GtkStyleContext *style;
  g_autofree char *text = NULL;
  const char *icon = "security-medium-symbolic";
  const char *tooltip = NULL;
  gboolean e2e = encryption == TANDEM_SHARE_ENCRYPTION_END_TO_END && code != NULL;
  gboolean changed = (e2e && key_state == TANDEM_SHARE_KEY_CHANGED) ||
                     (!e2e && key_state == TANDEM_SHARE_KEY_MISSING);

  g_return_if_fail (TANDEM_IS_SHARE_SECURITY (self));

  style = gtk_widget_get_style_context (GTK_WIDGET (self));
  switch (encryption)
    {
    case TANDEM_SHARE_ENCRYPTION_END_TO_END:
      icon = changed ? "dialog-warning-symbolic" : "security-high-symbolic";
      if (changed)
        /* Translators: %s is a code like "4F2A 91" */
        text = g_strdup_printf (_("Security code: %s. It changed since you marked it verified"), code);
      else
        /* Translators: %s is a code like "4F2A 91" */
        text = g_strdup_printf (_("End-to-end encrypted. Security code: %s"), code);
      tooltip = _("Read the code to each other on the call. If it is the same on both "
                  "sides, nobody in between can see the screen.");
      break;
    case TANDEM_SHARE_ENCRYPTION_TO_RELAY:
      text = g_strdup (_("Encrypted to the relay only"));
      tooltip = _("The other side's app does not support end-to-end encryption: the "
                  "operator of the relay can see the screen.");
      break;
    case TANDEM_SHARE_ENCRYPTION_TLS:
      text = g_strdup (_("Encrypted, without a security code"));
      tooltip = _("The other side's app does not support end-to-end encryption "
                  "with a security code.");
      break;
    case TANDEM_SHARE_ENCRYPTION_NONE:
      icon = "security-low-symbolic";
      text = g_strdup (_("Not encrypted"));
      tooltip = _("Screen sharing is set to plain TCP: anyone on the way can see the screen.");
      break;
    case TANDEM_SHARE_ENCRYPTION_UNKNOWN:
    default:
      break;
    }
  if (changed && !e2e && text != NULL)
    {
      /* Translators: %s says how the share is protected, e.g. "Encrypted to the relay only" */
      g_autofree char *warning = g_strdup_printf (_("%s, although you verified a security code "
                                                    "with them before"), text);

      g_free (text);
      text = g_steal_pointer (&warning);
      icon = "dialog-warning-symbolic";
      tooltip = _("Someone between you may have removed the end-to-end encryption, or they "
                  "use another app now. Ask them on the call.");
    }
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
  gtk_label_set_text (self->label, text != NULL ? text : "");
  gtk_image_set_from_icon_name (self->image, icon, GTK_ICON_SIZE_BUTTON);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), tooltip);
  if (changed)
    gtk_style_context_add_class (style, "key-changed");
  else
    gtk_style_context_remove_class (style, "key-changed");
  self->updating = TRUE;
  gtk_widget_set_visible (self->verified_button, e2e);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->verified_button),
                                e2e && key_state == TANDEM_SHARE_KEY_VERIFIED);
  self->updating = FALSE;
}

const char *
tandem_share_security_get_text (TandemShareSecurity *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SECURITY (self), NULL);
  return gtk_label_get_text (self->label);
}

GtkToggleButton *
tandem_share_security_get_verified_button (TandemShareSecurity *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SECURITY (self), NULL);
  return GTK_TOGGLE_BUTTON (self->verified_button);
}

static void
tandem_share_security_class_init (TandemShareSecurityClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_share_security_dispose;
  signals[SIGNAL_VERIFIED_TOGGLED] =
    g_signal_new ("verified-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
tandem_share_security_init (TandemShareSecurity *self)
{
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_no_show_all (GTK_WIDGET (self), TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "share-security");
  self->image = GTK_IMAGE (gtk_image_new_from_icon_name ("security-medium-symbolic", GTK_ICON_SIZE_BUTTON));
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (self->label, FALSE);
  /* Translators: a check box next to the security code */
  self->verified_button = gtk_check_button_new_with_mnemonic (_("Mark as _verified"));
  gtk_widget_set_tooltip_text (self->verified_button,
                               _("Tick this once you both read the same code. Tandem then "
                                 "warns you if this person's key ever changes."));
  g_signal_connect (self->verified_button, "toggled", G_CALLBACK (on_verified_toggled), self);
  gtk_box_pack_start (GTK_BOX (self), GTK_WIDGET (self->image), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self), GTK_WIDGET (self->label), TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (self), self->verified_button, FALSE, FALSE, 0);
  gtk_widget_show (GTK_WIDGET (self->image));
  gtk_widget_show (GTK_WIDGET (self->label));
}
