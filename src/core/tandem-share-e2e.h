/* tandem-share-e2e.h: end-to-end TLS over the RFB stream of a share
 * between two Tandems (a=tandem-e2e), whatever relays carry the MSRP
 * stream, with the peer's certificate pinned to the fingerprint of its
 * SDP, and the short authentication string ("security code") both
 * people compare.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The SDP attribute value this version speaks: a=tandem-e2e:tls1 */
#define TANDEM_SHARE_E2E_PROTOCOL "tls1"

#define TANDEM_TYPE_SHARE_E2E (tandem_share_e2e_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareE2e, tandem_share_e2e, TANDEM, SHARE_E2E, GObject)

/* @cipher_fd: a connected stream socket whose other end carries the
 * encrypted stream toward the peer (a TandemRfbTunnel's fd); owned from
 * here on, also on failure.  @server: TRUE on the VNC server's side (the
 * sharer), which is the TLS server.  @certificate: our identity (with its
 * key).  @peer_fingerprint: the sha-256 fingerprint in the peer's SDP. */
TandemShareE2e *tandem_share_e2e_new             (int                  cipher_fd,
                                                  gboolean             server,
                                                  GTlsCertificate     *certificate,
                                                  const char          *peer_fingerprint,
                                                  GError             **error);
/* The handshake, bounded by the timeout (default 30 s).  Fails with
 * TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH when the peer's certificate is
 * not the one its SDP names; then no byte of the plaintext side has been
 * read, so no RFB byte left.  On success the two sides are joined. */
void            tandem_share_e2e_handshake_async (TandemShareE2e      *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        tandem_share_e2e_handshake_finish (TandemShareE2e     *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void            tandem_share_e2e_set_timeout     (TandemShareE2e      *self,
                                                  guint                timeout_ms);
/* The plaintext side for libvncserver/libvncclient; the caller owns it;
 * -1 once taken. */
int             tandem_share_e2e_steal_plain_fd  (TandemShareE2e      *self);
/* Plaintext (RFB) bytes through, each way. */
guint64         tandem_share_e2e_get_bytes_to_peer   (TandemShareE2e  *self);
guint64         tandem_share_e2e_get_bytes_from_peer (TandemShareE2e  *self);
/* The TLS version and cipher after the handshake ("TLS 1.3,
 * TLS_AES_256_GCM_SHA384"), or NULL. */
const char     *tandem_share_e2e_get_description (TandemShareE2e      *self);
/* Idempotent; ::closed (NULL) if not closed yet. */
void            tandem_share_e2e_close           (TandemShareE2e      *self);

/* "4F2A 91": 24 bits of SHA-256 over both fingerprints in a fixed order
 * (the same on both sides); NULL if either is missing. */
char           *tandem_share_e2e_compute_code    (const char          *fingerprint_a,
                                                  const char          *fingerprint_b);

/* Signals, on the main context of the creating thread:
 *   "closed" (const char *message): once, after the handshake succeeded:
 *     NULL for a clean end (either side closed), else why. */

G_END_DECLS
