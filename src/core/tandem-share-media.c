/* tandem-share-media.c
 *
 * The media half of a share session, from a prepared local path to a
 * VNC file descriptor; the signalling (TandemShareStack) carries the
 * SDP this object writes and reads.
 *
 * prepare: direct, a TandemMsrpSession listening on the local address
 * (so the a=path URI has its port); through a relay, a
 * TandemMsrpRelayClient AUTHs first and the path is its Use-Path followed
 * by the own URI (whose port is the placeholder 2855: nobody connects to
 * it).  "auto" discovers the relay (wire doc section 5) with shorter
 * timeouts (5 s connect, 10 s AUTH) than an explicit relay (30 s each,
 * as Blink), and falls back to direct with a g_message.
 *
 * Offer: setup actpass.  Answer: active to actpass (we connect out),
 * else the opposite of the offer.  The offerer learns its side from the
 * answer, so it can connect out after offering actpass, as current Blink
 * expects (wire doc section 2).
 *
 * start: connect (or wait) and bind; then a socketpair whose one end goes
 * to a TandemRfbTunnel and whose other end is the VNC fd.  The peer's
 * a=fingerprint is pinned only when its path is a single URI: with a
 * relay in front, TLS ends at the relay.  Connect and bind each time out
 * after 30 s (the session's defaults).
 *
 * Loss detection: TCP keepalive and TCP_USER_TIMEOUT on the connection
 * in use (direct or to the relay), so that a silent network ends the
 * session within keepalive_s seconds.
 *
 * ::ended comes once: from close() (at once), or from an idle after the
 * tunnel closed (peer or VNC side) or something failed, with the reason.
 * Through a relay a peer's close does not reach us (the relay keeps our
 * connection open): SIP's BYE ends such a session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-media"

#include <errno.h>
#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-relay-client.h"
#include "tandem-msrp-session.h"
#include "tandem-rfb-tunnel.h"
#include "tandem-share-media.h"
#include "tandem-tls-identity.h"

#define DEFAULT_KEEPALIVE_S   8
#define AUTO_CONNECT_TIMEOUT  5000
#define AUTO_AUTH_TIMEOUT     10000

struct _TandemShareMedia {
  GObject                parent_instance;

  /* options */
  gboolean               tls;
  GTlsCertificate       *certificate;
  char                  *local_address;
  char                  *relay_setting;  /* NULL: direct */
  gboolean               relay_auto;
  char                  *domain;
  char                  *username;
  char                  *password;
  char                  *ha1;
  guint                  keepalive_s;
  GTlsDatabase          *relay_database;
  gboolean               allow_unpinned;

  /* prepare */
  GTask                 *prepare_task;
  GCancellable          *prepare_cancellable;
  GCancellable          *user_cancellable;
  gulong                 user_cancel_id;
  GInetAddress          *listen_address;
  char                  *session_id;
  TandemMsrpRelayClient *relay;
  gulong                 relay_error_id;
  TandemMsrpSession     *session;

  /* negotiation */
  TandemRfbSetup         role;
  gboolean               offered;
  gboolean               answered;
  TandemMsrpSetup        answer_setup;   /* ours, in the answer we wrote */
  TandemMsrpSetup        setup;          /* ours, once started */

  /* media */
  gboolean               started;
  gboolean               connected;
  gboolean               ended;
  char                  *end_message;
  guint                  ended_id;       /* ::ended to emit */
  char                  *error_message;  /* from the session's "error" */
  gulong                 session_error_id;
  gulong                 session_closed_id;
  TandemRfbTunnel       *tunnel;
  gulong                 tunnel_closed_id;
  int                    vnc_fd;
};

enum {
  SIGNAL_CONNECTED,
  SIGNAL_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemShareMedia, tandem_share_media, G_TYPE_OBJECT)

/* ---- helpers ------------------------------------------------------------ */

/* The address the default route leaves from: connecting a UDP socket only
 * looks the route up, nothing is sent. */
