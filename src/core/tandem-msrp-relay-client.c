/* tandem-msrp-relay-client.c
 *
 * AUTH with To-Path = the relay URI and From-Path = the own URI; a 401 is
 * answered once with a Digest Authorization (SIP username and password,
 * method AUTH, uri = the relay URI); a 423 is answered once with the
 * Expires clamped to the relay's Min-/Max-Expires. The 200 carries
 * Use-Path and Expires. The advertised path is Use-Path followed by the
 * own URI, and the authenticated connection carries the session
 * (tandem_msrp_session_start_on_connection_async()).
 *
 * The reservation is refreshed on the same connection at 80% of Expires
 * (or after "refresh-interval" ms when set, for tests); once a session
 * owns the connection, the answers arrive through its "response" signal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-relay-client"

#include <string.h>

#include "tandem-msrp-digest.h"
#include "tandem-msrp-error.h"
#include "tandem-msrp-relay-client.h"

struct _TandemMsrpRelayClient {
  GObject                    parent_instance;
  TandemMsrpUri             *relay_uri;
  char                      *relay_uri_str;
  char                      *username;
  char                      *password;
  char                      *ha1;       /* instead of the password */
  TandemMsrpUri             *own_uri;
  char                      *own_uri_str;
  GTlsDatabase              *tls_database;
  guint                      connect_timeout;
  guint                      auth_timeout;
  guint                      requested_expires;
  guint                      refresh_interval;

  TandemMsrpConnection      *conn;
  GTask                     *task;
  GCancellable              *cancellable;
  guint                      timeout_id;
  guint                      refresh_id;
  char                      *pending_tid;
  TandemMsrpDigestChallenge *challenge;
  guint                      nonce_count;
  gboolean                   retried_auth;
  gboolean                   retried_expires;
  GPtrArray                 *use_path;
  guint                      expires;
  TandemMsrpSession         *session;
  gulong                     response_id;
};

enum {
  PROP_0,
  PROP_TLS_DATABASE,
  PROP_CONNECT_TIMEOUT,
  PROP_AUTH_TIMEOUT,
  PROP_EXPIRES,
  PROP_REFRESH_INTERVAL,
  N_PROPS
};

enum {
  SIGNAL_REFRESHED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemMsrpRelayClient, tandem_msrp_relay_client, G_TYPE_OBJECT)

static void send_auth (TandemMsrpRelayClient *self);

