/* tandem-share-prompt.c: TandemSharePrompt (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-prompt"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-prompt.h"

struct _TandemSharePrompt
{
  GtkInfoBar  parent_instance;

  GtkLabel   *label;
};

G_DEFINE_FINAL_TYPE (TandemSharePrompt, tandem_share_prompt, GTK_TYPE_INFO_BAR)

static void
tandem_share_prompt_class_init (TandemSharePromptClass *klass)
{
}

static void
tandem_share_prompt_init (TandemSharePrompt *self)
{
  GtkInfoBar *bar = GTK_INFO_BAR (self);

  gtk_widget_set_name (GTK_WIDGET (self), "share_prompt");
  gtk_info_bar_set_message_type (bar, GTK_MESSAGE_QUESTION);
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_line_wrap (self->label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_container_add (GTK_CONTAINER (gtk_info_bar_get_content_area (bar)), GTK_WIDGET (self->label));
}

GtkWidget *
tandem_share_prompt_new (const char *peer_name,
                         gboolean    asks_to_see,
                         gboolean    on_call,
                         gboolean    with_audio)
{
  TandemSharePrompt *self = g_object_new (TANDEM_TYPE_SHARE_PROMPT, NULL);
  GtkInfoBar *bar = GTK_INFO_BAR (self);
  g_autofree char *text = NULL;
  GtkWidget *decline, *accept;

  if (asks_to_see)
    /* Translators: %s is the person asking */
    text = g_strdup_printf (_("%s asks to see your screen."), peer_name);
  else
    /* Translators: %s is the person offering */
    text = g_strdup_printf (_("%s wants to show you their screen."), peer_name);
  if (on_call)
    {
      /* Translators: a share prompt from the person on the current call */
      g_autofree char *on_call_text = g_strdup_printf (_("On your call: %s"), text);

      g_free (text);
      text = g_steal_pointer (&on_call_text);
    }
  if (with_audio)
    {
      g_autofree char *with_audio_text = g_strdup_printf ("%s %s", text, _("Tandem will call them for the audio."));

      g_free (text);
      text = g_steal_pointer (&with_audio_text);
    }
  gtk_label_set_text (self->label, text);

  decline = gtk_info_bar_add_button (bar, _("_Decline"), GTK_RESPONSE_REJECT);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (decline), "app.decline-share");
  accept = gtk_info_bar_add_button (bar, asks_to_see ? _("_Share…") : _("_Accept"), GTK_RESPONSE_ACCEPT);
  /* Sharing asks what to share first. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (accept), asks_to_see ? "app.choose-accept-share"
                                                                       : "app.accept-share");
  gtk_style_context_add_class (gtk_widget_get_style_context (accept), "suggested-action");
  return GTK_WIDGET (self);
}

const char *
tandem_share_prompt_get_text (TandemSharePrompt *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_PROMPT (self), NULL);
  return gtk_label_get_text (self->label);
}