static char *
pick_local_address (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) target = g_inet_address_new_from_string ("192.0.2.1");
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new (target, 9);
  g_autoptr(GSocketAddress) local = NULL;
  char *address = NULL;

  if (socket != NULL && g_socket_connect (socket, remote, NULL, NULL))
    local = g_socket_get_local_address (socket, NULL);
  if (local != NULL)
    {
      GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));

      if (!g_inet_address_get_is_any (inet))
        address = g_inet_address_to_string (inet);
    }
  if (socket != NULL)
    g_socket_close (socket, NULL);
  return address != NULL ? address : g_strdup ("127.0.0.1");
}

static GSocket *
stream_get_socket (GIOStream *stream)
{
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_autoptr(GIOStream) base = NULL;

      g_object_get (stream, "base-io-stream", &base, NULL);
      return base != NULL ? stream_get_socket (base) : NULL;
    }
  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  return NULL;
}

static guint
keepalive_idle (TandemShareMedia *self)
{
  return MAX (1, self->keepalive_s / 2);
}

/* Loss is seen within keepalive_s: probes start after idle seconds, cnt of
 * them intvl apart, and TCP_USER_TIMEOUT bounds unacknowledged data. */
static void
apply_keepalive (TandemShareMedia     *self,
                 TandemMsrpConnection *conn)
{
  GSocket *socket;
  guint idle = keepalive_idle (self);
  guint rest = self->keepalive_s > idle ? self->keepalive_s - idle : 0;
  guint cnt = CLAMP (rest, 1, 3);
  guint intvl = MAX (1, rest / cnt);
  g_autoptr(GError) error = NULL;

  if (conn == NULL || (socket = stream_get_socket (tandem_msrp_connection_get_stream (conn))) == NULL)
    return;
  g_socket_set_keepalive (socket, TRUE);
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, idle, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, intvl, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT, cnt, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_USER_TIMEOUT, self->keepalive_s * 1000, &error))
    g_debug ("Cannot set TCP keepalive: %s", error->message);
}

/* A message for ::ended or an error, from what the core reported. */
static char *
describe_error (TandemShareMedia *self,
                const GError     *error)
{
  if (g_error_matches (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH))
    return g_strdup (_("The peer's certificate does not match the fingerprint it advertised"));
  if (g_error_matches (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TIMED_OUT))
    return g_strdup (self->setup == TANDEM_MSRP_SETUP_ACTIVE
                     ? _("The peer could not be reached in time")
                     : _("The peer did not connect in time"));
  if (g_error_matches (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_BIND_REFUSED))
    return g_strdup_printf (_("The peer refused the share connection (%s)"), error->message);
  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("The secure connection to the peer failed: %s"), error->message);
  if (error->domain == G_IO_ERROR)
    return g_strdup_printf (self->connected ? _("The connection to the peer was lost: %s")
                                            : _("Could not connect to the peer: %s"),
                            error->message);
  return g_strdup (error->message);
}

/* ---- ending ------------------------------------------------------------- */

static void
tear_down (TandemShareMedia *self)
{
  if (self->prepare_cancellable != NULL)
    g_cancellable_cancel (self->prepare_cancellable);
  if (self->tunnel != NULL)
    {
      g_clear_signal_handler (&self->tunnel_closed_id, self->tunnel);
      tandem_rfb_tunnel_close (self->tunnel);
    }
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->session_error_id, self->session);
      g_clear_signal_handler (&self->session_closed_id, self->session);
      tandem_msrp_session_close (self->session);
    }
  if (self->relay != NULL)
    {
      /* after the session: its dispose takes the handler off the
       * connection they share */
      g_clear_signal_handler (&self->relay_error_id, self->relay);
      g_clear_object (&self->relay);
    }
}

static gboolean
on_emit_ended (gpointer user_data)
{
  TandemShareMedia *self = user_data;

  self->ended_id = 0;
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, self->end_message);
  return G_SOURCE_REMOVE;
}

/* From close(), ::ended comes at once; from the network, from an idle:
 * a handler that drops the object never runs inside the core's
 * callbacks.  The idle is dropped with the object. */
