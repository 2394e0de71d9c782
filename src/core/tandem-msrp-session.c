/* tandem-msrp-session.c
 *
 * Everything runs on the main context of the thread that created the
 * session, with GIO async calls: nothing here blocks.
 *
 * Setup (RFC 6135, wire doc section 2): the active side connects to the
 * first URI of the peer path, sends the empty bind SEND and waits for its
 * 200; the passive side listens, answers the first SEND whose To-Path[0]
 * carries its session-id with 200 (others get 481 and the connection is
 * dropped). Both steps time out (connect-timeout, bind-timeout, 30 s).
 *
 * Data: each piece handed to send_async() becomes complete SENDs of at
 * most max-chunk-size bytes (Byte-Range 1-N/N, Success-Report no,
 * Failure-Report partial, application/x-rfb). Incoming SENDs are answered
 * only as their Failure-Report asks: 200 for yes (the default), errors
 * for yes/partial; 415 for a foreign or missing Content-Type, 481 for a
 * foreign session, 501 for unknown methods, 400 for malformed input
 * followed by closing the connection.
 *
 * Keepalive: TCP keepalive on the socket (idle 30 s). A body-less SEND
 * gets 415 from Blink, and an empty application/x-rfb SEND would need
 * every peer to accept zero-length RFB writes, so no MSRP-level keepalive
 * is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-session"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_SCAN 1
#endif

#include "tandem-buffer-pool.h"
#include "tandem-msrp-connection.h"
#include "tandem-msrp-error.h"
#include "tandem-msrp-message.h"
#include "tandem-msrp-session.h"
#include "tandem-tls-identity.h"

struct _TandemMsrpSession {
  GObject               parent_instance;

  TandemMsrpUri        *local_uri;
  GPtrArray            *own_path;      /* a=path: Use-Path, then local_uri */
  GPtrArray            *peer_path;     /* To-Path */
  char                 *own_path_str;
  char                 *peer_path_str;
  char                 *local_uri_str;
  GTlsCertificate      *certificate;
  char                 *peer_fingerprint;
  gboolean              verify_ca;
  guint                 connect_timeout;
  guint                 bind_timeout;
  guint                 keepalive_idle;
  gsize                 max_chunk_size;

  GSocketService       *service;
  TandemMsrpConnection *conn;
  TandemMsrpConnection *relay_conn;   /* handed in, used by start */
  GTask                *start_task;
  GCancellable         *cancellable;
  guint                 timeout_id;
  char                 *bind_tid;
  gboolean              mismatch;
  gboolean              ready;
  gboolean              closed;
  gboolean              receiving;

  /* the incoming message being read */
  guint                 rx_status;      /* 0: accept body, else the answer */
  GPtrArray            *rx_pieces;      /* of GBytes, to emit at read_done */
  guint8               *rx;             /* from rx_pool, rx_len bytes used */
  gsize                 rx_len;
  TandemBufferPool     *rx_pool;
  TandemBufferPool     *frame_pool;
  guint64               bytes_sent;
  char                 *our_to_path;    /* a To-Path already found ours */

  /* data SENDs */
  GString              *send_paths;     /* "To-Path: ...\r\nFrom-Path: ...\r\n" */
  GQueue                reported;       /* of Reported: SENDs that asked for a REPORT */
  gboolean              send_reports;   /* answer Success-Report: yes with REPORTs */
  GRand                *rand;           /* transaction and message ids */
};

enum {
  PROP_0,
  PROP_LOCAL_URI,
  PROP_CONNECT_TIMEOUT,
  PROP_BIND_TIMEOUT,
  PROP_PEER_FINGERPRINT,
  PROP_VERIFY_CA,
  PROP_MAX_CHUNK_SIZE,
  PROP_KEEPALIVE_IDLE,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};

