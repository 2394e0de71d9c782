/* tandem-share-session.c
 *
 * One share dialog: an INVITE whose stream is RFB over MSRP, incoming or
 * outgoing, with its transactions, its dialog, and what a caller reads
 * (the peer, the direction, the state, the SDPs, why it ended).  It
 * answers, refuses, hangs up, sends Tandem's control INFOs and pings the
 * peer, and emits its own signals:
 *
 *   "ringing"                        outgoing, a 1xx came
 *   "accepted" (const char *sdp)     outgoing, the 200 OK with the answer
 *   "failed" (guint, const char *)   outgoing, a final error ("<code> <reason>")
 *   "cancelled"                      incoming, CANCELled before an answer
 *   "ended"                          BYE (either side), gone peer, stack stopped
 *   "control" (const char *what)     the peer's "request", "grant", "revoke"
 *
 * TandemShareStack makes it (tandem_share_session_new_incoming() from an
 * INVITE, _new_outgoing() from tandem_share_stack_invite()), routes the
 * dialog's requests, responses, timeouts and network errors to it by
 * Call-ID, and drops it a while after it is over (late retransmissions
 * still find it).  The session only borrows the stack (a weak pointer):
 * once the stack is gone, every request fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-session"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <belle-sip/belle-sip.h>

#include "tandem-service-types.h"
#include "tandem-share-session.h"
#include "tandem-share-stack.h"

/* In-dialog INFO bodies of this type carry Tandem's control requests and
 * grants (see README, "Control signalling"). */
#define TANDEM_SHARE_CONTROL_TYPE "application/x-tandem-control"

struct _TandemShareSession
{
  GObject                         parent_instance;

  TandemShareStack               *stack;    /* weak */
  char                           *peer_address;
  gboolean                        incoming;
  TandemShareSessionState         state;
  char                           *remote_sdp;
  TandemShareSdp                 *remote_share;
  gboolean                        has_audio;
  char                           *local_sdp;
  char                           *end_reason;
  guint                           status_code;
  char                           *call_id;

  belle_sip_server_transaction_t *server;   /* incoming INVITE */
  belle_sip_client_transaction_t *client;   /* outgoing INVITE */
  belle_sip_dialog_t             *dialog;
  guint                           auth_attempts;
  gboolean                        provisional;     /* a 1xx came: CANCEL allowed */
  gboolean                        cancel_pending;  /* hung up before any 1xx */
  gboolean                        hung_up;         /* ended by us */
};

G_DEFINE_FINAL_TYPE (TandemShareSession, tandem_share_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TandemShareSessionState, tandem_share_session_state,
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_OFFERED, "offered"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_CALLING, "calling"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_RINGING, "ringing"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_ACTIVE, "active"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_ENDED, "ended"),
  G_DEFINE_ENUM_VALUE (TANDEM_SHARE_SESSION_FAILED, "failed"))

