/* tandem-share-stack-sessions.c
 *
 * The share sessions of TandemShareStack: incoming INVITE, CANCEL and BYE,
 * responses to our INVITEs, and the accept / decline / invite / hang-up
 * API.  See tandem-share-stack.c for what the stack does with which offer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-stack"

#include <string.h>
#include <belle-sip/belle-sip.h>

#include "tandem-share-private.h"
#include "tandem-share-stack-private.h"
#include "tandem-share-stack.h"

typedef struct {
  TandemShareSession             *session;
  char                           *call_id;
  belle_sip_server_transaction_t *server;   /* incoming INVITE */
  belle_sip_client_transaction_t *client;   /* outgoing INVITE */
  belle_sip_dialog_t             *dialog;
  guint                           auth_attempts;
  gboolean                        provisional;     /* a 1xx came: CANCEL allowed */
  gboolean                        cancel_pending;  /* hung up before any 1xx */
  gboolean                        hung_up;         /* ended by us */
} Leg;

/* ----- small helpers --------------------------------------------------- */

void
_tandem_share_leg_free (gpointer data)
{
  Leg *leg = data;

  g_clear_object (&leg->session);
  g_free (leg->call_id);
  g_clear_pointer (&leg->server, belle_sip_object_unref);
  g_clear_pointer (&leg->client, belle_sip_object_unref);
  g_clear_pointer (&leg->dialog, belle_sip_object_unref);
  g_free (leg);
}

static Leg *
find_leg_by_call_id (TandemShareStack *self,
                     const char       *call_id)
{
  for (guint i = 0; call_id != NULL && i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];

      if (g_strcmp0 (leg->call_id, call_id) == 0)
        return leg;
    }
  return NULL;
}

static Leg *
find_leg_by_session (TandemShareStack   *self,
                     TandemShareSession *session)
{
  for (guint i = 0; i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];

      if (leg->session == session)
        return leg;
    }
  return NULL;
}

static const char *
message_call_id (belle_sip_message_t *message)
{
  belle_sip_header_call_id_t *call_id = belle_sip_message_get_header_by_type (message, belle_sip_header_call_id_t);

  return call_id != NULL ? belle_sip_header_call_id_get_call_id (call_id) : NULL;
}

static void
set_leg_dialog (Leg                *leg,
                belle_sip_dialog_t *dialog)
{
  if (dialog == leg->dialog)
    return;
  if (dialog != NULL)
    belle_sip_object_ref (dialog);
  g_clear_pointer (&leg->dialog, belle_sip_object_unref);
  leg->dialog = dialog;
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

static gboolean
sdp_has_audio (const char *sdp)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "m=audio "))
      return TRUE;
  return FALSE;
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

static void
respond (TandemShareStack   *self,
         belle_sip_request_t *request,
         int                  code)
{
  belle_sip_server_transaction_t *transaction =
    belle_sip_provider_create_server_transaction (self->provider, request);
  belle_sip_response_t *response = belle_sip_response_create_from_request (request, code);

  if (code == 405)
    belle_sip_message_add_header (BELLE_SIP_MESSAGE (response),
                                  BELLE_SIP_HEADER (belle_sip_header_allow_create (ALLOWED_METHODS)));
  belle_sip_server_transaction_send_response (transaction, response);
}

/* ----- incoming requests ---------------------------------------------- */

/* The answer sent for an offer: the caller's share stream in the place of
 * the offer's, and every other m= line of the offer rejected (port 0), so
 * that the answer has the offer's streams in the offer's order. */
