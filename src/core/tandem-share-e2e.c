/* tandem-share-e2e.c
 *
 * Two Tandems that both put a=tandem-e2e:tls1 in their SDP run TLS over
 * the RFB stream itself, inside the MSRP SENDs, so the relays (which end
 * the hop-by-hop msrps TLS) forward only ciphertext:
 *
 *   VNC  <-plain socketpair->  TandemShareE2e (GTlsConnection)
 *        <-cipher socketpair->  TandemRfbTunnel  <-MSRP->  relays  <-> peer
 *
 * The VNC server's side (the sharer) is the TLS server and asks for the
 * client's certificate; both sides check the peer's certificate against
 * the sha-256 fingerprint in the peer's SDP themselves (accept-certificate
 * with no CA database, and again once the handshake is done), so the SIP
 * signalling path decides whom we talk to, and the security code below
 * lets the two people check that signalling path.
 *
 * Nothing is read from the plaintext side before the handshake has
 * finished and the pin has been checked: a wrong key means no RFB byte
 * leaves.  (With TLS 1.3 the client finishes first; a server that then
 * refuses the client's certificate closes before the client's RFB starts,
 * and an RFB viewer never speaks before the server's banner.)
 *
 * The pump: one read in flight each way (64 KiB), written whole before
 * the next read, so backpressure from the tunnel (its socket buffer) and
 * from the VNC side reaches the other end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-e2e"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-msrp-error.h"
#include "tandem-share-e2e.h"
#include "tandem-tls-identity.h"

#define PUMP_SIZE          (64 * 1024)
#define DEFAULT_TIMEOUT_MS 30000

typedef struct {
  TandemShareE2e *self;
  GInputStream   *in;
  GOutputStream  *out;
  guint8         *buffer;
  guint64        *counter;
} Pump;

struct _TandemShareE2e {
  GObject            parent_instance;

  gboolean           server;
  char              *peer_fingerprint;
  GSocketConnection *cipher;
  GSocketConnection *plain;
  GIOStream         *tls;
  int                plain_fd;
  GCancellable      *cancellable;
  GTask             *handshake_task;
  guint              timeout_ms;
  guint              timeout_id;
  gboolean           mismatch;
  gboolean           timed_out;
  gboolean           joined;
  gboolean           closed;
  char              *description;
  guint64            to_peer;
  guint64            from_peer;
  Pump               up;    /* plain -> tls */
  Pump               down;  /* tls -> plain */
};

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemShareE2e, tandem_share_e2e, G_TYPE_OBJECT)

static GSocketConnection *
connection_from_fd (int      fd,
                    GError **error)
{
  GSocket *socket = g_socket_new_from_fd (fd, error);
  GSocketConnection *conn;

  if (socket == NULL)
    return NULL;
  conn = g_socket_connection_factory_create_connection (socket);
  g_object_unref (socket);
  return conn;
}

static void
finish (TandemShareE2e *self,
        const char     *message)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  /* no close_notify: closing the sockets must never block the main loop */
  if (self->cipher != NULL)
    g_socket_close (g_socket_connection_get_socket (self->cipher), NULL);
  if (self->plain != NULL)
    g_socket_close (g_socket_connection_get_socket (self->plain), NULL);
  if (message != NULL)
    g_message ("End-to-end encrypted stream ended: %s", message);
  if (self->joined)
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, message);
}

/* ---- the pump ----------------------------------------------------------- */

static void pump_read (Pump *pump);

static void
on_pump_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(TandemShareE2e) self = pump->self; /* the ref pump_read took */
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!self->closed)
        {
          g_autofree char *message = g_strdup_printf ("Cannot write %s: %s",
                                                      pump == &self->up ? "toward the peer"
                                                                        : "to the VNC side",
                                                      error->message);
          finish (self, message);
        }
      return;
    }
  if (self->closed)
    return;
  pump_read (pump);
}

static void
on_pump_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(TandemShareE2e) self = pump->self;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (self->closed)
    return;
  if (n < 0)
    {
      g_autofree char *message = g_strdup_printf ("Cannot read %s: %s",
                                                  pump == &self->up ? "from the VNC side"
                                                                    : "from the peer",
                                                  error->message);
      finish (self, message);
      return;
    }
  if (n == 0)
    {
      g_debug ("%s closed", pump == &self->up ? "VNC side" : "peer");
      finish (self, NULL);
      return;
    }
  *pump->counter += n;
  g_output_stream_write_all_async (pump->out, pump->buffer, n, G_PRIORITY_DEFAULT,
                                   self->cancellable, on_pump_written, pump);
  g_object_ref (self); /* for on_pump_written */
}

static void
pump_read (Pump *pump)
{
  g_input_stream_read_async (pump->in, pump->buffer, PUMP_SIZE, G_PRIORITY_DEFAULT,
                             pump->self->cancellable, on_pump_read, pump);
  g_object_ref (pump->self);
}