enum {
  PROP_0,
  PROP_PEER_ADDRESS,
  PROP_INCOMING,
  PROP_STATE,
  PROP_END_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CANCELLED,
  SIGNAL_RINGING,
  SIGNAL_ACCEPTED,
  SIGNAL_FAILED,
  SIGNAL_ENDED,
  SIGNAL_CONTROL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ----- state ----------------------------------------------------------- */

static void
set_state (TandemShareSession      *self,
           TandemShareSessionState  state)
{
  if (self->state == state)
    return;
  g_debug ("%s %s: %s", self->incoming ? "from" : "to", self->peer_address,
           g_enum_get_value (g_type_class_peek (TANDEM_TYPE_SHARE_SESSION_STATE), state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_remote_sdp (TandemShareSession *self,
                const char         *sdp,
                TandemShareSdp     *share,
                gboolean            has_audio)
{
  g_free (self->remote_sdp);
  self->remote_sdp = g_strdup (sdp);
  g_clear_pointer (&self->remote_share, tandem_share_sdp_free);
  self->remote_share = share;
  self->has_audio = has_audio;
}

static void
set_local_sdp (TandemShareSession *self,
               const char         *sdp)
{
  g_free (self->local_sdp);
  self->local_sdp = g_strdup (sdp);
}

static void
set_end_reason (TandemShareSession *self,
                guint               status_code,
                const char         *reason)
{
  self->status_code = status_code;
  if (g_strcmp0 (self->end_reason, reason) == 0)
    return;
  g_free (self->end_reason);
  self->end_reason = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
}

static gboolean
is_over (TandemShareSession *self)
{
  return self->state == TANDEM_SHARE_SESSION_ENDED || self->state == TANDEM_SHARE_SESSION_FAILED;
}

/* Ends it (BYE, CANCEL, a gone peer, the stack stopping) with ::ended. */
static void
end (TandemShareSession *self,
     guint               code,
     const char         *reason)
{
  set_end_reason (self, code, reason);
  set_state (self, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit (self, signals[SIGNAL_ENDED], 0);
}

/* ----- small helpers --------------------------------------------------- */

static belle_sip_provider_t *
get_provider (TandemShareSession *self)
{
  return self->stack != NULL ? tandem_share_stack_get_provider (self->stack) : NULL;
}

static void
set_dialog (TandemShareSession *self,
            belle_sip_dialog_t *dialog)
{
  if (dialog == self->dialog)
    return;
  if (dialog != NULL)
    belle_sip_object_ref (dialog);
  g_clear_pointer (&self->dialog, belle_sip_object_unref);
  self->dialog = dialog;
}

/* "sip:user@host[:port]" of a URI, without parameters. */
static char *
dup_address (belle_sip_uri_t *uri)
{
  const char *user = belle_sip_uri_get_user (uri);
  int port = belle_sip_uri_get_port (uri);
  g_autofree char *port_part = port > 0 ? g_strdup_printf (":%d", port) : g_strdup ("");

  return g_strdup_printf ("%s:%s%s%s%s", belle_sip_uri_is_secure (uri) ? "sips" : "sip",
                          user != NULL ? user : "", user != NULL ? "@" : "",
                          belle_sip_uri_get_host (uri), port_part);
}

static char *
dup_body (belle_sip_message_t *message)
{
  const char *body = belle_sip_message_get_body (message);
  gsize size = belle_sip_message_get_body_size (message);

  return body != NULL && size > 0 ? g_strndup (body, size) : NULL;
}

static gboolean
has_sdp_body (belle_sip_message_t *message)
{
  belle_sip_header_content_type_t *type =
    belle_sip_message_get_header_by_type (message, belle_sip_header_content_type_t);

  return type != NULL &&
         g_ascii_strcasecmp (belle_sip_header_content_type_get_type (type), "application") == 0 &&
         g_ascii_strcasecmp (belle_sip_header_content_type_get_subtype (type), "sdp") == 0 &&
         belle_sip_message_get_body_size (message) > 0;
}

static void
set_sdp_body (belle_sip_message_t *message,
              const char          *sdp)
{
  belle_sip_message_add_header (message,
                                BELLE_SIP_HEADER (belle_sip_header_content_type_create ("application", "sdp")));
  belle_sip_message_add_header (message,
                                BELLE_SIP_HEADER (belle_sip_header_content_length_create (strlen (sdp))));
  belle_sip_message_set_body (message, sdp, strlen (sdp));
}

/* ----- requests in the dialog ---------------------------------------- */

static void
respond (TandemShareSession  *self,
         belle_sip_request_t *request,
         int                  code)
{
  if (self->stack != NULL)
    tandem_share_stack_respond (self->stack, request, code);
}

static void
on_cancel (TandemShareSession  *self,
           belle_sip_request_t *request)
{
  respond (self, request, 200);
  if (self->server == NULL || self->state != TANDEM_SHARE_SESSION_OFFERED)
    return;

  belle_sip_server_transaction_send_response (self->server,
                                              belle_sip_response_create_from_request (
                                                belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->server)),
                                                487));
  set_end_reason (self, 487, "Cancelled by the caller");
  set_state (self, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
}

static void
on_bye (TandemShareSession  *self,
        belle_sip_request_t *request)
{
  respond (self, request, 200);
  if (self->state == TANDEM_SHARE_SESSION_ENDED)
    return;
  end (self, 0, "Ended by the peer");
}

/* An in-dialog INFO: Tandem's control signalling; anything else is
 * acknowledged and dropped. */
static void
on_info (TandemShareSession  *self,
         belle_sip_request_t *request)
{
  belle_sip_message_t *message = BELLE_SIP_MESSAGE (request);
  belle_sip_header_content_type_t *type =
    belle_sip_message_get_header_by_type (message, belle_sip_header_content_type_t);
  g_autofree char *content_type = NULL;
  g_autofree char *body = NULL;

  if (self->state != TANDEM_SHARE_SESSION_ACTIVE)
    {
      respond (self, request, 481);
      return;
    }
  respond (self, request, 200);
  if (type == NULL)
    return;
  content_type = g_strdup_printf ("%s/%s", belle_sip_header_content_type_get_type (type),
                                  belle_sip_header_content_type_get_subtype (type));
  body = dup_body (message);
  if (g_ascii_strcasecmp (content_type, TANDEM_SHARE_CONTROL_TYPE) == 0 && body != NULL)
    g_signal_emit (self, signals[SIGNAL_CONTROL], 0, g_strstrip (body));
}

/* A request of this dialog (the stack routes them by Call-ID): CANCEL,
 * BYE, INFO, or a re-INVITE (not supported yet: 488). */
void
tandem_share_session_handle_request (TandemShareSession *self,
                                     gpointer            request)
{
  const char *method = belle_sip_request_get_method (request);

  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (strcmp (method, "CANCEL") == 0)
    on_cancel (self, request);
  else if (strcmp (method, "BYE") == 0)
    on_bye (self, request);
  else if (strcmp (method, "INFO") == 0)
    on_info (self, request);
  else
    respond (self, request, 488);
}

/* ----- responses to our requests ------------------------------------- */

static void
send_cancel (TandemShareSession *self)
{
  belle_sip_request_t *cancel = belle_sip_client_transaction_create_cancel (self->client);

  if (cancel == NULL || get_provider (self) == NULL)
    return;
  belle_sip_client_transaction_send_request (
    belle_sip_provider_create_client_transaction (get_provider (self), cancel));
}

static void
send_bye (TandemShareSession *self)
{
  belle_sip_request_t *bye;

  if (self->dialog == NULL || belle_sip_dialog_get_state (self->dialog) != BELLE_SIP_DIALOG_CONFIRMED ||
      get_provider (self) == NULL)
    return;
  bye = belle_sip_dialog_create_request (self->dialog, "BYE");
  if (bye != NULL)
    belle_sip_client_transaction_send_request (
      belle_sip_provider_create_client_transaction (get_provider (self), bye));
}

static void
fail (TandemShareSession *self,
      guint               code,
      const char         *reason)
{
  g_autofree char *text = g_strdup_printf ("%u %s", code, reason != NULL ? reason : "");

  if (is_over (self))
    return;
  set_end_reason (self, code, text);
  set_state (self, TANDEM_SHARE_SESSION_FAILED);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, code, text);
}

static gboolean
auth_infos_filled (belle_sip_list_t *auth_infos)
{
  for (belle_sip_list_t *l = auth_infos; l != NULL; l = l->next)
    if (belle_sip_auth_event_get_passwd (l->data) == NULL && belle_sip_auth_event_get_ha1 (l->data) == NULL)
      return FALSE;
  return auth_infos != NULL;
}

/* A 401/407 to our INVITE: send it again with the digest. */
static gboolean
retry_with_auth (TandemShareSession *self)
{
  belle_sip_list_t *auth_infos = NULL;
  belle_sip_request_t *request;
  belle_sip_client_transaction_t *transaction;
  gboolean filled;

  if (++self->auth_attempts > 2 || get_provider (self) == NULL)
    return FALSE;
  request = belle_sip_client_transaction_create_authenticated_request (self->client, &auth_infos, NULL);
  filled = auth_infos_filled (auth_infos);
  belle_sip_list_free_with_data (auth_infos, (void (*)(void *)) belle_sip_auth_event_destroy);
  if (request == NULL || !filled)
    {
      if (request != NULL)
        belle_sip_object_unref (request);
      return FALSE;
    }

  transaction = belle_sip_provider_create_client_transaction (get_provider (self), request);
  g_clear_pointer (&self->client, belle_sip_object_unref);
  self->client = (belle_sip_client_transaction_t *) belle_sip_object_ref (transaction);
  set_dialog (self, belle_sip_provider_create_dialog (get_provider (self), BELLE_SIP_TRANSACTION (transaction)));
  belle_sip_client_transaction_send_request_to (transaction, tandem_share_stack_get_outbound (self->stack));
  return TRUE;
}

static void
on_invite_answered (TandemShareSession   *self,
                    belle_sip_response_t *response,
                    belle_sip_dialog_t   *dialog)
{
  belle_sip_request_t *invite = belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->client));
  belle_sip_header_cseq_t *cseq = belle_sip_message_get_header_by_type (BELLE_SIP_MESSAGE (invite),
                                                                       belle_sip_header_cseq_t);
  g_autofree char *sdp = NULL;
  g_autoptr(GError) error = NULL;
  TandemShareSdp *share = NULL;

  if (dialog != NULL)
    set_dialog (self, dialog);
  if (self->dialog == NULL)
    return;
  if (belle_sip_dialog_get_state (self->dialog) == BELLE_SIP_DIALOG_CONFIRMED && self->provisional &&
      self->state == TANDEM_SHARE_SESSION_ACTIVE)
    return; /* a retransmitted 200 OK */

  belle_sip_dialog_send_ack (self->dialog,
                             belle_sip_dialog_create_ack (self->dialog,
                                                          belle_sip_header_cseq_get_seq_number (cseq)));
  self->provisional = TRUE;

  if (self->hung_up)
    {
      send_bye (self); /* answered while our CANCEL crossed it */
      return;
    }

  if (has_sdp_body (BELLE_SIP_MESSAGE (response)))
    sdp = dup_body (BELLE_SIP_MESSAGE (response));
  if (sdp != NULL)
    share = tandem_share_sdp_parse (sdp, &error);
  if (share == NULL)
    {
      g_message ("The answer of %s has no share stream (%s): hanging up",
                 self->peer_address, error != NULL ? error->message : "no SDP");
      send_bye (self);
      fail (self, 488, "The answer has no share stream");
      return;
    }

  set_remote_sdp (self, sdp, share, tandem_share_sdp_text_has_audio (sdp));
  set_state (self, TANDEM_SHARE_SESSION_ACTIVE);
  g_signal_emit (self, signals[SIGNAL_ACCEPTED], 0, sdp);
}

/* The peer of an established session no longer answers in its dialog
 * (killed, or its network gone): the session is over. */
static void
peer_gone (TandemShareSession *self,
           int                 code)
{
  if (self->state != TANDEM_SHARE_SESSION_ACTIVE)
    return;
  g_message ("%s no longer answers in the share dialog (%d): ending it", self->peer_address, code);
  self->hung_up = TRUE;
  end (self, code, "The other side is gone");
}

static gboolean
is_ping (belle_sip_client_transaction_t *transaction)
{
  return transaction != NULL &&
         belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-ping") != NULL;
}

typedef struct {
  TandemShareSession *session;
  char               *what;
} ControlRetry;

static void
control_retry_free (gpointer data)
{
  ControlRetry *retry = data;

  g_object_unref (retry->session);
  g_free (retry->what);
  g_free (retry);
}

static gboolean
on_control_retry (gpointer data)
{
  ControlRetry *retry = data;

  if (retry->session->state == TANDEM_SHARE_SESSION_ACTIVE)
    tandem_share_session_send_control (retry->session, retry->what, NULL);
  return G_SOURCE_REMOVE;
}

/* 491: the peer's own INFO crossed ours in the dialog.  Send it again a
 * little later (RFC 3261 14.1 asks for a random wait). */
static void
retry_control (TandemShareSession *self,
               const char         *what)
{
  ControlRetry *retry = g_new0 (ControlRetry, 1);

  retry->session = g_object_ref (self);
  retry->what = g_strdup (what);
  g_timeout_add_full (G_PRIORITY_DEFAULT, g_random_int_range (50, 250), on_control_retry,
                      retry, control_retry_free);
}

/* A response in this dialog (the stack routes them by Call-ID). */
void
tandem_share_session_handle_response (TandemShareSession *self,
                                      gpointer            response_event)
{
  const belle_sip_response_event_t *event = response_event;
  belle_sip_client_transaction_t *transaction = belle_sip_response_event_get_client_transaction (event);
  belle_sip_response_t *response = belle_sip_response_event_get_response (event);
  int code = belle_sip_response_get_status_code (response);

  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (transaction == NULL)
    return;
  if (is_ping (transaction))
    {
      /* An answer of the peer's own means it lives, even a refusal of
       * OPTIONS in a dialog (405, 415, 420, 488, 491, 501); anything else
       * from 400 up (404, 408, 477, 480, 481, 5xx: mostly the proxy
       * failing to reach it) means nobody is there any more. */
      g_debug ("ping of %s: %d", self->peer_address, code);
      if (code >= 400 && code != 405 && code != 415 && code != 420 && code != 488 &&
          code != 491 && code != 501)
        peer_gone (self, code);
      return;
    }
  if (code == 491 && belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-control") != NULL)
    {
      retry_control (self, belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-control"));
      return;
    }
  if (transaction != self->client)
    return; /* BYE, CANCEL: nothing to do */

  if (code < 200)
    {
      if (code == 100)
        return;
      self->provisional = TRUE;
      set_dialog (self, belle_sip_response_event_get_dialog (event));
      if (self->cancel_pending)
        {
          self->cancel_pending = FALSE;
          send_cancel (self);
          return;
        }
      if (!self->hung_up && self->state == TANDEM_SHARE_SESSION_CALLING)
        {
          set_state (self, TANDEM_SHARE_SESSION_RINGING);
          g_signal_emit (self, signals[SIGNAL_RINGING], 0);
        }
    }
  else if (code < 300)
    on_invite_answered (self, response, belle_sip_response_event_get_dialog (event));
  else if ((code == 401 || code == 407) && !self->hung_up)
    {
      if (!retry_with_auth (self))
        fail (self, code, belle_sip_response_get_reason_phrase (response));
    }
  else if (!self->hung_up)
    fail (self, code, belle_sip_response_get_reason_phrase (response));
}

/* A client transaction of this dialog timed out. */
void
tandem_share_session_handle_timeout (TandemShareSession *self,
                                     gpointer            client_transaction)
{
  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (self->hung_up)
    return;
  if (client_transaction == self->client)
    fail (self, 408, "Request Timeout");
  else if (is_ping (client_transaction))
    peer_gone (self, 408);
}

/* A client transaction of this dialog met a network error. */
void
tandem_share_session_handle_io_error (TandemShareSession *self,
                                      gpointer            client_transaction)
{
  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (self->hung_up)
    return;
  if (client_transaction == self->client && self->state != TANDEM_SHARE_SESSION_ACTIVE)
    fail (self, 503, "Network error");
  else if (is_ping (client_transaction))
    peer_gone (self, 503);
}

/* The stack stops: CANCEL, BYE or 480, and ::ended. */
void
tandem_share_session_terminate (TandemShareSession *self)
{
  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (is_over (self))
    return;
  if (self->server != NULL && self->state == TANDEM_SHARE_SESSION_OFFERED)
    belle_sip_server_transaction_send_response (self->server,
                                                belle_sip_response_create_from_request (
                                                  belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->server)),
                                                  480));
  else if (self->state == TANDEM_SHARE_SESSION_ACTIVE)
    send_bye (self);
  else if (self->provisional)
    send_cancel (self);
  self->hung_up = TRUE;
  end (self, 0, "The share stack stopped");
}

/* ----- making one ------------------------------------------------------ */

/* From an INVITE without a dialog: a share session if it offers a share
 * stream, else NULL and why (the stack answers 488: liblinphone's).  The
 * caller emits ::share-offered, then tandem_share_session_ring(). */
TandemShareSession *
tandem_share_session_new_incoming (TandemShareStack  *stack,
                                   gpointer           invite,
                                   GError           **error)
{
  belle_sip_request_t *request = invite;
  belle_sip_message_t *message = BELLE_SIP_MESSAGE (request);
  belle_sip_provider_t *provider = tandem_share_stack_get_provider (stack);
  g_autofree char *sdp = NULL;
  TandemShareSdp *share = NULL;
  belle_sip_header_from_t *from;
  belle_sip_header_call_id_t *call_id;
  belle_sip_server_transaction_t *transaction;
  TandemShareSession *self;

  if (has_sdp_body (message))
    sdp = dup_body (message);
  if (sdp == NULL)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT, "no SDP offer");
      return NULL;
    }
  share = tandem_share_sdp_parse (sdp, error);
  if (share == NULL)
    return NULL;

  self = g_object_new (TANDEM_TYPE_SHARE_SESSION, NULL);
  g_set_weak_pointer (&self->stack, stack);
  self->incoming = TRUE;
  self->state = TANDEM_SHARE_SESSION_OFFERED;
  from = belle_sip_message_get_header_by_type (message, belle_sip_header_from_t);
  self->peer_address = dup_address (belle_sip_header_address_get_uri (BELLE_SIP_HEADER_ADDRESS (from)));
  call_id = belle_sip_message_get_header_by_type (message, belle_sip_header_call_id_t);
  self->call_id = g_strdup (call_id != NULL ? belle_sip_header_call_id_get_call_id (call_id) : NULL);
  transaction = belle_sip_provider_create_server_transaction (provider, request);
  self->server = (belle_sip_server_transaction_t *) belle_sip_object_ref (transaction);
  set_dialog (self, belle_sip_provider_create_dialog (provider, BELLE_SIP_TRANSACTION (transaction)));
  set_remote_sdp (self, sdp, share, tandem_share_sdp_text_has_audio (sdp));
  return self;
}

