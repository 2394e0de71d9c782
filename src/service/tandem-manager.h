/* tandem-manager.h: owns the SIP stack and speaks GObject to the UI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "tandem-account.h"
#include "tandem-call.h"
#include "tandem-call-record.h"
#include "tandem-contact.h"
#include "tandem-conversation.h"
#include "tandem-service-types.h"
#include "tandem-share.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_MANAGER (tandem_manager_get_type ())
G_DECLARE_FINAL_TYPE (TandemManager, tandem_manager, TANDEM, MANAGER, GObject)

typedef enum {
  TANDEM_TRANSPORT_UDP,
  TANDEM_TRANSPORT_TCP,
  TANDEM_TRANSPORT_TLS,
} TandemTransport;

TandemManager  *tandem_manager_new             (const char      *profile_dir);
const char     *tandem_manager_get_profile_dir (TandemManager   *self);
gboolean        tandem_manager_start           (TandemManager   *self,
                                                GError         **error);
void            tandem_manager_stop            (TandemManager   *self);
gboolean        tandem_manager_is_started      (TandemManager   *self);

/* Network settings that must be set before tandem_manager_start(). */
void            tandem_manager_set_bind_address (TandemManager  *self,
                                                 const char     *address);
void            tandem_manager_set_root_ca      (TandemManager  *self,
                                                 const char     *path);

GListModel     *tandem_manager_get_accounts    (TandemManager   *self);
TandemAccount  *tandem_manager_add_account     (TandemManager   *self,
                                                const char      *identity,
                                                const char      *password,
                                                const char      *server,
                                                TandemTransport  transport,
                                                GError         **error);

const char     *tandem_manager_get_password_storage (TandemManager *self);
gboolean        tandem_manager_remove_account  (TandemManager   *self,
                                                TandemAccount   *account,
                                                GError         **error);

GListModel     *tandem_manager_get_contacts    (TandemManager   *self);
TandemContact  *tandem_manager_find_contact    (TandemManager   *self,
                                                const char      *address);
TandemContact  *tandem_manager_add_contact     (TandemManager   *self,
                                                const char      *name,
                                                const char      *address,
                                                GError         **error);
void            tandem_manager_remove_contact  (TandemManager   *self,
                                                TandemContact   *contact);
char           *tandem_manager_dup_contact_address (TandemManager *self);
/* Screen sharing (tandem-manager-shares.c). */
GListModel     *tandem_manager_get_shares      (TandemManager   *self);
gboolean        tandem_manager_can_share       (TandemManager   *self);
TandemShare    *tandem_manager_share_screen    (TandemManager   *self,
                                                const char      *address,
                                                GError         **error);
TandemShare    *tandem_manager_request_screen  (TandemManager   *self,
                                                const char      *address,
                                                GError         **error);
gboolean        tandem_manager_get_share_tls   (TandemManager   *self);
void            tandem_manager_set_share_tls   (TandemManager   *self,
                                                gboolean         tls);
char           *tandem_manager_dup_share_relay (TandemManager   *self);
gboolean        tandem_manager_set_share_relay (TandemManager   *self,
                                                const char      *relay,
                                                GError         **error);
void            tandem_manager_set_share_options (TandemManager *self,
                                                gboolean         tls,
                                                const char      *relay);

GStrv           tandem_manager_dup_pending_subscribers (TandemManager *self);
TandemContact  *tandem_manager_allow_subscriber (TandemManager  *self,
                                                 const char     *address,
                                                 GError        **error);
gboolean        tandem_manager_deny_subscriber  (TandemManager  *self,
                                                 const char     *address,
                                                 GError        **error);

TandemConversation *tandem_manager_get_conversation (TandemManager  *self,
                                                     const char     *address,
                                                     GError        **error);

GListModel     *tandem_manager_get_calls         (TandemManager  *self);
GListModel     *tandem_manager_get_call_history  (TandemManager  *self);
TandemCall     *tandem_manager_find_call         (TandemManager  *self,
                                                  const char     *address);
guint           tandem_manager_get_missed_calls  (TandemManager  *self);
void            tandem_manager_reset_missed_calls (TandemManager *self);
void            tandem_manager_clear_call_history (TandemManager *self);
TandemCall     *tandem_manager_call              (TandemManager  *self,
                                                  const char     *address,
                                                  GError        **error);
TandemCallEncryption tandem_manager_get_call_encryption (TandemManager *self);
void            tandem_manager_set_call_encryption (TandemManager        *self,
                                                    TandemCallEncryption  encryption);

TandemPresence  tandem_manager_get_presence      (TandemManager  *self);
const char     *tandem_manager_get_presence_note (TandemManager  *self);
void            tandem_manager_set_presence      (TandemManager  *self,
                                                  TandemPresence  presence,
                                                  const char     *note);

GStrv           tandem_manager_list_audio_devices (TandemManager    *self,
                                                   TandemAudioRole   role);
char           *tandem_manager_get_audio_device   (TandemManager    *self,
                                                   TandemAudioRole   role);
gboolean        tandem_manager_set_audio_device   (TandemManager    *self,
                                                   TandemAudioRole   role,
                                                   const char       *id,
                                                   GError          **error);
void            tandem_manager_get_nat            (TandemManager     *self,
                                                   TandemNatSettings *out);
gboolean        tandem_manager_set_nat            (TandemManager           *self,
                                                   const TandemNatSettings *settings,
                                                   GError                 **error);

gboolean        tandem_transport_from_string   (const char      *str,
                                                TandemTransport *out_transport);

G_END_DECLS