static void
join (TandemShareE2e *self)
{
  GIOStream *plain = G_IO_STREAM (self->plain);

  self->joined = TRUE;
  self->up = (Pump) { self, g_io_stream_get_input_stream (plain),
                      g_io_stream_get_output_stream (self->tls),
                      g_malloc (PUMP_SIZE), &self->to_peer };
  self->down = (Pump) { self, g_io_stream_get_input_stream (self->tls),
                        g_io_stream_get_output_stream (plain),
                        g_malloc (PUMP_SIZE), &self->from_peer };
  pump_read (&self->up);
  pump_read (&self->down);
}

/* ---- handshake ---------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  TandemShareE2e *self = user_data;
  g_autofree char *fp = tandem_tls_certificate_get_fingerprint (peer_cert);

  /* self-signed by design: the SDP's fingerprint is the only trust */
  if (tandem_tls_fingerprint_equal (fp, self->peer_fingerprint))
    return TRUE;
  g_debug ("peer certificate %s, SDP says %s", fp, self->peer_fingerprint);
  self->mismatch = TRUE;
  return FALSE;
}

static GError *
mismatch_error (TandemShareE2e *self)
{
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (self->tls));
  g_autofree char *fp = peer != NULL ? tandem_tls_certificate_get_fingerprint (peer) : NULL;

  return g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH,
                      "The peer's end-to-end key (%s) does not match the fingerprint in its "
                      "SDP (%s): someone between the two may be trying to read the screen",
                      fp != NULL ? fp : "none", self->peer_fingerprint);
}

static char *
describe (GTlsConnection *tls)
{
#if GLIB_CHECK_VERSION (2, 70, 0)
  const char *version;

  switch (g_tls_connection_get_protocol_version (tls))
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_2: version = "TLS 1.2"; break;
    case G_TLS_PROTOCOL_VERSION_TLS_1_3: version = "TLS 1.3"; break;
    default: version = "TLS"; break;
    }
  return g_strdup_printf ("%s, %s", version, g_tls_connection_get_ciphersuite_name (tls));
#else
  return g_strdup ("TLS");
#endif
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TandemShareE2e) self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->handshake_task);
  GTlsConnection *tls = G_TLS_CONNECTION (source);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *peer;
  g_autofree char *fp = NULL;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      GError *out;

      if (self->mismatch)
        out = mismatch_error (self);
      else if (self->timed_out)
        out = g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TIMED_OUT,
                                   "The end-to-end encryption handshake timed out");
      else if (self->closed)
        out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "The end-to-end encrypted stream was closed");
      else
        out = g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FAILED,
                           "The end-to-end encryption handshake failed: %s", error->message);
      finish (self, NULL);
      g_task_return_error (task, out);
      return;
    }
  peer = g_tls_connection_get_peer_certificate (tls);
  if (peer != NULL)
    fp = tandem_tls_certificate_get_fingerprint (peer);
  if (!tandem_tls_fingerprint_equal (fp, self->peer_fingerprint))
    {
      GError *out = mismatch_error (self);

      finish (self, NULL);
      g_task_return_error (task, out);
      return;
    }
  if (self->closed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The end-to-end encrypted stream was closed");
      return;
    }
  self->description = describe (tls);
  g_debug ("end-to-end: %s with %s", self->description, fp);
  join (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_timeout (gpointer user_data)
{
  TandemShareE2e *self = user_data;

  self->timeout_id = 0;
  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
tandem_share_e2e_handshake_async (TandemShareE2e      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TANDEM_IS_SHARE_E2E (self));
  g_return_if_fail (self->handshake_task == NULL && !self->joined);

  self->handshake_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->handshake_task, tandem_share_e2e_handshake_async);
  if (self->closed)
    {
      g_task_return_new_error (g_steal_pointer (&self->handshake_task), G_IO_ERROR,
                               G_IO_ERROR_CLOSED, "The end-to-end encrypted stream was closed");
      return;
    }
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                           g_object_ref (self->cancellable), g_object_unref);
  self->timeout_id = g_timeout_add (self->timeout_ms, on_timeout, self);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (self->tls), G_PRIORITY_DEFAULT,
                                    self->cancellable, on_handshake, g_object_ref (self));
}