static char *
build_answer (const char *offer,
              const char *answer)
{
  g_auto(GStrv) offer_lines = g_strsplit (offer, "\n", -1);
  g_auto(GStrv) answer_lines = g_strsplit (answer, "\n", -1);
  GString *session_part = g_string_new (NULL);
  GString *media_part = g_string_new (NULL);
  GString *out;
  gboolean in_media = FALSE;
  gboolean share_done = FALSE;

  for (guint i = 0; answer_lines[i] != NULL; i++)
    {
      char *line = g_strchomp (answer_lines[i]);

      if (*line == '\0')
        continue;
      if (g_str_has_prefix (line, "m="))
        {
          if (in_media)
            break; /* only the first stream of the answer counts */
          in_media = TRUE;
        }
      g_string_append_printf (in_media ? media_part : session_part, "%s\r\n", line);
    }

  out = g_string_new (session_part->str);
  for (guint i = 0; offer_lines[i] != NULL; i++)
    {
      char *line = g_strchomp (offer_lines[i]);
      g_auto(GStrv) fields = NULL;

      if (!g_str_has_prefix (line, "m="))
        continue;
      fields = g_strsplit (line + 2, " ", -1);
      if (!share_done && g_strv_length (fields) >= 4 && strcmp (fields[0], "application") == 0 &&
          (strcmp (fields[2], "TCP/MSRP") == 0 || strcmp (fields[2], "TCP/TLS/MSRP") == 0))
        {
          g_string_append (out, media_part->str);
          share_done = TRUE;
        }
      else if (g_strv_length (fields) >= 4)
        g_string_append_printf (out, "m=%s 0 %s %s\r\n", fields[0], fields[2], fields[3]);
    }
  if (!share_done)
    g_string_append (out, media_part->str);

  g_string_free (session_part, TRUE);
  g_string_free (media_part, TRUE);
  return g_string_free (out, FALSE);
}

static void
on_invite (TandemShareStack   *self,
           belle_sip_request_t *request)
{
  belle_sip_message_t *message = BELLE_SIP_MESSAGE (request);
  g_autofree char *sdp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSdp) share = NULL;
  g_autofree char *peer = NULL;
  belle_sip_header_from_t *from;
  belle_sip_server_transaction_t *transaction;
  belle_sip_response_t *ringing;
  g_autoptr(TandemShareSession) session = NULL;
  Leg *leg;

  if (has_sdp_body (message))
    sdp = dup_body (message);
  if (sdp != NULL)
    share = tandem_share_sdp_parse (sdp, &error);
  if (share == NULL)
    {
      /* Audio, video, no offer: liblinphone's branch of the fork. */
      g_debug ("INVITE without a share stream (%s): 488",
               error != NULL ? error->message : "no SDP offer");
      respond (self, request, 488);
      if (message_call_id (message) != NULL)
        g_signal_emit_by_name (self, "other-invite", message_call_id (message));
      return;
    }

  from = belle_sip_message_get_header_by_type (message, belle_sip_header_from_t);
  peer = dup_address (belle_sip_header_address_get_uri (BELLE_SIP_HEADER_ADDRESS (from)));

  transaction = belle_sip_provider_create_server_transaction (self->provider, request);
  leg = g_new0 (Leg, 1);
  leg->server = (belle_sip_server_transaction_t *) belle_sip_object_ref (transaction);
  leg->call_id = g_strdup (message_call_id (message));
  set_leg_dialog (leg, belle_sip_provider_create_dialog (self->provider, BELLE_SIP_TRANSACTION (transaction)));
  leg->session = _tandem_share_session_new (peer, TRUE);
  _tandem_share_session_set_call_id (leg->session, leg->call_id);
  _tandem_share_session_set_remote_sdp (leg->session, sdp, tandem_share_sdp_copy (share),
                                        sdp_has_audio (sdp));
  g_ptr_array_add (self->legs, leg);

  /* The handler may refuse the offer before it rings (an MSRP transport
   * that does not fit the local policy: 488 with the reason). */
  session = g_object_ref (leg->session);
  g_signal_emit_by_name (self, "share-offered", session, peer, share);
  if (tandem_share_session_get_state (session) == TANDEM_SHARE_SESSION_OFFERED)
    {
      ringing = belle_sip_response_create_from_request (request, 180);
      _tandem_share_stack_add_contact (self, BELLE_SIP_MESSAGE (ringing), FALSE);
      belle_sip_server_transaction_send_response (transaction, ringing);
    }
}

static void
on_cancel (TandemShareStack   *self,
           belle_sip_request_t *request)
{
  Leg *leg = find_leg_by_call_id (self, message_call_id (BELLE_SIP_MESSAGE (request)));

  respond (self, request, 200);
  if (leg == NULL || leg->server == NULL ||
      tandem_share_session_get_state (leg->session) != TANDEM_SHARE_SESSION_OFFERED)
    return;

  belle_sip_server_transaction_send_response (leg->server,
                                              belle_sip_response_create_from_request (
                                                belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->server)),
                                                487));
  _tandem_share_session_set_end_reason (leg->session, 487, "Cancelled by the caller");
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit_by_name (self, "share-cancelled", leg->session);
}