/* 180 Ringing, unless the offer was refused already. */
void
tandem_share_session_ring (TandemShareSession *self)
{
  belle_sip_response_t *ringing;

  g_return_if_fail (TANDEM_IS_SHARE_SESSION (self));

  if (self->state != TANDEM_SHARE_SESSION_OFFERED || self->server == NULL || self->stack == NULL)
    return;
  ringing = belle_sip_response_create_from_request (
    belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->server)), 180);
  tandem_share_stack_add_contact (self->stack, ringing);
  belle_sip_server_transaction_send_response (self->server, ringing);
}

/* Sends an INVITE with @offer_sdp to @peer through the account's proxy. */
TandemShareSession *
tandem_share_session_new_outgoing (TandemShareStack  *stack,
                                   const char        *peer,
                                   const char        *offer_sdp,
                                   GError           **error)
{
  belle_sip_provider_t *provider = tandem_share_stack_get_provider (stack);
  g_autoptr(TandemShareSdp) check = NULL;
  belle_sip_uri_t *request_uri;
  belle_sip_header_to_t *to;
  belle_sip_request_t *request;
  belle_sip_client_transaction_t *transaction;
  belle_sip_header_call_id_t *call_id;
  TandemShareSession *self;

  check = tandem_share_sdp_parse (offer_sdp, error);
  if (check == NULL)
    return NULL;
  request_uri = belle_sip_uri_parse (peer);
  to = request_uri != NULL ? belle_sip_header_to_create2 (peer, NULL) : NULL;
  if (to == NULL)
    {
      if (request_uri != NULL)
        belle_sip_object_unref (request_uri);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   _("%s is not a SIP address"), peer);
      return NULL;
    }

  call_id = belle_sip_provider_create_call_id (provider);
  request = belle_sip_request_create (request_uri, "INVITE", call_id,
                                      belle_sip_header_cseq_create (20, "INVITE"),
                                      belle_sip_header_from_create2 (tandem_share_stack_get_identity (stack),
                                                                     BELLE_SIP_RANDOM_TAG),
                                      to, belle_sip_header_via_new (), 70);
  tandem_share_stack_add_contact (stack, request);
  set_sdp_body (BELLE_SIP_MESSAGE (request), offer_sdp);

  self = g_object_new (TANDEM_TYPE_SHARE_SESSION, NULL);
  g_set_weak_pointer (&self->stack, stack);
  self->incoming = FALSE;
  self->state = TANDEM_SHARE_SESSION_CALLING;
  self->peer_address = g_strdup (peer);
  self->call_id = g_strdup (belle_sip_header_call_id_get_call_id (call_id));
  set_local_sdp (self, offer_sdp);
  transaction = belle_sip_provider_create_client_transaction (provider, request);
  self->client = (belle_sip_client_transaction_t *) belle_sip_object_ref (transaction);
  set_dialog (self, belle_sip_provider_create_dialog (provider, BELLE_SIP_TRANSACTION (transaction)));
  belle_sip_client_transaction_send_request_to (transaction, tandem_share_stack_get_outbound (stack));
  return self;
}

