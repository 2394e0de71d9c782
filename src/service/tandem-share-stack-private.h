/* tandem-share-stack-private.h: what the two files of TandemShareStack
 * share (tandem-share-stack.c: registration and life cycle;
 * tandem-share-stack-sessions.c: the sessions).  Never included outside
 * src/service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <belle-sip/belle-sip.h>

#include "tandem-share-stack.h"

G_BEGIN_DECLS

#define ALLOWED_METHODS "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"

/* In-dialog INFO bodies of this type carry Tandem's control requests and
 * grants (see README, "Control signalling"). */
#define TANDEM_SHARE_CONTROL_TYPE "application/x-tandem-control"

struct _TandemShareStack
{
  GObject                  parent_instance;

  char                    *identity;
  char                    *user;
  char                    *domain;
  char                    *proxy;
  TandemTransport          transport;
  char                    *bind_address;
  char                    *root_ca;
  char                    *password;
  char                    *ha1;       /* when only the digest hash is known */
  char                    *instance_id;
  char                    *contact;

  belle_sip_stack_t       *stack;
  belle_sip_provider_t    *provider;
  belle_sip_listening_point_t *listening_point;
  belle_sip_listener_t    *listener;
  belle_sip_refresher_t   *refresher;
  belle_sip_uri_t         *outbound;
  guint                    iterate_id;
  gboolean                 unregistering;

  TandemRegistrationState  state;
  char                    *state_message;
  GPtrArray               *bindings;  /* of char* */
  GPtrArray               *legs;      /* of Leg* */
};

/* tandem-share-stack.c */
void             _tandem_share_stack_add_contact  (TandemShareStack    *self,
                                                   belle_sip_message_t *message,
                                                   gboolean             with_instance);
belle_sip_uri_t *_tandem_share_stack_get_outbound (TandemShareStack    *self);

/* tandem-share-stack-sessions.c */
void             _tandem_share_leg_free           (gpointer             leg);
void             _tandem_share_stack_end_sessions (TandemShareStack    *self);
void             _tandem_share_stack_on_request   (void                            *user_data,
                                                   const belle_sip_request_event_t *event);
void             _tandem_share_stack_on_response  (void                             *user_data,
                                                   const belle_sip_response_event_t *event);
void             _tandem_share_stack_on_timeout   (void                            *user_data,
                                                   const belle_sip_timeout_event_t *event);
void             _tandem_share_stack_on_io_error  (void                             *user_data,
                                                   const belle_sip_io_error_event_t *event);

G_END_DECLS
