/* tandem-rfb-tunnel.c
 *
 * Non-blocking, on the session's main context, with bounded buffers:
 *
 *  local -> peer: a read of at most one chunk (the session's max chunk
 *  size: 8 KiB bodies via a relay, 256 KiB direct) becomes one send_async; at
 *  most two are in flight, and the local socket is not polled meanwhile,
 *  so a slow peer fills the socketpair and throttles the VNC side.
 *
 *  Through a relay the stream also keeps to an end-to-end send window
 *  (TandemSendWindow; src/core/README.md, "Send window"): some SENDs ask
 *  for a success REPORT, the far end's REPORT acknowledges everything up
 *  to that SEND, and the local socket is not polled while the window is
 *  full or pacing says wait.  A peer that never REPORTs (Blink) is noticed
 *  when the window stays full: the stream is then paced at a fixed rate
 *  that the slowest supported access link carries (UNACKED mode).
 *
 *  peer -> local: received bytes are written with non-blocking sends;
 *  what does not fit is kept (one read's worth at most) and the session
 *  stops reading from the peer until the local socket drains.
 *
 * The tunnel owns the fd; closing it (or the session ending) shuts the
 * socket so that the VNC side sees end of file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-rfb-tunnel"

#include "tandem-msrp-error.h"
#include "tandem-rfb-tunnel.h"
#include "tandem-send-window.h"

#define MAX_IN_FLIGHT 2
/* No REPORT at all this long after the first SEND that asked for one: the
 * peer ignores Success-Report. */
#define FIRST_REPORT_TIMEOUT_US (3 * G_USEC_PER_SEC)
/* The window full and no REPORT for this long although REPORTs came
 * before: taken as a peer that stopped reporting (never seen; a stall
 * would otherwise freeze the share for good). */
#define STALL_TIMEOUT_US        (15 * G_USEC_PER_SEC)
/* UNACKED mode: bytes/s (1 Mbit/s) and the burst it may send at once. */
#define UNACKED_RATE            (125 * 1000)
#define UNACKED_BURST           (16 * 1024)

struct _TandemRfbTunnel {
  GObject            parent_instance;
  TandemMsrpSession *session;
  GSocket           *socket;
  GSource           *in_source;
  GSource           *out_source;
  int                in_flight;
  GByteArray        *pending;     /* peer -> local, not yet written */
  gsize              pending_off;
  gsize              max_buffered;
  guint64            to_peer;
  guint64            from_peer;
  gulong             data_id;
  gulong             closed_id;
  gulong             delivered_id;
  gboolean           closed;

  TandemRfbTunnelMode mode;
  TandemSendWindow  *window;      /* WINDOW mode */
  guint              pace_id;     /* pacing: the next chunk may go */
  guint              stall_id;    /* the window full: a peer without REPORTs? */
  gint64             next_send;   /* UNACKED pacing */
  gint64             last_ack;
};

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemRfbTunnel, tandem_rfb_tunnel, G_TYPE_OBJECT)

static void watch_input (TandemRfbTunnel *self);

const char *
tandem_rfb_tunnel_mode_to_string (TandemRfbTunnelMode mode)
{
  switch (mode)
    {
    case TANDEM_RFB_TUNNEL_MODE_DIRECT:
      return "direct";
    case TANDEM_RFB_TUNNEL_MODE_WINDOW:
      return "window";
    case TANDEM_RFB_TUNNEL_MODE_UNACKED:
      return "unacked";
    }
  return "?";
}

static void
set_mode (TandemRfbTunnel     *self,
          TandemRfbTunnelMode  mode)
{
  self->mode = mode;
  switch (mode)
    {
    case TANDEM_RFB_TUNNEL_MODE_DIRECT:
      g_message ("Share stream is direct: TCP's own flow control");
      break;
    case TANDEM_RFB_TUNNEL_MODE_WINDOW:
      g_message ("Share stream crosses an MSRP relay: end-to-end send window "
                 "(success REPORTs), starting at %u bytes", TANDEM_SEND_WINDOW_INITIAL);
      break;
    case TANDEM_RFB_TUNNEL_MODE_UNACKED:
      g_message ("Share stream crosses an MSRP relay and the peer sends no REPORTs: "
                 "paced at %u kbit/s", UNACKED_RATE * 8 / 1000);
      break;
    }
}