/* ----- what a caller does with it ------------------------------------ */

static gboolean
require_stack (TandemShareSession  *self,
               GError             **error)
{
  if (self->stack != NULL && get_provider (self) != NULL)
    return TRUE;
  g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                       _("Screen sharing is not running"));
  return FALSE;
}

static gboolean
require_offer (TandemShareSession  *self,
               GError             **error)
{
  if (!require_stack (self, error))
    return FALSE;
  if (self->server == NULL || self->state != TANDEM_SHARE_SESSION_OFFERED)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("The share offer is no longer waiting for an answer"));
      return FALSE;
    }
  return TRUE;
}

/**
 * tandem_share_session_accept:
 * @answer_sdp: an SDP whose first stream is the share stream of the answer
 *   (tandem_share_sdp_to_string()); other streams of the offer are added
 *   to it as rejected
 *
 * Answers an incoming offer with 200 OK.
 */
gboolean
tandem_share_session_accept (TandemShareSession  *self,
                             const char          *answer_sdp,
                             GError             **error)
{
  g_autoptr(TandemShareSdp) check = NULL;
  g_autofree char *sdp = NULL;
  belle_sip_response_t *response;

  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  g_return_val_if_fail (answer_sdp != NULL, FALSE);

  if (!require_offer (self, error))
    return FALSE;
  check = tandem_share_sdp_parse (answer_sdp, error);
  if (check == NULL)
    return FALSE;

  sdp = tandem_share_sdp_build_answer (self->remote_sdp, answer_sdp);
  response = belle_sip_response_create_from_request (
    belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->server)), 200);
  tandem_share_stack_add_contact (self->stack, response);
  set_sdp_body (BELLE_SIP_MESSAGE (response), sdp);
  belle_sip_server_transaction_send_response (self->server, response);

  set_local_sdp (self, sdp);
  set_state (self, TANDEM_SHARE_SESSION_ACTIVE);
  return TRUE;
}

