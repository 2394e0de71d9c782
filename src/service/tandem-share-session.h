/* tandem-share-session.h: one screen-sharing SIP dialog (an INVITE whose
 * stream is RFB over MSRP), incoming or outgoing.  It emits its own
 * signals ("ringing", "accepted", "failed", "cancelled", "ended",
 * "control"; see tandem-share-session.c) and is dropped by its
 * TandemShareStack a while after it is over.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-share-sdp.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_SHARE_SESSION_OFFERED,   /* incoming, ringing here */
  TANDEM_SHARE_SESSION_CALLING,   /* outgoing, INVITE sent */
  TANDEM_SHARE_SESSION_RINGING,   /* outgoing, 180 seen */
  TANDEM_SHARE_SESSION_ACTIVE,    /* 200 OK sent or received */
  TANDEM_SHARE_SESSION_ENDED,     /* BYE, CANCEL, decline: over */
  TANDEM_SHARE_SESSION_FAILED,    /* outgoing, a final error response */
} TandemShareSessionState;

#define TANDEM_TYPE_SHARE_SESSION_STATE (tandem_share_session_state_get_type ())
GType tandem_share_session_state_get_type (void) G_GNUC_CONST;

#define TANDEM_TYPE_SHARE_SESSION (tandem_share_session_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareSession, tandem_share_session, TANDEM, SHARE_SESSION, GObject)

typedef struct _TandemShareStack TandemShareStack;

const char             *tandem_share_session_get_peer_address (TandemShareSession *self);
gboolean                tandem_share_session_is_incoming      (TandemShareSession *self);
TandemShareSessionState tandem_share_session_get_state        (TandemShareSession *self);
const TandemShareSdp   *tandem_share_session_get_remote_share (TandemShareSession *self);
const char             *tandem_share_session_get_remote_sdp   (TandemShareSession *self);
const char             *tandem_share_session_get_local_sdp    (TandemShareSession *self);
gboolean                tandem_share_session_has_audio        (TandemShareSession *self);
const char             *tandem_share_session_get_end_reason   (TandemShareSession *self);
guint                   tandem_share_session_get_status_code  (TandemShareSession *self);
const char             *tandem_share_session_get_call_id      (TandemShareSession *self);

/* Incoming (after the stack's ::share-offered). */
gboolean                tandem_share_session_accept           (TandemShareSession  *self,
                                                               const char          *answer_sdp,
                                                               GError             **error);
gboolean                tandem_share_session_decline          (TandemShareSession  *self,
                                                               GError             **error);
gboolean                tandem_share_session_refuse           (TandemShareSession  *self,
                                                               guint                code,
                                                               const char          *phrase,
                                                               GError             **error);
/* Either direction: CANCEL before the answer, BYE after it. */
gboolean                tandem_share_session_hang_up          (TandemShareSession  *self,
                                                               GError             **error);
/* Control signalling in the dialog (INFO, application/x-tandem-control):
 * "request", "grant", "revoke".  Arrives as ::control. */
gboolean                tandem_share_session_send_control     (TandemShareSession  *self,
                                                               const char          *what,
                                                               GError             **error);
gboolean                tandem_share_session_ping             (TandemShareSession  *self);

/* For TandemShareStack, which routes the dialog's events here.  The
 * gpointers are belle-sip objects (a belle_sip_request_t, a
 * belle_sip_response_event_t, a belle_sip_client_transaction_t), kept out
 * of this header. */
TandemShareSession     *tandem_share_session_new_incoming     (TandemShareStack    *stack,
                                                               gpointer             invite,
                                                               GError             **error);
TandemShareSession     *tandem_share_session_new_outgoing     (TandemShareStack    *stack,
                                                               const char          *peer,
                                                               const char          *offer_sdp,
                                                               GError             **error);
void                    tandem_share_session_ring             (TandemShareSession  *self);
void                    tandem_share_session_handle_request   (TandemShareSession  *self,
                                                               gpointer             request);
void                    tandem_share_session_handle_response  (TandemShareSession  *self,
                                                               gpointer             response_event);
void                    tandem_share_session_handle_timeout   (TandemShareSession  *self,
                                                               gpointer             client_transaction);
void                    tandem_share_session_handle_io_error  (TandemShareSession  *self,
                                                               gpointer             client_transaction);
void                    tandem_share_session_terminate        (TandemShareSession  *self);

G_END_DECLS
