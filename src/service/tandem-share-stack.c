/* tandem-share-stack.c
 *
 * A belle-sip stack of its own for screen sharing, beside liblinphone's
 * (which cannot offer or answer an MSRP stream).  It registers the same
 * address-of-record as the liblinphone account with its own Contact and
 * its own +sip.instance, so the registrar keeps both bindings and forks
 * every INVITE to both; each side answers 488 to what it cannot handle:
 *
 *   - an INVITE without an RFB-over-MSRP stream (audio, video, or no SDP
 *     at all) gets 488 here and is left to liblinphone;
 *   - an INVITE with one (m=application ... TCP/MSRP or TCP/TLS/MSRP, parsed
 *     by tandem-share-sdp) gets 180 and ::share-offered; the caller answers
 *     with tandem_share_stack_accept() (200 OK) or _decline() (603).
 *   - a mixed offer (Blink adds m=audio to a share session) is treated
 *     as a share offer: the answer built here keeps every other m= line
 *     of the offer, in order, with port 0 (rejected), and the session says
 *     tandem_share_session_has_audio().  liblinphone receives the same
 *     fork and rings too; when this stack answers first, the proxy CANCELs
 *     liblinphone's branch.  Accepting such an offer in liblinphone 5.1
 *     crashes when the application stream comes before the audio one:
 *     guarding against that is TandemManager's job, not this stack's.
 *
 * Threads and iteration: everything runs on the thread-default main
 * context of tandem_share_stack_start(); a GLib timeout of its own runs
 * belle_sip_main_loop_sleep (loop, 0) every 20 ms, as TandemManager does
 * for liblinphone.  Callbacks only update state and emit signals.
 *
 * Registration uses a belle-sip refresher: it answers 401/407 through
 * process_auth_requested (the password given with _set_password()),
 * re-registers before expiry and retries after network errors; a second
 * digest failure stops it (state FAILED with the server's reason).
 * tandem_share_stack_stop() ends the sessions (CANCEL, BYE, 480) and
 * unregisters, waiting at most two seconds for the registrar's answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-stack"

#include <string.h>
#include <belle-sip/belle-sip.h>
#include <bctoolbox/logging.h>

#include "tandem-share-private.h"
#include "tandem-share-stack.h"

#define ITERATE_INTERVAL_MS 20
#define REGISTER_EXPIRES_S 600
#define UNREGISTER_WAIT_MS 2000
#define ALLOWED_METHODS "INVITE, ACK, CANCEL, BYE, OPTIONS"

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

G_DEFINE_FINAL_TYPE (TandemShareStack, tandem_share_stack, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_STATE_MESSAGE,
  PROP_BINDINGS,
  N_PROPS
};

enum {
  SIGNAL_SHARE_OFFERED,
  SIGNAL_SHARE_CANCELLED,
  SIGNAL_SHARE_RINGING,
  SIGNAL_SHARE_ACCEPTED,
  SIGNAL_SHARE_FAILED,
  SIGNAL_SHARE_ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ----- logs ------------------------------------------------------------ */

/* belle-sip logs through bctoolbox, to stdout by default: send its
 * domain to GLib as debug messages (G_MESSAGES_DEBUG=belle-sip). */
static void
on_log_message (void          *info,
                const char    *domain,
                BctbxLogLevel  level,
                const char    *format,
                va_list        args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);

  g_log ("belle-sip", G_LOG_LEVEL_DEBUG, "%s", text);
}

static void
route_belle_sip_logs (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      bctbx_log_handler_t *handler = bctbx_create_log_handler (on_log_message, NULL, NULL);

      bctbx_log_handler_set_domain (handler, BELLE_SIP_LOG_DOMAIN);
      bctbx_add_log_handler (handler);
      g_once_init_leave (&done, 1);
    }
}

/* ----- small helpers --------------------------------------------------- */