/* Refuses an incoming offer with 603 Decline. */
gboolean
tandem_share_session_decline (TandemShareSession  *self,
                              GError             **error)
{
  return tandem_share_session_refuse (self, 603, NULL, error);
}

/**
 * tandem_share_session_refuse:
 * @code: a final failure status, 400-699
 * @phrase: (nullable): the reason phrase; NULL for the standard one
 *
 * Refuses an incoming offer; from a ::share-offered handler, before it
 * rings.
 */
gboolean
tandem_share_session_refuse (TandemShareSession  *self,
                             guint                code,
                             const char          *phrase,
                             GError             **error)
{
  belle_sip_response_t *response;

  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  g_return_val_if_fail (code >= 400 && code < 700, FALSE);

  if (!require_offer (self, error))
    return FALSE;
  response = belle_sip_response_create_from_request (
    belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (self->server)), code);
  if (phrase != NULL)
    belle_sip_response_set_reason_phrase (response, phrase);
  belle_sip_server_transaction_send_response (self->server, response);
  self->hung_up = TRUE;
  set_end_reason (self, code,
                  phrase != NULL ? phrase
                  : code == 603 ? "Declined"
                  : belle_sip_response_get_reason_phrase (response));
  set_state (self, TANDEM_SHARE_SESSION_ENDED);
  return TRUE;
}

