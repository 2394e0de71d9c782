/* tandem-settings.c
 *
 * What Preferences sets in the SIP stack: the audio devices and NAT
 * traversal (STUN, ICE, TURN).  liblinphone stores all of it in the
 * profile; the TURN password goes to the keyring through TandemAccounts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <linphone/core.h>

#include "tandem-settings.h"
#include "tandem-sip-address.h"

struct _TandemSettings
{
  GObject         parent_instance;

  TandemAccounts *accounts;
  LinphoneCore   *core;     /* while started */
};

G_DEFINE_FINAL_TYPE (TandemSettings, tandem_settings, G_TYPE_OBJECT)

/* ----- audio devices -------------------------------------------------- */

/* The ids of the devices that can take @role; the names users read are
 * the ids themselves ("ALSA: Built-in Audio", "PulseAudio: …"). */
GStrv
tandem_settings_list_audio_devices (TandemSettings  *self,
                                   TandemAudioRole  role)
{
  LinphoneCore *core = self->core;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  LinphoneAudioDeviceCapabilities wanted =
    role == TANDEM_AUDIO_CAPTURE ? LinphoneAudioDeviceCapabilityRecord : LinphoneAudioDeviceCapabilityPlay;
  bctbx_list_t *devices;

  if (core == NULL)
    return g_strv_builder_end (builder);

  devices = linphone_core_get_extended_audio_devices (core);
  for (bctbx_list_t *l = devices; l != NULL; l = l->next)
    if (linphone_audio_device_has_capability (l->data, wanted))
      g_strv_builder_add (builder, linphone_audio_device_get_id (l->data));
  bctbx_list_free_with_data (devices, (bctbx_list_free_func) linphone_audio_device_unref);

  return g_strv_builder_end (builder);
}

char *
tandem_settings_get_audio_device (TandemSettings  *self,
                                 TandemAudioRole  role)
{
  static const char *keys[] = { "capture_dev_id", "playback_dev_id", "ringer_dev_id" };
  LinphoneCore *core = self->core;
  const char *current;

  if (core == NULL)
    return NULL;

  switch (role)
    {
    case TANDEM_AUDIO_CAPTURE:
      current = linphone_core_get_capture_device (core);
      break;
    case TANDEM_AUDIO_RINGER:
      current = linphone_core_get_ringer_device (core);
      break;
    case TANDEM_AUDIO_PLAYBACK:
    default:
      current = linphone_core_get_playback_device (core);
      break;
    }

  /* Playing files (TANDEM_NO_SOUNDCARD) the core has no current device;
   * the choice is still the one saved in the profile. */
  if (current == NULL)
    current = linphone_config_get_string (linphone_core_get_config (core), "sound", keys[role], NULL);

  return g_strdup (current);
}

gboolean
tandem_settings_set_audio_device (TandemSettings   *self,
                                 TandemAudioRole   role,
                                 const char       *id,
                                 GError          **error)
{
  LinphoneCore *core = self->core;
  g_auto(GStrv) known = NULL;
  LinphoneStatus status;

  if (!tandem_sip_require_core (core, error))
    return FALSE;

  known = tandem_settings_list_audio_devices (self, role);
  if (id == NULL || !g_strv_contains ((const char * const *) known, id))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("No such audio device: %s"), id ? id : "(none)");
      return FALSE;
    }

  switch (role)
    {
    case TANDEM_AUDIO_CAPTURE:
      status = linphone_core_set_capture_device (core, id);
      break;
    case TANDEM_AUDIO_RINGER:
      status = linphone_core_set_ringer_device (core, id);
      break;
    case TANDEM_AUDIO_PLAYBACK:
    default:
      status = linphone_core_set_playback_device (core, id);
      break;
    }

  /* liblinphone answers 0 even when it found no such card: check. */
  {
    g_autofree char *now = tandem_settings_get_audio_device (self, role);

    if (status != 0 || g_strcmp0 (now, id) != 0)
      {
        g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                     _("The audio device %s could not be used"), id);
        return FALSE;
      }
  }
  return TRUE;
}

/* ----- NAT traversal -------------------------------------------------- */

void
tandem_settings_get_nat (TandemSettings    *self,
                        TandemNatSettings *out)
{
  LinphoneCore *core = self->core;
  LinphoneNatPolicy *policy = core ? linphone_core_get_nat_policy (core) : NULL;

  memset (out, 0, sizeof *out);
  if (policy == NULL)
    return;

  out->stun_server = g_strdup (linphone_nat_policy_get_stun_server (policy));
  out->stun = linphone_nat_policy_stun_enabled (policy);
  out->ice = linphone_nat_policy_ice_enabled (policy);
  out->turn = linphone_nat_policy_turn_enabled (policy);
  out->turn_username = g_strdup (linphone_nat_policy_get_stun_server_username (policy));
}

gboolean
tandem_settings_set_nat (TandemSettings           *self,
                        const TandemNatSettings  *settings,
                        GError                  **error)
{
  LinphoneCore *core = self->core;
  LinphoneNatPolicy *policy;
  const char *server = settings->stun_server;
  gboolean has_server = server != NULL && *server != '\0';

  if (!tandem_sip_require_core (core, error))
    return FALSE;

  if ((settings->stun || settings->ice || settings->turn) && !has_server)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("STUN, ICE and TURN need a STUN/TURN server"));
      return FALSE;
    }
  if (has_server && (strchr (server, ' ') != NULL || strchr (server, '/') != NULL))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a host name with an optional port"), server);
      return FALSE;
    }
  if (settings->turn && (settings->turn_username == NULL || *settings->turn_username == '\0'))
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("TURN needs a user name"));
      return FALSE;
    }

  policy = linphone_core_create_nat_policy (core);
  linphone_nat_policy_set_stun_server (policy, has_server ? server : NULL);
  linphone_nat_policy_enable_stun (policy, settings->stun || settings->turn);
  linphone_nat_policy_enable_ice (policy, settings->ice);
  linphone_nat_policy_enable_turn (policy, settings->turn);
  if (settings->turn)
    {
      linphone_nat_policy_set_stun_server_username (policy, settings->turn_username);
      /* The TURN credentials are an auth info keyed by the user name; the
       * password also goes to the keyring when there is one. */
      if (settings->turn_password != NULL && *settings->turn_password != '\0')
        tandem_accounts_set_turn_password (self->accounts, settings->turn_username,
                                           settings->turn_password);
    }
  linphone_core_set_nat_policy (core, policy);
  linphone_nat_policy_unref (policy);

  return TRUE;
}

/* ----- GObject ------------------------------------------------------- */

TandemSettings *
tandem_settings_new (TandemAccounts *accounts)
{
  TandemSettings *self = g_object_new (TANDEM_TYPE_SETTINGS, NULL);

  self->accounts = g_object_ref (accounts);
  return self;
}

void
tandem_settings_start (TandemSettings *self,
                       gpointer        linphone_core)
{
  g_return_if_fail (TANDEM_IS_SETTINGS (self));
  g_return_if_fail (self->core == NULL);

  self->core = linphone_core_ref (linphone_core);
}

void
tandem_settings_stop (TandemSettings *self)
{
  g_return_if_fail (TANDEM_IS_SETTINGS (self));

  g_clear_pointer (&self->core, linphone_core_unref);
}

static void
tandem_settings_dispose (GObject *object)
{
  TandemSettings *self = TANDEM_SETTINGS (object);

  tandem_settings_stop (self);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (tandem_settings_parent_class)->dispose (object);
}

static void
tandem_settings_class_init (TandemSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_settings_dispose;
}

static void
tandem_settings_init (TandemSettings *self)
{
}