static void
on_bye (TandemShareStack   *self,
        belle_sip_request_t *request)
{
  Leg *leg = find_leg_by_call_id (self, message_call_id (BELLE_SIP_MESSAGE (request)));
  belle_sip_header_t *reason;
  char *text;

  if (leg == NULL)
    {
      respond (self, request, 481);
      return;
    }
  respond (self, request, 200);
  if (tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_ENDED)
    return;
  reason = belle_sip_message_get_header (BELLE_SIP_MESSAGE (request), "Reason");
  text = reason != NULL ? belle_sip_object_to_string (reason) : NULL;
  if (text != NULL && strstr (text, "\"" TANDEM_SHARE_REASON_RELAY_LOST "\"") != NULL)
    _tandem_share_session_set_end_reason (leg->session, 0, TANDEM_SHARE_REASON_RELAY_LOST);
  else
    _tandem_share_session_set_end_reason (leg->session, 0, "Ended by the peer");
  belle_sip_free (text);
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit_by_name (self, "share-ended", leg->session);
}

/* An in-dialog INFO: Tandem's control signalling; anything else is
 * acknowledged and dropped. */
static void
on_info (TandemShareStack    *self,
         belle_sip_request_t *request)
{
  belle_sip_message_t *message = BELLE_SIP_MESSAGE (request);
  Leg *leg = find_leg_by_call_id (self, message_call_id (message));
  belle_sip_header_content_type_t *type =
    belle_sip_message_get_header_by_type (message, belle_sip_header_content_type_t);
  g_autofree char *content_type = NULL;
  g_autofree char *body = NULL;

  if (leg == NULL || tandem_share_session_get_state (leg->session) != TANDEM_SHARE_SESSION_ACTIVE)
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
    g_signal_emit_by_name (self, "share-control", leg->session, g_strstrip (body));
}

void
_tandem_share_stack_on_request (void                            *user_data,
            const belle_sip_request_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_request_t *request = belle_sip_request_event_get_request (event);
  const char *method = belle_sip_request_get_method (request);

  if (strcmp (method, "ACK") == 0)
    return; /* the dialog has absorbed it */
  if (strcmp (method, "INVITE") == 0)
    {
      if (belle_sip_request_event_get_dialog (event) == NULL)
        on_invite (self, request);
      else
        respond (self, request, 488); /* no re-INVITE of a share session yet */
    }
  else if (strcmp (method, "CANCEL") == 0)
    on_cancel (self, request);
  else if (strcmp (method, "BYE") == 0)
    on_bye (self, request);
  else if (strcmp (method, "OPTIONS") == 0)
    respond (self, request, 200);
  else if (strcmp (method, "INFO") == 0)
    on_info (self, request);
  else
    respond (self, request, 405); /* MESSAGE, NOTIFY...: liblinphone's */
}

/* ----- responses to our requests ------------------------------------- */

static void
send_cancel (TandemShareStack *self,
             Leg              *leg)
{
  belle_sip_request_t *cancel = belle_sip_client_transaction_create_cancel (leg->client);

  if (cancel == NULL)
    return;
  belle_sip_client_transaction_send_request (
    belle_sip_provider_create_client_transaction (self->provider, cancel));
}

/* @why: NULL, or TANDEM_SHARE_REASON_RELAY_LOST for a Reason header
 * that other peers ignore. */
