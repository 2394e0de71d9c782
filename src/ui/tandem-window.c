/* tandem-window.c
 *
 * The main window.  It binds to the manager's account and contact models
 * and never calls a protocol library; what it asks of the stack goes
 * through application actions (app.set-presence, app.open-conversation).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-call-bar.h"
#include "tandem-contact-row.h"
#include "tandem-conversation-view.h"
#include "tandem-presence-label.h"
#include "tandem-reason-label.h"
#include "tandem-window.h"

struct _TandemWindow
{
  GtkApplicationWindow  parent_instance;

  TandemManager        *manager;
  GSettings            *settings;
  TandemAccount        *account;
  char                 *peer_address;
  gboolean              updating_presence;
  guint                 call_linger_id;

  GtkHeaderBar         *header_bar;
  GtkWidget            *missed_button;
  GtkLabel             *missed_label;
  GtkInfoBar           *error_bar;
  TandemCallBar        *call_bar;
  GtkLabel             *error_label;
  GtkInfoBar           *subscription_bar;
  GtkLabel             *subscription_label;
  GtkWidget            *subscription_deny_button;
  GtkWidget            *subscription_allow_button;
  GtkPaned             *paned;
  GtkImage             *account_state_image;
  GtkLabel             *account_label;
  GtkLabel             *account_state_label;
  GtkComboBoxText      *presence_combo;
  GtkSearchEntry       *search_entry;
  GtkListBox           *contact_list;
  GtkStack             *main_stack;
  TandemConversationView *conversation_view;
};

G_DEFINE_FINAL_TYPE (TandemWindow, tandem_window, GTK_TYPE_APPLICATION_WINDOW)

/* ----- account ------------------------------------------------------- */

/* With no peer on screen: the welcome page until there is an account. */
static void
update_idle_page (TandemWindow *self)
{
  const char *page = g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (self->manager))) == 0
                     ? "welcome" : "empty";

  if (self->peer_address == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, page);
}

static void
update_account (TandemWindow *self)
{
  const char *icon = "network-offline-symbolic";
  g_autofree char *state = NULL;

  if (self->account == NULL)
    {
      gtk_label_set_text (self->account_label, _("No account"));
      gtk_label_set_text (self->account_state_label,
                          _("Add an account with --provision, or start the local demo"));
      gtk_header_bar_set_subtitle (self->header_bar, NULL);
      gtk_image_set_from_icon_name (self->account_state_image, icon, GTK_ICON_SIZE_LARGE_TOOLBAR);
      return;
    }

  switch (tandem_account_get_state (self->account))
    {
    case TANDEM_REGISTRATION_OK:
      state = g_strdup (_("Online"));
      icon = "network-transmit-receive-symbolic";
      break;
    case TANDEM_REGISTRATION_PROGRESS:
      state = g_strdup (_("Connecting…"));
      icon = "content-loading-symbolic";
      break;
    case TANDEM_REGISTRATION_FAILED:
      state = tandem_describe_sign_in_failure (tandem_account_get_state_message (self->account));
      icon = "dialog-error-symbolic";
      break;
    case TANDEM_REGISTRATION_CLEARED:
      state = g_strdup (_("Signed out"));
      break;
    case TANDEM_REGISTRATION_NONE:
    default:
      state = g_strdup (_("Not signed in"));
      break;
    }

  /* The keyring is locked or asking: the rest of the window works on. */
  if (tandem_account_get_waiting_for_keyring (self->account) &&
      tandem_account_get_state (self->account) != TANDEM_REGISTRATION_OK)
    {
      g_free (state);
      state = tandem_describe_waiting_for_keyring (tandem_account_get_identity (self->account));
      icon = "dialog-password-symbolic";
    }

  gtk_label_set_text (self->account_label, tandem_account_get_identity (self->account));
  gtk_label_set_text (self->account_state_label, state);
  gtk_image_set_from_icon_name (self->account_state_image, icon, GTK_ICON_SIZE_LARGE_TOOLBAR);
  gtk_header_bar_set_subtitle (self->header_bar, tandem_account_get_identity (self->account));
}

static void
on_account_notify (TandemWindow *self)
{
  update_account (self);
}

static void
on_accounts_changed (GListModel   *accounts,
                     guint         position,
                     guint         removed,
                     guint         added,
                     TandemWindow *self)
{
  g_autoptr(TandemAccount) first = g_list_model_get_item (accounts, 0);

  update_idle_page (self);
  if (first == self->account)
    return;

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_set_object (&self->account, first);
  if (self->account != NULL)
    g_signal_connect_swapped (self->account, "notify", G_CALLBACK (on_account_notify), self);
  update_account (self);
}

