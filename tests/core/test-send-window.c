/* test-send-window.c: TandemSendWindow on a simulated path (simulated
 * clock, no real time): a bottleneck of a given rate with a FIFO in front
 * of it (the relay's buffers and the access link's queue), a one-way
 * delay each way, REPORTs coming back for the messages that ask for one.
 *
 *  - it starts below what a cold relay holds and never sends past the
 *    window;
 *  - at 2 Mbit/s the FIFO never holds more than a relay's write queue
 *    and socket buffer take;
 *  - at 50 Mbit/s it is not throttled: most of the rate is used;
 *  - the window shrinks when the round trip climbs (the rate drops under
 *    it) and grows back when it is low again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-send-window"

#include "config.h"

#include <string.h>
#include <glib.h>

#include "tandem-send-window.h"

#define MSG 8192
#define STEP_US 100

typedef struct {
  guint64 tag;
  gsize   len;
  gboolean reported;
  gint64  done;      /* when the bottleneck has sent its last byte */
} Msg;

typedef struct {
  TandemSendWindow *w;
  GQueue            fifo;       /* of Msg, waiting for or in the bottleneck */
  GQueue            acks;       /* of Msg, REPORTs on their way back */
  guint64           rate;       /* bytes/s */
  gint64            one_way;    /* us */
  gint64            now;
  gint64            busy_until;
  guint64           queued;     /* bytes in the FIFO not yet through */
  guint64           max_queued;
  guint64           delivered;
  guint64           max_in_flight;
} Path;

static void
path_init (Path    *p,
           guint64  bits_per_s,
           gint64   one_way_ms)
{
  memset (p, 0, sizeof *p);
  p->w = tandem_send_window_new ();
  g_queue_init (&p->fifo);
  g_queue_init (&p->acks);
  p->rate = bits_per_s / 8;
  p->one_way = one_way_ms * 1000;
}

static void
path_clear (Path *p)
{
  g_queue_clear_full (&p->fifo, g_free);
  g_queue_clear_full (&p->acks, g_free);
  tandem_send_window_free (p->w);
}

/* Runs the path for @us of simulated time with a sender that always has
 * data. */
static void
path_run (Path  *p,
          gint64 us)
{
  gint64 end = p->now + us;

  for (; p->now < end; p->now += STEP_US)
    {
      Msg *m;
      TandemSendWindowStats st;

      /* REPORTs that are back */
      while ((m = g_queue_peek_head (&p->acks)) != NULL && m->done + p->one_way <= p->now)
        {
          g_queue_pop_head (&p->acks);
          tandem_send_window_acked (p->w, p->now, m->tag);
          g_free (m);
        }
      /* the bottleneck: FIFO, one message after the other */
      while ((m = g_queue_peek_head (&p->fifo)) != NULL)
        {
          if (m->done == 0)
            {
              gint64 start = MAX (p->busy_until, p->now);

              m->done = start + (gint64) (m->len * G_USEC_PER_SEC / p->rate) + p->one_way;
              p->busy_until = start + (gint64) (m->len * G_USEC_PER_SEC / p->rate);
            }
          if (p->busy_until - (gint64) (m->len * G_USEC_PER_SEC / p->rate) > p->now)
            break;  /* not started yet */
          if (m->done - p->one_way > p->now)
            break;  /* still being sent */
          g_queue_pop_head (&p->fifo);
          p->queued -= m->len;
          p->delivered += m->len;
          if (m->reported)
            g_queue_push_tail (&p->acks, m);
          else
            g_free (m);
        }
      /* the sender */
      while (tandem_send_window_when (p->w, p->now, MSG) == 0)
        {
          m = g_new0 (Msg, 1);
          m->len = MSG;
          m->reported = tandem_send_window_wants_report (p->w, MSG);
          m->tag = tandem_send_window_sent (p->w, p->now, MSG, m->reported);
          g_queue_push_tail (&p->fifo, m);
          p->queued += MSG;
        }
      p->max_queued = MAX (p->max_queued, p->queued);
      tandem_send_window_get_stats (p->w, &st);
      p->max_in_flight = MAX (p->max_in_flight, st.in_flight);
    }
}

static void
test_start (void)
{
  g_autoptr(TandemSendWindow) w = tandem_send_window_new ();
  gsize sent = 0;

  /* without any acknowledgement: at most the initial window (+ one
   * message), below the 32 KiB a cold relay holds */
  while (tandem_send_window_when (w, 0, MSG) == 0 && sent < 1024 * 1024)
    {
      tandem_send_window_sent (w, 0, MSG, tandem_send_window_wants_report (w, MSG));
      sent += MSG;
    }
  g_assert_cmpuint (sent, <=, TANDEM_SEND_WINDOW_INITIAL + MSG);
  g_assert_cmpuint (sent, <, 32 * 1024);
  g_assert_cmpint (tandem_send_window_when (w, 0, MSG), ==, -1);
  /* the message that filled the window asked for a REPORT */
  g_assert_cmpint (tandem_send_window_oldest_unacked (w), ==, 0 + 0);
  g_assert_true (tandem_send_window_acked (w, 60000, sent));
  g_assert_cmpint (tandem_send_window_when (w, 60000, MSG), >=, 0);
  /* an unknown tag changes nothing */
  g_assert_false (tandem_send_window_acked (w, 60000, 12345));
}