/**
 * tandem_share_session_hang_up:
 *
 * Ends the session: CANCEL before the answer, BYE after it; an incoming
 * offer not answered yet is declined.  Emits ::ended.
 */
gboolean
tandem_share_session_hang_up (TandemShareSession  *self,
                              GError             **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);

  if (!require_stack (self, error))
    return FALSE;
  if (is_over (self))
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("The share session is already over"));
      return FALSE;
    }
  if (self->state == TANDEM_SHARE_SESSION_OFFERED)
    return tandem_share_session_decline (self, error);

  self->hung_up = TRUE;
  if (self->state == TANDEM_SHARE_SESSION_ACTIVE)
    send_bye (self);
  else if (self->provisional)
    send_cancel (self);
  else
    self->cancel_pending = TRUE;
  end (self, 0, "Hung up");
  return TRUE;
}

/* Sends @what ("request", "grant", "revoke") to the peer in an INFO of
 * the share dialog.  A peer without Tandem's control signalling (Blink)
 * answers it with an error, which is ignored: control then stays a
 * sharer-side toggle. */
gboolean
tandem_share_session_send_control (TandemShareSession  *self,
                                   const char          *what,
                                   GError             **error)
{
  belle_sip_request_t *info;
  belle_sip_client_transaction_t *transaction;

  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);

  if (get_provider (self) == NULL || self->dialog == NULL ||
      belle_sip_dialog_get_state (self->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The share session is not established"));
      return FALSE;
    }
  info = belle_sip_dialog_create_request (self->dialog, "INFO");
  if (info == NULL)
    {
      /* Our previous INFO is still out: this one follows it. */
      retry_control (self, what);
      return TRUE;
    }
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (info),
                                BELLE_SIP_HEADER (belle_sip_header_content_type_parse (
                                  "Content-Type: " TANDEM_SHARE_CONTROL_TYPE)));
  belle_sip_message_set_body (BELLE_SIP_MESSAGE (info), what, strlen (what));
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (info),
                                BELLE_SIP_HEADER (belle_sip_header_content_length_create (strlen (what))));
  transaction = belle_sip_provider_create_client_transaction (get_provider (self), info);
  belle_sip_object_data_set (BELLE_SIP_OBJECT (transaction), "tandem-control", g_strdup (what), g_free);
  belle_sip_client_transaction_send_request (transaction);
  return TRUE;
}