static void
send_bye (TandemShareStack *self,
          Leg              *leg,
          const char       *why)
{
  belle_sip_request_t *bye;

  if (leg->dialog == NULL || belle_sip_dialog_get_state (leg->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    return;
  bye = belle_sip_dialog_create_request (leg->dialog, "BYE");
  if (bye == NULL)
    return;
  if (why != NULL)
    {
      g_autofree char *value = g_strdup_printf ("X-Tandem;cause=1;text=\"%s\"", why);

      belle_sip_message_add_header (BELLE_SIP_MESSAGE (bye), belle_sip_header_create ("Reason", value));
    }
  belle_sip_client_transaction_send_request (
    belle_sip_provider_create_client_transaction (self->provider, bye));
}

static void
fail_leg (TandemShareStack *self,
          Leg              *leg,
          guint             code,
          const char       *reason)
{
  g_autofree char *text = g_strdup_printf ("%u %s", code, reason != NULL ? reason : "");

  if (tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_ENDED ||
      tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_FAILED)
    return;
  _tandem_share_session_set_end_reason (leg->session, code, text);
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_FAILED);
  g_signal_emit_by_name (self, "share-failed", leg->session, code, text);
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
retry_with_auth (TandemShareStack *self,
                 Leg              *leg)
{
  belle_sip_list_t *auth_infos = NULL;
  belle_sip_request_t *request;
  belle_sip_client_transaction_t *transaction;
  gboolean filled;

  if (++leg->auth_attempts > 2)
    return FALSE;
  request = belle_sip_client_transaction_create_authenticated_request (leg->client, &auth_infos, NULL);
  filled = auth_infos_filled (auth_infos);
  belle_sip_list_free_with_data (auth_infos, (void (*)(void *)) belle_sip_auth_event_destroy);
  if (request == NULL || !filled)
    {
      if (request != NULL)
        belle_sip_object_unref (request);
      return FALSE;
    }

  transaction = belle_sip_provider_create_client_transaction (self->provider, request);
  g_clear_pointer (&leg->client, belle_sip_object_unref);
  leg->client = (belle_sip_client_transaction_t *) belle_sip_object_ref (transaction);
  set_leg_dialog (leg, belle_sip_provider_create_dialog (self->provider, BELLE_SIP_TRANSACTION (transaction)));
  belle_sip_client_transaction_send_request_to (transaction, _tandem_share_stack_get_outbound (self));
  return TRUE;
}

static void
on_invite_answered (TandemShareStack     *self,
                    Leg                  *leg,
                    belle_sip_response_t *response,
                    belle_sip_dialog_t   *dialog)
{
  belle_sip_request_t *invite = belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->client));
  belle_sip_header_cseq_t *cseq = belle_sip_message_get_header_by_type (BELLE_SIP_MESSAGE (invite),
                                                                       belle_sip_header_cseq_t);
  g_autofree char *sdp = NULL;
  g_autoptr(GError) error = NULL;
  TandemShareSdp *share = NULL;

  if (dialog != NULL)
    set_leg_dialog (leg, dialog);
  if (leg->dialog == NULL)
    return;
  if (belle_sip_dialog_get_state (leg->dialog) == BELLE_SIP_DIALOG_CONFIRMED && leg->provisional &&
      tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_ACTIVE)
    return; /* a retransmitted 200 OK */

  belle_sip_dialog_send_ack (leg->dialog,
                             belle_sip_dialog_create_ack (leg->dialog,
                                                          belle_sip_header_cseq_get_seq_number (cseq)));
  leg->provisional = TRUE;

  if (leg->hung_up)
    {
      send_bye (self, leg, NULL); /* answered while our CANCEL crossed it */
      return;
    }

  if (has_sdp_body (BELLE_SIP_MESSAGE (response)))
    sdp = dup_body (BELLE_SIP_MESSAGE (response));
  if (sdp != NULL)
    share = tandem_share_sdp_parse (sdp, &error);
  if (share == NULL)
    {
      g_message ("The answer of %s has no share stream (%s): hanging up",
                 tandem_share_session_get_peer_address (leg->session),
                 error != NULL ? error->message : "no SDP");
      send_bye (self, leg, NULL);
      fail_leg (self, leg, 488, "The answer has no share stream");
      return;
    }

  _tandem_share_session_set_remote_sdp (leg->session, sdp, share, sdp_has_audio (sdp));
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ACTIVE);
  g_signal_emit_by_name (self, "share-accepted", leg->session, sdp);
}

/* The peer of an established session no longer answers in its dialog
 * (killed, or its network gone): the session is over. */
static void
peer_gone (TandemShareStack *self,
           Leg              *leg,
           int               code)
{
  if (tandem_share_session_get_state (leg->session) != TANDEM_SHARE_SESSION_ACTIVE)
    return;
  g_message ("%s no longer answers in the share dialog (%d): ending it",
             tandem_share_session_get_peer_address (leg->session), code);
  leg->hung_up = TRUE;
  _tandem_share_session_set_end_reason (leg->session, code, "The other side is gone");
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit_by_name (self, "share-ended", leg->session);
}

