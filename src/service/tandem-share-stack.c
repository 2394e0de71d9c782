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
 *     by tandem-share-sdp) becomes a TandemShareSession, announced by
 *     ::share-offered, then 180; the caller answers with
 *     tandem_share_session_accept() (200 OK) or _decline() (603).
 *   - a mixed offer (Blink adds m=audio to a share session) is a share
 *     offer whose answer rejects the other streams (the session's
 *     has_audio()); keeping liblinphone's copy from ringing is
 *     TandemShares' job (see there), not this stack's.
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
 * Sessions: each dialog is a TandemShareSession, which owns its
 * transactions and emits its own signals; the stack routes the requests,
 * responses, timeouts and network errors of a dialog to it by Call-ID,
 * and drops it SESSION_LINGER_S (or set_session_linger()) after it is
 * over (late retransmissions, a 200 OK crossing our CANCEL, still find it).
 *
 * Known limits: incoming INVITEs over TLS are untested (the stack has no
 * server certificate, so they can only come over the connection it
 * opened to the proxy, if the proxy reuses it); re-INVITEs get 488.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-stack"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <belle-sip/belle-sip.h>
#include <bctoolbox/logging.h>

#include "tandem-service-types.h"
#include "tandem-share-stack.h"

#define ALLOWED_METHODS "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"
#define ITERATE_INTERVAL_MS 20
/* How long an ended session still absorbs its dialog's late messages:
 * 64 * T1, a transaction's longest life. */
#define SESSION_LINGER_S 32
#define REGISTER_EXPIRES_S 600
#define UNREGISTER_WAIT_MS 2000

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
  GHashTable              *sessions;  /* Call-ID -> TandemShareSession */
  GHashTable              *lingering; /* Call-ID -> timeout dropping an ended one */
  guint                    linger_s;
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
  SIGNAL_OTHER_INVITE,
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

/* ----- for the sessions ------------------------------------------------ */

static void
add_contact (TandemShareStack    *self,
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

/* The Contact (and Allow) of a session's INVITE, 180 or 200. */
void
tandem_share_stack_add_contact (TandemShareStack *self,
                                gpointer          message)
{
  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));
  add_contact (self, BELLE_SIP_MESSAGE (message), FALSE);
}

/* Kept alive by the stack: a refresher passes the outbound URI of its
 * previous transaction to the next one after releasing the previous one. */
gpointer
tandem_share_stack_get_outbound (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);

  if (self->outbound == NULL)
    {
      self->outbound = belle_sip_uri_parse (self->proxy);
      if (self->outbound != NULL)
        belle_sip_object_ref (self->outbound);
    }
  return self->outbound;
}

/* How long an ended session still answers for its dialog before the
 * stack drops it (default 32 s, a transaction's longest life); tests
 * shorten it to see the session freed. */
void
tandem_share_stack_set_session_linger (TandemShareStack *self,
                                       guint             seconds)
{
  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));
  self->linger_s = MAX (seconds, 1);
}

/* The belle_sip_provider_t, NULL unless started. */
gpointer
tandem_share_stack_get_provider (TandemShareStack *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  return self->provider;
}