/* An in-dialog OPTIONS to see whether the peer still lives; if the proxy
 * or the network says it does not, the session ends with ::ended.  The
 * MSRP connection cannot tell when it runs through a relay. */
gboolean
tandem_share_session_ping (TandemShareSession *self)
{
  belle_sip_request_t *options;
  belle_sip_client_transaction_t *transaction;

  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);

  if (get_provider (self) == NULL || self->dialog == NULL ||
      belle_sip_dialog_get_state (self->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    return FALSE;
  options = belle_sip_dialog_create_request (self->dialog, "OPTIONS");
  if (options == NULL)
    return FALSE; /* another request is out: it will tell */
  transaction = belle_sip_provider_create_client_transaction (get_provider (self), options);
  belle_sip_object_data_set (BELLE_SIP_OBJECT (transaction), "tandem-ping", GINT_TO_POINTER (1), NULL);
  belle_sip_client_transaction_send_request (transaction);
  return TRUE;
}

/* ----- what a caller reads -------------------------------------------- */

const char *
tandem_share_session_get_peer_address (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->peer_address;
}

gboolean
tandem_share_session_is_incoming (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  return self->incoming;
}

TandemShareSessionState
tandem_share_session_get_state (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), TANDEM_SHARE_SESSION_FAILED);
  return self->state;
}