enum {
  SIGNAL_DELIVERED,
  SIGNAL_DATA_RECEIVED,
  SIGNAL_ERROR,
  SIGNAL_CLOSED,
  SIGNAL_RESPONSE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define MID_LEN  16
#define MAX_REPORTED 4096

typedef struct {
  char    mid[MID_LEN + 1];
  guint64 tag;
} Reported;

G_DEFINE_FINAL_TYPE (TandemMsrpSession, tandem_msrp_session, G_TYPE_OBJECT)

static void start_connection (TandemMsrpSession *self, GIOStream *stream,
                              TandemMsrpConnection *conn, gboolean active);

/* ---- helpers ---------------------------------------------------------- */

/* The two path headers of every data SEND, in the serializer's form. */
static void
update_send_paths (TandemMsrpSession *self)
{
  g_string_truncate (self->send_paths, 0);
  if (self->peer_path_str != NULL)
    g_string_append_printf (self->send_paths, "To-Path: %s\r\n", self->peer_path_str);
  g_string_append_printf (self->send_paths, "From-Path: %s\r\n", self->local_uri_str);
}

static void
update_path_strings (TandemMsrpSession *self)
{
  g_free (self->own_path_str);
  self->own_path_str = tandem_msrp_path_to_string (self->own_path);
  g_free (self->local_uri_str);
  self->local_uri_str = tandem_msrp_uri_to_string (self->local_uri);
  update_send_paths (self);
}

static void
clear_timeout (TandemMsrpSession *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

static void
send_message (TandemMsrpSession *self,
              TandemMsrpMessage *msg)
{
  g_autoptr(GBytes) bytes = tandem_msrp_message_serialize (msg, NULL, 0, TANDEM_MSRP_FLAG_END);

  if (self->conn != NULL)
    tandem_msrp_connection_write_async (self->conn, bytes, NULL, NULL, NULL);
}

static void
respond (TandemMsrpSession *self,
         TandemMsrpMessage *request,
         guint              status)
{
  g_autoptr(TandemMsrpMessage) resp = NULL;

  if (request == NULL || request->method == NULL || request->from_path == NULL)
    return;
  resp = tandem_msrp_message_new_response (request, status, self->local_uri_str);
  send_message (self, resp);
}

/* Fails a pending start, or reports the error on a running session. */
static void
fail_session (TandemMsrpSession *self,
              GError            *error)
{
  gboolean was_closed = self->closed;

  clear_timeout (self);
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  if (self->conn != NULL)
    {
      tandem_msrp_connection_set_handler (self->conn, NULL, NULL);
      tandem_msrp_connection_close (self->conn);
    }
  if (self->start_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->start_task);

      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (error != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
      g_error_free (error);
    }
  if (!was_closed)
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
become_ready (TandemMsrpSession *self)
{
  GTask *task = g_steal_pointer (&self->start_task);

  clear_timeout (self);
  self->ready = TRUE;
  if (self->conn != NULL && tandem_msrp_session_get_via_relay (self))
    tandem_msrp_connection_set_quick_ack (self->conn, TRUE);
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  if (task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/* ---- incoming messages ------------------------------------------------ */

static gboolean
to_path_is_ours (TandemMsrpSession *self,
                 TandemMsrpMessage *msg)
{
  g_autoptr(GPtrArray) path = NULL;

  if (msg->to_path == NULL)
    return FALSE;
  /* a peer sends the same To-Path with every chunk */
  if (self->our_to_path != NULL && strcmp (msg->to_path, self->our_to_path) == 0)
    return TRUE;
  path = tandem_msrp_path_parse (msg->to_path, NULL);
  if (path == NULL ||
      !tandem_msrp_uri_session_matches (g_ptr_array_index (path, 0), self->local_uri))
    return FALSE;
  g_free (self->our_to_path);
  self->our_to_path = g_strdup (msg->to_path);
  return TRUE;
}

/* A REPORT for one of our SENDs that asked for one (Success-Report: yes):
 * "delivered" with the caller's tag.  The far end has all the earlier
 * messages too (one connection, in order): their records go. */
static void
take_report (TandemMsrpSession *self,
             TandemMsrpMessage *msg)
{
  const char *status = tandem_msrp_message_get_header (msg, "Status");
  Reported *r;

  if (msg->message_id == NULL || status == NULL || !g_str_has_prefix (status, "000 200"))
    return;
  for (GList *l = self->reported.head; l != NULL; l = l->next)
    {
      r = l->data;
      if (strcmp (r->mid, msg->message_id) != 0)
        continue;
      {
        guint64 tag = r->tag;

        while ((r = g_queue_pop_head (&self->reported)) != NULL)
          {
            gboolean last = strcmp (r->mid, msg->message_id) == 0;

            g_free (r);
            if (last)
              break;
          }
        g_signal_emit (self, signals[SIGNAL_DELIVERED], 0, tag);
      }
      return;
    }
}

/* RFC 4975 7.1.2: the success REPORT for a whole message (Tandem's are
 * never chunked).  It goes the way our SENDs go (To-Path: the peer path,
 * through the same relays, From-Path: our URI). */
static void
send_report (TandemMsrpSession *self,
             TandemMsrpMessage *msg)
{
  g_autoptr(TandemMsrpMessage) report = NULL;
  g_autofree char *tid = NULL;

  if (self->peer_path_str == NULL || msg->message_id == NULL)
    return;
  report = tandem_msrp_message_new_request ("REPORT", self->peer_path_str, self->local_uri_str);
  report->message_id = g_strdup (msg->message_id);
  if (msg->has_byte_range && msg->range_total >= 0)
    tandem_msrp_message_set_byte_range (report, 1, msg->range_total, msg->range_total);
  tandem_msrp_message_add_header (report, "Status", "000 200 OK");
  send_message (self, report);
}

static void
on_conn_headers (TandemMsrpConnection *conn,
                 TandemMsrpMessage    *msg,
                 gpointer              user_data)
{
  TandemMsrpSession *self = user_data;

  self->rx_status = 0;
  if (msg->method == NULL)
    {
      /* responses: the bind's; others go to "response" (relay refresh) */
      self->rx_status = 1;
      if (self->bind_tid != NULL && g_strcmp0 (msg->tid, self->bind_tid) == 0)
        {
          if (self->ready)
            return; /* a relay answers the bind too: the second 200 */
        }
      else
        {
          g_signal_emit (self, signals[SIGNAL_RESPONSE], 0, msg);
          return;
        }
      if (!self->ready)
        {
          if (msg->status == 200)
            become_ready (self);
          else
            fail_session (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_BIND_REFUSED,
                                             "The peer refused the MSRP bind: %u %s", msg->status,
                                             msg->comment != NULL ? msg->comment : ""));
        }
      return;
    }
  if (msg->to_path == NULL || msg->from_path == NULL)
    self->rx_status = 400;
  else if (strcmp (msg->method, "REPORT") == 0)
    {
      self->rx_status = 1; /* never answered */
      take_report (self, msg);
    }
  else if (strcmp (msg->method, "SEND") != 0)
    self->rx_status = 501;
  else if (!to_path_is_ours (self, msg))
    self->rx_status = 481;
  else if (!self->ready)
    self->rx_status = 0; /* the bind: answered at its end-line */
  else if (g_strcmp0 (msg->content_type, TANDEM_RFB_CONTENT_TYPE) != 0)
    self->rx_status = 415;
}

/* Body pieces of at least this size are handed on as slices. */
#define RX_SLICE_MIN (32 * 1024)

static void
flush_rx (TandemMsrpSession *self)
{
  if (self->rx == NULL)
    return;
  g_ptr_array_add (self->rx_pieces,
                   tandem_buffer_pool_wrap (self->rx_pool, g_steal_pointer (&self->rx), 0, self->rx_len));
  self->rx_len = 0;
}

static void
on_conn_body (TandemMsrpConnection *conn,
              TandemMsrpMessage    *msg,
              const guint8         *data,
              gsize                 len,
              gpointer              user_data)
{
  TandemMsrpSession *self = user_data;

  if (self->rx_status != 0 || !self->ready)
    return;
  if (len >= RX_SLICE_MIN)
    {
      /* a big piece goes on as a slice of the read buffer, no copy */
      GBytes *slice = tandem_msrp_connection_slice_read (conn, data, len);

      if (slice != NULL)
        {
          flush_rx (self);
          g_ptr_array_add (self->rx_pieces, slice);
          return;
        }
    }
  /* small pieces of one read are joined: fewer, bigger data-received */
  if (self->rx != NULL && self->rx_len + len > tandem_buffer_pool_get_size (self->rx_pool))
    flush_rx (self);
  if (self->rx == NULL)
    {
      self->rx = tandem_buffer_pool_alloc (self->rx_pool);
      self->rx_len = 0;
    }
  /* pieces are never bigger than a read */
  g_assert (self->rx_len + len <= tandem_buffer_pool_get_size (self->rx_pool));
  memcpy (self->rx + self->rx_len, data, len);
  self->rx_len += len;
}

static void
on_conn_end (TandemMsrpConnection *conn,
             TandemMsrpMessage    *msg,
             char                  flag,
             gpointer              user_data)
{
  TandemMsrpSession *self = user_data;
  guint status = self->rx_status;

  if (msg->method == NULL || status == 1)
    return;
  if (status == 0 && !self->ready)
    {
      /* passive side: the bind */
      respond (self, msg, 200);
      become_ready (self);
      return;
    }
  if (status == 0)
    {
      if (msg->failure_report == TANDEM_MSRP_REPORT_YES ||
          msg->failure_report == TANDEM_MSRP_REPORT_UNSET)
        respond (self, msg, 200);
      if (msg->success_report == TANDEM_MSRP_REPORT_YES && flag == TANDEM_MSRP_FLAG_END &&
          self->send_reports)
        send_report (self, msg);
      return;
    }
  if (msg->failure_report != TANDEM_MSRP_REPORT_NO)
    respond (self, msg, status);
  if (!self->ready && status == 481)
    {
      /* a connection for another session: drop it, keep listening */
      TandemMsrpConnection *c = g_steal_pointer (&self->conn);

      tandem_msrp_connection_set_handler (c, NULL, NULL);
      tandem_msrp_connection_close (c);
      g_object_unref (c);
      return;
    }
  if (status == 400)
    fail_session (self, g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_BAD_REQUEST,
                                             "The peer sent a request without To-Path or From-Path"));
}

static void
on_conn_read_done (TandemMsrpConnection *conn,
                   gpointer              user_data)
{
  TandemMsrpSession *self = user_data;
  g_autoptr(GPtrArray) pieces = NULL;

  flush_rx (self);
  if (self->rx_pieces->len == 0)
    return;
  pieces = g_steal_pointer (&self->rx_pieces);
  self->rx_pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_object_ref (self);
  for (guint i = 0; i < pieces->len && !self->closed; i++)
    g_signal_emit (self, signals[SIGNAL_DATA_RECEIVED], 0, g_ptr_array_index (pieces, i));
  g_object_unref (self);
}

static void
on_conn_parse_error (TandemMsrpConnection *conn,
                     TandemMsrpMessage    *msg,
                     const GError         *error,
                     gpointer              user_data)
{
  TandemMsrpSession *self = user_data;

  g_debug ("Malformed MSRP from the peer: %s", error->message);
  on_conn_read_done (conn, user_data);
  if (msg != NULL && msg->method != NULL)
    respond (self, msg, error->code >= 400 ? (guint) error->code : 400);
  fail_session (self, g_error_copy (error));
}

static void
on_conn_closed (TandemMsrpConnection *conn,
                const GError         *error,
                gpointer              user_data)
{
  TandemMsrpSession *self = user_data;

  if (self->start_task != NULL && !self->ready && self->service != NULL && error == NULL)
    {
      /* passive: that peer went away before binding; keep listening */
      g_clear_object (&self->conn);
      return;
    }
  if (error != NULL)
    fail_session (self, g_error_copy (error));
  else if (self->start_task != NULL)
    fail_session (self, g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                                             "The peer closed the connection before binding"));
  else
    fail_session (self, NULL);
}

static const TandemMsrpConnectionHandler conn_handler = {
  on_conn_headers, on_conn_body, on_conn_end, on_conn_read_done,
  on_conn_parse_error, on_conn_closed,
};

/* ---- TLS -------------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  TandemMsrpSession *self = user_data;
  g_autofree char *fp = NULL;

  if (self->peer_fingerprint == NULL)
    return !self->verify_ca; /* opportunistic TLS with Blink-style peers */
  fp = tandem_tls_certificate_get_fingerprint (peer_cert);
  if (tandem_tls_fingerprint_equal (fp, self->peer_fingerprint))
    return TRUE;
  self->mismatch = TRUE;
  return FALSE;
}

static GError *
check_pin (TandemMsrpSession *self,
           GTlsConnection    *tls)
{
  GTlsCertificate *peer;
  g_autofree char *fp = NULL;

  if (self->peer_fingerprint == NULL)
    return NULL;
  peer = g_tls_connection_get_peer_certificate (tls);
  if (peer != NULL)
    fp = tandem_tls_certificate_get_fingerprint (peer);
  if (tandem_tls_fingerprint_equal (fp, self->peer_fingerprint))
    return NULL;
  return g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH,
                      "The peer's TLS certificate (%s) does not match the fingerprint "
                      "in its SDP (%s)", fp != NULL ? fp : "none", self->peer_fingerprint);
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TandemMsrpSession) self = user_data;
  GTlsConnection *tls = G_TLS_CONNECTION (source);
  gboolean active = G_IS_TLS_CLIENT_CONNECTION (tls);
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      if (self->closed)
        {
          g_error_free (error);
          return;
        }
      if (self->mismatch)
        {
          g_clear_error (&error);
          error = check_pin (self, tls);
          if (error == NULL)
            error = g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH,
                                 "The peer's TLS certificate does not match the fingerprint "
                                 "in its SDP (%s)", self->peer_fingerprint);
        }
      if (!active && !self->mismatch)
        {
          /* a bad incoming connection: keep listening */
          g_debug ("TLS handshake with a client failed: %s", error->message);
          g_error_free (error);
          return;
        }
      fail_session (self, error);
      return;
    }
  if (self->closed)
    return;
  if ((error = check_pin (self, tls)) != NULL)
    {
      fail_session (self, error);
      return;
    }
  start_connection (self, G_IO_STREAM (tls), NULL, active);
}