/* Answers @request (a belle_sip_request_t) outside any session. */
void
tandem_share_stack_respond (TandemShareStack *self,
                            gpointer          request,
                            int               code)
{
  belle_sip_server_transaction_t *transaction;
  belle_sip_response_t *response;

  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));

  if (self->provider == NULL)
    return;
  transaction = belle_sip_provider_create_server_transaction (self->provider, request);
  response = belle_sip_response_create_from_request (request, code);
  if (code == 405)
    belle_sip_message_add_header (BELLE_SIP_MESSAGE (response),
                                  BELLE_SIP_HEADER (belle_sip_header_allow_create (ALLOWED_METHODS)));
  belle_sip_server_transaction_send_response (transaction, response);
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
  belle_sip_uri_t *outbound = tandem_share_stack_get_outbound (self);

  if (request_uri == NULL || outbound == NULL)
    {
      if (request_uri != NULL)
        belle_sip_object_unref (request_uri);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   _("The server address %s is not valid"), self->proxy);
      return FALSE;
    }

  request = belle_sip_request_create (request_uri, "REGISTER",
                                      belle_sip_provider_create_call_id (self->provider),
                                      belle_sip_header_cseq_create (20, "REGISTER"),
                                      belle_sip_header_from_create2 (self->identity, BELLE_SIP_RANDOM_TAG),
                                      belle_sip_header_to_create2 (self->identity, NULL),
                                      belle_sip_header_via_new (),
                                      70);
  add_contact (self, BELLE_SIP_MESSAGE (request), TRUE);
  belle_sip_message_add_header (BELLE_SIP_MESSAGE (request),
                                BELLE_SIP_HEADER (belle_sip_header_expires_create (REGISTER_EXPIRES_S)));

  transaction = belle_sip_provider_create_client_transaction (self->provider, request);
  belle_sip_client_transaction_send_request_to (transaction, outbound);
  self->refresher = belle_sip_client_transaction_create_refresher (transaction);
  if (self->refresher == NULL)
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED,
                   _("The registration of %s could not be sent"), self->identity);
      return FALSE;
    }
  belle_sip_object_ref (self->refresher);
  belle_sip_refresher_set_listener (self->refresher, on_register_refreshed, self);
  set_state (self, TANDEM_REGISTRATION_PROGRESS, "Registering");
  return TRUE;
}

static void
on_auth_requested (void                   *user_data,
                   belle_sip_auth_event_t *event)
{
  TandemShareStack *self = user_data;

  if (belle_sip_auth_event_get_mode (event) != BELLE_SIP_AUTH_MODE_HTTP_DIGEST)
    return;
  if ((self->password == NULL && self->ha1 == NULL) ||
      g_strcmp0 (belle_sip_auth_event_get_username (event), self->user) != 0)
    return;
  if (self->password != NULL)
    belle_sip_auth_event_set_passwd (event, self->password);
  else
    belle_sip_auth_event_set_ha1 (event, self->ha1);
}

/* ----- sessions -------------------------------------------------------- */

static const char *
message_call_id (belle_sip_message_t *message)
{
  belle_sip_header_call_id_t *call_id = belle_sip_message_get_header_by_type (message, belle_sip_header_call_id_t);

  return call_id != NULL ? belle_sip_header_call_id_get_call_id (call_id) : NULL;
}

static TandemShareSession *
find_session (TandemShareStack    *self,
              belle_sip_message_t *message)
{
  const char *call_id = message != NULL ? message_call_id (message) : NULL;

  return call_id != NULL ? g_hash_table_lookup (self->sessions, call_id) : NULL;
}

static TandemShareSession *
find_session_of (TandemShareStack               *self,
                 belle_sip_client_transaction_t *transaction)
{
  if (transaction == NULL)
    return NULL;
  return find_session (self, BELLE_SIP_MESSAGE (
                         belle_sip_transaction_get_request (BELLE_SIP_TRANSACTION (transaction))));
}

typedef struct {
  TandemShareStack *self;
  char             *call_id;
} Linger;

static void
linger_free (gpointer data)
{
  Linger *linger = data;

  g_free (linger->call_id);
  g_free (linger);
}

static gboolean
on_linger_over (gpointer data)
{
  Linger *linger = data;

  gpointer key = NULL;

  g_debug ("dropping the share session %s", linger->call_id);
  if (g_hash_table_steal_extended (linger->self->lingering, linger->call_id, &key, NULL))
    g_free (key);
  g_hash_table_remove (linger->self->sessions, linger->call_id);
  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

/* A session that is over is dropped a little later: nothing keeps the
 * dialogs of ended shares (the TandemShare that shows one holds its own
 * reference). */
static void
on_session_state (TandemShareSession *session,
                  GParamSpec         *pspec,
                  TandemShareStack   *self)
{
  TandemShareSessionState state = tandem_share_session_get_state (session);
  const char *call_id = tandem_share_session_get_call_id (session);
  Linger *linger;
  guint id;

  if ((state != TANDEM_SHARE_SESSION_ENDED && state != TANDEM_SHARE_SESSION_FAILED) ||
      call_id == NULL || g_hash_table_contains (self->lingering, call_id))
    return;
  linger = g_new0 (Linger, 1);
  linger->self = self;
  linger->call_id = g_strdup (call_id);
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, self->linger_s, on_linger_over, linger, linger_free);
  g_hash_table_insert (self->lingering, g_strdup (call_id), GUINT_TO_POINTER (id));
}