static void
finish_auth (TandemMsrpRelayClient *self,
             GError                *error)
{
  GTask *task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (task == NULL)
    {
      /* a refresh */
      if (error != NULL)
        {
          g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
          g_error_free (error);
        }
      else
        g_signal_emit (self, signals[SIGNAL_REFRESHED], 0);
      return;
    }
  if (error != NULL)
    {
      if (self->conn != NULL)
        {
          tandem_msrp_connection_set_handler (self->conn, NULL, NULL);
          tandem_msrp_connection_close (self->conn);
          g_clear_object (&self->conn);
        }
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_refresh (gpointer user_data)
{
  TandemMsrpRelayClient *self = user_data;

  self->refresh_id = 0;
  self->retried_auth = FALSE;
  self->retried_expires = FALSE;
  send_auth (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (TandemMsrpRelayClient *self)
{
  guint ms = self->refresh_interval != 0 ? self->refresh_interval : self->expires * 800;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (ms > 0)
    self->refresh_id = g_timeout_add (ms, on_refresh, self);
}

static guint
header_uint (TandemMsrpMessage *msg,
             const char        *name)
{
  const char *v = tandem_msrp_message_get_header (msg, name);

  return v != NULL ? (guint) g_ascii_strtoull (v, NULL, 10) : 0;
}

static void
handle_response (TandemMsrpRelayClient *self,
                 TandemMsrpMessage     *msg)
{
  GError *error = NULL;

  if (self->pending_tid == NULL || g_strcmp0 (msg->tid, self->pending_tid) != 0)
    return;
  g_clear_pointer (&self->pending_tid, g_free);

  if (msg->status == 401 && !self->retried_auth)
    {
      const char *www = tandem_msrp_message_get_header (msg, "WWW-Authenticate");

      self->retried_auth = TRUE;
      g_clear_pointer (&self->challenge, tandem_msrp_digest_challenge_free);
      if (www == NULL ||
          (self->challenge = tandem_msrp_digest_challenge_parse (www, &error)) == NULL)
        {
          finish_auth (self, error != NULL ? error
                       : g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED,
                                              "The relay sent 401 without a challenge"));
          return;
        }
      self->nonce_count = 0;
      send_auth (self);
      return;
    }
  if (msg->status == 423 && !self->retried_expires)
    {
      guint min = header_uint (msg, "Min-Expires");
      guint max = header_uint (msg, "Max-Expires");

      self->retried_expires = TRUE;
      if (min != 0)
        self->requested_expires = MAX (self->requested_expires, min);
      if (max != 0)
        self->requested_expires = MIN (self->requested_expires, max);
      send_auth (self);
      return;
    }
  if (msg->status != 200)
    {
      finish_auth (self, g_error_new (TANDEM_MSRP_ERROR,
                                      msg->status == 401 || msg->status == 403
                                      ? TANDEM_MSRP_ERROR_AUTH_FAILED : TANDEM_MSRP_ERROR_FAILED,
                                      "The MSRP relay %s refused AUTH: %u %s", self->relay_uri_str,
                                      msg->status, msg->comment != NULL ? msg->comment : ""));
      return;
    }

  {
    const char *use_path = tandem_msrp_message_get_header (msg, "Use-Path");
    g_autoptr(GPtrArray) path = NULL;

    if (use_path == NULL || (path = tandem_msrp_path_parse (use_path, &error)) == NULL)
      {
        finish_auth (self, error != NULL ? error
                     : g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED,
                                            "The relay's 200 has no Use-Path"));
        return;
      }
    g_clear_pointer (&self->use_path, g_ptr_array_unref);
    self->use_path = g_steal_pointer (&path);
  }
  self->expires = header_uint (msg, "Expires");
  if (self->task != NULL && self->session == NULL)
    tandem_msrp_connection_set_reading (self->conn, FALSE); /* the session reads on */
  schedule_refresh (self);
  finish_auth (self, NULL);
}

static void
on_conn_headers (TandemMsrpConnection *conn,
                 TandemMsrpMessage    *msg,
                 gpointer              user_data)
{
  if (msg->method == NULL)
    handle_response (user_data, msg);
}

static void
on_conn_parse_error (TandemMsrpConnection *conn,
                     TandemMsrpMessage    *msg,
                     const GError         *error,
                     gpointer              user_data)
{
  finish_auth (user_data, g_error_copy (error));
}

static void
on_conn_closed (TandemMsrpConnection *conn,
                const GError         *error,
                gpointer              user_data)
{
  TandemMsrpRelayClient *self = user_data;

  if (self->task != NULL)
    finish_auth (self, error != NULL ? g_error_copy (error)
                 : g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                                        "The relay closed the connection"));
}

static const TandemMsrpConnectionHandler conn_handler = {
  .headers = on_conn_headers,
  .parse_error = on_conn_parse_error,
  .closed = on_conn_closed,
};

static void
on_session_response (TandemMsrpSession *session,
                     TandemMsrpMessage *msg,
                     gpointer           user_data)
{
  handle_response (user_data, msg);
}

static void
send_auth (TandemMsrpRelayClient *self)
{
  g_autoptr(TandemMsrpMessage) msg =
    tandem_msrp_message_new_request ("AUTH", self->relay_uri_str, self->own_uri_str);
  g_autoptr(GBytes) bytes = NULL;

  if (self->conn == NULL || tandem_msrp_connection_is_closed (self->conn))
    return;
  if (self->challenge != NULL)
    {
      g_autofree char *cnonce = tandem_msrp_new_message_id ();
      g_autofree char *auth = self->password == NULL && self->ha1 != NULL
        ? tandem_msrp_digest_authorization_ha1 (self->challenge, self->username, self->ha1,
                                                "AUTH", self->relay_uri_str, ++self->nonce_count, cnonce)
        : tandem_msrp_digest_authorization (self->challenge, self->username, self->password,
                                            "AUTH", self->relay_uri_str, ++self->nonce_count, cnonce);

      tandem_msrp_message_add_header (msg, "Authorization", auth);
    }
  if (self->requested_expires != 0)
    {
      char value[16];

      g_snprintf (value, sizeof value, "%u", self->requested_expires);
      tandem_msrp_message_add_header (msg, "Expires", value);
    }
  bytes = tandem_msrp_message_serialize (msg, NULL, 0, TANDEM_MSRP_FLAG_END);
  g_free (self->pending_tid);
  self->pending_tid = g_strdup (msg->tid);
  tandem_msrp_connection_write_async (self->conn, bytes, NULL, NULL, NULL);
}

static void
start_framing (TandemMsrpRelayClient *self,
               GIOStream             *stream)
{
  self->conn = tandem_msrp_connection_new (stream);
  tandem_msrp_connection_set_handler (self->conn, &conn_handler, self);
  tandem_msrp_connection_set_reading (self->conn, TRUE);
  send_auth (self);
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TandemMsrpRelayClient) self = user_data;
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (self->task != NULL)
        finish_auth (self, error);
      else
        g_error_free (error);
      return;
    }
  if (self->task != NULL)
    start_framing (self, G_IO_STREAM (source));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TandemMsrpRelayClient) self = user_data;
  g_autoptr(GSocketConnection) conn = NULL;
  GError *error = NULL;

  conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (conn == NULL)
    {
      finish_auth (self, error);
      return;
    }
  if (self->relay_uri->secure)
    {
      g_autoptr(GSocketConnectable) identity =
        g_network_address_new (self->relay_uri->host,
                               tandem_msrp_uri_get_effective_port (self->relay_uri));
      g_autoptr(GIOStream) tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);

      if (tls == NULL)
        {
          finish_auth (self, error);
          return;
        }
      /* relays are CA-verified (default validation), against
       * "tls-database" when set */
      if (self->tls_database != NULL)
        g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->tls_database);
      g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                        self->cancellable, on_handshake, g_object_ref (self));
    }
  else
    start_framing (self, G_IO_STREAM (conn));
}

