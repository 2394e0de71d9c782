/* tandem-secrets.h: account passwords in the Secret Service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

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