/* The parsed share stream of the peer's SDP (offer or answer); NULL
 * before there is one. */
const TandemShareSdp *
tandem_share_session_get_remote_share (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->remote_share;
}

const char *
tandem_share_session_get_remote_sdp (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->remote_sdp;
}

const char *
tandem_share_session_get_local_sdp (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->local_sdp;
}

/* Whether the peer's offer also had an m=audio stream (Blink does that);
 * the answer rejects it (port 0). */
gboolean
tandem_share_session_has_audio (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), FALSE);
  return self->has_audio;
}

const char *
tandem_share_session_get_end_reason (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->end_reason;
}

/* The SIP status that ended or failed the session, 0 if none (BYE). */
guint
tandem_share_session_get_status_code (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), 0);
  return self->status_code;
}

/* The SIP Call-ID of the INVITE (what liblinphone's branch of a forked
 * offer carries too). */
const char *
tandem_share_session_get_call_id (TandemShareSession *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (self), NULL);
  return self->call_id;
}

/* ----- GObject --------------------------------------------------------- */

static void
tandem_share_session_finalize (GObject *object)
{
  TandemShareSession *self = TANDEM_SHARE_SESSION (object);

  g_clear_weak_pointer (&self->stack);
  g_clear_pointer (&self->server, belle_sip_object_unref);
  g_clear_pointer (&self->client, belle_sip_object_unref);
  g_clear_pointer (&self->dialog, belle_sip_object_unref);
  g_free (self->peer_address);
  g_free (self->call_id);
  g_free (self->remote_sdp);
  g_clear_pointer (&self->remote_share, tandem_share_sdp_free);
  g_free (self->local_sdp);
  g_free (self->end_reason);

  G_OBJECT_CLASS (tandem_share_session_parent_class)->finalize (object);
}

static void
tandem_share_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemShareSession *self = TANDEM_SHARE_SESSION (object);

  switch (prop_id)
    {
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_INCOMING:
      g_value_set_boolean (value, self->incoming);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_END_REASON:
      g_value_set_string (value, self->end_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_session_class_init (TandemShareSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_share_session_finalize;
  object_class->get_property = tandem_share_session_get_property;

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_SHARE_SESSION_STATE,
                       TANDEM_SHARE_SESSION_OFFERED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_END_REASON] =
    g_param_spec_string ("end-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RINGING] =
    g_signal_new ("ringing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (the whole answer SDP) */
  signals[SIGNAL_ACCEPTED] =
    g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (SIP status, "<status> <reason phrase>") */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* ("request" | "grant" | "revoke") from the peer */
  signals[SIGNAL_CONTROL] =
    g_signal_new ("control", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_share_session_init (TandemShareSession *self)
{
}
