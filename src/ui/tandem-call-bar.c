/* tandem-call-bar.c
 *
 * Shows who is on the line, the state, duration and quality, and the
 * controls: Answer/Decline while ringing, then mute, hold, the dial pad and
 * Hang Up.  Answer, Decline and Hang Up are the application's actions, so
 * the notification and D-Bus do the same thing.
 *
 * Below the state, what protects the call: "Not encrypted", the ZRTP
 * security code to read aloud with "Mark as verified" (app.verify-call),
 * a verified peer, or a warning when a verified peer's key changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-call-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-call-bar.h"

struct _TandemCallBar
{
  GtkBox           parent_instance;

  TandemCall      *call;
  guint            tick_id;
  gboolean         updating;

  GtkImage        *call_image;
  GtkLabel        *peer_label;
  GtkLabel        *status_label;
  GtkWidget       *security_box;
  GtkImage        *security_image;
  GtkLabel        *security_label;
  GtkWidget       *verify_button;
  GtkToggleButton *mute_button;
  GtkToggleButton *hold_button;
  GtkWidget       *keypad_button;
  GtkWidget           *share_button;
  GtkWidget           *request_button;
  GtkGrid         *keypad_grid;
  GtkWidget       *answer_button;
  GtkWidget       *decline_button;
  GtkWidget       *hangup_button;
};

G_DEFINE_FINAL_TYPE (TandemCallBar, tandem_call_bar, GTK_TYPE_BOX)

static const char *
quality_label (double quality)
{
  if (quality < 0)
    return NULL;
  if (quality >= 4.0)
    return _("Good quality");
  if (quality >= 3.0)
    return _("Fair quality");
  return _("Poor quality");
}

static char *
describe (TandemCall *call)
{
  guint seconds = tandem_call_get_duration (call);
  g_autofree char *duration = g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
  const char *reason = tandem_call_get_end_reason (call);
  const char *quality;

  switch (tandem_call_get_state (call))
    {
    case TANDEM_CALL_INCOMING:
      return g_strdup (_("Incoming call…"));
    case TANDEM_CALL_OUTGOING:
      return g_strdup (_("Calling…"));
    case TANDEM_CALL_ACTIVE:
      /* The first seconds have too few reports for a meaningful rating. */
      quality = seconds >= 5 ? quality_label (tandem_call_get_quality (call)) : NULL;
      return quality ? g_strdup_printf ("%s · %s", duration, quality) : g_steal_pointer (&duration);
    case TANDEM_CALL_HELD:
      return g_strdup_printf ("%s · %s", duration, _("On hold"));
    case TANDEM_CALL_HELD_BY_PEER:
      /* Translators: the other side put the call on hold */
      return g_strdup_printf ("%s · %s", duration, _("Held by the other side"));
    case TANDEM_CALL_FAILED:
      /* Translators: %s is the reason, e.g. "486 Busy Here" */
      return reason ? g_strdup_printf (_("Call failed: %s"), reason) : g_strdup (_("Call failed"));
    case TANDEM_CALL_ENDED:
    default:
      if (reason != NULL)
        /* Translators: %s is the reason, e.g. "603 Decline" */
        return g_strdup_printf (_("Call ended: %s"), reason);
      return g_strdup_printf ("%s · %s", _("Call ended"), duration);
    }
}

