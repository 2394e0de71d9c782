/* tandem-preferences-window.c
 *
 * Everything here is stored by the service layer (in the profile) or in
 * GSettings; the window only shows and edits it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-preferences-window.h"
#include "tandem-reason-label.h"

struct _TandemPreferencesWindow
{
  GtkWindow        parent_instance;

  TandemManager   *manager;
  GSettings       *settings;
  gboolean         filling;

  GtkStack        *stack;
  GtkListBox      *accounts_list;
  GtkEntry        *identity_entry;
  GtkEntry        *password_entry;
  GtkEntry        *server_entry;
  GtkComboBoxText *transport_combo;
  GtkLabel        *account_error_label;
  GtkLabel        *password_storage_label;
  GtkComboBoxText *capture_combo;
  GtkComboBoxText *playback_combo;
  GtkComboBoxText *ringer_combo;
  GtkComboBoxText *call_encryption_combo;
  GtkLabel        *audio_note_label;
  GtkEntry        *stun_entry;
  GtkToggleButton *stun_check;
  GtkToggleButton *ice_check;
  GtkToggleButton *turn_check;
  GtkEntry        *turn_user_entry;
  GtkEntry        *turn_password_entry;
  GtkEntry        *share_relay_entry;
  GtkLabel        *network_error_label;
  GtkWidget       *notifications_check;
  GtkWidget       *share_tls_check;
};

G_DEFINE_FINAL_TYPE (TandemPreferencesWindow, tandem_preferences_window, GTK_TYPE_WINDOW)

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* ----- accounts ------------------------------------------------------- */

static char *
state_label (TandemAccount *account)
{
  if (tandem_account_get_waiting_for_keyring (account) &&
      tandem_account_get_state (account) != TANDEM_REGISTRATION_OK)
    return tandem_describe_waiting_for_keyring (tandem_account_get_identity (account));

  switch (tandem_account_get_state (account))
    {
    case TANDEM_REGISTRATION_OK:
      return g_strdup (_("Online"));
    case TANDEM_REGISTRATION_PROGRESS:
      return g_strdup (_("Connecting…"));
    case TANDEM_REGISTRATION_FAILED:
      return tandem_describe_sign_in_failure (tandem_account_get_state_message (account));
    case TANDEM_REGISTRATION_CLEARED:
      return g_strdup (_("Signed out"));
    case TANDEM_REGISTRATION_NONE:
    default:
      return g_strdup (_("Not signed in"));
    }
}

static void
on_remove_clicked (GtkButton               *button,
                   TandemPreferencesWindow *self)
{
  TandemAccount *account = g_object_get_data (G_OBJECT (button), "tandem-account");
  g_autoptr(GError) error = NULL;

  if (!tandem_accounts_remove (tandem_manager_get_accounts (self->manager), account, &error))
    show_error (self->account_error_label, error->message);
}

static void
on_account_changed (GtkLabel *status)
{
  TandemAccount *account = g_object_get_data (G_OBJECT (status), "tandem-account");
  g_autofree char *text = state_label (account);

  gtk_label_set_text (status, text);
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  TandemPreferencesWindow *self = user_data;
  TandemAccount *account = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *identity = gtk_label_new (tandem_account_get_identity (account));
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove"));
  g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), tandem_account_get_identity (account));

  g_object_set (box, "margin", 10, NULL);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_label_set_xalign (GTK_LABEL (identity), 0);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (identity), PANGO_ELLIPSIZE_END);
  gtk_style_context_add_class (gtk_widget_get_style_context (status), "dim-label");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  atk_object_set_name (gtk_widget_get_accessible (remove), remove_name);

  g_object_set_data_full (G_OBJECT (status), "tandem-account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (account, "notify", G_CALLBACK (on_account_changed), status, G_CONNECT_SWAPPED);
  on_account_changed (GTK_LABEL (status));
  g_object_set_data_full (G_OBJECT (remove), "tandem-account", g_object_ref (account), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);

  gtk_container_add (GTK_CONTAINER (labels), identity);
  gtk_container_add (GTK_CONTAINER (labels), status);
  gtk_container_add (GTK_CONTAINER (box), labels);
  gtk_container_add (GTK_CONTAINER (box), remove);
  gtk_container_add (GTK_CONTAINER (row), box);
  gtk_widget_show_all (row);

  return row;
}