static void
leg_free (Leg *leg)
{
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
add_contact_and_allow (TandemShareStack    *self,
                       belle_sip_message_t *message,
                       gboolean             with_instance)
{
  g_autofree char *value = with_instance
    ? g_strdup_printf ("Contact: <%s>;+sip.instance=\"<urn:uuid:%s>\"", self->contact, self->instance_id)
    : g_strdup_printf ("Contact: <%s>", self->contact);
  belle_sip_header_contact_t *contact = belle_sip_header_contact_parse (value);

  if (self->bind_address == NULL)
    belle_sip_header_contact_set_automatic (contact, TRUE);
  belle_sip_message_add_header (message, BELLE_SIP_HEADER (contact));
  belle_sip_message_add_header (message, BELLE_SIP_HEADER (belle_sip_header_allow_create (ALLOWED_METHODS)));
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

/* Kept alive by the stack: a refresher passes the outbound URI of its
 * previous transaction to the next one after releasing the previous one. */
static belle_sip_uri_t *
proxy_uri (TandemShareStack *self)
{
  if (self->outbound == NULL)
    {
      self->outbound = belle_sip_uri_parse (self->proxy);
      if (self->outbound != NULL)
        belle_sip_object_ref (self->outbound);
    }
  return self->outbound;
}

static const char *
transport_name (TandemTransport transport)
{
  switch (transport)
    {
    case TANDEM_TRANSPORT_TCP:
      return "tcp";
    case TANDEM_TRANSPORT_TLS:
      return "tls";
    case TANDEM_TRANSPORT_UDP:
    default:
      return "udp";
    }
}

/* ----- registration ---------------------------------------------------- */

static void
set_state (TandemShareStack        *self,
           TandemRegistrationState  state,
           const char              *message)
{
  gboolean changed = self->state != state;

  if (g_strcmp0 (self->state_message, message) != 0)
    {
      g_free (self->state_message);
      self->state_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_MESSAGE]);
    }
  if (changed)
    {
      g_debug ("%s: registration %d (%s)", self->identity, state, message);
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
update_bindings (TandemShareStack     *self,
                 belle_sip_response_t *response)
{
  const belle_sip_list_t *contacts = NULL;

  g_ptr_array_set_size (self->bindings, 0);
  if (response != NULL)
    contacts = belle_sip_message_get_headers (BELLE_SIP_MESSAGE (response), BELLE_SIP_CONTACT);
  for (const belle_sip_list_t *l = contacts; l != NULL; l = l->next)
    {
      belle_sip_uri_t *uri = belle_sip_header_address_get_uri (BELLE_SIP_HEADER_ADDRESS (l->data));
      char *text;

      if (uri == NULL)
        continue;
      text = belle_sip_object_to_string (uri);
      g_ptr_array_add (self->bindings, g_strdup (text));
      belle_sip_free (text);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BINDINGS]);
}

static void
on_register_refreshed (belle_sip_refresher_t *refresher,
                       void                  *user_data,
                       unsigned int           status_code,
                       const char            *reason_phrase,
                       int                    will_retry)
{
  TandemShareStack *self = user_data;
  g_autofree char *message = NULL;

  if (status_code == 0)
    return; /* "about to expire": the refresher re-registers by itself */

  if (status_code >= 200 && status_code < 300)
    {
      const belle_sip_client_transaction_t *transaction = belle_sip_refresher_get_transaction (refresher);
      belle_sip_response_t *response =
        belle_sip_transaction_get_response (BELLE_SIP_TRANSACTION (transaction));

      if (self->unregistering)
        {
          update_bindings (self, NULL);
          set_state (self, TANDEM_REGISTRATION_CLEARED, "Unregistered");
        }
      else
        {
          update_bindings (self, response);
          set_state (self, TANDEM_REGISTRATION_OK, "Registered");
        }
      return;
    }

  message = g_strdup_printf ("%u %s", status_code, reason_phrase != NULL ? reason_phrase : "");
  g_message ("%s: share registration failed: %s%s", self->identity, message,
             will_retry ? " (will retry)" : "");
  if (self->unregistering)
    {
      set_state (self, TANDEM_REGISTRATION_CLEARED, message);
      return;
    }
  if (status_code == 401 || status_code == 407 || status_code == 403)
    belle_sip_refresher_stop (refresher); /* wrong credentials: retrying is pointless */
  set_state (self, TANDEM_REGISTRATION_FAILED, message);
}

static gboolean
send_register (TandemShareStack  *self,
               GError           **error)
{
  g_autofree char *registrar = g_strdup_printf ("sip:%s", self->domain);
  belle_sip_request_t *request;
  belle_sip_client_transaction_t *transaction;
  belle_sip_uri_t *request_uri = belle_sip_uri_parse (registrar);
  belle_sip_uri_t *outbound = proxy_uri (self);

  if (request_uri == NULL || outbound == NULL)
    {
      if (request_uri != NULL)
        belle_sip_object_unref (request_uri);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   "The server address %s is not valid", self->proxy);
      return FALSE;
    }

  request = belle_sip_request_create (request_uri, "REGISTER",
                                      belle_sip_provider_create_call_id (self->provider),
                                      belle_sip_header_cseq_create (20, "REGISTER"),
                                      belle_sip_header_from_create2 (self->identity, BELLE_SIP_RANDOM_TAG),
                                      belle_sip_header_to_create2 (self->identity, NULL),
                                      belle_sip_header_via_new (),
                                      70);
  add_contact_and_allow (self, BELLE_SIP_MESSAGE (request), TRUE);
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (request),
                                BELLE_SIP_HEADER (belle_sip_header_expires_create (REGISTER_EXPIRES_S)));

  transaction = belle_sip_provider_create_client_transaction (self->provider, request);
  belle_sip_client_transaction_send_request_to (transaction, outbound);
  self->refresher = belle_sip_client_transaction_create_refresher (transaction);
  if (self->refresher == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "The registration of %s could not be sent", self->identity);
      return FALSE;
    }
  belle_sip_object_ref (self->refresher);
  belle_sip_refresher_set_listener (self->refresher, on_register_refreshed, self);
  set_state (self, TANDEM_REGISTRATION_PROGRESS, "Registering");
  return TRUE;
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
  _tandem_share_session_set_remote_sdp (leg->session, sdp, tandem_share_sdp_copy (share),
                                        sdp_has_audio (sdp));
  g_ptr_array_add (self->legs, leg);

  ringing = belle_sip_response_create_from_request (request, 180);
  add_contact_and_allow (self, BELLE_SIP_MESSAGE (ringing), FALSE);
  belle_sip_server_transaction_send_response (transaction, ringing);

  g_signal_emit (self, signals[SIGNAL_SHARE_OFFERED], 0, leg->session, peer, share);
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
  g_signal_emit (self, signals[SIGNAL_SHARE_CANCELLED], 0, leg->session);
}

