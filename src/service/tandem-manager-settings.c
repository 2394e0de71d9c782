/* tandem-manager-settings.c
 *
 * The TandemManager functions behind the preferences: audio devices, NAT
 * traversal, removing an account.  Kept apart from tandem-manager.c, which
 * deals with events; liblinphone stores all of it in the profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-manager-settings"

#include <linphone/core.h>

#include "tandem-manager.h"
#include "tandem-service-private.h"

static LinphoneCore *
get_core (TandemManager  *self,
          GError        **error)
{
  LinphoneCore *core = _tandem_manager_get_core (self);

  if (core == NULL)
    g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                 "The SIP stack is not running");
  return core;
}

/* ----- audio devices -------------------------------------------------- */

/* The ids of the devices that can take @role; the names users read are
 * the ids themselves ("ALSA: Built-in Audio", "PulseAudio: …"). */
GStrv
tandem_manager_list_audio_devices (TandemManager   *self,
                                   TandemAudioRole  role)
{
  LinphoneCore *core = get_core (self, NULL);
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
tandem_manager_get_audio_device (TandemManager   *self,
                                 TandemAudioRole  role)
{
  static const char *keys[] = { "capture_dev_id", "playback_dev_id", "ringer_dev_id" };
  LinphoneCore *core = get_core (self, NULL);
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
tandem_manager_set_audio_device (TandemManager    *self,
                                 TandemAudioRole   role,
                                 const char       *id,
                                 GError          **error)
{
  LinphoneCore *core = get_core (self, error);
  g_auto(GStrv) known = NULL;
  LinphoneStatus status;

  if (core == NULL)
    return FALSE;

  known = tandem_manager_list_audio_devices (self, role);
  if (id == NULL || !g_strv_contains ((const char * const *) known, id))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "No such audio device: %s", id ? id : "(none)");
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
    g_autofree char *now = tandem_manager_get_audio_device (self, role);

    if (status != 0 || g_strcmp0 (now, id) != 0)
      {
        g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                     "The audio device %s could not be used", id);
        return FALSE;
      }
  }
  return TRUE;
}

/* ----- NAT traversal -------------------------------------------------- */

void
tandem_manager_get_nat (TandemManager     *self,
                        TandemNatSettings *out)
{
  LinphoneCore *core = get_core (self, NULL);
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
tandem_manager_set_nat (TandemManager            *self,
                        const TandemNatSettings  *settings,
                        GError                  **error)
{
  LinphoneCore *core = get_core (self, error);
  LinphoneNatPolicy *policy;
  const char *server = settings->stun_server;
  gboolean has_server = server != NULL && *server != '\0';

  if (core == NULL)
    return FALSE;

  if ((settings->stun || settings->ice || settings->turn) && !has_server)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "STUN, ICE and TURN need a STUN/TURN server");
      return FALSE;
    }
  if (has_server && (strchr (server, ' ') != NULL || strchr (server, '/') != NULL))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   "“%s” is not a host name with an optional port", server);
      return FALSE;
    }
  if (settings->turn && (settings->turn_username == NULL || *settings->turn_username == '\0'))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "TURN needs a user name");
      return FALSE;
    }

  policy = linphone_core_create_nat_policy (core);
  linphone_nat_policy_set_stun_server (policy, has_server ? server : NULL);
  linphone_nat_policy_enable_stun (policy, settings->stun || settings->turn);
  linphone_nat_policy_enable_ice (policy, settings->ice);
  linphone_nat_policy_enable_turn (policy, settings->turn);
  if (settings->turn)
    {
      g_autofree char *key = g_strconcat ("turn:", settings->turn_username, NULL);

      linphone_nat_policy_set_stun_server_username (policy, settings->turn_username);
      /* The TURN credentials are an auth info keyed by the user name; the
       * password also goes to the keyring when there is one. */
      if (settings->turn_password != NULL && *settings->turn_password != '\0')
        {
          _tandem_manager_store_password (self, key, settings->turn_password);
          _tandem_manager_add_turn_auth (self, settings->turn_username, settings->turn_password);
        }
    }
  linphone_core_set_nat_policy (core, policy);
  linphone_nat_policy_unref (policy);

  return TRUE;
}

/* ----- accounts ------------------------------------------------------- */

gboolean
tandem_manager_remove_account (TandemManager  *self,
                               TandemAccount  *account,
                               GError        **error)
{
  LinphoneCore *core = get_core (self, error);
  const bctbx_list_t *l;

  if (core == NULL)
    return FALSE;

  for (l = linphone_core_get_account_list (core); l != NULL; l = l->next)
    if (linphone_account_get_user_data (l->data) == account)
      {
        _tandem_manager_forget_password (self, tandem_account_get_identity (account));
        _tandem_manager_forget_account (self, account);
        linphone_account_set_user_data (l->data, NULL);
        linphone_core_remove_account (core, l->data);
        return TRUE;
      }

  g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
               "That account is not in this profile");
  return FALSE;
}
