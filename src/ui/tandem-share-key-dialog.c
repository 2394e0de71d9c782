/* tandem-share-key-dialog.c
 *
 * A warning dialog with Stop Sharing (the default) and Share Anyway,
 * showing the new security code to compare on the call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-key-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-key-dialog.h"

struct _TandemShareKeyDialog
{
  GtkMessageDialog  parent_instance;

  TandemShare      *share;
};

enum {
  SIGNAL_SHARE_ANYWAY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemShareKeyDialog, tandem_share_key_dialog, GTK_TYPE_MESSAGE_DIALOG)

/* The share ended meanwhile (the peer hung up): nothing to ask. */
static void
on_share_state (TandemShare          *share,
                GParamSpec           *pspec,
                TandemShareKeyDialog *self)
{
  if (tandem_share_get_state (share) == TANDEM_SHARE_ENDED)
    gtk_widget_destroy (GTK_WIDGET (self));
}

static void
on_response (GtkDialog *dialog,
             int        response,
             gpointer   data)
{
  TandemShareKeyDialog *self = TANDEM_SHARE_KEY_DIALOG (dialog);
  g_autoptr(TandemShare) share = g_object_ref (self->share);

  g_signal_handlers_disconnect_by_data (share, self);
  g_object_ref (self);
  gtk_widget_destroy (GTK_WIDGET (self));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_message ("share with %s: the user shares despite the changed key",
                 tandem_share_get_peer_address (share));
      g_signal_emit (self, signals[SIGNAL_SHARE_ANYWAY], 0, share);
    }
  else
    tandem_share_stop (share);
  g_object_unref (self);
}

GtkWidget *
tandem_share_key_dialog_new (GtkWindow   *parent,
                             TandemShare *share,
                             const char  *peer_name)
{
  TandemShareKeyDialog *self;
  g_autofree char *code = tandem_share_dup_security_code (share);
  g_autofree char *title = NULL;

  g_return_val_if_fail (TANDEM_IS_SHARE (share), NULL);

  if (code == NULL)
    /* Translators: %s is a contact's name */
    title = g_strdup_printf (_("Your screen would not be end-to-end encrypted for %s"), peer_name);
  else
    /* Translators: %s is a contact's name */
    title = g_strdup_printf (_("The security code of %s changed"), peer_name);
  self = g_object_new (TANDEM_TYPE_SHARE_KEY_DIALOG, "transient-for", parent, "destroy-with-parent", TRUE,
                       "message-type", GTK_MESSAGE_WARNING, "buttons", GTK_BUTTONS_NONE,
                       "text", title, "title", _("Security code changed"), NULL);
  self->share = g_object_ref (share);
  if (code == NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self), "%s",
                                              _("You marked their security code as verified before, "
                                                "but this share has none: someone between you may have "
                                                "removed the encryption, or they use another app now. "
                                                "Ask them on the call before you share your screen."));
  else
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self),
                                              /* Translators: %s is a code like "4F2A 91" */
                                              _("You marked an earlier code as verified. They may have "
                                                "reinstalled Tandem, or someone may be listening in "
                                                "between. Compare the new code, %s, on the call before "
                                                "you share your screen."), code);
  gtk_dialog_add_buttons (GTK_DIALOG (self), _("_Stop Sharing"), GTK_RESPONSE_REJECT,
                          _("Share _Anyway"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_REJECT);
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect_object (share, "notify::state", G_CALLBACK (on_share_state), self, 0);
  return GTK_WIDGET (self);
}

static void
tandem_share_key_dialog_finalize (GObject *object)
{
  TandemShareKeyDialog *self = TANDEM_SHARE_KEY_DIALOG (object);

  g_clear_object (&self->share);
  G_OBJECT_CLASS (tandem_share_key_dialog_parent_class)->finalize (object);
}

static void
tandem_share_key_dialog_class_init (TandemShareKeyDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tandem_share_key_dialog_finalize;

  signals[SIGNAL_SHARE_ANYWAY] =
    g_signal_new ("share-anyway", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE);
}

static void
tandem_share_key_dialog_init (TandemShareKeyDialog *self)
{
}