static void
on_add_account_clicked (TandemPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  TandemTransport transport = TANDEM_TRANSPORT_TLS;
  const char *identity = gtk_entry_get_text (self->identity_entry);
  g_autofree char *with_scheme = NULL;

  tandem_transport_from_string (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->transport_combo)),
                                &transport);
  /* "jane@example.org" is what people type. */
  if (*identity != '\0' && !g_str_has_prefix (identity, "sip:") && !g_str_has_prefix (identity, "sips:"))
    identity = with_scheme = g_strconcat ("sip:", identity, NULL);

  if (tandem_accounts_add (tandem_manager_get_accounts (self->manager), identity,
                                  gtk_entry_get_text (self->password_entry),
                                  gtk_entry_get_text (self->server_entry),
                                  transport, &error) == NULL)
    {
      show_error (self->account_error_label, error->message);
      return;
    }

  show_error (self->account_error_label, NULL);
  gtk_entry_set_text (self->identity_entry, "");
  gtk_entry_set_text (self->password_entry, "");
  gtk_entry_set_text (self->server_entry, "");
}

static void
on_password_storage_changed (TandemPreferencesWindow *self)
{
  if (g_strcmp0 (tandem_accounts_get_password_storage (tandem_manager_get_accounts (self->manager)), "keyring") == 0)
    gtk_label_set_text (self->password_storage_label, _("Passwords are kept in your keyring."));
  else
    gtk_label_set_text (self->password_storage_label,
                        _("No keyring is running: passwords are kept in this profile, "
                          "as a hash once you have signed in."));
}

/* ----- audio ---------------------------------------------------------- */

static void
fill_audio_combo (TandemPreferencesWindow *self,
                  GtkComboBoxText         *combo,
                  TandemAudioRole          role)
{
  g_auto(GStrv) devices = tandem_settings_list_audio_devices (tandem_manager_get_settings (self->manager), role);
  g_autofree char *current = tandem_settings_get_audio_device (tandem_manager_get_settings (self->manager), role);

  gtk_combo_box_text_remove_all (combo);
  for (guint i = 0; devices[i] != NULL; i++)
    gtk_combo_box_text_append (combo, devices[i], devices[i]);
  if (current != NULL)
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), current);
  gtk_widget_set_sensitive (GTK_WIDGET (combo), devices[0] != NULL);
  if (devices[0] == NULL)
    gtk_widget_show (GTK_WIDGET (self->audio_note_label));
}

static void
on_audio_changed (TandemPreferencesWindow *self,
                  GtkComboBox             *combo)
{
  TandemAudioRole role = combo == GTK_COMBO_BOX (self->capture_combo) ? TANDEM_AUDIO_CAPTURE
                       : combo == GTK_COMBO_BOX (self->ringer_combo) ? TANDEM_AUDIO_RINGER
                       : TANDEM_AUDIO_PLAYBACK;
  const char *id = gtk_combo_box_get_active_id (combo);
  g_autoptr(GError) error = NULL;

  if (self->filling || id == NULL)
    return;
  if (!tandem_settings_set_audio_device (tandem_manager_get_settings (self->manager), role, id, &error))
    g_message ("%s", error->message);
}

/* ----- network -------------------------------------------------------- */

static void
fill_network (TandemPreferencesWindow *self)
{
  TandemNatSettings nat;

  tandem_settings_get_nat (tandem_manager_get_settings (self->manager), &nat);
  gtk_entry_set_text (self->stun_entry, nat.stun_server ? nat.stun_server : "");
  gtk_toggle_button_set_active (self->stun_check, nat.stun);
  gtk_toggle_button_set_active (self->ice_check, nat.ice);
  gtk_toggle_button_set_active (self->turn_check, nat.turn);
  gtk_entry_set_text (self->turn_user_entry, nat.turn_username ? nat.turn_username : "");
  tandem_nat_settings_clear (&nat);
  {
    g_autofree char *relay = tandem_shares_dup_relay (tandem_manager_get_shares (self->manager));

    gtk_entry_set_text (self->share_relay_entry, relay);
  }
}

static void
on_apply_network_clicked (TandemPreferencesWindow *self)
{
  TandemNatSettings nat = {
    .stun_server = (char *) gtk_entry_get_text (self->stun_entry),
    .stun = gtk_toggle_button_get_active (self->stun_check),
    .ice = gtk_toggle_button_get_active (self->ice_check),
    .turn = gtk_toggle_button_get_active (self->turn_check),
    .turn_username = (char *) gtk_entry_get_text (self->turn_user_entry),
    .turn_password = (char *) gtk_entry_get_text (self->turn_password_entry),
  };
  g_autoptr(GError) error = NULL;

  if (!tandem_settings_set_nat (tandem_manager_get_settings (self->manager), &nat, &error) ||
      !tandem_shares_set_relay (tandem_manager_get_shares (self->manager), gtk_entry_get_text (self->share_relay_entry), &error))
    show_error (self->network_error_label, error->message);
  else
    show_error (self->network_error_label, NULL);
}

/* ----- GObject -------------------------------------------------------- */