static gboolean
is_ping (belle_sip_client_transaction_t *transaction)
{
  return transaction != NULL &&
         belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-ping") != NULL;
}

typedef struct {
  TandemShareStack   *stack;
  TandemShareSession *session;
  char               *what;
} ControlRetry;

static void
control_retry_free (gpointer data)
{
  ControlRetry *retry = data;

  g_object_unref (retry->stack);
  g_object_unref (retry->session);
  g_free (retry->what);
  g_free (retry);
}

static gboolean
on_control_retry (gpointer data)
{
  ControlRetry *retry = data;

  if (tandem_share_session_get_state (retry->session) == TANDEM_SHARE_SESSION_ACTIVE)
    tandem_share_stack_send_control (retry->stack, retry->session, retry->what, NULL);
  return G_SOURCE_REMOVE;
}

/* 491: the peer's own INFO crossed ours in the dialog.  Send it again a
 * little later (RFC 3261 14.1 asks for a random wait). */
static void
retry_control (TandemShareStack *self,
               Leg              *leg,
               const char       *what)
{
  ControlRetry *retry = g_new0 (ControlRetry, 1);

  retry->stack = g_object_ref (self);
  retry->session = g_object_ref (leg->session);
  retry->what = g_strdup (what);
  g_timeout_add_full (G_PRIORITY_DEFAULT, g_random_int_range (50, 250), on_control_retry,
                      retry, control_retry_free);
}

void
_tandem_share_stack_on_response (void                             *user_data,
             const belle_sip_response_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_client_transaction_t *transaction = belle_sip_response_event_get_client_transaction (event);
  belle_sip_response_t *response = belle_sip_response_event_get_response (event);
  int code = belle_sip_response_get_status_code (response);
  Leg *leg;

  if (transaction == NULL)
    return;
  leg = find_leg_by_call_id (self, message_call_id (BELLE_SIP_MESSAGE (response)));
  if (leg != NULL && is_ping (transaction))
    {
      /* An answer of the peer's own means it lives, even a refusal of
       * OPTIONS in a dialog (405, 415, 420, 488, 491, 501); anything else
       * from 400 up (404, 408, 477, 480, 481, 5xx: mostly the proxy
       * failing to reach it) means nobody is there any more. */
      g_debug ("ping of %s: %d", tandem_share_session_get_peer_address (leg->session), code);
      if (code >= 400 && code != 405 && code != 415 && code != 420 && code != 488 &&
          code != 491 && code != 501)
        peer_gone (self, leg, code);
      return;
    }
  if (leg != NULL && code == 491 &&
      belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-control") != NULL)
    {
      retry_control (self, leg, belle_sip_object_data_get (BELLE_SIP_OBJECT (transaction), "tandem-control"));
      return;
    }
  if (leg == NULL || transaction != leg->client)
    return; /* REGISTER (the refresher's), BYE, CANCEL: nothing to do */

  if (code < 200)
    {
      if (code == 100)
        return;
      leg->provisional = TRUE;
      set_leg_dialog (leg, belle_sip_response_event_get_dialog (event));
      if (leg->cancel_pending)
        {
          leg->cancel_pending = FALSE;
          send_cancel (self, leg);
          return;
        }
      if (!leg->hung_up && tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_CALLING)
        {
          _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_RINGING);
          g_signal_emit_by_name (self, "share-ringing", leg->session);
        }
    }
  else if (code < 300)
    on_invite_answered (self, leg, response, belle_sip_response_event_get_dialog (event));
  else if ((code == 401 || code == 407) && !leg->hung_up)
    {
      if (!retry_with_auth (self, leg))
        fail_leg (self, leg, code, belle_sip_response_get_reason_phrase (response));
    }
  else if (!leg->hung_up)
    fail_leg (self, leg, code, belle_sip_response_get_reason_phrase (response));
}