static gboolean
on_timeout (gpointer user_data)
{
  TandemMsrpRelayClient *self = user_data;

  self->timeout_id = 0;
  g_cancellable_cancel (self->cancellable);
  finish_auth (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TIMED_OUT,
                                  "The MSRP relay %s did not answer AUTH in time",
                                  self->relay_uri_str));
  return G_SOURCE_REMOVE;
}

/**
 * tandem_msrp_relay_client_auth_async:
 * @own_uri: the URI put in From-Path (the session's local URI)
 *
 * Connects to the relay and authenticates; completes with the Use-Path
 * known. Connect and AUTH together time out after "auth-timeout" ms.
 */
void
tandem_msrp_relay_client_auth_async (TandemMsrpRelayClient *self,
                                     const TandemMsrpUri   *own_uri,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_return_if_fail (self->task == NULL && self->conn == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, tandem_msrp_relay_client_auth_async);
  tandem_msrp_uri_free (self->own_uri);
  self->own_uri = tandem_msrp_uri_copy (own_uri);
  g_free (self->own_uri_str);
  self->own_uri_str = tandem_msrp_uri_to_string (own_uri);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (self->cancellable), g_object_unref);
  /* connect and AUTH each get their time (30 s in Blink) */
  self->timeout_id = g_timeout_add (self->connect_timeout + self->auth_timeout, on_timeout, self);
  g_socket_client_connect_to_host_async (client, self->relay_uri->host,
                                         tandem_msrp_uri_get_effective_port (self->relay_uri),
                                         self->cancellable, on_connected, g_object_ref (self));
}

gboolean
tandem_msrp_relay_client_auth_finish (TandemMsrpRelayClient *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
tandem_msrp_relay_client_get_use_path (TandemMsrpRelayClient *self)
{
  return self->use_path;
}

/* Use-Path followed by the own URI: what a=path advertises. */
GPtrArray *
tandem_msrp_relay_client_dup_advertised_path (TandemMsrpRelayClient *self)
{
  GPtrArray *path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);

  for (guint i = 0; self->use_path != NULL && i < self->use_path->len; i++)
    g_ptr_array_add (path, tandem_msrp_uri_copy (g_ptr_array_index (self->use_path, i)));
  g_ptr_array_add (path, tandem_msrp_uri_copy (self->own_uri));
  return path;
}

