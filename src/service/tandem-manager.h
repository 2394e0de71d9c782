/* tandem-manager.h: owns the SIP stack of a profile (liblinphone's core)
 * and the objects that speak GObject to the UI, one per concern.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-accounts.h"
#include "tandem-calls.h"
#include "tandem-contacts.h"
#include "tandem-conversations.h"
#include "tandem-service-types.h"
#include "tandem-settings.h"
#include "tandem-shares.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_MANAGER (tandem_manager_get_type ())
G_DECLARE_FINAL_TYPE (TandemManager, tandem_manager, TANDEM, MANAGER, GObject)

TandemManager       *tandem_manager_new               (const char     *profile_dir);
const char          *tandem_manager_get_profile_dir   (TandemManager  *self);
gboolean             tandem_manager_start             (TandemManager  *self,
                                                       GError        **error);
void                 tandem_manager_stop              (TandemManager  *self);
gboolean             tandem_manager_is_started        (TandemManager  *self);

/* Network settings that must be set before tandem_manager_start(). */
void                 tandem_manager_set_bind_address  (TandemManager  *self,
                                                       const char     *address);
void                 tandem_manager_set_root_ca       (TandemManager  *self,
                                                       const char     *path);

/* The owners, one per concern; they live as long as the manager (their
 * lists are empty while it is stopped). */
TandemAccounts      *tandem_manager_get_accounts      (TandemManager  *self);
TandemContacts      *tandem_manager_get_contacts      (TandemManager  *self);
TandemConversations *tandem_manager_get_conversations (TandemManager  *self);
TandemCalls         *tandem_manager_get_calls         (TandemManager  *self);
TandemShares        *tandem_manager_get_shares        (TandemManager  *self);
TandemSettings      *tandem_manager_get_settings      (TandemManager  *self);

G_END_DECLS