void
_tandem_share_stack_on_timeout (void                            *user_data,
            const belle_sip_timeout_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_client_transaction_t *transaction = belle_sip_timeout_event_get_client_transaction (event);

  for (guint i = 0; transaction != NULL && i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];

      if (leg->client == transaction && !leg->hung_up)
        fail_leg (self, leg, 408, "Request Timeout");
      else if (is_ping (transaction) && !leg->hung_up &&
               g_strcmp0 (leg->call_id, message_call_id (BELLE_SIP_MESSAGE (
                            belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (transaction))))) == 0)
        peer_gone (self, leg, 408);
    }
}

void
_tandem_share_stack_on_io_error (void                             *user_data,
             const belle_sip_io_error_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_object_t *source = belle_sip_io_error_event_get_source (event);

  for (guint i = 0; source != NULL && i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];

      if ((belle_sip_object_t *) leg->client == source && !leg->hung_up &&
          tandem_share_session_get_state (leg->session) != TANDEM_SHARE_SESSION_ACTIVE)
        fail_leg (self, leg, 503, "Network error");
      else if (BELLE_SIP_OBJECT_IS_INSTANCE_OF (source, belle_sip_client_transaction_t) &&
               is_ping ((belle_sip_client_transaction_t *) source) && !leg->hung_up &&
               g_strcmp0 (leg->call_id, message_call_id (BELLE_SIP_MESSAGE (
                            belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (source))))) == 0)
        peer_gone (self, leg, 503);
    }
}

/* Ends every session when the stack stops. */
void
_tandem_share_stack_end_sessions (TandemShareStack *self)
{
  for (guint i = 0; i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];
      TandemShareSessionState state = tandem_share_session_get_state (leg->session);

      if (state == TANDEM_SHARE_SESSION_ENDED || state == TANDEM_SHARE_SESSION_FAILED)
        continue;
      if (leg->server != NULL && state == TANDEM_SHARE_SESSION_OFFERED)
        belle_sip_server_transaction_send_response (leg->server,
                                                    belle_sip_response_create_from_request (
                                                      belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->server)),
                                                      480));
      else if (state == TANDEM_SHARE_SESSION_ACTIVE)
        send_bye (self, leg, NULL);
      else if (leg->provisional)
        send_cancel (self, leg);
      leg->hung_up = TRUE;
      _tandem_share_session_set_end_reason (leg->session, 0, "The share stack stopped");
      _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
      g_signal_emit_by_name (self, "share-ended", leg->session);
    }
}

static Leg *
require_leg (TandemShareStack    *self,
             TandemShareSession  *session,
             gboolean             incoming_offer,
             GError             **error)
{
  Leg *leg = self->stack != NULL ? find_leg_by_session (self, session) : NULL;

  if (leg == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                   "This share session is not one of this stack's");
      return NULL;
    }
  if (incoming_offer &&
      (leg->server == NULL || tandem_share_session_get_state (session) != TANDEM_SHARE_SESSION_OFFERED))
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "The share offer is no longer waiting for an answer");
      return NULL;
    }
  return leg;
}

/**
 * tandem_share_stack_accept:
 * @answer_sdp: an SDP whose first stream is the share stream of the answer
 *   (tandem_share_sdp_to_string()); other streams of the offer are added
 *   to it as rejected
 *
 * Answers an offer of ::share-offered with 200 OK.
 */
gboolean
tandem_share_stack_accept (TandemShareStack    *self,
                           TandemShareSession  *session,
                           const char          *answer_sdp,
                           GError             **error)
{
  g_autoptr(TandemShareSdp) check = NULL;
  g_autofree char *sdp = NULL;
  belle_sip_response_t *response;
  Leg *leg;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);
  g_return_val_if_fail (answer_sdp != NULL, FALSE);

  leg = require_leg (self, session, TRUE, error);
  if (leg == NULL)
    return FALSE;
  check = tandem_share_sdp_parse (answer_sdp, error);
  if (check == NULL)
    return FALSE;

  sdp = build_answer (tandem_share_session_get_remote_sdp (session), answer_sdp);
  response = belle_sip_response_create_from_request (
    belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->server)), 200);
  _tandem_share_stack_add_contact (self, BELLE_SIP_MESSAGE (response), FALSE);
  set_sdp_body (BELLE_SIP_MESSAGE (response), sdp);
  belle_sip_server_transaction_send_response (leg->server, response);

  _tandem_share_session_set_local_sdp (session, sdp);
  _tandem_share_session_set_state (session, TANDEM_SHARE_SESSION_ACTIVE);
  return TRUE;
}

