/* tandem-tls-identity.h: the per-profile self-signed certificate used on
 * msrps streams, and SHA-256 fingerprints (RFC 4572) of certificates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char            *tandem_tls_certificate_get_fingerprint (GTlsCertificate     *certificate);
gboolean         tandem_tls_fingerprint_equal           (const char          *a,
                                                         const char          *b);
GTlsCertificate *tandem_tls_identity_ensure             (const char          *directory,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void             tandem_tls_identity_ensure_async       (const char          *directory,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GTlsCertificate *tandem_tls_identity_ensure_finish      (GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