static void
end (TandemShareMedia *self,
     const char       *message,
     gboolean          now)
{
  if (self->ended)
    return;
  self->ended = TRUE;
  self->end_message = g_strdup (message);
  if (message != NULL)
    g_debug ("Share media ended: %s", message);
  g_object_ref (self);
  tear_down (self);
  if (now)
    g_signal_emit (self, signals[SIGNAL_ENDED], 0, message);
  else
    self->ended_id = g_idle_add (on_emit_ended, self);
  g_object_unref (self);
}

static void
on_tunnel_closed (TandemRfbTunnel *tunnel,
                  gpointer         user_data)
{
  TandemShareMedia *self = user_data;

  end (self, self->error_message, FALSE);
}

static void
on_session_error (TandemMsrpSession *session,
                  const GError      *error,
                  gpointer           user_data)
{
  TandemShareMedia *self = user_data;

  if (self->error_message == NULL)
    self->error_message = describe_error (self, error);
}

static void
on_session_closed (TandemMsrpSession *session,
                   gpointer           user_data)
{
  TandemShareMedia *self = user_data;

  /* with a tunnel, its "closed" follows once it flushed to the VNC side */
  if (self->tunnel == NULL)
    end (self, self->error_message, FALSE);
}

static void
on_relay_error (TandemMsrpRelayClient *relay,
                const GError          *error,
                gpointer               user_data)
{
  g_message ("Refreshing the MSRP relay reservation failed: %s", error->message);
}

/* ---- prepare ------------------------------------------------------------ */

static TandemMsrpSession *
new_session (TandemShareMedia    *self,
             const TandemMsrpUri *local_uri)
{
  TandemMsrpSession *session = tandem_msrp_session_new (local_uri, self->tls ? self->certificate : NULL);

  g_object_set (session, "keepalive-idle", keepalive_idle (self), NULL);
  return session;
}

static GError *
closed_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The share session was closed");
}

static void
finish_prepare (TandemShareMedia *self,
                GError           *error)
{
  GTask *task = g_steal_pointer (&self->prepare_task);

  if (self->user_cancellable != NULL)
    {
      g_cancellable_disconnect (self->user_cancellable, self->user_cancel_id);
      self->user_cancel_id = 0;
      g_clear_object (&self->user_cancellable);
    }
  g_clear_object (&self->prepare_cancellable);
  if (error == NULL && self->ended)
    {
      g_clear_object (&self->session);
      error = closed_error ();
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Listens on the local address; @why (nullable) says why not via a relay. */
static void
finish_direct (TandemShareMedia *self,
               const char       *why)
{
  g_autofree char *address = g_inet_address_to_string (self->listen_address);
  g_autoptr(TandemMsrpUri) uri = tandem_msrp_uri_new (self->tls, address, 0, self->session_id);
  g_autoptr(GError) error = NULL;

  if (why != NULL)
    g_message ("No usable MSRP relay (%s); sharing directly", why);
  self->session = new_session (self, uri);
  if (!tandem_msrp_session_listen (self->session, self->listen_address, 0, &error))
    {
      g_clear_object (&self->session);
      finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FAILED,
                                         _("Cannot listen for the share connection on %s: %s"),
                                         address, error->message));
      return;
    }
  finish_prepare (self, NULL);
}

static void
on_relay_auth (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TandemShareMedia *self = user_data;
  TandemMsrpRelayClient *relay = TANDEM_MSRP_RELAY_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) path = NULL;

  if (!tandem_msrp_relay_client_auth_finish (relay, result, &error) || self->ended)
    {
      if (self->relay == relay)
        g_clear_object (&self->relay);
      if (self->ended || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish_prepare (self, closed_error ());
      else if (self->relay_auto)
        finish_direct (self, error->message);
      else if (g_error_matches (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED))
        finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED,
                                           _("The MSRP relay did not accept the account's user "
                                             "name or password (%s)"), error->message));
      else
        finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FAILED,
                                           _("The MSRP relay cannot be used: %s"), error->message));
      return;
    }
  path = tandem_msrp_relay_client_dup_advertised_path (relay);
  self->session = new_session (self, g_ptr_array_index (path, path->len - 1));
  tandem_msrp_session_set_own_path (self->session, path);
  tandem_msrp_relay_client_attach_session (relay, self->session);
  self->relay_error_id = g_signal_connect (relay, "error", G_CALLBACK (on_relay_error), self);
  apply_keepalive (self, tandem_msrp_relay_client_get_connection (relay));
  finish_prepare (self, NULL);
}