static void
add_session (TandemShareStack   *self,
             TandemShareSession *session)
{
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self, 0);
  g_hash_table_replace (self->sessions, g_strdup (tandem_share_session_get_call_id (session)),
                        g_object_ref (session));
}

static void
on_invite (TandemShareStack    *self,
           belle_sip_request_t *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSession) session = NULL;
  const char *call_id = message_call_id (BELLE_SIP_MESSAGE (request));

  session = call_id != NULL ? tandem_share_session_new_incoming (self, request, &error) : NULL;
  if (session == NULL)
    {
      /* Audio, video, no offer: liblinphone's branch of the fork. */
      g_debug ("INVITE without a share stream (%s): 488",
               error != NULL ? error->message : "no Call-ID");
      tandem_share_stack_respond (self, request, 488);
      if (call_id != NULL)
        g_signal_emit (self, signals[SIGNAL_OTHER_INVITE], 0, call_id);
      return;
    }
  add_session (self, session);
  /* The handler may refuse the offer before it rings (an MSRP transport
   * that does not fit the local policy). */
  g_signal_emit (self, signals[SIGNAL_SHARE_OFFERED], 0, session,
                 tandem_share_session_get_peer_address (session),
                 tandem_share_session_get_remote_share (session));
  tandem_share_session_ring (session);
}

static void
on_request (void                            *user_data,
            const belle_sip_request_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_request_t *request = belle_sip_request_event_get_request (event);
  const char *method = belle_sip_request_get_method (request);
  TandemShareSession *session;

  if (strcmp (method, "ACK") == 0)
    return; /* the dialog has absorbed it */
  if (strcmp (method, "INVITE") == 0 && belle_sip_request_event_get_dialog (event) == NULL)
    {
      on_invite (self, request);
      return;
    }
  if (strcmp (method, "OPTIONS") == 0)
    {
      tandem_share_stack_respond (self, request, 200);
      return;
    }
  if (strcmp (method, "INVITE") != 0 && strcmp (method, "CANCEL") != 0 &&
      strcmp (method, "BYE") != 0 && strcmp (method, "INFO") != 0)
    {
      tandem_share_stack_respond (self, request, 405); /* MESSAGE, NOTIFY...: liblinphone's */
      return;
    }
  session = find_session (self, BELLE_SIP_MESSAGE (request));
  if (session != NULL)
    tandem_share_session_handle_request (session, request);
  else
    tandem_share_stack_respond (self, request, strcmp (method, "CANCEL") == 0 ? 200 : 481);
}

static void
on_response (void                             *user_data,
             const belle_sip_response_event_t *event)
{
  TandemShareStack *self = user_data;
  TandemShareSession *session =
    find_session (self, BELLE_SIP_MESSAGE (belle_sip_response_event_get_response (event)));

  /* The REGISTER's are the refresher's. */
  if (session != NULL)
    tandem_share_session_handle_response (session, (gpointer) event);
}

static void
on_timeout (void                            *user_data,
            const belle_sip_timeout_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_client_transaction_t *transaction = belle_sip_timeout_event_get_client_transaction (event);
  TandemShareSession *session = find_session_of (self, transaction);

  if (session != NULL)
    tandem_share_session_handle_timeout (session, transaction);
}

