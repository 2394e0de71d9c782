/* tandem-application.c
 *
 * The GtkApplication.  One instance runs per profile: the application id
 * is io.github.tandemphone.Tandem for the default profile and gets a
 * suffix derived from the profile's path for `--profile DIR`, so that a
 * second `tandem --profile DIR sip:bob@example.org` reaches the instance
 * already running on DIR.
 *
 * Everything the UI asks of the SIP stack is an action here, so it can be
 * driven from D-Bus with `gapplication action` as well as from the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-application"

#include "config.h"

#include <glib/gi18n.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "tandem-application.h"
#include "tandem-call-history-window.h"
#include "tandem-preferences-window.h"
#include "tandem-manager.h"
#include "tandem-notifier.h"
#include "tandem-share-controller.h"
#include "tandem-provision.h"
#include "tandem-window.h"

struct _TandemApplication
{
  GtkApplication  parent_instance;

  char           *profile_dir;
  gboolean        custom_profile;
  GKeyFile       *provision;
  GSettings      *settings;
  TandemManager  *manager;
  TandemNotifier *notifier;
  TandemShareController *shares;
  char           *startup_error;
};

G_DEFINE_FINAL_TYPE (TandemApplication, tandem_application, GTK_TYPE_APPLICATION)

static TandemWindow *
get_window (TandemApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (tandem_window_new (GTK_APPLICATION (self), self->manager, self->settings));
      if (self->startup_error != NULL)
        tandem_window_show_error (TANDEM_WINDOW (window), self->startup_error);
    }

  return TANDEM_WINDOW (window);
}

/* ----- actions ------------------------------------------------------- */

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  TandemApplication *self = user_data;
  static const char *authors[] = { "The Tandem developers", NULL };

  gtk_show_about_dialog (GTK_WINDOW (get_window (self)),
                         "program-name", _("Tandem"),
                         "logo-icon-name", TANDEM_APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Call, chat and share your screen over SIP"),
                         "website", "https://github.com/tandemphone/tandem",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
on_call_history (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemApplication *self = user_data;
  GtkWidget *window = tandem_call_history_window_new (GTK_WINDOW (get_window (self)), self->manager);

  gtk_window_present (GTK_WINDOW (window));
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TandemApplication *self = user_data;
  GtkWidget *window = tandem_preferences_window_new (GTK_WINDOW (get_window (self)), self->manager,
                                                     self->settings, g_variant_get_string (parameter, NULL));

  gtk_window_present (GTK_WINDOW (window));
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  TandemApplication *self = user_data;

  /* Held: closing one window may destroy others (its dialogs). */
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);

  /* Close windows the way the user would, so their state gets saved.
   * Now: gtk_window_close() only queues the delete event, which the
   * quitting main loop would never deliver. */
  for (GList *l = windows; l != NULL; l = l->next)
    {
      GdkWindow *gdk_window = gtk_widget_get_window (l->data);
      GdkEvent *event;

      if (gdk_window == NULL)
        {
          gtk_widget_destroy (l->data);
          continue;
        }
      event = gdk_event_new (GDK_DELETE);
      event->any.window = g_object_ref (gdk_window);
      event->any.send_event = TRUE;
      gtk_main_do_event (event);  /* the window's delete handler, then destroy */
      gdk_event_free (event);
    }
  g_list_free_full (windows, g_object_unref);
  g_application_quit (G_APPLICATION (self));
}

static void
on_open_conversation (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TandemApplication *self = user_data;
  TandemWindow *window = get_window (self);

  tandem_window_open_conversation (window, g_variant_get_string (parameter, NULL));
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_send_message (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  TandemConversation *conversation;
  const char *address, *text;

  g_variant_get (parameter, "(&s&s)", &address, &text);
  conversation = tandem_conversations_get (tandem_manager_get_conversations (self->manager), address, &error);
  if (conversation == NULL || tandem_conversation_send_text (conversation, text, &error) == NULL)
    {
      /* Translators: %s says why, e.g. "The SIP stack is not running" */
      g_autofree char *message = g_strdup_printf (_("The message could not be sent: %s"), error->message);
      tandem_window_show_error (get_window (self), message);
    }
}

/* ----- calls ----- */

/* The ringing incoming call, or else the newest call still going. */
static TandemCall *
find_call (TandemApplication *self,
           gboolean           incoming)
{
  GListModel *calls = G_LIST_MODEL (tandem_manager_get_calls (self->manager));

  for (guint i = g_list_model_get_n_items (calls); i > 0; i--)
    {
      g_autoptr(TandemCall) call = g_list_model_get_item (calls, i - 1);
      gboolean ringing = tandem_call_get_state (call) == TANDEM_CALL_INCOMING;

      if (ringing == incoming)
        return call;
    }
  return NULL;
}

/* verify-call's state says what protects the call going on: the nick of
 * its TandemCallSecurity, then ":" and the security code when there is
 * one ("zrtp:4kd9", "verified:4kd9", "none"; "" without a call).  It is
 * enabled while there is a code to confirm. */
static void
on_call_security_changed (TandemApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "verify-call");
  TandemCall *call = find_call (self, FALSE);
  g_autofree char *state = NULL;
  TandemCallSecurity security = TANDEM_CALL_SECURITY_NONE;

  if (call != NULL)
    {
      GEnumClass *klass = g_type_class_ref (TANDEM_TYPE_CALL_SECURITY);
      const char *code = tandem_call_get_security_code (call);

      security = tandem_call_get_security (call);
      state = g_strconcat (g_enum_get_value (klass, security)->value_nick,
                           code ? ":" : NULL, code, NULL);
      g_type_class_unref (klass);
    }
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (state ? state : ""));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               security == TANDEM_CALL_SECURITY_ZRTP ||
                               security == TANDEM_CALL_SECURITY_MISMATCH);
}