static void
on_bye (TandemShareStack   *self,
        belle_sip_request_t *request)
{
  Leg *leg = find_leg_by_call_id (self, message_call_id (BELLE_SIP_MESSAGE (request)));

  if (leg == NULL)
    {
      respond (self, request, 481);
      return;
    }
  respond (self, request, 200);
  if (tandem_share_session_get_state (leg->session) == TANDEM_SHARE_SESSION_ENDED)
    return;
  _tandem_share_session_set_end_reason (leg->session, 0, "Ended by the peer");
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit (self, signals[SIGNAL_SHARE_ENDED], 0, leg->session);
}

static void
on_request (void                            *user_data,
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

static void
send_bye (TandemShareStack *self,
          Leg              *leg)
{
  belle_sip_request_t *bye;

  if (leg->dialog == NULL || belle_sip_dialog_get_state (leg->dialog) != BELLE_SIP_DIALOG_CONFIRMED)
    return;
  bye = belle_sip_dialog_create_request (leg->dialog, "BYE");
  if (bye != NULL)
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
  g_signal_emit (self, signals[SIGNAL_SHARE_FAILED], 0, leg->session, code, text);
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
  belle_sip_client_transaction_send_request_to (transaction, proxy_uri (self));
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
      send_bye (self, leg); /* answered while our CANCEL crossed it */
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
      send_bye (self, leg);
      fail_leg (self, leg, 488, "The answer has no share stream");
      return;
    }

  _tandem_share_session_set_remote_sdp (leg->session, sdp, share, sdp_has_audio (sdp));
  _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ACTIVE);
  g_signal_emit (self, signals[SIGNAL_SHARE_ACCEPTED], 0, leg->session, sdp);
}