static void
update_security (TandemCallBar *self,
                 gboolean       live)
{
  static const char *classes[] = { "insecure", "secure", "warning" };
  GtkStyleContext *style = gtk_widget_get_style_context (self->security_box);
  const char *peer = tandem_call_get_peer_name (self->call);
  const char *code = tandem_call_get_security_code (self->call);
  const char *icon = "channel-insecure-symbolic";
  const char *class = "insecure";
  g_autofree char *text = NULL;
  g_autofree char *bold = NULL;
  g_autofree char *escaped = NULL;
  gboolean verify = FALSE;

  gtk_widget_set_visible (self->security_box, live);
  if (!live)
    return;

  bold = g_markup_printf_escaped ("<b>%s</b>", code ? code : "");
  peer = escaped = g_markup_escape_text (peer, -1);
  switch (tandem_call_get_security (self->call))
    {
    case TANDEM_CALL_SECURITY_PENDING:
      text = g_markup_escape_text (_("Encrypting…"), -1);
      break;
    case TANDEM_CALL_SECURITY_SRTP:
      icon = "channel-secure-symbolic";
      class = "secure";
      /* Translators: SRTP whose keys came with the call setup (SDES, DTLS), so no code to compare */
      text = g_markup_escape_text (_("Encrypted (keys sent with the call setup)"), -1);
      break;
    case TANDEM_CALL_SECURITY_ZRTP:
      icon = "channel-secure-symbolic";
      class = "secure";
      verify = TRUE;
      /* Translators: %1$s is the code in bold, e.g. "4kd9"; %2$s is the peer, e.g. "bob" */
      text = g_strdup_printf (_("Encrypted. Security code %1$s: read it to %2$s; if they see the same, nobody is listening in."),
                              bold, peer);
      break;
    case TANDEM_CALL_SECURITY_VERIFIED:
      icon = "channel-secure-symbolic";
      class = "secure";
      /* Translators: %s is the peer, e.g. "bob" */
      text = g_strdup_printf (_("Encrypted, %s verified"), peer);
      break;
    case TANDEM_CALL_SECURITY_MISMATCH:
      icon = "dialog-warning-symbolic";
      class = "warning";
      verify = TRUE;
      /* Translators: %1$s is the peer, e.g. "bob"; %2$s the code in bold */
      text = g_strdup_printf (_("Warning: %1$s's security key changed since you verified it. Someone may be listening in. Compare the code %2$s again before you say anything private."),
                              peer, bold);
      break;
    case TANDEM_CALL_SECURITY_BLOCKED:
      /* Translators: %s is the peer, e.g. "bob" */
      text = g_strdup_printf (_("Not encrypted: the keys could not be agreed. Something between you and %s blocks them."),
                              peer);
      break;
    case TANDEM_CALL_SECURITY_NONE:
    default:
      text = g_markup_escape_text (_("Not encrypted"), -1);
      break;
    }

  gtk_label_set_markup (self->security_label, text);
  gtk_image_set_from_icon_name (self->security_image, icon, GTK_ICON_SIZE_BUTTON);
  gtk_widget_set_visible (self->verify_button, verify);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_style_context_remove_class (style, classes[i]);
  gtk_style_context_add_class (style, class);
}

static void
on_call_changed (TandemCallBar *self)
{
  static const char *classes[] = { "incoming", "held", "ended" };
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  TandemCallState state;
  g_autofree char *status = NULL;
  g_autofree char *accessible = NULL;
  gboolean live;

  if (self->call == NULL)
    return;

  state = tandem_call_get_state (self->call);
  live = state == TANDEM_CALL_ACTIVE || state == TANDEM_CALL_HELD || state == TANDEM_CALL_HELD_BY_PEER;
  status = describe (self->call);

  gtk_label_set_text (self->peer_label, tandem_call_get_peer_name (self->call));
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->peer_label), tandem_call_get_peer_address (self->call));

  gtk_widget_set_visible (self->answer_button, state == TANDEM_CALL_INCOMING);
  gtk_widget_set_visible (self->decline_button, state == TANDEM_CALL_INCOMING);
  gtk_widget_set_visible (self->hangup_button, state != TANDEM_CALL_INCOMING &&
                          state != TANDEM_CALL_ENDED && state != TANDEM_CALL_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->mute_button), live);
  gtk_widget_set_visible (GTK_WIDGET (self->hold_button), live);
  gtk_widget_set_visible (self->keypad_button, live);
  /* Sharing with the call's peer, from the call. */
  gtk_widget_set_visible (self->share_button, live);
  gtk_widget_set_visible (self->request_button, live);
  if (live)
    {
      GVariant *peer = g_variant_new_string (tandem_call_get_peer_address (self->call));

      g_variant_ref_sink (peer);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->share_button), peer);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->request_button), peer);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->share_button), "app.choose-share-screen");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->request_button), "app.request-screen");
      g_variant_unref (peer);
    }

  update_security (self, live);

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->mute_button, tandem_call_get_muted (self->call));
  gtk_toggle_button_set_active (self->hold_button, state == TANDEM_CALL_HELD);
  self->updating = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_style_context_remove_class (style, classes[i]);
  if (state == TANDEM_CALL_INCOMING)
    gtk_style_context_add_class (style, "incoming");
  else if (state == TANDEM_CALL_HELD || state == TANDEM_CALL_HELD_BY_PEER)
    gtk_style_context_add_class (style, "held");
  else if (state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED)
    gtk_style_context_add_class (style, "ended");

  gtk_image_set_from_icon_name (self->call_image,
                                state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED
                                ? "call-stop-symbolic" : "call-start-symbolic",
                                GTK_ICON_SIZE_LARGE_TOOLBAR);

  /* Translators: accessible name of the call bar: "Call with bob, 0:42" */
  accessible = g_strdup_printf (_("Call with %s, %s"), tandem_call_get_peer_name (self->call), status);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), accessible);
}

