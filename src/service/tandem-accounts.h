/* tandem-accounts.h: the SIP accounts of a profile (a GListModel of
 * TandemAccount) and where their passwords are kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-account.h"
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_ACCOUNTS (tandem_accounts_get_type ())
G_DECLARE_FINAL_TYPE (TandemAccounts, tandem_accounts, TANDEM, ACCOUNTS, GObject)

TandemAccount *tandem_accounts_add                  (TandemAccounts   *self,
                                                     const char       *identity,
                                                     const char       *password,
                                                     const char       *server,
                                                     TandemTransport   transport,
                                                     GError          **error);
gboolean       tandem_accounts_remove               (TandemAccounts   *self,
                                                     TandemAccount    *account,
                                                     GError          **error);
/* "keyring" (the Secret Service) or "profile" (a digest hash in the
 * profile's linphonerc); property "password-storage". */
const char    *tandem_accounts_get_password_storage (TandemAccounts   *self);
/* The Contact of the default account's registration, or NULL before it
 * registered. */
char          *tandem_accounts_dup_contact_address  (TandemAccounts   *self);

/* For the other service objects.  The gpointers are liblinphone objects
 * (LinphoneConfig, LinphoneCore), kept out of this header. */
TandemAccounts *tandem_accounts_new                 (const char       *profile_dir);
void           tandem_accounts_configure            (TandemAccounts   *self,
                                                     gpointer          linphone_config);
void           tandem_accounts_start                (TandemAccounts   *self,
                                                     gpointer          linphone_core);
void           tandem_accounts_stop                 (TandemAccounts   *self);
/* TURN credentials: to liblinphone, and to the keyring when there is one. */
void           tandem_accounts_set_turn_password    (TandemAccounts   *self,
                                                     const char       *username,
                                                     const char       *password);
/* The password of @username@@domain as typed this run or kept in the
 * profile; else NULL and, if known, the digest hash in @ha1. */
char          *tandem_accounts_dup_password         (TandemAccounts   *self,
                                                     const char       *username,
                                                     const char       *domain,
                                                     char            **ha1);

G_END_DECLS