/* Refuses an offer with 603 Decline. */
gboolean
tandem_share_stack_decline (TandemShareStack    *self,
                            TandemShareSession  *session,
                            GError             **error)
{
  return tandem_share_stack_refuse (self, session, 603, NULL, error);
}

/**
 * tandem_share_stack_refuse:
 * @code: a final failure status, 400-699
 * @phrase: (nullable): the reason phrase; NULL for the standard one
 *
 * Refuses an offer.  From a ::share-offered handler, before it rings.
 */
gboolean
tandem_share_stack_refuse (TandemShareStack    *self,
                           TandemShareSession  *session,
                           guint                code,
                           const char          *phrase,
                           GError             **error)
{
  belle_sip_response_t *response;
  Leg *leg;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);
  g_return_val_if_fail (code >= 400 && code < 700, FALSE);

  leg = require_leg (self, session, TRUE, error);
  if (leg == NULL)
    return FALSE;
  response = belle_sip_response_create_from_request (
    belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->server)), code);
  if (phrase != NULL)
    belle_sip_response_set_reason_phrase (response, phrase);
  belle_sip_server_transaction_send_response (leg->server, response);
  leg->hung_up = TRUE;
  _tandem_share_session_set_end_reason (session, code,
                                        phrase != NULL ? phrase
                                        : code == 603 ? "Declined"
                                        : belle_sip_response_get_reason_phrase (response));
  _tandem_share_session_set_state (session, TANDEM_SHARE_SESSION_ENDED);
  return TRUE;
}

/**
 * tandem_share_stack_invite:
 * @peer: the address of record to share with, "sip:bob@example.org"
 * @offer_sdp: the whole offer (tandem_share_sdp_to_string())
 *
 * Sends an INVITE through the account's proxy.  The session then signals
 * ::share-ringing, ::share-accepted (with the answer), ::share-failed
 * (with the status and reason) and ::share-ended.
 */
TandemShareSession *
tandem_share_stack_invite (TandemShareStack  *self,
                           const char        *peer,
                           const char        *offer_sdp,
                           GError           **error)
{
  g_autoptr(TandemShareSdp) check = NULL;
  belle_sip_uri_t *request_uri;
  belle_sip_header_to_t *to;
  belle_sip_request_t *request;
  belle_sip_client_transaction_t *transaction;
  Leg *leg;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  g_return_val_if_fail (peer != NULL && offer_sdp != NULL, NULL);

  if (self->stack == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                   "Screen sharing is not running");
      return NULL;
    }
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
                   "%s is not a SIP address", peer);
      return NULL;
    }

  request = belle_sip_request_create (request_uri, "INVITE",
                                      belle_sip_provider_create_call_id (self->provider),
                                      belle_sip_header_cseq_create (20, "INVITE"),
                                      belle_sip_header_from_create2 (self->identity, BELLE_SIP_RANDOM_TAG),
                                      to, belle_sip_header_via_new (), 70);
  _tandem_share_stack_add_contact (self, BELLE_SIP_MESSAGE (request), FALSE);
  set_sdp_body (BELLE_SIP_MESSAGE (request), offer_sdp);

  transaction = belle_sip_provider_create_client_transaction (self->provider, request);
  leg = g_new0 (Leg, 1);
  leg->client = (belle_sip_client_transaction_t *) belle_sip_object_ref (transaction);
  leg->call_id = g_strdup (message_call_id (BELLE_SIP_MESSAGE (request)));
  set_leg_dialog (leg, belle_sip_provider_create_dialog (self->provider, BELLE_SIP_TRANSACTION (transaction)));
  leg->session = _tandem_share_session_new (peer, FALSE);
  _tandem_share_session_set_call_id (leg->session, leg->call_id);
  _tandem_share_session_set_local_sdp (leg->session, offer_sdp);
  g_ptr_array_add (self->legs, leg);

  belle_sip_client_transaction_send_request_to (transaction, _tandem_share_stack_get_outbound (self));
  return leg->session;
}