static void
on_call_state_changed (TandemApplication *self)
{
  static const struct { const char *name; gboolean incoming; } actions[] = {
    { "answer", TRUE }, { "decline", TRUE }, { "hangup", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), actions[i].name);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                   find_call (self, actions[i].incoming) != NULL);
    }
  on_call_security_changed (self);
}

static void
on_calls_changed (GListModel        *calls,
                  guint              position,
                  guint              removed,
                  guint              added,
                  TandemApplication *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TandemCall) call = g_list_model_get_item (calls, i);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::security", G_CALLBACK (on_call_security_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::security-code", G_CALLBACK (on_call_security_changed),
                               self, G_CONNECT_SWAPPED);
      if (tandem_call_get_state (call) == TANDEM_CALL_INCOMING)
        gtk_window_present (GTK_WINDOW (get_window (self)));
    }
  on_call_state_changed (self);
}

static void
report (TandemApplication *self,
        const char        *what,
        GError            *error)
{
  /* Translators: "<what failed>: <why>", e.g. "Call failed: not a valid SIP address" */
  g_autofree char *message = g_strdup_printf (_("%s: %s"), what, error->message);

  tandem_window_show_error (get_window (self), message);
}

static void
on_call (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  TandemApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (tandem_calls_call (tandem_manager_get_calls (self->manager), g_variant_get_string (parameter, NULL), &error) == NULL)
    report (self, _("The call could not be started"), error);
}

static void
on_answer (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  TandemApplication *self = user_data;
  TandemCall *call = find_call (self, TRUE);
  g_autoptr(GError) error = NULL;

  if (call != NULL && !tandem_call_accept (call, &error))
    report (self, _("The call could not be answered"), error);
}

static void
on_decline (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  TandemApplication *self = user_data;
  TandemCall *call = find_call (self, TRUE);
  g_autoptr(GError) error = NULL;

  if (call != NULL && !tandem_call_decline (call, &error))
    report (self, _("The call could not be declined"), error);
}

static void
on_hangup (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  TandemApplication *self = user_data;
  TandemCall *call = find_call (self, FALSE);
  g_autoptr(GError) error = NULL;

  if (call != NULL && !tandem_call_hang_up (call, &error))
    report (self, _("The call could not be ended"), error);
}

/* The user compared the security code of the call with the peer. */
static void
on_verify_call (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TandemApplication *self = user_data;
  TandemCall *call = find_call (self, FALSE);
  g_autoptr(GError) error = NULL;

  if (call != NULL && !tandem_call_mark_verified (call, &error))
    report (self, _("The call could not be marked as verified"), error);
}

static void
on_set_presence (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TandemApplication *self = user_data;
  const char *status, *note;
  TandemPresence presence;

  g_variant_get (parameter, "(&s&s)", &status, &note);
  if (!tandem_presence_from_string (status, &presence))
    {
      g_message ("set-presence: unknown status “%s”", status);
      return;
    }

  tandem_contacts_set_presence (tandem_manager_get_contacts (self->manager), presence, note);
  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "presence", status);
      g_settings_set_string (self->settings, "presence-note", note);
    }
}

static void
on_allow_subscriber (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TandemApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (tandem_contacts_allow_subscriber (tandem_manager_get_contacts (self->manager), g_variant_get_string (parameter, NULL), &error) == NULL)
    report (self, _("The request could not be allowed"), error);
}

static void
on_deny_subscriber (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TandemApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tandem_contacts_deny_subscriber (tandem_manager_get_contacts (self->manager), g_variant_get_string (parameter, NULL), &error))
    report (self, _("The request could not be denied"), error);
}

