/* tandem-manager.c
 *
 * The only owner of the LinphoneCore.  It makes the core of a profile,
 * iterates it every 20 ms from a GLib timeout on the main context, and
 * hands it to the objects that own one concern each (TandemAccounts,
 * TandemContacts, TandemConversations, TandemCalls, TandemShares,
 * TandemSettings); each registers its own liblinphone callbacks.  No
 * liblinphone type leaves the service layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-manager"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <linphone/core.h>

#include "tandem-manager.h"

#define ITERATE_INTERVAL_MS 20

struct _TandemManager
{
  GObject              parent_instance;

  char                *profile_dir;
  char                *bind_address;
  char                *root_ca;
  LinphoneCore        *core;
  guint                iterate_id;

  TandemAccounts      *accounts;
  TandemContacts      *contacts;
  TandemConversations *conversations;
  TandemCalls         *calls;
  TandemShares        *shares;
  TandemSettings      *settings;
};

G_DEFINE_FINAL_TYPE (TandemManager, tandem_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* liblinphone logs to stdout by default; send its messages to GLib's log
 * instead, as debug messages (G_MESSAGES_DEBUG=liblinphone shows them),
 * so that a test with fatal warnings is not ended by the stack's own
 * complaints.  Its errors become g_message. */
static void
on_log_message_written (LinphoneLoggingService *service,
                        const char             *domain,
                        LinphoneLogLevel        level,
                        const char             *message)
{
  if (level >= LinphoneLogLevelError)
    g_log ("liblinphone", G_LOG_LEVEL_MESSAGE, "%s", message);
  else
    g_log ("liblinphone", G_LOG_LEVEL_DEBUG, "%s", message);
}

static void
route_linphone_logs (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      LinphoneLoggingService *service = linphone_logging_service_get ();
      LinphoneLoggingServiceCbs *cbs = linphone_factory_create_logging_service_cbs (linphone_factory_get ());

      linphone_logging_service_cbs_set_log_message_written (cbs, on_log_message_written);
      linphone_logging_service_add_callbacks (service, cbs);
      linphone_logging_service_cbs_unref (cbs);
      linphone_logging_service_set_log_level (service,
                                              g_getenv ("G_MESSAGES_DEBUG") ? LinphoneLogLevelMessage
                                                                            : LinphoneLogLevelError);
      g_once_init_leave (&done, 1);
    }
}

static gboolean
on_iterate (gpointer user_data)
{
  TandemManager *self = user_data;

  linphone_core_iterate (self->core);

  return G_SOURCE_CONTINUE;
}

static void
configure_core (TandemManager  *self,
                LinphoneConfig *config)
{
  linphone_config_set_int (config, "sip", "subscribe_presence_only_when_registered", 1);
  linphone_config_set_int (config, "misc", "store_friends", 1);
  tandem_accounts_configure (self->accounts, config);
  linphone_config_set_int (config, "video", "capture", 0);
  linphone_config_set_int (config, "video", "display", 0);
  if (self->bind_address != NULL)
    {
      /* Binding to one IPv4 address (tests, the local demo) also keeps
       * unreachable IPv6 addresses out of Contact and SDP. */
      linphone_config_set_int (config, "sip", "use_ipv6", 0);
      linphone_config_set_string (config, "sip", "bind_address", self->bind_address);
      linphone_config_set_string (config, "rtp", "bind_address", self->bind_address);
    }
}

static void
apply_headless_audio (TandemManager *self)
{
  /* TANDEM_NO_SOUNDCARD=1 (tests, CI, a machine without audio) plays and
   * records files instead of opening devices. */
  if (g_strcmp0 (g_getenv ("TANDEM_NO_SOUNDCARD"), "1") != 0)
    return;

  linphone_core_set_use_files (self->core, TRUE);
  linphone_core_set_ring (self->core, NULL);
  linphone_core_set_ringback (self->core, NULL);
  /* What the "microphone" says: nothing, or TANDEM_PLAY_FILE (a WAV
   * file; tests use one to have audio on the wire). */
  linphone_core_set_play_file (self->core, g_getenv ("TANDEM_PLAY_FILE"));
  linphone_core_set_record_file (self->core, NULL);
}