/**
 * tandem_share_stack_hang_up:
 *
 * Ends a session: CANCEL before the answer, BYE after it; an incoming
 * offer not answered yet is declined.  Emits ::share-ended.
 */
gboolean
tandem_share_stack_hang_up (TandemShareStack    *self,
                            TandemShareSession  *session,
                            GError             **error)
{
  return tandem_share_stack_hang_up_because (self, session, NULL, error);
}

gboolean
tandem_share_stack_hang_up_because (TandemShareStack    *self,
                                    TandemShareSession  *session,
                                    const char          *why,
                                    GError             **error)
{
  TandemShareSessionState state;
  Leg *leg;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);

  leg = require_leg (self, session, FALSE, error);
  if (leg == NULL)
    return FALSE;
  state = tandem_share_session_get_state (session);
  if (state == TANDEM_SHARE_SESSION_ENDED || state == TANDEM_SHARE_SESSION_FAILED)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   "The share session is already over");
      return FALSE;
    }
  if (state == TANDEM_SHARE_SESSION_OFFERED)
    return tandem_share_stack_decline (self, session, error);

  leg->hung_up = TRUE;
  if (state == TANDEM_SHARE_SESSION_ACTIVE)
    send_bye (self, leg, why);
  else if (leg->provisional)
    send_cancel (self, leg);
  else
    leg->cancel_pending = TRUE;
  _tandem_share_session_set_end_reason (session, 0, "Hung up");
  _tandem_share_session_set_state (session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit_by_name (self, "share-ended", session);
  return TRUE;
}

/* Sends @what ("request", "grant", "revoke") to the peer in an INFO of
 * the share dialog.  A peer without Tandem's control signalling (Blink)
 * answers it with an error, which is ignored: control then stays a
 * sharer-side toggle. */
gboolean
tandem_share_stack_send_control (TandemShareStack    *self,
                                 TandemShareSession  *session,
                                 const char          *what,
                                 GError             **error)
{
  Leg *leg;
  belle_sip_request_t *info;
  belle_sip_client_transaction_t *transaction;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);

  leg = find_leg_by_session (self, session);
  if (leg == NULL || leg->dialog == NULL ||
      belle_sip_dialog_get_state (leg->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The share session is not established");
      return FALSE;
    }
  info = belle_sip_dialog_create_request (leg->dialog, "INFO");
  if (info == NULL)
    {
      /* Our previous INFO is still out: this one follows it. */
      retry_control (self, leg, what);
      return TRUE;
    }
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (info),
                                BELLE_SIP_HEADER (belle_sip_header_content_type_parse (
                                  "Content-Type: " TANDEM_SHARE_CONTROL_TYPE)));
  belle_sip_message_set_body (BELLE_SIP_MESSAGE (info), what, strlen (what));
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (info),
                                BELLE_SIP_HEADER (belle_sip_header_content_length_create (strlen (what))));
  transaction = belle_sip_provider_create_client_transaction (self->provider, info);
  belle_sip_object_data_set (BELLE_SIP_OBJECT (transaction), "tandem-control", g_strdup (what), g_free);
  belle_sip_client_transaction_send_request (transaction);
  return TRUE;
}

/* An in-dialog OPTIONS to see whether the peer still lives; if the proxy
 * or the network says it does not, the session ends with ::share-ended.
 * The MSRP connection cannot tell when it runs through a relay. */
gboolean
tandem_share_stack_ping (TandemShareStack    *self,
                         TandemShareSession  *session)
{
  Leg *leg;
  belle_sip_request_t *options;
  belle_sip_client_transaction_t *transaction;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);

  leg = find_leg_by_session (self, session);
  if (leg == NULL || leg->dialog == NULL ||
      belle_sip_dialog_get_state (leg->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    return FALSE;
  options = belle_sip_dialog_create_request (leg->dialog, "OPTIONS");
  if (options == NULL)
    return FALSE; /* another request is out: it will tell */
  transaction = belle_sip_provider_create_client_transaction (self->provider, options);
  belle_sip_object_data_set (BELLE_SIP_OBJECT (transaction), "tandem-ping", GINT_TO_POINTER (1), NULL);
  belle_sip_client_transaction_send_request (transaction);
  return TRUE;
}
