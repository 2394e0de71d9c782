/* tandem-account.h: one SIP account and its registration state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_ACCOUNT (tandem_account_get_type ())
G_DECLARE_FINAL_TYPE (TandemAccount, tandem_account, TANDEM, ACCOUNT, GObject)

const char              *tandem_account_get_identity      (TandemAccount *self);
const char              *tandem_account_get_server        (TandemAccount *self);
TandemRegistrationState  tandem_account_get_state         (TandemAccount *self);
const char              *tandem_account_get_state_message (TandemAccount *self);
gboolean                 tandem_account_get_waiting_for_keyring (TandemAccount *self);

/* For TandemAccounts. */
TandemAccount *tandem_account_new          (const char              *identity,
                                            const char              *server);
void           tandem_account_set_state    (TandemAccount           *self,
                                            TandemRegistrationState  state,
                                            const char              *message);
void           tandem_account_set_waiting_for_keyring (TandemAccount *self,
                                                       gboolean       waiting);

G_END_DECLS