/* 0: the next chunk may go; > 0: microseconds to wait; -1: not before a
 * REPORT frees the window. */
static gint64
send_delay (TandemRfbTunnel *self,
            gint64           now)
{
  switch (self->mode)
    {
    case TANDEM_RFB_TUNNEL_MODE_WINDOW:
      return tandem_send_window_when (self->window, now,
                                      tandem_msrp_session_get_max_chunk_size (self->session));
    case TANDEM_RFB_TUNNEL_MODE_UNACKED:
      return self->next_send > now ? self->next_send - now : 0;
    case TANDEM_RFB_TUNNEL_MODE_DIRECT:
    default:
      return 0;
    }
}

static gboolean
on_pace (gpointer user_data)
{
  TandemRfbTunnel *self = user_data;

  self->pace_id = 0;
  watch_input (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stall_check (gpointer user_data)
{
  TandemRfbTunnel *self = user_data;
  gint64 now = g_get_monotonic_time ();

  self->stall_id = 0;
  if (self->mode == TANDEM_RFB_TUNNEL_MODE_WINDOW && send_delay (self, now) < 0)
    {
      TandemSendWindowStats st;
      gint64 oldest = tandem_send_window_oldest_unacked (self->window);

      tandem_send_window_get_stats (self->window, &st);
      if ((st.reports == 0 && oldest != 0 && now - oldest >= FIRST_REPORT_TIMEOUT_US) ||
          (st.reports > 0 && now - self->last_ack >= STALL_TIMEOUT_US))
        {
          if (st.reports > 0)
            g_message ("No REPORT for %d s with %" G_GUINT64_FORMAT " bytes unacknowledged",
                       (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC), st.in_flight);
          g_clear_pointer (&self->window, tandem_send_window_free);
          g_clear_signal_handler (&self->delivered_id, self->session);
          self->next_send = now;
          set_mode (self, TANDEM_RFB_TUNNEL_MODE_UNACKED);
        }
    }
  watch_input (self);
  return G_SOURCE_REMOVE;
}

static void
on_delivered (TandemMsrpSession *session,
              guint64            tag,
              gpointer           user_data)
{
  TandemRfbTunnel *self = user_data;

  if (self->window == NULL)
    return;
  self->last_ack = g_get_monotonic_time ();
  if (tandem_send_window_acked (self->window, self->last_ack, tag))
    watch_input (self);
}

static void
stop_sources (TandemRfbTunnel *self)
{
  if (self->in_source != NULL)
    {
      g_source_destroy (self->in_source);
      g_clear_pointer (&self->in_source, g_source_unref);
    }
  if (self->out_source != NULL)
    {
      g_source_destroy (self->out_source);
      g_clear_pointer (&self->out_source, g_source_unref);
    }
}

static void
shut_down (TandemRfbTunnel *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  stop_sources (self);
  g_clear_handle_id (&self->pace_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);
  g_clear_signal_handler (&self->delivered_id, self->session);
  g_socket_close (self->socket, NULL);
  g_clear_signal_handler (&self->data_id, self->session);
  g_clear_signal_handler (&self->closed_id, self->session);
  tandem_msrp_session_close (self->session);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TandemRfbTunnel) self = user_data;
  g_autoptr(GError) error = NULL;

  self->in_flight--;
  if (!tandem_msrp_session_send_finish (TANDEM_MSRP_SESSION (source), result, &error))
    {
      g_debug ("Sending to the peer failed: %s", error->message);
      shut_down (self);
      return;
    }
  watch_input (self);
}

static gboolean
on_local_readable (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  TandemRfbTunnel *self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  guint8 *frame;
  gsize offset, capacity;

  /* read straight into a frame: the body is never copied */
  frame = tandem_msrp_session_new_frame (self->session, &offset, &capacity);
  n = g_socket_receive (socket, (char *) frame + offset, capacity, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      tandem_msrp_session_free_frame (self->session, frame);
      return G_SOURCE_CONTINUE;
    }
  if (n <= 0)
    {
      tandem_msrp_session_free_frame (self->session, frame);
      g_clear_pointer (&self->in_source, g_source_unref);
      shut_down (self);
      return G_SOURCE_REMOVE;
    }
  self->to_peer += n;
  self->in_flight++;
  if (self->mode == TANDEM_RFB_TUNNEL_MODE_WINDOW)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean report = tandem_send_window_wants_report (self->window, n);
      guint64 tag = tandem_send_window_sent (self->window, now, n, report);

      if (report)
        tandem_msrp_session_send_frame_reported_async (self->session, frame, n, tag, NULL, on_sent,
                                                       g_object_ref (self));
      else
        tandem_msrp_session_send_frame_async (self->session, frame, n, NULL, on_sent,
                                              g_object_ref (self));
    }
  else
    {
      if (self->mode == TANDEM_RFB_TUNNEL_MODE_UNACKED)
        {
          gint64 now = g_get_monotonic_time ();

          self->next_send = MAX (self->next_send,
                                 now - (gint64) UNACKED_BURST * G_USEC_PER_SEC / UNACKED_RATE)
                            + (gint64) n * G_USEC_PER_SEC / UNACKED_RATE;
        }
      tandem_msrp_session_send_frame_async (self->session, frame, n, NULL, on_sent,
                                            g_object_ref (self));
    }
  if (self->in_flight >= MAX_IN_FLIGHT || send_delay (self, g_get_monotonic_time ()) != 0)
    {
      g_clear_pointer (&self->in_source, g_source_unref);
      watch_input (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_input (TandemRfbTunnel *self)
{
  gint64 now, delay;

  if (self->closed || self->in_source != NULL || self->in_flight >= MAX_IN_FLIGHT)
    return;
  now = g_get_monotonic_time ();
  delay = send_delay (self, now);
  if (delay > 0)
    {
      /* pacing: wait that long */
      if (self->pace_id == 0)
        self->pace_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((delay + 999) / 1000),
                                            on_pace, self, NULL);
      return;
    }
  if (delay < 0)
    {
      /* a full window: a REPORT calls back; this checks for a peer that
       * does not REPORT */
      if (self->stall_id == 0)
        {
          gint64 oldest = tandem_send_window_oldest_unacked (self->window);
          TandemSendWindowStats st;
          gint64 wait;

          tandem_send_window_get_stats (self->window, &st);
          if (st.reports == 0 && oldest != 0)
            wait = MAX (oldest + FIRST_REPORT_TIMEOUT_US - now, 1000);
          else
            wait = MAX (self->last_ack + STALL_TIMEOUT_US - now, 1000);
          self->stall_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((wait + 999) / 1000),
                                               on_stall_check, self, NULL);
        }
      return;
    }
  self->in_source = g_socket_create_source (self->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->in_source, G_SOURCE_FUNC (on_local_readable), self, NULL);
  /* no fd removal and re-adding around each dispatch (a context wakeup
   * each way); nothing here runs a main loop */
  g_source_set_can_recurse (self->in_source, TRUE);
  g_source_attach (self->in_source, NULL);
}

/* Writes what is pending; TRUE when all of it went out. */
static gboolean
flush_pending (TandemRfbTunnel *self)
{
  while (self->pending_off < self->pending->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (self->socket, (const char *) self->pending->data + self->pending_off,
                                self->pending->len - self->pending_off, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      if (n < 0)
        {
          g_debug ("Writing to the local VNC socket failed: %s", error->message);
          shut_down (self);
          return FALSE;
        }
      self->pending_off += n;
    }
  g_byte_array_set_size (self->pending, 0);
  self->pending_off = 0;
  return TRUE;
}

static gboolean
on_local_writable (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  TandemRfbTunnel *self = user_data;

  if (!flush_pending (self))
    return self->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
  g_clear_pointer (&self->out_source, g_source_unref);
  tandem_msrp_session_set_receiving (self->session, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_data_received (TandemMsrpSession *session,
                  GBytes            *bytes,
                  gpointer           user_data)
{
  TandemRfbTunnel *self = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  self->from_peer += len;
  if (self->pending->len == self->pending_off && self->out_source == NULL && !self->closed)
    {
      /* common case: straight to the socket, keep only what did not fit */
      gssize n = g_socket_send (self->socket, (const char *) data, len, NULL, NULL);

      if (n > 0)
        {
          data += n;
          len -= n;
        }
      if (len == 0)
        return;
    }
  g_byte_array_append (self->pending, data, len);
  self->max_buffered = MAX (self->max_buffered, self->pending->len - self->pending_off);
  if (self->out_source != NULL || flush_pending (self) || self->closed)
    return;
  /* the VNC side is slow: stop reading the peer until it drains */
  tandem_msrp_session_set_receiving (self->session, FALSE);
  self->out_source = g_socket_create_source (self->socket, G_IO_OUT | G_IO_ERR | G_IO_HUP, NULL);
  g_source_set_callback (self->out_source, G_SOURCE_FUNC (on_local_writable), self, NULL);
  g_source_attach (self->out_source, NULL);
}

static void
on_session_closed (TandemMsrpSession *session,
                   gpointer           user_data)
{
  TandemRfbTunnel *self = user_data;

  /* one last non-blocking attempt at what is pending, then EOF */
  if (self->pending->len > self->pending_off)
    flush_pending (self);
  shut_down (self);
}

TandemRfbTunnel *
tandem_rfb_tunnel_new (TandemMsrpSession *session,
                       int                fd,
                       GError           **error)
{
  g_autoptr(TandemRfbTunnel) self = g_object_new (TANDEM_TYPE_RFB_TUNNEL, NULL);

  g_return_val_if_fail (tandem_msrp_session_is_ready (session), NULL);
  self->socket = g_socket_new_from_fd (fd, error);
  if (self->socket == NULL)
    return NULL;
  g_socket_set_blocking (self->socket, FALSE);
  self->session = g_object_ref (session);
  self->data_id = g_signal_connect (session, "data-received", G_CALLBACK (on_data_received), self);
  self->closed_id = g_signal_connect (session, "closed", G_CALLBACK (on_session_closed), self);
  if (tandem_msrp_session_get_via_relay (session))
    {
      self->window = tandem_send_window_new ();
      self->last_ack = g_get_monotonic_time ();
      self->delivered_id = g_signal_connect (session, "delivered", G_CALLBACK (on_delivered), self);
      set_mode (self, TANDEM_RFB_TUNNEL_MODE_WINDOW);
    }
  else
    set_mode (self, TANDEM_RFB_TUNNEL_MODE_DIRECT);
  watch_input (self);
  return g_steal_pointer (&self);
}

/* Bytes received from the peer and not yet taken by the VNC side. */
gsize
tandem_rfb_tunnel_get_buffered_bytes (TandemRfbTunnel *self)
{
  return self->pending->len - self->pending_off;
}

gsize
tandem_rfb_tunnel_get_max_buffered (TandemRfbTunnel *self)
{
  return self->max_buffered;
}

guint64
tandem_rfb_tunnel_get_bytes_to_peer (TandemRfbTunnel *self)
{
  return self->to_peer;
}

guint64
tandem_rfb_tunnel_get_bytes_from_peer (TandemRfbTunnel *self)
{
  return self->from_peer;
}

TandemRfbTunnelMode
tandem_rfb_tunnel_get_mode (TandemRfbTunnel *self)
{
  return self->mode;
}

/* FALSE unless the stream runs in WINDOW mode. */
gboolean
tandem_rfb_tunnel_get_window_stats (TandemRfbTunnel       *self,
                                    TandemSendWindowStats *stats)
{
  if (self->window == NULL)
    return FALSE;
  tandem_send_window_get_stats (self->window, stats);
  return TRUE;
}

void
tandem_rfb_tunnel_close (TandemRfbTunnel *self)
{
  shut_down (self);
}

static void
tandem_rfb_tunnel_dispose (GObject *object)
{
  TandemRfbTunnel *self = TANDEM_RFB_TUNNEL (object);

  stop_sources (self);
  g_clear_handle_id (&self->pace_id, g_source_remove);
  g_clear_handle_id (&self->stall_id, g_source_remove);
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->data_id, self->session);
      g_clear_signal_handler (&self->closed_id, self->session);
      g_clear_signal_handler (&self->delivered_id, self->session);
    }
  g_clear_pointer (&self->window, tandem_send_window_free);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tandem_rfb_tunnel_parent_class)->dispose (object);
}

static void
tandem_rfb_tunnel_finalize (GObject *object)
{
  TandemRfbTunnel *self = TANDEM_RFB_TUNNEL (object);

  g_byte_array_unref (self->pending);
  G_OBJECT_CLASS (tandem_rfb_tunnel_parent_class)->finalize (object);
}

static void
tandem_rfb_tunnel_class_init (TandemRfbTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_rfb_tunnel_dispose;
  object_class->finalize = tandem_rfb_tunnel_finalize;

  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tandem_rfb_tunnel_init (TandemRfbTunnel *self)
{
  self->pending = g_byte_array_new ();
}