static void
on_response (void                             *user_data,
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
          g_signal_emit (self, signals[SIGNAL_SHARE_RINGING], 0, leg->session);
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

static void
on_timeout (void                            *user_data,
            const belle_sip_timeout_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_client_transaction_t *transaction = belle_sip_timeout_event_get_client_transaction (event);

  for (guint i = 0; transaction != NULL && i < self->legs->len; i++)
    {
      Leg *leg = self->legs->pdata[i];

      if (leg->client == transaction && !leg->hung_up)
        fail_leg (self, leg, 408, "Request Timeout");
    }
}

static void
on_io_error (void                             *user_data,
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
    }
}

static void
on_auth_requested (void                   *user_data,
                   belle_sip_auth_event_t *event)
{
  TandemShareStack *self = user_data;

  if (belle_sip_auth_event_get_mode (event) != BELLE_SIP_AUTH_MODE_HTTP_DIGEST)
    return;
  if (self->password == NULL ||
      g_strcmp0 (belle_sip_auth_event_get_username (event), self->user) != 0)
    return;
  belle_sip_auth_event_set_passwd (event, self->password);
}

/* ----- life cycle ------------------------------------------------------ */

static gboolean
on_iterate (gpointer user_data)
{
  TandemShareStack *self = user_data;

  belle_sip_main_loop_sleep (belle_sip_stack_get_main_loop (self->stack), 0);
  return G_SOURCE_CONTINUE;
}

static void
teardown (TandemShareStack *self)
{
  g_clear_handle_id (&self->iterate_id, g_source_remove);
  if (self->refresher != NULL)
    {
      belle_sip_refresher_stop (self->refresher);
      g_clear_pointer (&self->refresher, belle_sip_object_unref);
    }
  g_ptr_array_set_size (self->legs, 0);
  if (self->provider != NULL && self->listener != NULL)
    belle_sip_provider_remove_sip_listener (self->provider, self->listener);
  g_clear_pointer (&self->listener, belle_sip_object_unref);
  g_clear_pointer (&self->provider, belle_sip_object_unref);
  g_clear_pointer (&self->listening_point, belle_sip_object_unref);
  g_clear_pointer (&self->stack, belle_sip_object_unref);
  g_clear_pointer (&self->outbound, belle_sip_object_unref);
}

static void
tandem_share_stack_dispose (GObject *object)
{
  TandemShareStack *self = TANDEM_SHARE_STACK (object);

  teardown (self);

  G_OBJECT_CLASS (tandem_share_stack_parent_class)->dispose (object);
}

static void
tandem_share_stack_finalize (GObject *object)
{
  TandemShareStack *self = TANDEM_SHARE_STACK (object);

  g_free (self->identity);
  g_free (self->user);
  g_free (self->domain);
  g_free (self->proxy);
  g_free (self->bind_address);
  g_free (self->root_ca);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->instance_id);
  g_free (self->contact);
  g_free (self->state_message);
  g_ptr_array_unref (self->bindings);
  g_ptr_array_unref (self->legs);

  G_OBJECT_CLASS (tandem_share_stack_parent_class)->finalize (object);
}