static gboolean
on_tick (gpointer user_data)
{
  on_call_changed (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_mute_toggled (TandemCallBar *self)
{
  if (!self->updating && self->call != NULL)
    tandem_call_set_muted (self->call, gtk_toggle_button_get_active (self->mute_button));
}

static void
on_hold_toggled (TandemCallBar *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->updating || self->call == NULL)
    return;

  if (gtk_toggle_button_get_active (self->hold_button))
    ok = tandem_call_hold (self->call, &error);
  else
    ok = tandem_call_resume (self->call, &error);
  if (!ok)
    g_message ("Hold: %s", error->message);
}

static void
on_keypad_clicked (GtkButton     *button,
                   TandemCallBar *self)
{
  g_autoptr(GError) error = NULL;
  const char *digit = gtk_button_get_label (button);

  if (self->call != NULL && !tandem_call_send_dtmf (self->call, digit[0], &error))
    g_message ("DTMF: %s", error->message);
}

void
tandem_call_bar_set_call (TandemCallBar *self,
                          TandemCall    *call)
{
  g_return_if_fail (TANDEM_IS_CALL_BAR (self));

  if (self->call == call)
    return;

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_set_object (&self->call, call);
  g_clear_handle_id (&self->tick_id, g_source_remove);

  gtk_widget_set_visible (GTK_WIDGET (self), call != NULL);
  if (call == NULL)
    return;

  g_signal_connect_swapped (call, "notify", G_CALLBACK (on_call_changed), self);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
  on_call_changed (self);
}

TandemCall *
tandem_call_bar_get_call (TandemCallBar *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_BAR (self), NULL);
  return self->call;
}

static void
tandem_call_bar_dispose (GObject *object)
{
  TandemCallBar *self = TANDEM_CALL_BAR (object);

  tandem_call_bar_set_call (self, NULL);

  G_OBJECT_CLASS (tandem_call_bar_parent_class)->dispose (object);
}

static void
tandem_call_bar_class_init (TandemCallBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_call_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-call-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, call_image);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, peer_label);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, security_box);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, security_image);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, security_label);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, verify_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, mute_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, hold_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, keypad_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, share_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, request_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, keypad_grid);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, answer_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, decline_button);
  gtk_widget_class_bind_template_child (widget_class, TandemCallBar, hangup_button);
  gtk_widget_class_bind_template_callback (widget_class, on_mute_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_hold_toggled);
}

static void
tandem_call_bar_init (TandemCallBar *self)
{
  static const char digits[] = "123456789*0#";

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < 12; i++)
    {
      char label[2] = { digits[i], '\0' };
      GtkWidget *button = gtk_button_new_with_label (label);

      g_signal_connect (button, "clicked", G_CALLBACK (on_keypad_clicked), self);
      gtk_grid_attach (self->keypad_grid, button, i % 3, i / 3, 1, 1);
      gtk_widget_show (button);
    }
}