static void
on_io_error (void                             *user_data,
             const belle_sip_io_error_event_t *event)
{
  TandemShareStack *self = user_data;
  belle_sip_object_t *source = belle_sip_io_error_event_get_source (event);
  TandemShareSession *session;

  if (source == NULL || !BELLE_SIP_OBJECT_IS_INSTANCE_OF (source, belle_sip_client_transaction_t))
    return;
  session = find_session_of (self, (belle_sip_client_transaction_t *) source);
  if (session != NULL)
    tandem_share_session_handle_io_error (session, source);
}

static void
end_sessions (TandemShareStack *self)
{
  g_autoptr(GList) sessions = g_hash_table_get_values (self->sessions);

  for (GList *l = sessions; l != NULL; l = l->next)
    tandem_share_session_terminate (l->data);
}

/* An INVITE with @offer_sdp (tandem_share_sdp_to_string()) to @peer
 * ("sip:bob@example.org"); the session (transfer none: the stack keeps
 * it until a while after it is over) then signals how it goes. */
TandemShareSession *
tandem_share_stack_invite (TandemShareStack  *self,
                           const char        *peer,
                           const char        *offer_sdp,
                           GError           **error)
{
  g_autoptr(TandemShareSession) session = NULL;

  g_return_val_if_fail (TANDEM_IS_SHARE_STACK (self), NULL);
  g_return_val_if_fail (peer != NULL && offer_sdp != NULL, NULL);

  if (self->stack == NULL)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                           _("Screen sharing is not running"));
      return NULL;
    }
  session = tandem_share_session_new_outgoing (self, peer, offer_sdp, error);
  if (session == NULL)
    return NULL;
  add_session (self, session);
  return session;
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
  g_hash_table_remove_all (self->lingering);
  g_hash_table_remove_all (self->sessions);
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
  g_free (self->ha1);
  g_free (self->instance_id);
  g_free (self->contact);
  g_free (self->state_message);
  g_ptr_array_unref (self->bindings);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->lingering);

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

  /* (session, peer address, the parsed share stream of the offer): a new
   * incoming session; the handler may refuse it before it rings. */
  signals[SIGNAL_SHARE_OFFERED] =
    g_signal_new ("share-offered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  TANDEM_TYPE_SHARE_SESSION, G_TYPE_STRING, TANDEM_TYPE_SHARE_SDP);
  /* (Call-ID) An INVITE without a share stream (an audio call, forked
   * to this binding too), refused with 488: liblinphone's to take. */
  signals[SIGNAL_OTHER_INVITE] =
    g_signal_new ("other-invite", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_share_stack_init (TandemShareStack *self)
{
  self->bindings = g_ptr_array_new_with_free_func (g_free);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->lingering = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, remove_source);
  self->linger_s = SESSION_LINGER_S;
  self->instance_id = g_uuid_string_random ();
}

/**
 * tandem_share_stack_new:
 * @identity: the account's address of record, "sip:alice@example.org"
 * @proxy: (nullable): the outbound proxy / registrar URI, as for
 *   tandem_accounts_add(); NULL: the identity's domain
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

/* Instead of the password: its digest hash (MD5 of user:realm:password),
 * which is what liblinphone keeps when no keyring holds the password. */
void
tandem_share_stack_set_ha1 (TandemShareStack *self,
                            const char       *ha1)
{
  g_return_if_fail (TANDEM_IS_SHARE_STACK (self));

  g_free (self->ha1);
  self->ha1 = g_strdup (ha1);
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
                   _("%s is not a SIP address"), self->identity);
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
                     _("The server address %s is not valid"), self->proxy);
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
                   _("No %s port could be opened for screen sharing"), upper);
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

  end_sessions (self);

  /* A REGISTER still on its way would leave a binding behind that
   * nobody answers for: let it finish, then take it back. */
  deadline = g_get_monotonic_time () + UNREGISTER_WAIT_MS * 1000;
  while (self->state == TANDEM_REGISTRATION_PROGRESS && !self->unregistering &&
         g_get_monotonic_time () < deadline)
    belle_sip_main_loop_sleep (loop, 20);

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