guint
tandem_msrp_relay_client_get_expires (TandemMsrpRelayClient *self)
{
  return self->expires;
}

/* The authenticated connection; hand it to
 * tandem_msrp_session_start_on_connection_async(). */
TandemMsrpConnection *
tandem_msrp_relay_client_get_connection (TandemMsrpRelayClient *self)
{
  return self->conn;
}

/* The session now owns the connection; refresh answers come through it. */
void
tandem_msrp_relay_client_attach_session (TandemMsrpRelayClient *self,
                                         TandemMsrpSession     *session)
{
  if (self->session != NULL)
    g_clear_signal_handler (&self->response_id, self->session);
  g_set_object (&self->session, session);
  self->response_id = g_signal_connect (session, "response", G_CALLBACK (on_session_response), self);
}

TandemMsrpRelayClient *
tandem_msrp_relay_client_new (const TandemMsrpUri *relay_uri,
                              const char          *username,
                              const char          *password)
{
  TandemMsrpRelayClient *self = g_object_new (TANDEM_TYPE_MSRP_RELAY_CLIENT, NULL);

  self->relay_uri = tandem_msrp_uri_copy (relay_uri);
  self->relay_uri_str = tandem_msrp_uri_to_string (relay_uri);
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  return self;
}

/* Authenticate with the digest hash of the password (HA1) when only that
 * is known; used when no password was given. */
void
tandem_msrp_relay_client_set_ha1 (TandemMsrpRelayClient *self,
                                  const char            *ha1)
{
  g_return_if_fail (TANDEM_IS_MSRP_RELAY_CLIENT (self));

  g_free (self->ha1);
  self->ha1 = g_strdup (ha1);
}

/* ---- discovery ---------------------------------------------------------- */

typedef struct {
  char     *domain;
  gboolean  tls;
  gboolean  tried_msrps;
} Discovery;

static void
discovery_free (gpointer data)
{
  Discovery *d = data;

  g_free (d->domain);
  g_free (d);
}

static void
on_srv (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discovery *d = g_task_get_task_data (task);
  GList *targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, NULL);

  if (targets != NULL)
    {
      GSrvTarget *t = targets->data;
      gboolean secure = !d->tried_msrps;
      TandemMsrpUri *uri = tandem_msrp_uri_new (secure, g_srv_target_get_hostname (t),
                                                g_srv_target_get_port (t), NULL);

      g_resolver_free_targets (targets);
      g_task_return_pointer (task, uri, (GDestroyNotify) tandem_msrp_uri_free);
      return;
    }
  if (!d->tried_msrps)
    {
      /* no _msrps._tcp: try _msrp._tcp unless TLS is required */
      d->tried_msrps = TRUE;
      if (!d->tls)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          g_resolver_lookup_service_async (G_RESOLVER (source), "msrp", "tcp", d->domain,
                                           cancellable, on_srv, g_steal_pointer (&task));
          return;
        }
    }
  g_task_return_pointer (task, tandem_msrp_uri_new (d->tls, d->domain, TANDEM_MSRP_DEFAULT_PORT, NULL),
                         (GDestroyNotify) tandem_msrp_uri_free);
}

/**
 * tandem_msrp_relay_discover_async:
 * @setting: (nullable): the account's relay setting (an msrp[s] URI or
 *   host[:port])
 * @domain: the account's domain
 *
 * Wire doc section 5: the setting, else DNS SRV _msrps._tcp.<domain>
 * (then _msrp._tcp when TLS is not required), else <domain>:2855.
 */
