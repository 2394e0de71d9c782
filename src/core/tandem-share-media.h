/* tandem-share-media.h: the media of one share session: the MSRP stream
 * (direct or through the account's relay, TCP or TLS with the peer's
 * fingerprint pinned) and the RFB tunnel, up to a local VNC fd.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-share-sdp.h"

G_BEGIN_DECLS

typedef struct {
  gboolean         tls;           /* msrps (default in the app) or msrp */
  GTlsCertificate *certificate;   /* required when tls */
  const char      *local_address; /* IP to listen on and advertise, e.g. "127.0.0.1";
                                   * NULL: the address of the default route, else 127.0.0.1 */
  const char      *relay;         /* NULL or "": no relay, direct.  "auto": discover (SRV
                                   * _msrps._tcp/_msrp._tcp.<domain>, else <domain>:2855);
                                   * if discovery or AUTH fails, direct with a g_message.
                                   * Else "host:port" or an msrp(s):// URI: must work or
                                   * prepare fails. */
  const char      *domain;        /* for discovery */
  const char      *username;      /* relay AUTH credentials (the SIP account's) */
  const char      *password;
  guint            keepalive_s;   /* network loss detected within this many seconds (TCP
                                   * keepalive idle + intvl * cnt, TCP_USER_TIMEOUT);
                                   * 0: 8 */
  /* Additions (zero = default): */
  GTlsDatabase    *relay_database; /* CAs for an msrps relay; NULL: the system's */
  const char      *ha1;            /* relay AUTH with the digest hash when no
                                    * password is known (liblinphone's HA1) */
  gboolean         allow_unpinned; /* accept an msrps offer/answer without
                                    * a=fingerprint (Blink sends none): TLS then
                                    * accepts any peer certificate */
} TandemShareMediaOptions;

#define TANDEM_TYPE_SHARE_MEDIA (tandem_share_media_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareMedia, tandem_share_media, TANDEM, SHARE_MEDIA, GObject)

/* Copies what it needs from @options. */
TandemShareMedia *tandem_share_media_new              (const TandemShareMediaOptions *options);

/* Listens (or AUTHs at the relay) so that a local path exists. */
void              tandem_share_media_prepare_async    (TandemShareMedia    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean          tandem_share_media_prepare_finish   (TandemShareMedia    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* After prepare.  setup actpass; @my_role is my rfbsetup (PASSIVE: I
 * share my screen, ACTIVE: I want to view). */
TandemShareSdp   *tandem_share_media_create_offer     (TandemShareMedia    *self,
                                                       TandemRfbSetup       my_role);
/* After prepare.  The opposite rfbsetup; setup per RFC 6135 (active to
 * actpass: we connect out).  Fails with a readable message if the offer
 * is unusable (no application/x-rfb, a protocol other than ours, no
 * fingerprint on msrps). */
TandemShareSdp   *tandem_share_media_create_answer    (TandemShareMedia     *self,
                                                       const TandemShareSdp *offer,
                                                       GError              **error);
/* Once the remote description is known (the answer received, or the
 * offer answered): connects or waits for the peer, binds, and joins a
 * socketpair to the stream.  ::connected when the VNC fd is ready,
 * ::ended on failure or close. */
gboolean          tandem_share_media_start            (TandemShareMedia     *self,
                                                       const TandemShareSdp *remote,
                                                       GError              **error);

/* My VNC role, PASSIVE = sharer; UNSET before an offer or answer. */
TandemRfbSetup    tandem_share_media_get_role         (TandemShareMedia    *self);
/* After ::connected; the caller owns it (TandemVncServer add_viewer or
 * TandemVncView open_fd); -1 if none. */
int               tandem_share_media_steal_vnc_fd     (TandemShareMedia    *self);
gboolean          tandem_share_media_is_relayed       (TandemShareMedia    *self);
gboolean          tandem_share_media_is_connected     (TandemShareMedia    *self);
/* RFB bytes through the tunnel, headers not counted. */
guint64           tandem_share_media_get_bytes_received (TandemShareMedia  *self);
guint64           tandem_share_media_get_bytes_sent   (TandemShareMedia    *self);
/* Idempotent; emits ::ended (NULL) if not ended yet. */
void              tandem_share_media_close            (TandemShareMedia    *self);

/* Signals, on the main context of the creating thread:
 *   "connected" (void): the VNC fd is ready;
 *   "ended" (const char *message): exactly once; NULL for a clean end (close(),
 *     the peer closed the connection, the VNC side closed), else why: the
 *     connect or bind timed out (30 s), "The peer's certificate does not match
 *     the fingerprint it advertised", the network was lost (within keepalive_s),
 *     ...  From close() it comes before close() returns; otherwise from an
 *     idle, and not at all once the object is finalized.  Through a relay the
 *     peer's close is not seen (the relay keeps the connection): BYE ends it. */

G_END_DECLS