static void
tandem_share_stack_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemShareStack *self = TANDEM_SHARE_STACK (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATE_MESSAGE:
      g_value_set_string (value, self->state_message);
      break;
    case PROP_BINDINGS:
      g_value_take_boxed (value, tandem_share_stack_dup_bindings (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_stack_class_init (TandemShareStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_share_stack_dispose;
  object_class->finalize = tandem_share_stack_finalize;
  object_class->get_property = tandem_share_stack_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_REGISTRATION_STATE,
                       TANDEM_REGISTRATION_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_MESSAGE] =
    g_param_spec_string ("state-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The Contact URIs the registrar listed in its last 200 OK. */
  properties[PROP_BINDINGS] =
    g_param_spec_boxed ("bindings", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (session, peer address, the parsed share stream of the offer) */
  signals[SIGNAL_SHARE_OFFERED] =
    g_signal_new ("share-offered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  TANDEM_TYPE_SHARE_SESSION, G_TYPE_STRING, TANDEM_TYPE_SHARE_SDP);
  signals[SIGNAL_SHARE_CANCELLED] =
    g_signal_new ("share-cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE_SESSION);
  signals[SIGNAL_SHARE_RINGING] =
    g_signal_new ("share-ringing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE_SESSION);
  /* (session, the whole answer SDP) */
  signals[SIGNAL_SHARE_ACCEPTED] =
    g_signal_new ("share-accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, TANDEM_TYPE_SHARE_SESSION, G_TYPE_STRING);
  /* (session, SIP status, "<status> <reason phrase>") */
  signals[SIGNAL_SHARE_FAILED] =
    g_signal_new ("share-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  TANDEM_TYPE_SHARE_SESSION, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_SHARE_ENDED] =
    g_signal_new ("share-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SHARE_SESSION);
}

static void
tandem_share_stack_init (TandemShareStack *self)
{
  self->bindings = g_ptr_array_new_with_free_func (g_free);
  self->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) leg_free);
  self->instance_id = g_uuid_string_random ();
}

/**
 * tandem_share_stack_new:
 * @identity: the account's address of record, "sip:alice@example.org"
 * @proxy: (nullable): the outbound proxy / registrar URI, as for
 *   tandem_manager_add_account(); NULL: the identity's domain
 * @transport: the account's transport
 * @bind_address: (nullable): the local address to listen on (and to put
 *   in Contact), e.g. "127.0.0.1"; NULL: all, Contact filled by belle-sip
 * @root_ca: (nullable): a file of trusted CAs for TLS
 */
TandemShareStack *
tandem_share_stack_new (const char      *identity,
                        const char      *proxy,
                        TandemTransport  transport,
                        const char      *bind_address,
                        const char      *root_ca)
{
  TandemShareStack *self;

  g_return_val_if_fail (identity != NULL, NULL);

  self = g_object_new (TANDEM_TYPE_SHARE_STACK, NULL);
  self->identity = g_strdup (identity);
  self->proxy = g_strdup (proxy);
  self->transport = transport;
  self->bind_address = g_strdup (bind_address);
  self->root_ca = g_strdup (root_ca);
  return self;
}

void
tandem_share_stack_set_password (TandemShareStack *self,
                                 const char       *password)
{
  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));

  g_free (self->password);
  self->password = g_strdup (password);
  /* Credentials changed after a refusal: try again. */
  if (self->refresher != NULL && self->state == TANDEM_REGISTRATION_FAILED)
    {
      set_state (self, TANDEM_REGISTRATION_PROGRESS, "Registering");
      belle_sip_refresher_refresh (self->refresher, REGISTER_EXPIRES_S);
    }
}

/* The +sip.instance of the binding; it must differ from liblinphone's.
 * A random one is made per object; keep one per profile to replace a
 * binding left behind by a crash instead of adding another. */
void
tandem_share_stack_set_instance_id (TandemShareStack *self,
                                    const char       *uuid)
{
  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));
  g_return_if_fail (g_uuid_string_is_valid (uuid));

  g_free (self->instance_id);
  self->instance_id = g_ascii_strdown (uuid, -1);
}

gboolean
tandem_share_stack_start (TandemShareStack  *self,
                          GError           **error)
{
  belle_sip_uri_t *identity_uri;
  const char *transport = transport_name (self->transport);
  g_autofree char *upper = g_ascii_strup (transport, -1);
  belle_sip_listener_callbacks_t callbacks = {
    .process_request_event = on_request,
    .process_response_event = on_response,
    .process_timeout = on_timeout,
    .process_io_error = on_io_error,
    .process_auth_requested = on_auth_requested,
  };

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);

  if (self->stack != NULL)
    return TRUE;

  identity_uri = belle_sip_uri_parse (self->identity);
  if (identity_uri == NULL || belle_sip_uri_get_user (identity_uri) == NULL)
    {
      if (identity_uri != NULL)
        belle_sip_object_unref (identity_uri);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   "%s is not a SIP address", self->identity);
      return FALSE;
    }
  g_free (self->user);
  self->user = g_strdup (belle_sip_uri_get_user (identity_uri));
  g_free (self->domain);
  self->domain = g_strdup (belle_sip_uri_get_host (identity_uri));
  belle_sip_object_unref (identity_uri);
  if (self->proxy == NULL || *self->proxy == '\0')
    {
      g_free (self->proxy);
      self->proxy = g_strdup_printf ("sip:%s;transport=%s", self->domain, transport);
    }
  {
    belle_sip_uri_t *uri = belle_sip_uri_parse (self->proxy);

    if (uri == NULL)
      {
        g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                     "The server address %s is not valid", self->proxy);
        return FALSE;
      }
    if (belle_sip_uri_get_transport_param (uri) == NULL)
      {
        char *text;

        belle_sip_uri_set_transport_param (uri, transport);
        text = belle_sip_object_to_string (uri);
        g_free (self->proxy);
        self->proxy = g_strdup (text);
        belle_sip_free (text);
      }
    belle_sip_object_unref (uri);
  }

  route_belle_sip_logs ();

  self->stack = belle_sip_stack_new (NULL);
  self->listening_point =
    belle_sip_stack_create_listening_point (self->stack,
                                            self->bind_address != NULL ? self->bind_address : "0.0.0.0",
                                            BELLE_SIP_LISTENING_POINT_RANDOM_PORT, upper);
  if (self->listening_point == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   "No %s port could be opened for screen sharing", upper);
      teardown (self);
      return FALSE;
    }
  belle_sip_object_ref (self->listening_point);
  if (self->transport == TANDEM_TRANSPORT_TLS && self->root_ca != NULL)
    {
      belle_tls_crypto_config_t *crypto = belle_tls_crypto_config_new ();

      belle_tls_crypto_config_set_root_ca (crypto, self->root_ca);
      belle_sip_tls_listening_point_set_crypto_config (BELLE_SIP_TLS_LISTENING_POINT (self->listening_point),
                                                       crypto);
      belle_sip_object_unref (crypto);
    }
  self->provider = belle_sip_stack_create_provider (self->stack, self->listening_point);
  belle_sip_object_ref (self->provider);
  self->listener = belle_sip_listener_create_from_callbacks (&callbacks, self);
  belle_sip_object_ref (self->listener);
  belle_sip_provider_add_sip_listener (self->provider, self->listener);

  g_free (self->contact);
  self->contact = g_strdup_printf ("sip:%s@%s:%d;transport=%s", self->user,
                                   self->bind_address != NULL ? self->bind_address : "0.0.0.0",
                                   belle_sip_listening_point_get_port (self->listening_point),
                                   transport);

  self->iterate_id = g_timeout_add (ITERATE_INTERVAL_MS, on_iterate, self);
  g_source_set_name_by_id (self->iterate_id, "[tandem] belle_sip_main_loop_sleep");

  if (!send_register (self, error))
    {
      teardown (self);
      return FALSE;
    }
  return TRUE;
}