gboolean
tandem_manager_start (TandemManager  *self,
                      GError        **error)
{
  LinphoneFactory *factory = linphone_factory_get ();
  /* liblinphone appends file names to the data directory as is. */
  g_autofree char *data_dir = g_build_filename (self->profile_dir, "data", G_DIR_SEPARATOR_S, NULL);
  g_autofree char *rc_path = g_build_filename (self->profile_dir, "linphonerc", NULL);
  g_autofree char *friends_db = NULL;
  LinphoneConfig *config;
  LinphoneTransports *transports;

  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);
  g_return_val_if_fail (self->core == NULL, FALSE);

  /* linphone.db fails to open, and the core never leaves Startup, unless
   * its directory exists first. */
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create %s: %s"), data_dir, g_strerror (saved));
      return FALSE;
    }

  route_linphone_logs ();
  linphone_factory_set_data_dir (factory, data_dir);
  linphone_factory_set_config_dir (factory, self->profile_dir);

  config = linphone_factory_create_config (factory, rc_path);
  configure_core (self, config);
  self->core = linphone_factory_create_core_with_config_3 (factory, config, NULL);
  linphone_config_unref (config);
  if (self->core == NULL)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                           _("The SIP stack could not be created"));
      return FALSE;
    }
  g_debug ("core made for the profile %s", self->profile_dir);

  linphone_core_set_user_agent (self->core, "Tandem", PACKAGE_VERSION);
  linphone_core_enable_video_capture (self->core, FALSE);
  linphone_core_enable_video_display (self->core, FALSE);
  apply_headless_audio (self);
  if (self->root_ca != NULL)
    linphone_core_set_root_ca (self->core, self->root_ca);

  /* Random ports, so several profiles run side by side. */
  transports = linphone_factory_create_transports (factory);
  linphone_transports_set_udp_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_transports_set_tcp_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_transports_set_tls_port (transports, LC_SIP_TRANSPORT_RANDOM);
  linphone_core_set_transports (self->core, transports);
  linphone_transports_unref (transports);
  linphone_core_set_audio_port (self->core, -1);

  if (linphone_core_start (self->core) != 0)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   _("The SIP stack failed to start (profile %s)"), self->profile_dir);
      tandem_manager_stop (self);
      return FALSE;
    }

  /* Contacts live in their own sqlite file in the profile; liblinphone
   * keeps none unless told where. */
  friends_db = g_build_filename (data_dir, "friends.db", NULL);
  linphone_core_set_friends_database_path (self->core, friends_db);

  /* Shares first: it holds back liblinphone's copy of a share offer
   * before TandemCalls announces it. */
  tandem_shares_start (self->shares, self->core, self->bind_address, self->root_ca);
  tandem_accounts_start (self->accounts, self->core);
  tandem_contacts_start (self->contacts, self->core);
  tandem_conversations_start (self->conversations, self->core);
  tandem_calls_start (self->calls, self->core);
  tandem_settings_start (self->settings, self->core);

  self->iterate_id = g_timeout_add (ITERATE_INTERVAL_MS, on_iterate, self);
  g_source_set_name_by_id (self->iterate_id, "[tandem] linphone_core_iterate");

  return TRUE;
}

void
tandem_manager_stop (TandemManager *self)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));

  g_clear_handle_id (&self->iterate_id, g_source_remove);
  /* Shares first: the peers get their BYE before the calls end. */
  tandem_shares_stop (self->shares);
  tandem_conversations_stop (self->conversations);
  tandem_contacts_stop (self->contacts);
  tandem_calls_stop (self->calls);
  tandem_settings_stop (self->settings);
  tandem_accounts_stop (self->accounts);
  if (self->core != NULL)
    {
      g_debug ("stopping the core of the profile %s", self->profile_dir);
      linphone_core_stop (self->core);
      g_clear_pointer (&self->core, linphone_core_unref);
    }
}

gboolean
tandem_manager_is_started (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), FALSE);

  return self->core != NULL;
}

TandemManager *
tandem_manager_new (const char *profile_dir)
{
  return g_object_new (TANDEM_TYPE_MANAGER, "profile-dir", profile_dir, NULL);
}

const char *
tandem_manager_get_profile_dir (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);

  return self->profile_dir;
}

void
tandem_manager_set_bind_address (TandemManager *self,
                                 const char    *address)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));
  g_return_if_fail (self->core == NULL);

  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
}

/* Extra trusted certificate authorities (a PEM file or directory) for TLS
 * to SIP servers, e.g. a company CA.  Set before tandem_manager_start(). */
void
tandem_manager_set_root_ca (TandemManager *self,
                            const char    *path)
{
  g_return_if_fail (TANDEM_IS_MANAGER (self));
  g_return_if_fail (self->core == NULL);

  g_free (self->root_ca);
  self->root_ca = g_strdup (path);
}

TandemAccounts *
tandem_manager_get_accounts (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->accounts;
}

TandemContacts *
tandem_manager_get_contacts (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->contacts;
}

TandemConversations *
tandem_manager_get_conversations (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->conversations;
}

TandemCalls *
tandem_manager_get_calls (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->calls;
}

TandemShares *
tandem_manager_get_shares (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->shares;
}

TandemSettings *
tandem_manager_get_settings (TandemManager *self)
{
  g_return_val_if_fail (TANDEM_IS_MANAGER (self), NULL);
  return self->settings;
}

static void
tandem_manager_constructed (GObject *object)
{
  TandemManager *self = TANDEM_MANAGER (object);

  G_OBJECT_CLASS (tandem_manager_parent_class)->constructed (object);

  self->accounts = tandem_accounts_new (self->profile_dir);
  self->contacts = tandem_contacts_new ();
  self->conversations = tandem_conversations_new ();
  self->calls = tandem_calls_new ();
  self->shares = tandem_shares_new (self->profile_dir, self->accounts, self->calls);
  self->settings = tandem_settings_new (self->accounts);
}

static void
tandem_manager_dispose (GObject *object)
{
  TandemManager *self = TANDEM_MANAGER (object);

  if (self->core != NULL)
    tandem_manager_stop (self);
  g_clear_object (&self->shares);
  g_clear_object (&self->settings);
  g_clear_object (&self->conversations);
  g_clear_object (&self->contacts);
  g_clear_object (&self->calls);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (tandem_manager_parent_class)->dispose (object);
}

static void
tandem_manager_finalize (GObject *object)
{
  TandemManager *self = TANDEM_MANAGER (object);

  g_free (self->profile_dir);
  g_free (self->bind_address);
  g_free (self->root_ca);

  G_OBJECT_CLASS (tandem_manager_parent_class)->finalize (object);
}

static void
tandem_manager_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemManager *self = TANDEM_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PROFILE_DIR:
      g_value_set_string (value, self->profile_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_manager_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TandemManager *self = TANDEM_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PROFILE_DIR:
      self->profile_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_manager_class_init (TandemManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tandem_manager_constructed;
  object_class->dispose = tandem_manager_dispose;
  object_class->finalize = tandem_manager_finalize;
  object_class->get_property = tandem_manager_get_property;
  object_class->set_property = tandem_manager_set_property;

  properties[PROP_PROFILE_DIR] =
    g_param_spec_string ("profile-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_manager_init (TandemManager *self)
{
}