static void
test_slow_link (void)
{
  Path p;
  TandemSendWindowStats st;

  path_init (&p, 2 * 1000 * 1000, 25);
  path_run (&p, 20 * G_USEC_PER_SEC);
  tandem_send_window_get_stats (p.w, &st);
  g_test_message ("2 Mbit/s: delivered %.2f Mbit/s, max FIFO %" G_GUINT64_FORMAT " B, window %"
                  G_GUINT64_FORMAT ", min rtt %.1f ms, %u shrinks", p.delivered * 8.0 / 20 / 1e6,
                  p.max_queued, st.window, st.min_rtt / 1000.0, st.shrinks);
  /* a relay holds 32 KiB of write queue plus its socket buffer (16 KiB
   * at first): the FIFO stays below that */
  g_assert_cmpuint (p.max_queued, <=, 48 * 1024);
  /* and the link is used */
  g_assert_cmpfloat (p.delivered * 8.0 / 20, >=, 0.8 * 2e6);
  path_clear (&p);
}

static void
test_fast_link (void)
{
  Path p;
  TandemSendWindowStats st;
  guint64 before;

  path_init (&p, 50 * 1000 * 1000, 25);
  path_run (&p, 5 * G_USEC_PER_SEC);
  before = p.delivered;
  path_run (&p, 10 * G_USEC_PER_SEC);
  tandem_send_window_get_stats (p.w, &st);
  g_test_message ("50 Mbit/s: delivered %.2f Mbit/s, max FIFO %" G_GUINT64_FORMAT " B, window %"
                  G_GUINT64_FORMAT ", min rtt %.1f ms", (p.delivered - before) * 8.0 / 10 / 1e6,
                  p.max_queued, st.window, st.min_rtt / 1000.0);
  g_assert_cmpfloat ((p.delivered - before) * 8.0 / 10, >=, 0.8 * 50e6);
  /* the queue (the relay's socket buffer, which TCP autotuning grows to
   * hold what the relay's connection has in flight, and the link's own
   * queue) holds about what the path holds (rate x RTT) at most: the
   * overshoot at the end of slow start, one round trip late */
  g_assert_cmpuint (p.max_queued, <=, p.rate * (2 * p.one_way) / G_USEC_PER_SEC * 5 / 4);
  path_clear (&p);
}

static void
test_rate_drop (void)
{
  Path p;
  TandemSendWindowStats fast, slow, again;
  guint64 max_before;

  path_init (&p, 10 * 1000 * 1000, 25);
  path_run (&p, 5 * G_USEC_PER_SEC);
  tandem_send_window_get_stats (p.w, &fast);
  /* the link drops to 1 Mbit/s: the round trip climbs, the window
   * shrinks and the queue drains to a relay-safe size */
  p.rate = 1000 * 1000 / 8;
  p.max_queued = 0;
  path_run (&p, 10 * G_USEC_PER_SEC);
  max_before = p.max_queued;
  p.max_queued = 0;
  path_run (&p, 5 * G_USEC_PER_SEC);
  tandem_send_window_get_stats (p.w, &slow);
  g_test_message ("window %" G_GUINT64_FORMAT " at 10 Mbit/s, %" G_GUINT64_FORMAT
                  " at 1 Mbit/s (%u shrinks); FIFO up to %" G_GUINT64_FORMAT " right after the drop, %"
                  G_GUINT64_FORMAT " later", fast.window, slow.window, slow.shrinks, max_before, p.max_queued);
  g_assert_cmpuint (slow.window, <, fast.window);
  g_assert_cmpuint (slow.shrinks, >, fast.shrinks);
  g_assert_cmpuint (p.max_queued, <=, 48 * 1024);
  /* and back up: the window grows again */
  p.rate = 10 * 1000 * 1000 / 8;
  path_run (&p, 10 * G_USEC_PER_SEC);
  tandem_send_window_get_stats (p.w, &again);
  g_assert_cmpuint (again.window, >, slow.window);
  path_clear (&p);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/send-window/start", test_start);
  g_test_add_func ("/send-window/slow-link", test_slow_link);
  g_test_add_func ("/send-window/fast-link", test_fast_link);
  g_test_add_func ("/send-window/rate-drop", test_rate_drop);
  return g_test_run ();
}
