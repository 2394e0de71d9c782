/* tandem-msrp-digest.h: HTTP Digest (RFC 2617, MD5, qop=auth) as MSRP
 * relays use it for AUTH (RFC 4976 section 5).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *realm;
  char *nonce;
  char *opaque;
  char *algorithm;
  gboolean qop_auth;
} TandemMsrpDigestChallenge;

TandemMsrpDigestChallenge *tandem_msrp_digest_challenge_parse (const char                *header,
                                                               GError                   **error);
void                       tandem_msrp_digest_challenge_free  (TandemMsrpDigestChallenge *challenge);
char                      *tandem_msrp_digest_authorization   (const TandemMsrpDigestChallenge *challenge,
                                                               const char                *username,
                                                               const char                *password,
                                                               const char                *method,
                                                               const char                *uri,
                                                               guint                      nonce_count,
                                                               const char                *cnonce);
char                      *tandem_msrp_digest_authorization_ha1 (const TandemMsrpDigestChallenge *challenge,
                                                               const char                *username,
                                                               const char                *ha1,
                                                               const char                *method,
                                                               const char                *uri,
                                                               guint                      nonce_count,
                                                               const char                *cnonce);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemMsrpDigestChallenge, tandem_msrp_digest_challenge_free)

G_END_DECLS
