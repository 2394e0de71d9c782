/* tandem-peer-keys.h: the share keys (certificate fingerprints) the user
 * marked as verified, per peer SIP address, in a keyfile in the profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TANDEM_PEER_KEY_UNVERIFIED, /* nothing marked for this peer */
  TANDEM_PEER_KEY_VERIFIED,   /* this key was marked verified */
  TANDEM_PEER_KEY_CHANGED,    /* another key was marked verified for this peer */
} TandemPeerKeyState;

#define TANDEM_TYPE_PEER_KEYS (tandem_peer_keys_get_type ())
G_DECLARE_FINAL_TYPE (TandemPeerKeys, tandem_peer_keys, TANDEM, PEER_KEYS, GObject)

/* Reads @path if it exists (a few hundred bytes: read at once); a file
 * that cannot be parsed is kept aside as <path>.bad and starts empty. */
TandemPeerKeys    *tandem_peer_keys_new           (const char     *path);
TandemPeerKeyState tandem_peer_keys_check         (TandemPeerKeys *self,
                                                   const char     *address,
                                                   const char     *fingerprint);
/* The verified fingerprint for @address, or NULL. */
const char        *tandem_peer_keys_lookup        (TandemPeerKeys *self,
                                                   const char     *address);
/* Marks @fingerprint verified for @address (NULL: forgets the peer) and
 * writes the file in the background (::saved when done). */
void               tandem_peer_keys_set_verified  (TandemPeerKeys *self,
                                                   const char     *address,
                                                   const char     *fingerprint);

/* Signals:
 *   "changed" (const char *address): a mark was set or removed;
 *   "saved" (const GError *error): a write finished (NULL: written). */

G_END_DECLS