static void
on_relay_discovered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TandemShareMedia *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpUri) relay_uri = tandem_msrp_relay_discover_finish (result, &error);
  g_autoptr(TandemMsrpUri) own = NULL;
  g_autofree char *address = NULL;

  if (self->ended || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_prepare (self, closed_error ());
      return;
    }
  if (relay_uri == NULL)
    {
      if (self->relay_auto)
        finish_direct (self, error->message);
      else
        finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_ARGUMENT,
                                           _("The MSRP relay setting “%s” is not usable: %s"),
                                           self->relay_setting, error->message));
      return;
    }
  if (relay_uri->secure != self->tls)
    {
      g_autofree char *text = tandem_msrp_uri_to_string (relay_uri);

      finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_ARGUMENT,
                                         self->tls ? _("The MSRP relay %s does not use TLS (msrps), "
                                                       "and sharing is set to TLS")
                                                   : _("The MSRP relay %s uses TLS (msrps), "
                                                       "and sharing is set to plain TCP"), text));
      return;
    }
  self->relay = tandem_msrp_relay_client_new (relay_uri, self->username, self->password);
  if (self->password == NULL && self->ha1 != NULL)
    tandem_msrp_relay_client_set_ha1 (self->relay, self->ha1);
  if (self->relay_database != NULL)
    g_object_set (self->relay, "tls-database", self->relay_database, NULL);
  if (self->relay_auto)
    g_object_set (self->relay, "connect-timeout", AUTO_CONNECT_TIMEOUT,
                  "auth-timeout", AUTO_AUTH_TIMEOUT, NULL);
  /* nobody connects to the own URI behind a relay: port 2855 is a
   * placeholder, as an active Blink writes */
  address = g_inet_address_to_string (self->listen_address);
  own = tandem_msrp_uri_new (self->tls, address, TANDEM_MSRP_DEFAULT_PORT, self->session_id);
  tandem_msrp_relay_client_auth_async (self->relay, own, self->prepare_cancellable,
                                       on_relay_auth, self);
}

static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/**
 * tandem_share_media_prepare_async:
 *
 * Listens on the local address, or authenticates at the relay, so that
 * tandem_share_media_create_offer() and _create_answer() can write a
 * path.  Call once.  The task holds a reference on @self until it
 * completes.
 */
void
tandem_share_media_prepare_async (TandemShareMedia    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TANDEM_IS_SHARE_MEDIA (self));
  g_return_if_fail (self->prepare_task == NULL && self->session == NULL);

  self->prepare_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->prepare_task, tandem_share_media_prepare_async);
  self->prepare_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->user_cancellable = g_object_ref (cancellable);
      self->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                    g_object_ref (self->prepare_cancellable),
                                                    g_object_unref);
    }
  if (self->ended)
    {
      finish_prepare (self, closed_error ());
      return;
    }
  if (self->tls && self->certificate == NULL)
    {
      finish_prepare (self, g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_ARGUMENT,
                                                 _("Sharing over TLS needs a certificate")));
      return;
    }
  if (self->local_address == NULL)
    self->local_address = pick_local_address ();
  self->listen_address = g_inet_address_new_from_string (self->local_address);
  if (self->listen_address == NULL)
    {
      finish_prepare (self, g_error_new (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_ARGUMENT,
                                         _("“%s” is not an IP address to share from"),
                                         self->local_address));
      return;
    }
  self->session_id = tandem_msrp_uri_new_session_id ();
  if (self->relay_setting == NULL)
    finish_direct (self, NULL);
  else if (self->relay_auto && self->domain == NULL)
    finish_direct (self, "no domain to look one up for");
  else
    tandem_msrp_relay_discover_async (self->relay_auto ? NULL : self->relay_setting, self->domain,
                                      self->tls, self->prepare_cancellable, on_relay_discovered, self);
}