/* ----- presence ------------------------------------------------------ */

static void
on_presence_changed (TandemWindow *self)
{
  self->updating_presence = TRUE;
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->presence_combo),
                               tandem_presence_to_string (tandem_contacts_get_presence (tandem_manager_get_contacts (self->manager))));
  self->updating_presence = FALSE;
}

static void
on_presence_combo_changed (GtkComboBox  *combo,
                           TandemWindow *self)
{
  const char *id = gtk_combo_box_get_active_id (combo);
  const char *note = tandem_contacts_get_presence_note (tandem_manager_get_contacts (self->manager));

  if (self->updating_presence || id == NULL)
    return;

  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
                                  "set-presence",
                                  g_variant_new ("(ss)", id, note ? note : ""));
}

/* ----- calls --------------------------------------------------------- */

#define ENDED_CALL_LINGER_S 4

static void pick_call (TandemWindow *self);

static gboolean
on_call_linger_done (gpointer user_data)
{
  TandemWindow *self = user_data;

  self->call_linger_id = 0;
  tandem_call_bar_set_call (self->call_bar, NULL);
  pick_call (self);
  return G_SOURCE_REMOVE;
}

/* The bar shows the newest call; an ended one stays a few seconds so the
 * user sees how it ended ("Call failed: 486 Busy Here"). */
static void
pick_call (TandemWindow *self)
{
  GListModel *calls = G_LIST_MODEL (tandem_manager_get_calls (self->manager));
  guint n = g_list_model_get_n_items (calls);
  g_autoptr(TandemCall) newest = n > 0 ? g_list_model_get_item (calls, n - 1) : NULL;
  TandemCall *shown = tandem_call_bar_get_call (self->call_bar);

  if (newest == NULL && shown != NULL && self->call_linger_id == 0 &&
      (tandem_call_get_state (shown) == TANDEM_CALL_ENDED ||
       tandem_call_get_state (shown) == TANDEM_CALL_FAILED))
    {
      self->call_linger_id = g_timeout_add_seconds (ENDED_CALL_LINGER_S, on_call_linger_done, self);
      return;
    }
  if (newest == NULL && self->call_linger_id != 0)
    return;

  g_clear_handle_id (&self->call_linger_id, g_source_remove);
  tandem_call_bar_set_call (self->call_bar, newest);
}

static void
on_calls_changed (GListModel   *calls,
                  guint         position,
                  guint         removed,
                  guint         added,
                  TandemWindow *self)
{
  pick_call (self);
}

static void
on_missed_calls_changed (TandemWindow *self)
{
  guint missed = tandem_calls_get_missed_calls (tandem_manager_get_calls (self->manager));
  g_autofree char *count = g_strdup_printf ("%u", missed);
  /* Translators: accessible name of the missed-calls button */
  g_autofree char *accessible = g_strdup_printf (ngettext ("%u missed call", "%u missed calls", missed), missed);

  gtk_label_set_text (self->missed_label, count);
  gtk_widget_set_visible (self->missed_button, missed > 0);
  atk_object_set_name (gtk_widget_get_accessible (self->missed_button), accessible);
}

/* ----- contacts and conversation ------------------------------------- */


/* GtkListBox ignores filter functions once it is bound to a model, so the
 * search hides rows instead. */
static gboolean
contact_matches_search (TandemWindow  *self,
                        GtkListBoxRow *row)
{
  TandemContact *contact = tandem_contact_row_get_contact (TANDEM_CONTACT_ROW (row));
  const char *text = gtk_entry_get_text (GTK_ENTRY (self->search_entry));
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (tandem_contact_get_name (contact), -1);
  address = g_utf8_casefold (tandem_contact_get_address (contact), -1);

  return strstr (name, needle) != NULL || strstr (address, needle) != NULL;
}

static GtkWidget *
create_contact_row (gpointer item,
                    gpointer user_data)
{
  TandemWindow *self = user_data;
  GtkWidget *row = tandem_contact_row_new (TANDEM_CONTACT (item));

  gtk_widget_set_visible (row, contact_matches_search (self, GTK_LIST_BOX_ROW (row)));
  return row;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   TandemWindow   *self)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->contact_list));

  for (GList *l = rows; l != NULL; l = l->next)
    gtk_widget_set_visible (l->data, contact_matches_search (self, l->data));
}