static void
start_tls (TandemMsrpSession *self,
           GIOStream         *base,
           gboolean           active,
           const TandemMsrpUri *target)
{
  GError *error = NULL;
  GIOStream *tls;

  if (active)
    {
      g_autoptr(GSocketConnectable) identity =
        g_network_address_new (target->host, tandem_msrp_uri_get_effective_port (target));

      tls = g_tls_client_connection_new (base, identity, &error);
    }
  else
    tls = g_tls_server_connection_new (base, self->certificate, &error);
  if (tls == NULL)
    {
      fail_session (self, error);
      return;
    }
  if (self->certificate != NULL)
    g_tls_connection_set_certificate (G_TLS_CONNECTION (tls), self->certificate);
  if (!active)
    g_object_set (tls, "authentication-mode",
                  self->peer_fingerprint != NULL ? G_TLS_AUTHENTICATION_REQUIRED
                                                 : G_TLS_AUTHENTICATION_REQUESTED, NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    self->cancellable, on_handshake, g_object_ref (self));
  g_object_unref (tls);
}

/* ---- setup ------------------------------------------------------------ */

static void
set_keepalive (TandemMsrpSession *self,
               GIOStream         *stream)
{
  g_autoptr(GIOStream) base = NULL;
  GSocket *socket;

  /* under TLS: the TCP connection it runs on */
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_object_get (stream, "base-io-stream", &base, NULL);
      stream = base;
    }
  if (!G_IS_SOCKET_CONNECTION (stream) || self->keepalive_idle == 0)
    return;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  g_socket_set_keepalive (socket, TRUE);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, self->keepalive_idle, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, 10, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