static const GActionEntry app_actions[] = {
  { "about", on_about, NULL, NULL, NULL, { 0 } },
  { "quit", on_quit, NULL, NULL, NULL, { 0 } },
  { "call-history", on_call_history, NULL, NULL, NULL, { 0 } },
  /* The parameter names the page: accounts, audio, network, privacy. */
  { "preferences", on_preferences, "s", NULL, NULL, { 0 } },
  /* Its state is the address of the conversation on screen ("" for none). */
  { "open-conversation", on_open_conversation, "s", "''", NULL, { 0 } },
  { "set-presence", on_set_presence, "(ss)", NULL, NULL, { 0 } },
  { "send-message", on_send_message, "(ss)", NULL, NULL, { 0 } },
  { "call", on_call, "s", NULL, NULL, { 0 } },
  { "answer", on_answer, NULL, NULL, NULL, { 0 } },
  { "decline", on_decline, NULL, NULL, NULL, { 0 } },
  { "hangup", on_hangup, NULL, NULL, NULL, { 0 } },
  /* Marks the call's security code as compared; the state tells what
   * protects the call (see on_call_security_changed()). */
  { "verify-call", on_verify_call, NULL, "''", NULL, { 0 } },
  /* Answers a presence subscription request from the address. */
  { "allow-subscriber", on_allow_subscriber, "s", NULL, NULL, { 0 } },
  { "deny-subscriber", on_deny_subscriber, "s", NULL, NULL, { 0 } },
};

/* ----- profile and settings ------------------------------------------ */

static void
set_profile (TandemApplication *self,
             const char        *dir)
{
  g_autofree char *checksum = NULL;
  g_autofree char *app_id = NULL;

  g_free (self->profile_dir);
  self->profile_dir = g_canonicalize_filename (dir, NULL);
  self->custom_profile = TRUE;

  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->profile_dir, -1);
  app_id = g_strdup_printf ("%s.Profile_%.16s", TANDEM_APP_ID, checksum);
  g_application_set_application_id (G_APPLICATION (self), app_id);
}

static GSettings *
create_settings (TandemApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autofree char *path = NULL;

  schema = source ? g_settings_schema_source_lookup (source, TANDEM_APP_ID, TRUE) : NULL;
  if (schema == NULL)
    {
      g_message ("GSettings schema %s is not installed; settings will not be kept", TANDEM_APP_ID);
      return NULL;
    }

  /* A custom profile keeps its settings inside the profile directory,
   * unless the environment chose a backend (the tests use "memory"). */
  if (!self->custom_profile || g_getenv ("GSETTINGS_BACKEND") != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  /* The keys sit directly under the schema's path: without a root group
   * for them the backend refuses every write (writable: no). */
  path = g_build_filename (self->profile_dir, "settings.ini", NULL);
  backend = g_keyfile_settings_backend_new (path, "/io/github/tandemphone/Tandem/", "Tandem");
  return g_settings_new_full (schema, backend, NULL);
}

static void
provision (TandemApplication *self,
           GKeyFile          *keyfile)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_provision_apply (keyfile, self->manager, &error))
    {
      g_printerr ("%s\n", error->message);
      g_free (self->startup_error);
      self->startup_error = g_strdup_printf (_("Provisioning failed: %s"), error->message);
    }
}

/* ----- GApplication -------------------------------------------------- */

