/* tandem-share-stack.h: the SIP stack of screen sharing (belle-sip),
 * beside liblinphone's, registering the same account with its own Contact.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-service-types.h"
#include "tandem-share-sdp.h"
#include "tandem-share-session.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_STACK (tandem_share_stack_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareStack, tandem_share_stack, TANDEM, SHARE_STACK, GObject)

TandemShareStack       *tandem_share_stack_new           (const char        *identity,
                                                          const char        *proxy,
                                                          TandemTransport    transport,
                                                          const char        *bind_address,
                                                          const char        *root_ca);
void                    tandem_share_stack_set_password  (TandemShareStack  *self,
                                                          const char        *password);
void                    tandem_share_stack_set_ha1       (TandemShareStack  *self,
                                                          const char        *ha1);
void                    tandem_share_stack_set_instance_id (TandemShareStack *self,
                                                          const char        *uuid);
gboolean                tandem_share_stack_start         (TandemShareStack  *self,
                                                          GError           **error);
void                    tandem_share_stack_stop          (TandemShareStack  *self);

const char             *tandem_share_stack_get_identity  (TandemShareStack  *self);
const char             *tandem_share_stack_get_contact   (TandemShareStack  *self);
guint16                 tandem_share_stack_get_port      (TandemShareStack  *self);
TandemRegistrationState tandem_share_stack_get_state     (TandemShareStack  *self);
const char             *tandem_share_stack_get_state_message (TandemShareStack *self);
GStrv                   tandem_share_stack_dup_bindings  (TandemShareStack  *self);

/* Incoming (after ::share-offered). */
gboolean                tandem_share_stack_accept        (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          const char         *answer_sdp,
                                                          GError            **error);
gboolean                tandem_share_stack_decline       (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          GError            **error);
gboolean                tandem_share_stack_refuse        (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          guint               code,
                                                          const char         *phrase,
                                                          GError            **error);

/* The reason phrase of the 606 that refuses a plain TCP/MSRP offer where
 * TLS is required (before it rings). */
#define TANDEM_SHARE_PHRASE_TLS_REQUIRED "Encrypted Screen Sharing Required"

/* A share ended because a relay dropped the stream's connection (the
 * Reason of the BYE, and then the session's end reason). */
#define TANDEM_SHARE_REASON_RELAY_LOST "relay-lost"

/* Outgoing. */
TandemShareSession     *tandem_share_stack_invite        (TandemShareStack   *self,
                                                          const char         *peer,
                                                          const char         *offer_sdp,
                                                          GError            **error);

/* Either direction: CANCEL before the answer, BYE after it. */
gboolean                tandem_share_stack_hang_up       (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          GError            **error);
/* The same; a BYE says @why (NULL or TANDEM_SHARE_REASON_RELAY_LOST) in a
 * Reason header ("X-Tandem;cause=1;text=..."), which a Tandem peer
 * reports as the session's end reason and other peers ignore. */
gboolean                tandem_share_stack_hang_up_because (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          const char         *why,
                                                          GError            **error);

/* Control signalling in the share dialog (INFO, application/x-tandem-control):
 * "request", "grant", "revoke".  Arrives as ::share-control. */
gboolean                tandem_share_stack_send_control  (TandemShareStack   *self,
                                                          TandemShareSession *session,
                                                          const char         *what,
                                                          GError            **error);

gboolean                tandem_share_stack_ping          (TandemShareStack   *self,
                                                          TandemShareSession *session);

G_END_DECLS