start_connection (TandemMsrpSession    *self,
                  GIOStream            *stream,
                  TandemMsrpConnection *conn,
                  gboolean              active)
{
  if (self->conn != NULL)
    {
      /* passive: one peer is already binding; refuse the newcomer */
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  self->conn = conn != NULL ? g_object_ref (conn) : tandem_msrp_connection_new (stream);
  tandem_msrp_connection_set_handler (self->conn, &conn_handler, self);
  tandem_msrp_connection_set_reading (self->conn, self->receiving);

  if (active)
    {
      g_autoptr(TandemMsrpMessage) bind =
        tandem_msrp_message_new_request ("SEND", self->peer_path_str, self->local_uri_str);

      bind->message_id = tandem_msrp_new_message_id ();
      tandem_msrp_message_set_byte_range (bind, 1, 0, 0);
      send_message (self, bind);
      g_free (self->bind_tid);
      self->bind_tid = g_strdup (bind->tid);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  TandemMsrpSession *self = user_data;

  self->timeout_id = 0;
  fail_session (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TIMED_OUT,
                                   self->conn == NULL && self->service == NULL
                                   ? "MSRP connect timed out" : "MSRP bind timed out"));
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (TandemMsrpSession *self,
             guint              ms)
{
  clear_timeout (self);
  self->timeout_id = g_timeout_add (ms, on_timeout, self);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TandemMsrpSession) self = user_data;
  g_autoptr(GSocketConnection) conn = NULL;
  GError *error = NULL;
  TandemMsrpUri *target;

  conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->closed)
    {
      g_clear_error (&error);
      return;
    }
  if (conn == NULL)
    {
      fail_session (self, error);
      return;
    }
  set_keepalive (self, G_IO_STREAM (conn));
  arm_timeout (self, self->bind_timeout);
  target = g_ptr_array_index (self->peer_path, 0);
  if (target->secure)
    start_tls (self, G_IO_STREAM (conn), TRUE, target);
  else
    start_connection (self, G_IO_STREAM (conn), NULL, TRUE);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TandemMsrpSession *self = user_data;

  if (self->ready || self->closed || self->conn != NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  set_keepalive (self, G_IO_STREAM (connection));
  if (self->local_uri->secure)
    start_tls (self, G_IO_STREAM (connection), FALSE, NULL);
  else
    start_connection (self, G_IO_STREAM (connection), NULL, FALSE);
  return TRUE;
}

/**
 * tandem_msrp_session_listen:
 * @address: (nullable): where to listen, default the loopback address
 * @port: 0 for any
 *
 * Prepares the passive side; the bound port is written into the local
 * URI (when it had none) so that the SDP path can be built from it.
 */
gboolean
tandem_msrp_session_listen (TandemMsrpSession *self,
                            GInetAddress      *address,
                            guint16            port,
                            GError           **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocketAddress) effective = NULL;

  g_return_val_if_fail (self->service == NULL, FALSE);
  if (address == NULL)
    address = loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  addr = g_inet_socket_address_new (address, port);
  /* Created inactive, so that nothing accepts before start. A service
   * made active (the default) starts an accept as soon as an address is
   * added, and g_socket_service_stop() only cancels it: GIO's cancelled
   * accept still calls accept() when its source runs, and a connection
   * that is waiting by then (a peer that got the SDP and connected before
   * the main loop ran) is accepted and dropped, which the peer sees as
   * a reset. */
  self->service = g_object_new (G_TYPE_SOCKET_SERVICE, "active", FALSE, NULL);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), addr,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    {
      g_clear_object (&self->service);
      return FALSE;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  self->local_uri->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  if (self->own_path->len == 1)
    {
      g_ptr_array_set_size (self->own_path, 0);
      g_ptr_array_add (self->own_path, tandem_msrp_uri_copy (self->local_uri));
    }
  update_path_strings (self);
  return TRUE;
}

/**
 * tandem_msrp_session_start_async:
 * @setup: ACTIVE or PASSIVE (resolve actpass with tandem_msrp_setup_answer())
 * @peer_path: the peer's a=path; To-Path is the own Use-Path (from
 *   tandem_msrp_session_set_own_path()) followed by it
 * @stream: (nullable): an established connection to use instead of
 *   connecting or listening (the relay connection after AUTH)
 *
 * Completes once the stream is bound.
 */
void
tandem_msrp_session_start_async (TandemMsrpSession   *self,
                                 TandemMsrpSetup      setup,
                                 GPtrArray           *peer_path,
                                 GIOStream           *stream,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (setup != TANDEM_MSRP_SETUP_ACTPASS);
  g_return_if_fail (peer_path != NULL && peer_path->len > 0);
  g_return_if_fail (self->start_task == NULL && !self->ready);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_msrp_session_start_async);

  self->start_task = task;
  /* To-Path (RFC 4976): the own relays (Use-Path), then the peer's whole
   * a=path */
  g_clear_pointer (&self->peer_path, g_ptr_array_unref);
  self->peer_path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  for (guint i = 0; i + 1 < self->own_path->len; i++)
    g_ptr_array_add (self->peer_path, tandem_msrp_uri_copy (g_ptr_array_index (self->own_path, i)));
  for (guint i = 0; i < peer_path->len; i++)
    g_ptr_array_add (self->peer_path, tandem_msrp_uri_copy (g_ptr_array_index (peer_path, i)));
  g_free (self->peer_path_str);
  self->peer_path_str = tandem_msrp_path_to_string (self->peer_path);
  update_send_paths (self);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (self->cancellable), g_object_unref);

  if (stream != NULL || self->relay_conn != NULL)
    {
      g_autoptr(TandemMsrpConnection) conn = g_steal_pointer (&self->relay_conn);

      /* TCP_NODELAY and keepalive on a connection made elsewhere (the
       * relay's) too: with Nagle a REPORT or a small RFB message waited
       * for the ACK of the one before (up to 40 ms with delayed ACKs) */
      set_keepalive (self, conn != NULL ? tandem_msrp_connection_get_stream (conn) : stream);
      arm_timeout (self, self->bind_timeout);
      start_connection (self, stream, conn, setup == TANDEM_MSRP_SETUP_ACTIVE);
      return;
    }
  if (setup == TANDEM_MSRP_SETUP_ACTIVE)
    {
      TandemMsrpUri *target = g_ptr_array_index (self->peer_path, 0);
      g_autoptr(GSocketClient) client = g_socket_client_new ();

      arm_timeout (self, self->connect_timeout);
      g_socket_client_connect_to_host_async (client, target->host,
                                             tandem_msrp_uri_get_effective_port (target),
                                             self->cancellable, on_connected, g_object_ref (self));
      return;
    }
  if (self->service == NULL)
    {
      GError *error = NULL;

      if (!tandem_msrp_session_listen (self, NULL, 0, &error))
        {
          fail_session (self, error);
          return;
        }
    }
  arm_timeout (self, self->bind_timeout);
  g_socket_service_start (self->service);
}

