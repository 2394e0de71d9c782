/* tandem-msrp-session.h: one MSRP media stream carrying RFB (wire doc
 * sections 2-4): connect or listen, bind, then exchange bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-msrp-connection.h"
#include "tandem-msrp-uri.h"
#include "tandem-share-sdp.h"

G_BEGIN_DECLS

#define TANDEM_MSRP_DIRECT_CHUNK_SIZE (256 * 1024)
/* Via a relay: bodies of at most 8 KiB (the wire doc's limit for
 * anything crossing a relay, read as the body size), and the whole frame
 * with its headers at most 10 KiB, well below the 11239 bytes from which
 * the kamailio relay refuses frames. */
#define TANDEM_MSRP_RELAY_CHUNK_SIZE  8192
#define TANDEM_MSRP_RELAY_FRAME_LIMIT 10240

#define TANDEM_TYPE_MSRP_SESSION (tandem_msrp_session_get_type ())
G_DECLARE_FINAL_TYPE (TandemMsrpSession, tandem_msrp_session, TANDEM, MSRP_SESSION, GObject)

TandemMsrpSession *tandem_msrp_session_new             (const TandemMsrpUri *local_uri,
                                                        GTlsCertificate     *certificate);
const TandemMsrpUri *tandem_msrp_session_get_local_uri (TandemMsrpSession   *self);
void               tandem_msrp_session_set_own_path    (TandemMsrpSession   *self,
                                                        GPtrArray           *path);
GPtrArray         *tandem_msrp_session_get_own_path    (TandemMsrpSession   *self);
void               tandem_msrp_session_set_peer_fingerprint (TandemMsrpSession *self,
                                                        const char          *fingerprint);
gboolean           tandem_msrp_session_listen          (TandemMsrpSession   *self,
                                                        GInetAddress        *address,
                                                        guint16              port,
                                                        GError             **error);
void               tandem_msrp_session_start_async     (TandemMsrpSession   *self,
                                                        TandemMsrpSetup      setup,
                                                        GPtrArray           *peer_path,
                                                        GIOStream           *stream,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void               tandem_msrp_session_start_on_connection_async (TandemMsrpSession    *self,
                                                        TandemMsrpSetup       setup,
                                                        GPtrArray            *peer_path,
                                                        TandemMsrpConnection *conn,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
TandemMsrpConnection *tandem_msrp_session_get_connection (TandemMsrpSession *self);
gboolean           tandem_msrp_session_start_finish    (TandemMsrpSession   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gboolean           tandem_msrp_session_is_ready        (TandemMsrpSession   *self);
gsize              tandem_msrp_session_get_max_chunk_size (TandemMsrpSession *self);
void               tandem_msrp_session_send_async      (TandemMsrpSession   *self,
                                                        GBytes              *data,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
guint8            *tandem_msrp_session_new_frame       (TandemMsrpSession *self,
                                                        gsize             *body_offset,
                                                        gsize             *capacity);
void               tandem_msrp_session_free_frame      (TandemMsrpSession *self,
                                                        guint8            *frame);
void               tandem_msrp_session_send_frame_async (TandemMsrpSession *self,
                                                        guint8            *frame,
                                                        gsize              body_len,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
void               tandem_msrp_session_send_frame_reported_async (TandemMsrpSession *self,
                                                        guint8            *frame,
                                                        gsize              body_len,
                                                        guint64            tag,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean           tandem_msrp_session_get_via_relay   (TandemMsrpSession   *self);
void               tandem_msrp_session_set_send_reports (TandemMsrpSession  *self,
                                                        gboolean             send_reports);
gboolean           tandem_msrp_session_send_finish     (TandemMsrpSession   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gsize              tandem_msrp_session_get_queued_bytes (TandemMsrpSession  *self);
void               tandem_msrp_session_set_receiving   (TandemMsrpSession   *self,
                                                        gboolean             receiving);
guint64            tandem_msrp_session_get_bytes_sent  (TandemMsrpSession   *self);
void               tandem_msrp_session_close           (TandemMsrpSession   *self);

G_END_DECLS
