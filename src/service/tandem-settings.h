/* tandem-settings.h: what Preferences sets in the SIP stack: audio
 * devices and NAT traversal (liblinphone keeps both in the profile).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-accounts.h"
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SETTINGS (tandem_settings_get_type ())
G_DECLARE_FINAL_TYPE (TandemSettings, tandem_settings, TANDEM, SETTINGS, GObject)

GStrv           tandem_settings_list_audio_devices (TandemSettings          *self,
                                                    TandemAudioRole          role);
char           *tandem_settings_get_audio_device   (TandemSettings          *self,
                                                    TandemAudioRole          role);
gboolean        tandem_settings_set_audio_device   (TandemSettings          *self,
                                                    TandemAudioRole          role,
                                                    const char              *id,
                                                    GError                 **error);
void            tandem_settings_get_nat            (TandemSettings          *self,
                                                    TandemNatSettings       *out);
gboolean        tandem_settings_set_nat            (TandemSettings          *self,
                                                    const TandemNatSettings *settings,
                                                    GError                 **error);

/* For TandemManager; @linphone_core is a LinphoneCore.  The TURN password
 * goes to @accounts (the keyring). */
TandemSettings *tandem_settings_new                (TandemAccounts          *accounts);
void            tandem_settings_start              (TandemSettings          *self,
                                                    gpointer                 linphone_core);
void            tandem_settings_stop               (TandemSettings          *self);

G_END_DECLS