gboolean
tandem_share_media_prepare_finish (TandemShareMedia *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (self->ended)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The share session was closed");
      return FALSE;
    }
  return TRUE;
}

/* ---- offer / answer ----------------------------------------------------- */

static TandemShareSdp *
build_sdp (TandemShareMedia *self,
           TandemMsrpSetup   setup,
           TandemRfbSetup    rfbsetup)
{
  TandemShareSdp *sdp = tandem_share_sdp_new ();
  GPtrArray *path = tandem_msrp_session_get_own_path (self->session);
  TandemMsrpUri *first;

  sdp->tls = self->tls;
  for (guint i = 0; i < path->len; i++)
    g_ptr_array_add (sdp->path, tandem_msrp_uri_copy (g_ptr_array_index (path, i)));
  sdp->setup = setup;
  sdp->rfbsetup = rfbsetup;
  if (self->tls)
    sdp->fingerprint = tandem_tls_certificate_get_fingerprint (self->certificate);
  /* m= port and c= are informational: those of the first hop */
  first = g_ptr_array_index (sdp->path, 0);
  sdp->port = tandem_msrp_uri_get_effective_port (first);
  sdp->address = g_strdup (g_hostname_is_ip_address (first->host) ? first->host : self->local_address);
  return sdp;
}

TandemShareSdp *
tandem_share_media_create_offer (TandemShareMedia *self,
                                 TandemRfbSetup    my_role)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), NULL);
  g_return_val_if_fail (self->session != NULL, NULL);
  g_return_val_if_fail (!self->started, NULL);

  self->offered = TRUE;
  self->answered = FALSE;
  self->role = my_role == TANDEM_RFB_SETUP_UNSET ? TANDEM_RFB_SETUP_ACTIVE : my_role;
  return build_sdp (self, TANDEM_MSRP_SETUP_ACTPASS, my_role);
}

static gboolean
check_remote (TandemShareMedia     *self,
              const TandemShareSdp *remote,
              gboolean              answer,
              GError              **error)
{
  const char *why = NULL;

  if (remote->accept_types == NULL ||
      !g_strv_contains ((const char * const *) remote->accept_types, TANDEM_RFB_CONTENT_TYPE))
    why = _("it does not carry application/x-rfb (a screen)");
  else if (remote->path == NULL || remote->path->len == 0)
    why = _("it has no MSRP path");
  else if (remote->tls && !self->tls)
    why = _("it wants TLS (msrps) and Tandem is set to plain TCP");
  else if (!remote->tls && self->tls)
    why = _("it wants plain TCP and Tandem is set to TLS (msrps)");
  else if (((TandemMsrpUri *) g_ptr_array_index (remote->path, 0))->secure != remote->tls)
    why = _("its protocol and its path disagree about TLS");
  else if (remote->tls && remote->fingerprint == NULL && !self->allow_unpinned)
    why = _("it uses TLS without a certificate fingerprint to check");
  if (why == NULL)
    return TRUE;
  g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP,
               /* Translators: %s says why, e.g. "it has no MSRP path" */
               answer ? _("The peer's screen sharing answer is not usable: %s")
                      : _("The peer's screen sharing offer is not usable: %s"), why);
  return FALSE;
}

TandemShareSdp *
tandem_share_media_create_answer (TandemShareMedia     *self,
                                  const TandemShareSdp *offer,
                                  GError              **error)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), NULL);
  g_return_val_if_fail (offer != NULL, NULL);
  g_return_val_if_fail (self->session != NULL, NULL);
  g_return_val_if_fail (!self->started, NULL);

  if (!check_remote (self, offer, FALSE, error))
    return NULL;
  self->offered = FALSE;
  self->answered = TRUE;
  self->role = tandem_share_sdp_get_answer_rfbsetup (offer);
  self->answer_setup = tandem_msrp_setup_answer (offer->setup, TANDEM_MSRP_SETUP_ACTIVE);
  return build_sdp (self, self->answer_setup, self->role);
}