/* The application's open-conversation action carries the address on
 * screen as its state, so D-Bus clients (and tests) can read it. */
static void
publish_peer (TandemWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GAction *action = app ? g_action_map_lookup_action (G_ACTION_MAP (app), "open-conversation") : NULL;

  if (G_IS_SIMPLE_ACTION (action) && g_action_get_state_type (action) != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (self->peer_address ? self->peer_address : ""));
}

static void
set_peer (TandemWindow  *self,
          TandemContact *contact,
          const char    *address)
{
  g_autoptr(GError) error = NULL;
  TandemConversation *conversation = NULL;

  g_free (self->peer_address);
  self->peer_address = g_strdup (contact ? tandem_contact_get_address (contact) : address);
  publish_peer (self);

  if (self->peer_address == NULL)
    {
      update_idle_page (self);
      return;
    }

  if (tandem_manager_is_started (self->manager))
    {
      conversation = tandem_conversations_get (tandem_manager_get_conversations (self->manager), self->peer_address, &error);
      if (conversation == NULL)
        tandem_window_show_error (self, error->message);
    }
  tandem_conversation_view_set_peer (self->conversation_view, conversation, contact, self->peer_address);
  gtk_stack_set_visible_child_name (self->main_stack, "conversation");
}

static void
on_contact_selected (GtkListBox    *list,
                     GtkListBoxRow *row,
                     TandemWindow  *self)
{
  if (row == NULL)
    return;

  set_peer (self, tandem_contact_row_get_contact (TANDEM_CONTACT_ROW (row)), NULL);
}

void
tandem_window_open_conversation (TandemWindow *self,
                                 const char   *address)
{
  TandemContact *contact;
  g_autoptr(GList) rows = NULL;

  g_return_if_fail (TANDEM_IS_WINDOW (self));

  contact = tandem_contacts_find (tandem_manager_get_contacts (self->manager), address);
  rows = gtk_container_get_children (GTK_CONTAINER (self->contact_list));
  for (GList *l = rows; l != NULL; l = l->next)
    if (contact != NULL && tandem_contact_row_get_contact (l->data) == contact)
      {
        gtk_list_box_select_row (self->contact_list, l->data);
        return;
      }

  gtk_list_box_unselect_all (self->contact_list);
  set_peer (self, contact, address);
}

/* ----- errors and window state --------------------------------------- */

void
tandem_window_show_error (TandemWindow *self,
                          const char   *message)
{
  g_return_if_fail (TANDEM_IS_WINDOW (self));

  gtk_label_set_text (self->error_label, message);
  gtk_widget_show (GTK_WIDGET (self->error_bar));
}

/* Hides the error bar if it still shows @message. */
void
tandem_window_dismiss_error (TandemWindow *self,
                             const char   *message)
{
  g_return_if_fail (TANDEM_IS_WINDOW (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->error_bar)) &&
      g_strcmp0 (gtk_label_get_text (self->error_label), message) == 0)
    gtk_widget_hide (GTK_WIDGET (self->error_bar));
}

/* ----- presence subscription requests -------------------------------- */

/* One request at a time; the next shows once it is answered. */
static void
on_subscriptions_changed (TandemWindow *self)
{
  g_auto(GStrv) pending = tandem_contacts_dup_pending_subscribers (tandem_manager_get_contacts (self->manager));
  g_autofree char *text = NULL;
  GVariant *target;

  if (pending[0] == NULL)
    {
      gtk_widget_hide (GTK_WIDGET (self->subscription_bar));
      return;
    }
  /* Translators: %s is a SIP address */
  text = g_strdup_printf (_("%s wants to see when you are online. Allowing also adds them to your contacts."),
                          pending[0]);
  gtk_label_set_text (self->subscription_label, text);
  target = g_variant_ref_sink (g_variant_new_string (pending[0]));
  /* The target first: an action name without its target warns. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->subscription_deny_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->subscription_allow_button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->subscription_deny_button), "app.deny-subscriber");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->subscription_allow_button), "app.allow-subscriber");
  g_variant_unref (target);
  gtk_widget_show (GTK_WIDGET (self->subscription_bar));
}

/* A bar of the moment (a share prompt) above the call bar; it goes when
 * destroyed. */
void
tandem_window_add_bar (TandemWindow *self,
                       GtkWidget    *bar)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->call_bar));

  g_return_if_fail (TANDEM_IS_WINDOW (self));

  gtk_box_pack_start (GTK_BOX (box), bar, FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (box), bar, 2);
}