gboolean
tandem_share_e2e_handshake_finish (TandemShareE2e *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- construction ------------------------------------------------------- */

TandemShareE2e *
tandem_share_e2e_new (int              cipher_fd,
                      gboolean         server,
                      GTlsCertificate *certificate,
                      const char      *peer_fingerprint,
                      GError         **error)
{
  g_autoptr(TandemShareE2e) self = NULL;
  int fds[2];
  GError *local = NULL;

  g_return_val_if_fail (cipher_fd >= 0, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  if (peer_fingerprint == NULL)
    {
      close (cipher_fd);
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP,
                           "The peer offered end-to-end encryption without a key fingerprint");
      return NULL;
    }
  self = g_object_new (TANDEM_TYPE_SHARE_E2E, NULL);
  self->server = server;
  self->peer_fingerprint = g_strdup (peer_fingerprint);
  if ((self->cipher = connection_from_fd (cipher_fd, error)) == NULL)
    {
      close (cipher_fd);
      return NULL;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot make the VNC connection: %s", g_strerror (saved));
      return NULL;
    }
  self->plain_fd = fds[1];
  if ((self->plain = connection_from_fd (fds[0], error)) == NULL)
    {
      close (fds[0]);
      return NULL;
    }
  if (server)
    self->tls = g_tls_server_connection_new (G_IO_STREAM (self->cipher), certificate, &local);
  else
    self->tls = g_tls_client_connection_new (G_IO_STREAM (self->cipher), NULL, &local);
  if (self->tls == NULL)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CERTIFICATE,
                   "Cannot start end-to-end encryption: %s", local->message);
      g_error_free (local);
      return NULL;
    }
  g_tls_connection_set_certificate (G_TLS_CONNECTION (self->tls), certificate);
  /* no CA: accept-certificate decides, always */
  g_tls_connection_set_database (G_TLS_CONNECTION (self->tls), NULL);
  /* the peer's end may go without close_notify (its tunnel closed) */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (self->tls), FALSE);
  if (server)
    g_object_set (self->tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
  g_signal_connect (self->tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self);
  return g_steal_pointer (&self);
}

void
tandem_share_e2e_set_timeout (TandemShareE2e *self,
                              guint           timeout_ms)
{
  g_return_if_fail (TANDEM_IS_SHARE_E2E (self));
  self->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

int
tandem_share_e2e_steal_plain_fd (TandemShareE2e *self)
{
  int fd;

  g_return_val_if_fail (TANDEM_IS_SHARE_E2E (self), -1);
  fd = self->plain_fd;
  self->plain_fd = -1;
  return fd;
}

guint64
tandem_share_e2e_get_bytes_to_peer (TandemShareE2e *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_E2E (self), 0);
  return self->to_peer;
}

guint64
tandem_share_e2e_get_bytes_from_peer (TandemShareE2e *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_E2E (self), 0);
  return self->from_peer;
}

const char *
tandem_share_e2e_get_description (TandemShareE2e *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_E2E (self), NULL);
  return self->description;
}

void
tandem_share_e2e_close (TandemShareE2e *self)
{
  g_return_if_fail (TANDEM_IS_SHARE_E2E (self));
  finish (self, NULL);
}

char *
tandem_share_e2e_compute_code (const char *fingerprint_a,
                               const char *fingerprint_b)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GChecksum) sum = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;
  static const char label[] = "tandem-e2e security code v1";

  if (fingerprint_a == NULL || fingerprint_b == NULL)
    return NULL;
  a = g_ascii_strup (fingerprint_a, -1);
  b = g_ascii_strup (fingerprint_b, -1);
  if (strcmp (a, b) > 0)
    {
      char *t = a;

      a = b;
      b = t;
    }
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) label, sizeof label);  /* with its NUL */
  g_checksum_update (sum, (const guchar *) a, strlen (a) + 1);
  g_checksum_update (sum, (const guchar *) b, strlen (b) + 1);
  g_checksum_get_digest (sum, digest, &len);
  return g_strdup_printf ("%02X%02X %02X", digest[0], digest[1], digest[2]);
}

/* ---- GObject ------------------------------------------------------------ */

static void
tandem_share_e2e_dispose (GObject *object)
{
  TandemShareE2e *self = TANDEM_SHARE_E2E (object);

  self->joined = FALSE;  /* no ::closed from dispose */
  finish (self, NULL);
  G_OBJECT_CLASS (tandem_share_e2e_parent_class)->dispose (object);
}

static void
tandem_share_e2e_finalize (GObject *object)
{
  TandemShareE2e *self = TANDEM_SHARE_E2E (object);

  if (self->plain_fd >= 0)
    close (self->plain_fd);
  g_clear_object (&self->tls);
  g_clear_object (&self->cipher);
  g_clear_object (&self->plain);
  g_clear_object (&self->cancellable);
  g_free (self->up.buffer);
  g_free (self->down.buffer);
  g_free (self->peer_fingerprint);
  g_free (self->description);
  G_OBJECT_CLASS (tandem_share_e2e_parent_class)->finalize (object);
}

static void
tandem_share_e2e_class_init (TandemShareE2eClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_share_e2e_dispose;
  object_class->finalize = tandem_share_e2e_finalize;

  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_share_e2e_init (TandemShareE2e *self)
{
  self->plain_fd = -1;
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->cancellable = g_cancellable_new ();
}