/* ---- start -------------------------------------------------------------- */

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TandemShareMedia) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  int fds[2] = { -1, -1 };

  if (!tandem_msrp_session_start_finish (TANDEM_MSRP_SESSION (source), result, &error))
    message = describe_error (self, error);
  if (self->ended)
    return;
  if (message != NULL || !tandem_msrp_session_is_ready (self->session))
    {
      end (self, message != NULL ? message : self->error_message, FALSE);
      return;
    }
  apply_keepalive (self, tandem_msrp_session_get_connection (self->session));
  /* libvncserver and libvncclient select() on the VNC fd */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    message = g_strdup_printf (_("Cannot make the VNC connection: %s"), g_strerror (errno));
  else if (fds[1] >= FD_SETSIZE)
    message = g_strdup ("Too many open files for the VNC connection");
  else if ((self->tunnel = tandem_rfb_tunnel_new (self->session, fds[0], &error)) == NULL)
    message = g_strdup_printf ("Cannot make the VNC connection: %s", error->message);
  if (message != NULL)
    {
      if (fds[0] >= 0)
        {
          close (fds[0]);
          close (fds[1]);
        }
      end (self, message, FALSE);
      return;
    }
  self->tunnel_closed_id = g_signal_connect (self->tunnel, "closed", G_CALLBACK (on_tunnel_closed), self);
  self->vnc_fd = fds[1];
  self->connected = TRUE;
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

/**
 * tandem_share_media_start:
 * @remote: the answer to our offer, or the offer we answered
 *
 * Connects to the peer (or its relay) or waits for its connection, binds
 * and joins the stream to a socketpair.  Problems with @remote fail here;
 * what happens on the network comes as ::connected or ::ended.
 */
gboolean
tandem_share_media_start (TandemShareMedia     *self,
                          const TandemShareSdp *remote,
                          GError              **error)
{
  TandemMsrpSetup setup;

  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (self->session != NULL, FALSE);
  g_return_val_if_fail (self->offered || self->answered, FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (self->ended)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The share session has ended");
      return FALSE;
    }
  if (!check_remote (self, remote, self->offered, error))
    return FALSE;
  if (self->answered)
    setup = self->answer_setup;
  else if (remote->setup == TANDEM_MSRP_SETUP_ACTPASS)
    {
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP,
                           _("The peer's screen sharing answer is not usable: "
                             "it leaves open who connects (a=setup:actpass)"));
      return FALSE;
    }
  else
    setup = tandem_msrp_setup_answer (remote->setup, TANDEM_MSRP_SETUP_ACTIVE);
  if (self->relay != NULL &&
      tandem_msrp_connection_is_closed (tandem_msrp_relay_client_get_connection (self->relay)))
    {
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                           _("The connection to the MSRP relay was lost"));
      return FALSE;
    }
  /* pin only a peer we talk TLS with: behind a relay, TLS ends there */
  if (remote->tls && remote->fingerprint != NULL && remote->path->len == 1 && self->relay == NULL)
    tandem_msrp_session_set_peer_fingerprint (self->session, remote->fingerprint);

  self->setup = setup;
  self->started = TRUE;
  self->session_error_id = g_signal_connect (self->session, "error", G_CALLBACK (on_session_error), self);
  self->session_closed_id = g_signal_connect (self->session, "closed", G_CALLBACK (on_session_closed), self);
  if (self->relay != NULL)
    tandem_msrp_session_start_on_connection_async (self->session, setup, remote->path,
                                                   tandem_msrp_relay_client_get_connection (self->relay),
                                                   NULL, on_started, g_object_ref (self));
  else
    tandem_msrp_session_start_async (self->session, setup, remote->path, NULL, NULL,
                                     on_started, g_object_ref (self));
  return TRUE;
}