/* Like tandem_msrp_session_start_async() on a connection that is already
 * framed, such as a relay connection after AUTH (wire doc section 5): the
 * bind and all data go through the relay. */
void
tandem_msrp_session_start_on_connection_async (TandemMsrpSession    *self,
                                               TandemMsrpSetup       setup,
                                               GPtrArray            *peer_path,
                                               TandemMsrpConnection *conn,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data)
{
  g_return_if_fail (TANDEM_IS_MSRP_CONNECTION (conn));
  g_set_object (&self->relay_conn, conn);
  tandem_msrp_session_start_async (self, setup, peer_path, NULL, cancellable, callback, user_data);
}

gboolean
tandem_msrp_session_start_finish (TandemMsrpSession *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- data ------------------------------------------------------------- */

/* Upper bound of the framing bytes of one data SEND: the paths plus
 * first line (12-char tid), Message-ID (16), Byte-Range up to
 * 1-262144/262144, the two report headers, Content-Type, blank line,
 * CRLF and end-line. */
static gsize
get_fixed_framing (TandemMsrpSession *self)
{
  return 208 + strlen (self->local_uri_str) +
         (self->peer_path_str != NULL ? strlen (self->peer_path_str) : 0);
}

/* Largest body per SEND: 256 KiB direct; via a relay 8 KiB, less if the
 * headers would take the frame past TANDEM_MSRP_RELAY_FRAME_LIMIT (the
 * kamailio relay refuses frames of 11239 bytes and more). With 8 KiB
 * bodies the headers of a SEND with both peers behind relays (To-Path of
 * three URIs, From-Path of one) cost about 4.5-5%; with whole frames of
 * 8 KiB it was 5.5-5.7%. */
gsize
tandem_msrp_session_get_max_chunk_size (TandemMsrpSession *self)
{
  if (self->max_chunk_size != 0)
    return self->max_chunk_size;
  if ((self->peer_path != NULL && self->peer_path->len > 1) || self->own_path->len > 1)
    return MIN (TANDEM_MSRP_RELAY_CHUNK_SIZE,
                TANDEM_MSRP_RELAY_FRAME_LIMIT - MIN (get_fixed_framing (self),
                                                     TANDEM_MSRP_RELAY_FRAME_LIMIT / 2));
  return TANDEM_MSRP_DIRECT_CHUNK_SIZE;
}

/* ---- data SENDs: framed here, byte for byte what the serializer makes
 * of the same message (tested against it), without building one: the
 * path headers are kept as text, the ids come from the session's own
 * generator, and the tid is checked against the body with one scan. */

#define TID_LEN  12
#define HEAD_MAX (256 + 2 * 20)   /* a head without its paths, generously */
#define TAIL_LEN (9 + TID_LEN + 3) /* CRLF, 7 dashes, tid, flag, CRLF */

static const char rfb_send_fixed[] =
  "Success-Report: no\r\nFailure-Report: partial\r\nContent-Type: " TANDEM_RFB_CONTENT_TYPE "\r\n\r\n";
static const char rfb_send_reported[] =
  "Success-Report: yes\r\nFailure-Report: partial\r\nContent-Type: " TANDEM_RFB_CONTENT_TYPE "\r\n\r\n";

static inline char *
put (char       *p,
     const char *s,
     gsize       n)
{
  memcpy (p, s, n);
  return p + n;
}

static char *
put_uint (char    *p,
          guint64  v)
{
  char digits[24];
  int n = 0;

  do
    digits[n++] = '0' + v % 10;
  while ((v /= 10) != 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

#ifdef HAVE_AVX2_SCAN
/* The offset of the first 256-byte block of @hay with a "----" word
 * (at a multiple of 4), or where fewer than 256 bytes are left: the
 * seven dashes of an end-line always cover such a word. Eight compares
 * and one test per block; at the L2 cache's pace. */
__attribute__ ((target ("avx2")))
static gsize
skip_blocks_avx2 (const guint8 *hay,
                  gsize         len)
{
  const __m256i dashes = _mm256_set1_epi32 (0x2d2d2d2d);
  gsize i = 0;

  for (; i + 256 <= len; i += 256)
    {
      const __m256i *p = (const __m256i *) (hay + i);
      __m256i a = _mm256_or_si256 (_mm256_cmpeq_epi32 (_mm256_loadu_si256 (p), dashes),
                                   _mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 1), dashes));
      __m256i b = _mm256_or_si256 (_mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 2), dashes),
                                   _mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 3), dashes));
      __m256i c = _mm256_or_si256 (_mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 4), dashes),
                                   _mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 5), dashes));
      __m256i d = _mm256_or_si256 (_mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 6), dashes),
                                   _mm256_cmpeq_epi32 (_mm256_loadu_si256 (p + 7), dashes));
      __m256i m = _mm256_or_si256 (_mm256_or_si256 (a, b), _mm256_or_si256 (c, d));

      if (!_mm256_testz_si256 (m, m))
        break;
    }
  return i;
}
#endif

/* Does @marker ("\r\n-------<tid>") occur in @body? The shared search
 * (tandem_msrp_find_end_line()) looks at each 128 bytes with a
 * reduction that costs more than the loads; the sender scans every
 * byte it sends, so with AVX2 blocks without a "----" word are skipped
 * here first and the shared search only looks around a block that has
 * one (and at the last bytes). */
static gboolean
marker_in_body (const guint8 *body,
                gsize         len,
                const char   *marker,
                gsize         marker_len)
{
#ifdef HAVE_AVX2_SCAN
  if (__builtin_cpu_supports ("avx2"))
    {
      gsize i = 0;

      while (i < len)
        {
          gsize from, to;

          i += skip_blocks_avx2 (body + i, len - i);
          /* a marker whose dashes cover a word in [i, i + 256) starts in
           * [i - 5, i + 254) */
          from = i >= 5 ? i - 5 : 0;
          to = MIN (len, i + 254 + marker_len);
          if (to - from >= marker_len &&
              tandem_msrp_find_end_line (body + from, to - from, marker, marker_len) != NULL)
            return TRUE;
          i += 256;
        }
      return FALSE;
    }
#endif
  return tandem_msrp_find_end_line (body, len, marker, marker_len) != NULL;
}