void
tandem_share_stack_stop (TandemShareStack *self)
{
  belle_sip_main_loop_t *loop;
  gint64 deadline;

  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));

  if (self->stack == NULL)
    return;
  loop = belle_sip_stack_get_main_loop (self->stack);

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
        send_bye (self, leg);
      else if (leg->provisional)
        send_cancel (self, leg);
      leg->hung_up = TRUE;
      _tandem_share_session_set_end_reason (leg->session, 0, "The share stack stopped");
      _tandem_share_session_set_state (leg->session, TANDEM_SHARE_SESSION_ENDED);
      g_signal_emit (self, signals[SIGNAL_SHARE_ENDED], 0, leg->session);
    }

  if (self->refresher != NULL && self->state == TANDEM_REGISTRATION_OK)
    {
      self->unregistering = TRUE;
      belle_sip_refresher_refresh (self->refresher, 0);
      deadline = g_get_monotonic_time () + UNREGISTER_WAIT_MS * 1000;
      while (self->state == TANDEM_REGISTRATION_OK && g_get_monotonic_time () < deadline)
        belle_sip_main_loop_sleep (loop, 20);
      self->unregistering = FALSE;
    }
  else
    {
      /* Let the CANCEL, BYE or 480 leave. */
      belle_sip_main_loop_sleep (loop, 50);
    }

  teardown (self);
  update_bindings (self, NULL);
  if (self->state != TANDEM_REGISTRATION_FAILED)
    set_state (self, TANDEM_REGISTRATION_CLEARED, self->state_message);
}