static void
tandem_preferences_window_dispose (GObject *object)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tandem_preferences_window_parent_class)->dispose (object);
}

static void
tandem_preferences_window_class_init (TandemPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, identity_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, password_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, server_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, transport_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, account_error_label);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, password_storage_label);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, capture_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, playback_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, ringer_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, call_encryption_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, audio_note_label);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, stun_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, stun_check);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, ice_check);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, turn_check);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, turn_user_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, turn_password_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, share_relay_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, network_error_label);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, notifications_check);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, share_tls_check);
  gtk_widget_class_bind_template_callback (widget_class, on_add_account_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_audio_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_network_clicked);
}

static void
tandem_preferences_window_init (TandemPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ----- screen sharing on Wayland: the remembered choice ------------- */

static void
on_share_forget_changed (TandemPreferencesWindow *self)
{
  GtkWidget *forget = g_object_get_data (G_OBJECT (self), "tandem-share-forget");
  g_autofree char *token = g_settings_get_string (self->settings, "share-restore-token");

  gtk_widget_set_sensitive (forget, *token != '\0');
}

static void
on_share_remember_changed (TandemPreferencesWindow *self)
{
  /* Not remembering means keeping nothing either. */
  if (!g_settings_get_boolean (self->settings, "share-remember"))
    g_settings_reset (self->settings, "share-restore-token");
}

static void
on_share_forget_clicked (TandemPreferencesWindow *self)
{
  g_settings_reset (self->settings, "share-restore-token");
}

/* A switch and a Forget button under the privacy settings. */
static void
add_share_remember (TandemPreferencesWindow *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Remember what I chose to share"));
  GtkWidget *forget = gtk_button_new_with_mnemonic (_("_Forget"));

  gtk_widget_set_name (toggle, "share_remember_switch");
  gtk_widget_set_name (forget, "share_forget_button");
  gtk_widget_set_tooltip_text (forget, _("Ask again which screen or window to share next time"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), toggle);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_pack_start (GTK_BOX (row), toggle, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), label, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (row), forget, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (gtk_widget_get_parent (self->notifications_check)), row, FALSE, FALSE, 0);
  gtk_widget_show_all (row);
  g_object_set_data (G_OBJECT (self), "tandem-share-forget", forget);

  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (row, FALSE);
      return;
    }
  g_settings_bind (self->settings, "share-remember", toggle, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::share-remember",
                           G_CALLBACK (on_share_remember_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::share-restore-token",
                           G_CALLBACK (on_share_forget_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (forget, "clicked", G_CALLBACK (on_share_forget_clicked), self);
  on_share_forget_changed (self);
}

GtkWidget *
tandem_preferences_window_new (GtkWindow     *parent,
                               TandemManager *manager,
                               GSettings     *settings,
                               const char    *page)
{
  TandemPreferencesWindow *self = g_object_new (TANDEM_TYPE_PREFERENCES_WINDOW,
                                                "transient-for", parent, NULL);

  self->manager = g_object_ref (manager);
  self->settings = settings ? g_object_ref (settings) : NULL;

  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (tandem_manager_get_accounts (manager)),
                           create_account_row, self, NULL);
  g_signal_connect_object (tandem_manager_get_accounts (manager), "notify::password-storage", G_CALLBACK (on_password_storage_changed),
                           self, G_CONNECT_SWAPPED);
  on_password_storage_changed (self);

  self->filling = TRUE;
  fill_audio_combo (self, self->capture_combo, TANDEM_AUDIO_CAPTURE);
  fill_audio_combo (self, self->playback_combo, TANDEM_AUDIO_PLAYBACK);
  fill_audio_combo (self, self->ringer_combo, TANDEM_AUDIO_RINGER);
  self->filling = FALSE;
  fill_network (self);
  /* TandemApplication follows the key and tells the manager. */
  if (self->settings != NULL)
    g_settings_bind (self->settings, "call-encryption", self->call_encryption_combo, "active-id",
                     G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->call_encryption_combo), FALSE);

  if (self->settings != NULL)
    g_settings_bind (self->settings, "notifications", self->notifications_check, "active",
                     G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (self->notifications_check, FALSE);
  /* The profile keeps the screen sharing settings, the manager owns them:
   * the next share offers what the switch says. */
  if (tandem_manager_is_started (manager))
    g_object_bind_property (tandem_manager_get_shares (manager), "tls", self->share_tls_check, "active",
                            G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  else
    gtk_widget_set_sensitive (self->share_tls_check, FALSE);

  add_share_remember (self);

  if (page != NULL && gtk_stack_get_child_by_name (self->stack, page) != NULL)
    gtk_stack_set_visible_child_name (self->stack, page);

  return GTK_WIDGET (self);
}