/* A transaction id (as tandem_msrp_new_transaction_id(): 12 of
 * [a-z0-9]) that does not occur as an end-line in @body (RFC 4975 7.1,
 * wire doc section 4): one scan of the body per try, and a new try only
 * after a hit. */
static void
pick_send_tid (TandemMsrpSession *self,
               const guint8      *body,
               gsize              body_len,
               char               tid[TID_LEN + 1])
{
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char marker[9 + TID_LEN + 1] = "\r\n-------";

  for (;;)
    {
      for (int i = 0; i < TID_LEN; i += 4)
        {
          guint32 r = g_rand_int (self->rand);

          for (int j = 0; j < 4; j++)
            tid[i + j] = alnum[((r >> (8 * j)) & 0xff) % 36];
        }
      tid[TID_LEN] = '\0';
      memcpy (marker + 9, tid, TID_LEN);
      /* a body that starts with the end-line without its CRLF counts too
       * (a lenient peer might take it for an empty body) */
      if (body_len >= 7 + TID_LEN && memcmp (body, marker + 2, 7 + TID_LEN) == 0)
        continue;
      if (!marker_in_body (body, body_len, marker, 9 + TID_LEN))
        return;
    }
}

/* Writes the head of a data SEND of @body_len bytes with @tid into
 * @out (room for HEAD_MAX plus the paths); returns its length. */
static gsize
format_send_head (TandemMsrpSession *self,
                  char              *out,
                  const char        *tid,
                  gsize              body_len,
                  char              *mid_out)
{
  static const char hex[] = "0123456789abcdef";
  char *p = out;
  guint32 r[2] = { g_rand_int (self->rand), g_rand_int (self->rand) };

  p = put (p, "MSRP ", 5);
  p = put (p, tid, TID_LEN);
  p = put (p, " SEND\r\n", 7);
  p = put (p, self->send_paths->str, self->send_paths->len);
  /* as tandem_msrp_new_message_id(): 16 lowercase hex digits */
  p = put (p, "Message-ID: ", 12);
  for (int i = 0; i < MID_LEN; i++)
    *p++ = hex[(r[i / 8] >> (4 * (i % 8))) & 0xf];
  if (mid_out != NULL)
    {
      memcpy (mid_out, p - MID_LEN, MID_LEN);
      mid_out[MID_LEN] = '\0';
    }
  p = put (p, "\r\nByte-Range: 1-", 16);
  p = put_uint (p, body_len);
  *p++ = '/';
  p = put_uint (p, body_len);
  p = put (p, "\r\n", 2);
  if (mid_out != NULL)
    p = put (p, rfb_send_reported, sizeof rfb_send_reported - 1);
  else
    p = put (p, rfb_send_fixed, sizeof rfb_send_fixed - 1);
  return p - out;
}

static gsize
format_send_tail (char       *out,
                  const char *tid)
{
  char *p = out;

  p = put (p, "\r\n-------", 9);
  p = put (p, tid, TID_LEN);
  p = put (p, "$\r\n", 3);
  return p - out;
}

static gsize
get_head_room (TandemMsrpSession *self)
{
  return HEAD_MAX + self->send_paths->len;
}

static void
on_send_written (TandemMsrpConnection *conn,
                 const GError         *error,
                 gpointer              user_data)
{
  GTask *task = user_data;

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
check_can_send (TandemMsrpSession   *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (self->ready && !self->closed && self->conn != NULL)
    return TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_return_new_error (task, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                           "The MSRP session is not connected");
  return FALSE;
}

/* Queues one framed message (@n_parts parts) and reports to @callback
 * (may be NULL) once it is written. */
static void
queue_send (TandemMsrpSession              *self,
            const TandemMsrpConnectionPart *parts,
            guint                           n_parts,
            GCancellable                   *cancellable,
            GAsyncReadyCallback             callback,
            gpointer                        user_data)
{
  GTask *task = NULL;

  for (guint i = 0; i < n_parts; i++)
    self->bytes_sent += parts[i].len;
  if (callback != NULL)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, tandem_msrp_session_send_async);
    }
  tandem_msrp_connection_write_parts (self->conn, parts, n_parts,
                                      task != NULL ? on_send_written : NULL, task);
}

/**
 * tandem_msrp_session_new_frame:
 * @body_offset: (out): where the caller puts the body
 * @capacity: (out): how many body bytes fit (the max chunk size)
 *
 * A (recycled) buffer for tandem_msrp_session_send_frame_async(): the
 * head is written in front of the body and the end-line after it, so the
 * body is never copied. Give it back with tandem_msrp_session_free_frame()
 * if it is not sent.
 */
guint8 *
tandem_msrp_session_new_frame (TandemMsrpSession *self,
                               gsize             *body_offset,
                               gsize             *capacity)
{
  gsize headroom = get_head_room (self);
  gsize size;

  *capacity = tandem_msrp_session_get_max_chunk_size (self);
  *body_offset = headroom;
  size = headroom + *capacity + TANDEM_MSRP_FRAME_TAILROOM;
  if (self->frame_pool == NULL || tandem_buffer_pool_get_size (self->frame_pool) != size)
    {
      g_clear_pointer (&self->frame_pool, tandem_buffer_pool_unref);
      self->frame_pool = tandem_buffer_pool_new (size, 4);
    }
  return tandem_buffer_pool_alloc (self->frame_pool);
}

void
tandem_msrp_session_free_frame (TandemMsrpSession *self,
                                guint8            *frame)
{
  tandem_buffer_pool_release (self->frame_pool, frame);
}

static void send_frame (TandemMsrpSession *self, guint8 *frame, gsize body_len, gboolean report,
                        guint64 tag, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);

/* Sends one SEND whose @body_len body bytes the caller wrote into @frame
 * (from tandem_msrp_session_new_frame(), consumed). @callback may be
 * NULL. */
void
tandem_msrp_session_send_frame_async (TandemMsrpSession   *self,
                                      guint8              *frame,
                                      gsize                body_len,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  send_frame (self, frame, body_len, FALSE, 0, cancellable, callback, user_data);
}

