/* tandem-secrets.h: account passwords in the Secret Service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the application uses: never blocks the main loop, however long the
 * keyring takes to ask the user (unlock, or create a keyring). */
void      tandem_secrets_check_async  (GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  tandem_secrets_check_finish (GAsyncResult         *result);
void      tandem_secrets_store_async  (const char           *profile,
                                       const char           *key,
                                       const char           *password,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  tandem_secrets_store_finish (GAsyncResult         *result,
                                       GError              **error);
void      tandem_secrets_lookup_async (const char           *profile,
                                       const char           *key,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char     *tandem_secrets_lookup_finish (GAsyncResult        *result,
                                        GError             **error);
void      tandem_secrets_clear_async  (const char           *profile,
                                       const char           *key);

/* Blocking: for tests and tools only, never on the application's main
 * loop. */
gboolean  tandem_secrets_available (void);
gboolean  tandem_secrets_store     (const char  *profile,
                                    const char  *identity,
                                    const char  *password,
                                    GError     **error);
char     *tandem_secrets_lookup    (const char  *profile,
                                    const char  *identity,
                                    GError     **error);
gboolean  tandem_secrets_clear     (const char  *profile,
                                    const char  *identity,
                                    GError     **error);

G_END_DECLS