/* ---- accessors ---------------------------------------------------------- */

TandemRfbSetup
tandem_share_media_get_role (TandemShareMedia *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), TANDEM_RFB_SETUP_UNSET);
  return self->role;
}

int
tandem_share_media_steal_vnc_fd (TandemShareMedia *self)
{
  int fd;

  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), -1);
  fd = self->vnc_fd;
  self->vnc_fd = -1;
  return fd;
}

gboolean
tandem_share_media_is_relayed (TandemShareMedia *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), FALSE);
  return self->relay != NULL;
}

gboolean
tandem_share_media_is_connected (TandemShareMedia *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), FALSE);
  return self->connected && !self->ended;
}

guint64
tandem_share_media_get_bytes_received (TandemShareMedia *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), 0);
  return self->tunnel != NULL ? tandem_rfb_tunnel_get_bytes_from_peer (self->tunnel) : 0;
}

guint64
tandem_share_media_get_bytes_sent (TandemShareMedia *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_MEDIA (self), 0);
  return self->tunnel != NULL ? tandem_rfb_tunnel_get_bytes_to_peer (self->tunnel) : 0;
}

void
tandem_share_media_close (TandemShareMedia *self)
{
  g_return_if_fail (TANDEM_IS_SHARE_MEDIA (self));
  end (self, NULL, TRUE);
}

/* ---- object ------------------------------------------------------------- */

TandemShareMedia *
tandem_share_media_new (const TandemShareMediaOptions *options)
{
  TandemShareMedia *self;

  g_return_val_if_fail (options != NULL, NULL);
  self = g_object_new (TANDEM_TYPE_SHARE_MEDIA, NULL);
  self->tls = options->tls;
  g_set_object (&self->certificate, options->certificate);
  self->local_address = g_strdup (options->local_address);
  if (options->relay != NULL && options->relay[0] != '\0')
    self->relay_setting = g_strdup (options->relay);
  self->relay_auto = g_strcmp0 (options->relay, "auto") == 0;
  if (options->domain != NULL && options->domain[0] != '\0')
    self->domain = g_strdup (options->domain);
  self->username = g_strdup (options->username);
  self->password = g_strdup (options->password);
  self->ha1 = g_strdup (options->ha1);
  self->keepalive_s = options->keepalive_s != 0 ? options->keepalive_s : DEFAULT_KEEPALIVE_S;
  g_set_object (&self->relay_database, options->relay_database);
  self->allow_unpinned = options->allow_unpinned;
  return self;
}

static void
tandem_share_media_dispose (GObject *object)
{
  TandemShareMedia *self = TANDEM_SHARE_MEDIA (object);

  /* dropped without close(): stop everything, no signal */
  self->ended = TRUE;
  g_clear_handle_id (&self->ended_id, g_source_remove);
  tear_down (self);
  g_clear_object (&self->tunnel);
  g_clear_object (&self->session);
  if (self->vnc_fd >= 0)
    {
      close (self->vnc_fd);
      self->vnc_fd = -1;
    }
  G_OBJECT_CLASS (tandem_share_media_parent_class)->dispose (object);
}

static void
tandem_share_media_finalize (GObject *object)
{
  TandemShareMedia *self = TANDEM_SHARE_MEDIA (object);

  g_clear_object (&self->certificate);
  g_clear_object (&self->relay_database);
  g_clear_object (&self->listen_address);
  g_free (self->local_address);
  g_free (self->relay_setting);
  g_free (self->domain);
  g_free (self->username);
  g_free (self->password);
  g_free (self->ha1);
  g_free (self->session_id);
  g_free (self->error_message);
  g_free (self->end_message);
  G_OBJECT_CLASS (tandem_share_media_parent_class)->finalize (object);
}

static void
tandem_share_media_class_init (TandemShareMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_share_media_dispose;
  object_class->finalize = tandem_share_media_finalize;

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_share_media_init (TandemShareMedia *self)
{
  self->vnc_fd = -1;
  self->role = TANDEM_RFB_SETUP_UNSET;
}