void
tandem_msrp_relay_discover_async (const char          *setting,
                                  const char          *domain,
                                  gboolean             tls,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GResolver) resolver = NULL;
  Discovery *d;

  g_task_set_source_tag (task, tandem_msrp_relay_discover_async);
  if (setting != NULL && *setting != '\0')
    {
      GError *error = NULL;
      TandemMsrpUri *uri;

      if (g_str_has_prefix (setting, "msrp"))
        uri = tandem_msrp_uri_parse (setting, &error);
      else
        {
          g_autofree char *text = g_strdup_printf ("%s://%s;tcp", tls ? "msrps" : "msrp", setting);

          uri = tandem_msrp_uri_parse (text, &error);
        }
      if (uri == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, uri, (GDestroyNotify) tandem_msrp_uri_free);
      return;
    }
  d = g_new0 (Discovery, 1);
  d->domain = g_strdup (domain);
  d->tls = tls;
  g_task_set_task_data (task, d, discovery_free);
  resolver = g_resolver_get_default ();
  g_resolver_lookup_service_async (resolver, "msrps", "tcp", domain, cancellable, on_srv,
                                   g_steal_pointer (&task));
}

TandemMsrpUri *
tandem_msrp_relay_discover_finish (GAsyncResult *result,
                                   GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- object ------------------------------------------------------------- */

static void
tandem_msrp_relay_client_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TandemMsrpRelayClient *self = TANDEM_MSRP_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TLS_DATABASE: g_value_set_object (value, self->tls_database); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_timeout); break;
    case PROP_AUTH_TIMEOUT: g_value_set_uint (value, self->auth_timeout); break;
    case PROP_EXPIRES: g_value_set_uint (value, self->requested_expires); break;
    case PROP_REFRESH_INTERVAL: g_value_set_uint (value, self->refresh_interval); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_msrp_relay_client_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  TandemMsrpRelayClient *self = TANDEM_MSRP_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TLS_DATABASE: g_set_object (&self->tls_database, g_value_get_object (value)); break;
    case PROP_CONNECT_TIMEOUT: self->connect_timeout = g_value_get_uint (value); break;
    case PROP_AUTH_TIMEOUT: self->auth_timeout = g_value_get_uint (value); break;
    case PROP_EXPIRES: self->requested_expires = g_value_get_uint (value); break;
    case PROP_REFRESH_INTERVAL:
      self->refresh_interval = g_value_get_uint (value);
      if (self->use_path != NULL)
        schedule_refresh (self);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_msrp_relay_client_dispose (GObject *object)
{
  TandemMsrpRelayClient *self = TANDEM_MSRP_RELAY_CLIENT (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_clear_signal_handler (&self->response_id, self->session);
  g_clear_object (&self->session);
  if (self->conn != NULL)
    {
      /* a session that took the connection has its own handler set */
      tandem_msrp_connection_set_handler (self->conn, NULL, NULL);
      g_clear_object (&self->conn);
    }
  g_clear_object (&self->tls_database);
  G_OBJECT_CLASS (tandem_msrp_relay_client_parent_class)->dispose (object);
}

static void
tandem_msrp_relay_client_finalize (GObject *object)
{
  TandemMsrpRelayClient *self = TANDEM_MSRP_RELAY_CLIENT (object);

  tandem_msrp_uri_free (self->relay_uri);
  tandem_msrp_uri_free (self->own_uri);
  g_free (self->relay_uri_str);
  g_free (self->own_uri_str);
  g_free (self->username);
  g_free (self->password);
  g_free (self->ha1);
  g_free (self->pending_tid);
  tandem_msrp_digest_challenge_free (self->challenge);
  g_clear_pointer (&self->use_path, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_msrp_relay_client_parent_class)->finalize (object);
}

static void
tandem_msrp_relay_client_class_init (TandemMsrpRelayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tandem_msrp_relay_client_get_property;
  object_class->set_property = tandem_msrp_relay_client_set_property;
  object_class->dispose = tandem_msrp_relay_client_dispose;
  object_class->finalize = tandem_msrp_relay_client_finalize;

  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, "CA database for msrps relays (default: system)",
                         G_TYPE_TLS_DATABASE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, "Milliseconds", 1, G_MAXUINT, 30000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH_TIMEOUT] =
    g_param_spec_uint ("auth-timeout", NULL, "Milliseconds", 1, G_MAXUINT, 30000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPIRES] =
    g_param_spec_uint ("expires", NULL, "Requested Expires in seconds, 0: relay default",
                       0, G_MAXUINT, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, "Milliseconds; 0: 80% of Expires",
                       0, G_MAXUINT, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tandem_msrp_relay_client_init (TandemMsrpRelayClient *self)
{
}