/* The same with Success-Report: yes: once the far end's REPORT for it
 * arrives, "delivered" is emitted with @tag.  Peers that ignore
 * Success-Report (Blink) never answer; see TandemRfbTunnel. */
void
tandem_msrp_session_send_frame_reported_async (TandemMsrpSession   *self,
                                               guint8              *frame,
                                               gsize                body_len,
                                               guint64              tag,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  send_frame (self, frame, body_len, TRUE, tag, cancellable, callback, user_data);
}

static void
send_frame (TandemMsrpSession   *self,
            guint8              *frame,
            gsize                body_len,
            gboolean             report,
            guint64              tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  Reported *reported = NULL;
  g_autoptr(GBytes) wire = NULL;
  gsize headroom = get_head_room (self);
  TandemMsrpConnectionPart part;
  char tid[TID_LEN + 1];
  gsize head_len;

  if (!check_can_send (self, cancellable, callback, user_data))
    {
      tandem_msrp_session_free_frame (self, frame);
      return;
    }
  /* the paths are fixed once the session is started */
  g_return_if_fail (headroom + body_len + TANDEM_MSRP_FRAME_TAILROOM <=
                    tandem_buffer_pool_get_size (self->frame_pool));
  pick_send_tid (self, frame + headroom, body_len, tid);
  /* written at the start, then moved to end where the body starts */
  if (report)
    {
      reported = g_new (Reported, 1);
      reported->tag = tag;
    }
  head_len = format_send_head (self, (char *) frame, tid, body_len,
                               reported != NULL ? reported->mid : NULL);
  if (reported != NULL)
    {
      g_queue_push_tail (&self->reported, reported);
      if (g_queue_get_length (&self->reported) > MAX_REPORTED)
        g_free (g_queue_pop_head (&self->reported));
    }
  g_assert (head_len <= headroom);
  memmove (frame + headroom - head_len, frame, head_len);
  format_send_tail ((char *) frame + headroom + body_len, tid);
  part.bytes = wire = tandem_buffer_pool_wrap (self->frame_pool, frame, 0,
                                               headroom + body_len + TAIL_LEN);
  part.offset = headroom - head_len;
  part.len = head_len + body_len + TAIL_LEN;
  queue_send (self, &part, 1, cancellable, callback, user_data);
}

/* Frames @data as complete application/x-rfb SENDs (as many as the chunk
 * size needs) and queues them; completes when the last is written. The
 * body is not copied on a plain socket: head, body and end-line go out
 * in one writev. */
void
tandem_msrp_session_send_async (TandemMsrpSession   *self,
                                GBytes              *data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  gsize len, max = tandem_msrp_session_get_max_chunk_size (self);
  const guint8 *p = g_bytes_get_data (data, &len);
  gsize off = 0;

  if (!check_can_send (self, cancellable, callback, user_data))
    return;
  do
    {
      gsize n = MIN (max, len - off);
      gboolean last = off + n == len;
      gsize head_len, size = HEAD_MAX + self->send_paths->len + TAIL_LEN;
      char *framing = g_malloc (size);
      char tid[TID_LEN + 1];
      g_autoptr(GBytes) owner = NULL;
      TandemMsrpConnectionPart parts[3];

      pick_send_tid (self, p + off, n, tid);
      head_len = format_send_head (self, framing, tid, n, NULL);
      format_send_tail (framing + head_len, tid);
      owner = g_bytes_new_take (framing, size);
      parts[0] = (TandemMsrpConnectionPart) { owner, 0, head_len };
      parts[1] = (TandemMsrpConnectionPart) { data, off, n };
      parts[2] = (TandemMsrpConnectionPart) { owner, head_len, TAIL_LEN };
      off += n;
      /* only the last message reports back */
      queue_send (self, parts, 3, cancellable, last ? callback : NULL, last ? user_data : NULL);
    }
  while (off < len);
}

gboolean
tandem_msrp_session_send_finish (TandemMsrpSession *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gsize
tandem_msrp_session_get_queued_bytes (TandemMsrpSession *self)
{
  return self->conn != NULL ? tandem_msrp_connection_get_queued (self->conn) : 0;
}

/* Wire bytes handed to the connection so far (headers included). */
guint64
tandem_msrp_session_get_bytes_sent (TandemMsrpSession *self)
{
  return self->bytes_sent;
}

/* Whether the stream crosses an MSRP relay (ours or the peer's). */
gboolean
tandem_msrp_session_get_via_relay (TandemMsrpSession *self)
{
  return (self->peer_path != NULL && self->peer_path->len > 1) || self->own_path->len > 1;
}

/* Whether SENDs that ask for a success REPORT get one (the default).
 * Off only to play a peer that ignores Success-Report, as Blink does. */
void
tandem_msrp_session_set_send_reports (TandemMsrpSession *self,
                                      gboolean           send_reports)
{
  self->send_reports = send_reports;
}

/* Backpressure: while FALSE nothing more is read from the peer, so its
 * writes stall in the socket buffers. */
void
tandem_msrp_session_set_receiving (TandemMsrpSession *self,
                                   gboolean           receiving)
{
  self->receiving = receiving;
  if (self->conn != NULL)
    tandem_msrp_connection_set_reading (self->conn, receiving);
}

/* The framed connection in use (NULL before start); relay refreshes are
 * written on it and their answers come back through "response". */
TandemMsrpConnection *
tandem_msrp_session_get_connection (TandemMsrpSession *self)
{
  return self->conn;
}

gboolean
tandem_msrp_session_is_ready (TandemMsrpSession *self)
{
  return self->ready && !self->closed;
}

/* No MSRP goodbye exists: queued messages are flushed, then the
 * connection is closed and "closed" is emitted. */
void
tandem_msrp_session_close (TandemMsrpSession *self)
{
  if (self->closed)
    return;
  if (self->start_task != NULL)
    {
      fail_session (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               "The MSRP session was closed"));
      return;
    }
  fail_session (self, NULL);
}

/* ---- object ----------------------------------------------------------- */

TandemMsrpSession *
tandem_msrp_session_new (const TandemMsrpUri *local_uri,
                         GTlsCertificate     *certificate)
{
  return g_object_new (TANDEM_TYPE_MSRP_SESSION, "local-uri", local_uri,
                       "tls-certificate", certificate, NULL);
}

const TandemMsrpUri *
tandem_msrp_session_get_local_uri (TandemMsrpSession *self)
{
  return self->local_uri;
}