const char *
tandem_share_stack_get_identity (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  return self->identity;
}

/* The Contact URI this stack registers, once started. */
const char *
tandem_share_stack_get_contact (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  return self->contact;
}

guint16
tandem_share_stack_get_port (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), 0);
  return self->listening_point != NULL ? belle_sip_listening_point_get_port (self->listening_point) : 0;
}

TandemRegistrationState
tandem_share_stack_get_state (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), TANDEM_REGISTRATION_NONE);
  return self->state;
}

const char *
tandem_share_stack_get_state_message (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  return self->state_message;
}

/* The Contact URIs the registrar reported for the AOR in its last 200 OK
 * (every binding, liblinphone's included); empty when not registered. */
GStrv
tandem_share_stack_dup_bindings (TandemShareStack *self)
{
  GStrvBuilder *builder;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->bindings->len; i++)
    g_strv_builder_add (builder, self->bindings->pdata[i]);
  return g_strv_builder_end (builder);
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
  add_contact_and_allow (self, BELLE_SIP_MESSAGE (response), FALSE);
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
  Leg *leg;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_SHARE_SESSION (session), FALSE);

  leg = require_leg (self, session, TRUE, error);
  if (leg == NULL)
    return FALSE;
  belle_sip_server_transaction_send_response (leg->server,
                                              belle_sip_response_create_from_request (
                                                belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (leg->server)),
                                                603));
  leg->hung_up = TRUE;
  _tandem_share_session_set_end_reason (session, 603, "Declined");
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
  add_contact_and_allow (self, BELLE_SIP_MESSAGE (request), FALSE);
  set_sdp_body (BELLE_SIP_MESSAGE (request), offer_sdp);

  transaction = belle_sip_provider_create_client_transaction (self->provider, request);
  leg = g_new0 (Leg, 1);
  leg->client = (belle_sip_client_transaction_t *) belle_sip_object_ref (transaction);
  leg->call_id = g_strdup (message_call_id (BELLE_SIP_MESSAGE (request)));
  set_leg_dialog (leg, belle_sip_provider_create_dialog (self->provider, BELLE_SIP_TRANSACTION (transaction)));
  leg->session = _tandem_share_session_new (peer, FALSE);
  _tandem_share_session_set_local_sdp (leg->session, offer_sdp);
  g_ptr_array_add (self->legs, leg);

  belle_sip_client_transaction_send_request_to (transaction, proxy_uri (self));
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
    send_bye (self, leg);
  else if (leg->provisional)
    send_cancel (self, leg);
  else
    leg->cancel_pending = TRUE;
  _tandem_share_session_set_end_reason (session, 0, "Hung up");
  _tandem_share_session_set_state (session, TANDEM_SHARE_SESSION_ENDED);
  g_signal_emit (self, signals[SIGNAL_SHARE_ENDED], 0, session);
  return TRUE;
}