/* The shared screen of @address, beside the chat with them. */
void
tandem_window_set_share_view (TandemWindow *self,
                              const char   *address,
                              GtkWidget    *view)
{
  g_return_if_fail (TANDEM_IS_WINDOW (self));

  tandem_conversation_view_set_share_widget (self->conversation_view, address, view);
}

static void
on_error_bar_response (GtkInfoBar   *bar,
                       int           response,
                       TandemWindow *self)
{
  gtk_widget_hide (GTK_WIDGET (bar));
}

static void
save_window_state (TandemWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_int (self->settings, "pane-position", gtk_paned_get_position (self->paned));
}

static void
restore_window_state (TandemWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->paned, g_settings_get_int (self->settings, "pane-position"));
}

static gboolean
tandem_window_delete_event (GtkWidget   *widget,
                            GdkEventAny *event)
{
  GtkWidgetClass *parent = GTK_WIDGET_CLASS (tandem_window_parent_class);

  save_window_state (TANDEM_WINDOW (widget));

  /* GtkWindow has no delete_event of its own: chaining to NULL crashed
   * on every close. */
  return parent->delete_event != NULL ? parent->delete_event (widget, event) : GDK_EVENT_PROPAGATE;
}

/* ----- GObject ------------------------------------------------------- */

static void
tandem_window_dispose (GObject *object)
{
  TandemWindow *self = TANDEM_WINDOW (object);

  g_clear_handle_id (&self->call_linger_id, g_source_remove);
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (tandem_manager_get_contacts (self->manager), self);
      g_signal_handlers_disconnect_by_data (tandem_manager_get_accounts (self->manager), self);
      g_signal_handlers_disconnect_by_data (tandem_manager_get_calls (self->manager), self);
    }
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->peer_address, g_free);

  G_OBJECT_CLASS (tandem_window_parent_class)->dispose (object);
}

static void
tandem_window_class_init (TandemWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_window_dispose;
  widget_class->delete_event = tandem_window_delete_event;

  g_type_ensure (TANDEM_TYPE_CALL_BAR);
  g_type_ensure (TANDEM_TYPE_CONVERSATION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, missed_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, missed_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, call_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, subscription_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, subscription_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, subscription_deny_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, subscription_allow_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, account_state_image);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, account_state_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, presence_combo);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, contact_list);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, conversation_view);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_presence_combo_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_selected);
}

static void
on_is_active_changed (TandemWindow *self)
{
  tandem_conversation_view_mark_read (self->conversation_view);
}

static void
on_focus_search (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
tandem_window_init (TandemWindow *self)
{
  static const GActionEntry win_actions[] = {
    { "focus-search", on_focus_search, NULL, NULL, NULL, { 0 } },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
}

TandemWindow *
tandem_window_new (GtkApplication *application,
                   TandemManager  *manager,
                   GSettings      *settings)
{
  TandemWindow *self;
  GListModel *accounts;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TANDEM_IS_MANAGER (manager), NULL);

  self = g_object_new (TANDEM_TYPE_WINDOW, "application", application, NULL);
  self->manager = g_object_ref (manager);
  self->settings = settings ? g_object_ref (settings) : NULL;
  if (self->settings != NULL)
    restore_window_state (self);

  gtk_list_box_bind_model (self->contact_list, G_LIST_MODEL (tandem_manager_get_contacts (manager)),
                           create_contact_row, self, NULL);

  accounts = G_LIST_MODEL (tandem_manager_get_accounts (manager));
  g_signal_connect (accounts, "items-changed", G_CALLBACK (on_accounts_changed), self);
  on_accounts_changed (accounts, 0, 0, 0, self);
  update_account (self);

  g_signal_connect (G_LIST_MODEL (tandem_manager_get_calls (manager)), "items-changed",
                    G_CALLBACK (on_calls_changed), self);
  pick_call (self);

  g_signal_connect_swapped (tandem_manager_get_calls (manager), "notify::missed-calls", G_CALLBACK (on_missed_calls_changed), self);
  g_signal_connect_swapped (tandem_manager_get_contacts (manager), "subscription-requested", G_CALLBACK (on_subscriptions_changed), self);
  g_signal_connect_swapped (tandem_manager_get_contacts (manager), "subscription-handled", G_CALLBACK (on_subscriptions_changed), self);
  on_missed_calls_changed (self);

  g_signal_connect_swapped (tandem_manager_get_contacts (manager), "notify::presence", G_CALLBACK (on_presence_changed), self);
  on_presence_changed (self);

  return self;
}