/* The advertised path: Use-Path URIs of a relay followed by the own URI. */
void
tandem_msrp_session_set_own_path (TandemMsrpSession *self,
                                  GPtrArray         *path)
{
  g_ptr_array_set_size (self->own_path, 0);
  for (guint i = 0; i < path->len; i++)
    g_ptr_array_add (self->own_path, tandem_msrp_uri_copy (g_ptr_array_index (path, i)));
  update_path_strings (self);
}

GPtrArray *
tandem_msrp_session_get_own_path (TandemMsrpSession *self)
{
  return self->own_path;
}

void
tandem_msrp_session_set_peer_fingerprint (TandemMsrpSession *self,
                                          const char        *fingerprint)
{
  g_object_set (self, "peer-fingerprint", fingerprint, NULL);
}

static void
tandem_msrp_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TandemMsrpSession *self = TANDEM_MSRP_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOCAL_URI: g_value_set_boxed (value, self->local_uri); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_timeout); break;
    case PROP_BIND_TIMEOUT: g_value_set_uint (value, self->bind_timeout); break;
    case PROP_PEER_FINGERPRINT: g_value_set_string (value, self->peer_fingerprint); break;
    case PROP_VERIFY_CA: g_value_set_boolean (value, self->verify_ca); break;
    case PROP_MAX_CHUNK_SIZE: g_value_set_uint (value, self->max_chunk_size); break;
    case PROP_KEEPALIVE_IDLE: g_value_set_uint (value, self->keepalive_idle); break;
    case PROP_TLS_CERTIFICATE: g_value_set_object (value, self->certificate); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_msrp_session_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TandemMsrpSession *self = TANDEM_MSRP_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOCAL_URI:
      self->local_uri = g_value_dup_boxed (value);
      if (self->local_uri == NULL)
        {
          g_autofree char *sid = tandem_msrp_uri_new_session_id ();

          self->local_uri = tandem_msrp_uri_new (FALSE, "127.0.0.1", 0, sid);
        }
      g_ptr_array_add (self->own_path, tandem_msrp_uri_copy (self->local_uri));
      update_path_strings (self);
      break;
    case PROP_CONNECT_TIMEOUT: self->connect_timeout = g_value_get_uint (value); break;
    case PROP_BIND_TIMEOUT: self->bind_timeout = g_value_get_uint (value); break;
    case PROP_PEER_FINGERPRINT:
      g_free (self->peer_fingerprint);
      self->peer_fingerprint = g_value_dup_string (value);
      break;
    case PROP_VERIFY_CA: self->verify_ca = g_value_get_boolean (value); break;
    case PROP_MAX_CHUNK_SIZE: self->max_chunk_size = g_value_get_uint (value); break;
    case PROP_KEEPALIVE_IDLE: self->keepalive_idle = g_value_get_uint (value); break;
    case PROP_TLS_CERTIFICATE: g_set_object (&self->certificate, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_msrp_session_dispose (GObject *object)
{
  TandemMsrpSession *self = TANDEM_MSRP_SESSION (object);

  clear_timeout (self);
  g_cancellable_cancel (self->cancellable);
  if (self->conn != NULL)
    {
      tandem_msrp_connection_set_handler (self->conn, NULL, NULL);
      tandem_msrp_connection_close (self->conn);
      g_clear_object (&self->conn);
    }
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  g_clear_object (&self->relay_conn);
  g_clear_object (&self->certificate);
  G_OBJECT_CLASS (tandem_msrp_session_parent_class)->dispose (object);
}

static void
tandem_msrp_session_finalize (GObject *object)
{
  TandemMsrpSession *self = TANDEM_MSRP_SESSION (object);

  tandem_msrp_uri_free (self->local_uri);
  g_ptr_array_unref (self->own_path);
  g_clear_pointer (&self->peer_path, g_ptr_array_unref);
  g_free (self->own_path_str);
  g_free (self->peer_path_str);
  g_free (self->local_uri_str);
  g_free (self->peer_fingerprint);
  g_free (self->bind_tid);
  g_clear_pointer (&self->rx_pieces, g_ptr_array_unref);
  if (self->rx != NULL)
    tandem_buffer_pool_release (self->rx_pool, g_steal_pointer (&self->rx));
  tandem_buffer_pool_unref (self->rx_pool);
  g_clear_pointer (&self->frame_pool, tandem_buffer_pool_unref);
  g_free (self->our_to_path);
  g_string_free (self->send_paths, TRUE);
  g_queue_clear_full (&self->reported, g_free);
  g_rand_free (self->rand);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_msrp_session_parent_class)->finalize (object);
}

static void
tandem_msrp_session_class_init (TandemMsrpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tandem_msrp_session_get_property;
  object_class->set_property = tandem_msrp_session_set_property;
  object_class->dispose = tandem_msrp_session_dispose;
  object_class->finalize = tandem_msrp_session_finalize;

  properties[PROP_LOCAL_URI] =
    g_param_spec_boxed ("local-uri", NULL, NULL, TANDEM_TYPE_MSRP_URI,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, "Milliseconds", 1, G_MAXUINT, 30000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_BIND_TIMEOUT] =
    g_param_spec_uint ("bind-timeout", NULL, "Milliseconds", 1, G_MAXUINT, 30000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEER_FINGERPRINT] =
    g_param_spec_string ("peer-fingerprint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFY_CA] =
    g_param_spec_boolean ("verify-ca", NULL, "Require a CA-verified peer certificate", FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CHUNK_SIZE] =
    g_param_spec_uint ("max-chunk-size", NULL, "0: 8 KiB via a relay, 256 KiB direct",
                       0, 4 * 1024 * 1024, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEPALIVE_IDLE] =
    g_param_spec_uint ("keepalive-idle", NULL, "TCP keepalive idle seconds, 0: off",
                       0, 3600, 30, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, "Own certificate; needed for msrps",
                         G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the far end's REPORT for a SEND from send_frame_reported_async() */
  signals[SIGNAL_DELIVERED] =
    g_signal_new ("delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_DATA_RECEIVED] =
    g_signal_new ("data-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_RESPONSE] =
    g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_MSRP_MESSAGE);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tandem_msrp_session_init (TandemMsrpSession *self)
{
  self->own_path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  self->send_paths = g_string_new (NULL);
  /* from the global generator (itself seeded from /dev/urandom), so
   * that a test that sets its seed can predict the ids */
  self->rand = g_rand_new_with_seed (g_random_int ());
  self->cancellable = g_cancellable_new ();
  self->receiving = TRUE;
  self->send_reports = TRUE;
  g_queue_init (&self->reported);
  self->rx_pool = tandem_buffer_pool_new (TANDEM_MSRP_CONNECTION_READ_SIZE, 2);
  self->rx_pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}