static int
tandem_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  TandemApplication *self = TANDEM_APPLICATION (app);
  const char *profile = NULL;
  const char *provision_path = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tandem %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "profile", "^&ay", &profile))
    set_profile (self, profile);
  else
    self->profile_dir = g_build_filename (g_get_user_data_dir (), "tandem", NULL);

  if (g_variant_dict_lookup (options, "provision", "^&ay", &provision_path))
    {
      g_autoptr(GError) error = NULL;

      self->provision = tandem_provision_load (provision_path, &error);
      if (self->provision == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  return -1;
}

/* The "Encrypt calls" preference, read at start and followed. */
static void
on_call_encryption_changed (GSettings         *settings,
                            const char        *key,
                            TandemApplication *self)
{
  GEnumClass *klass = g_type_class_ref (TANDEM_TYPE_CALL_ENCRYPTION);
  g_autofree char *nick = g_settings_get_string (settings, "call-encryption");
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  tandem_calls_set_encryption (tandem_manager_get_calls (self->manager),
                               value ? value->value : TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE);
  g_type_class_unref (klass);
}

static void
tandem_application_startup (GApplication *app)
{
  TandemApplication *self = TANDEM_APPLICATION (app);
  const char *quit_accels[] = { "<Primary>q", NULL };
  const char *history_accels[] = { "<Primary>h", NULL };
  const char *search_accels[] = { "<Primary>f", NULL };
  const char *preferences_accels[] = { "<Primary>comma", NULL };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *presence_str = NULL;
  g_autofree char *note = NULL;
  TandemPresence presence = TANDEM_PRESENCE_AVAILABLE;

  G_APPLICATION_CLASS (tandem_application_parent_class)->startup (app);

  g_set_application_name (_("Tandem"));
  gtk_window_set_default_icon_name (TANDEM_APP_ID);
  gtk_css_provider_load_from_resource (css, "/io/github/tandemphone/Tandem/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                             GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.call-history", history_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.focus-search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences::accounts", preferences_accels);

  self->settings = create_settings (self);
  if (self->settings != NULL)
    {
      presence_str = g_settings_get_string (self->settings, "presence");
      note = g_settings_get_string (self->settings, "presence-note");
      tandem_presence_from_string (presence_str, &presence);
    }

  self->manager = tandem_manager_new (self->profile_dir);
  tandem_contacts_set_presence (tandem_manager_get_contacts (self->manager), presence, note);
  if (self->settings != NULL)
    {
      on_call_encryption_changed (self->settings, "call-encryption", self);
      g_signal_connect_object (self->settings, "changed::call-encryption",
                               G_CALLBACK (on_call_encryption_changed), self, 0);
    }
  if (self->provision != NULL)
    tandem_provision_apply_network (self->provision, self->manager);

  if (!tandem_manager_start (self->manager, &error))
    {
      g_printerr ("%s\n", error->message);
      self->startup_error = g_strdup (error->message);
      return;
    }

  if (self->provision != NULL)
    provision (self, self->provision);

  g_signal_connect (G_LIST_MODEL (tandem_manager_get_calls (self->manager)), "items-changed",
                    G_CALLBACK (on_calls_changed), self);
  on_call_state_changed (self);
  self->notifier = tandem_notifier_new (GTK_APPLICATION (self), self->manager, self->settings);
  self->shares = tandem_share_controller_new (GTK_APPLICATION (self), self->manager, self->settings);

  /* The primary instance stays alive with its window closed only while
   * something holds it; a softphone quits with its last window. */
}

static void
tandem_application_shutdown (GApplication *app)
{
  TandemApplication *self = TANDEM_APPLICATION (app);

  g_clear_object (&self->notifier);
  g_clear_object (&self->shares);
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (G_LIST_MODEL (tandem_manager_get_calls (self->manager)), self);
      tandem_manager_stop (self->manager);
    }

  G_APPLICATION_CLASS (tandem_application_parent_class)->shutdown (app);
}

static void
tandem_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TANDEM_APPLICATION (app))));
}

static int
tandem_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  TandemApplication *self = TANDEM_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree const char **uris = NULL;
  const char *provision_path = NULL;

  /* A later `tandem --profile DIR --provision FILE` reaches the running
   * instance here; the first one was applied during startup. */
  if (g_application_command_line_get_is_remote (cmdline) &&
      g_variant_dict_lookup (options, "provision", "^&ay", &provision_path))
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, provision_path);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GKeyFile) keyfile = NULL;
      g_autoptr(GError) error = NULL;

      keyfile = tandem_provision_load (path, &error);
      if (keyfile == NULL)
        {
          g_application_command_line_printerr (cmdline, "%s\n", error->message);
          return 1;
        }
      provision (self, keyfile);
    }

  g_application_activate (app);

  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &uris))
    for (guint i = 0; uris[i] != NULL; i++)
      g_action_group_activate_action (G_ACTION_GROUP (self), "open-conversation",
                                      g_variant_new_string (uris[i]));

  return 0;
}

static void
tandem_application_finalize (GObject *object)
{
  TandemApplication *self = TANDEM_APPLICATION (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->provision, g_key_file_unref);
  g_free (self->profile_dir);
  g_free (self->startup_error);

  G_OBJECT_CLASS (tandem_application_parent_class)->finalize (object);
}

static void
tandem_application_class_init (TandemApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tandem_application_finalize;
  app_class->handle_local_options = tandem_application_handle_local_options;
  app_class->startup = tandem_application_startup;
  app_class->shutdown = tandem_application_shutdown;
  app_class->activate = tandem_application_activate;
  app_class->command_line = tandem_application_command_line;
}

static void
tandem_application_init (TandemApplication *self)
{
  static const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Keep everything Tandem stores in DIR (several profiles can run side by side)"), N_("DIR") },
    { "provision", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Add the accounts and contacts described in FILE to the profile"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
      NULL, N_("[sip:user@domain…]") },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            N_("Call, chat and share your screen over SIP."));
}

TandemApplication *
tandem_application_new (void)
{
  return g_object_new (TANDEM_TYPE_APPLICATION,
                       "application-id", TANDEM_APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       /* The same for every profile's application id. */
                       "resource-base-path", "/io/github/tandemphone/Tandem",
                       NULL);
}

const char *
tandem_application_get_profile_dir (TandemApplication *self)
{
  g_return_val_if_fail (TANDEM_IS_APPLICATION (self), NULL);

  return self->profile_dir;
}
