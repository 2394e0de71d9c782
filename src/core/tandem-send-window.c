/* tandem-send-window.c: see the header and src/core/README.md ("Send
 * window") for the algorithm.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-send-window"

#include "tandem-send-window.h"

/* Queueing delay (RTT above the minimum) taken as "the path is filling":
 * half the minimum RTT, at least 10 ms (a relay on the same host has an
 * RTT well below a millisecond, and a relay's REPORT path jitters by a few
 * ms) and at most 40 ms. */
#define QUEUE_DELAY_MIN_US   (10 * 1000)
#define QUEUE_DELAY_MAX_US   (40 * 1000)
#define SLOW_START_EXIT_MIN_US (4 * 1000)
/* The delivery rate is the largest sample of the last two epochs. */
#define RATE_EPOCH_US        (1000 * 1000)
/* The minimum RTT is forgotten after this long without a lower sample. */
#define MIN_RTT_EPOCH_US     (10 * 1000 * 1000)
/* Pacing: the rate times this gain (growing), times 1 when shrunk. */
#define GAIN_GROW            1.25
#define GAIN_SLOW_START      1.5
#define PACE_BURST           (16 * 1024)
/* Ask for a REPORT at least every so many bytes, and at least 8 times
 * per window. */
#define REPORT_EVERY_MIN     (8 * 1024)
#define MAX_RECORDS          4096

typedef struct {
  guint64 tag;             /* the stream offset just after this message */
  gsize   len;
  gint64  sent;
  guint64 acked_at_send;   /* self->acked when it was sent */
  gint64  acked_time;      /* when that much had been acked */
} Record;

struct _TandemSendWindow {
  guint64 window;
  guint64 sent;            /* bytes sent: the tag of the next message end */
  guint64 acked;           /* highest acknowledged tag */
  gint64  acked_time;      /* when it was acknowledged (0: never) */
  guint64 since_report;    /* bytes sent since the last reported message */
  GQueue  records;         /* of Record, reported messages in flight */

  gint64  min_rtt;
  gint64  min_rtt_stamp;
  gint64  epoch_min_rtt;
  gint64  srtt;
  gint64  recent[4];       /* the last RTT samples (0: none) */
  guint   recent_next;

  guint64 rate[2];         /* max delivery rate of this and the last epoch */
  gint64  rate_epoch;

  gboolean slow_start;
  gint64  shrunk_until;    /* no second cut within one RTT */
  gint64  next_send;       /* pacing: earliest time of the next send */
  guint   reports;
  guint   shrinks;
};

TandemSendWindow *
tandem_send_window_new (void)
{
  TandemSendWindow *self = g_new0 (TandemSendWindow, 1);

  self->window = TANDEM_SEND_WINDOW_INITIAL;
  self->slow_start = TRUE;
  g_queue_init (&self->records);
  return self;
}

void
tandem_send_window_free (TandemSendWindow *self)
{
  if (self == NULL)
    return;
  g_queue_clear_full (&self->records, g_free);
  g_free (self);
}

static guint64
get_rate (TandemSendWindow *self)
{
  return MAX (self->rate[0], self->rate[1]);
}

static guint64
get_pacing_rate (TandemSendWindow *self)
{
  guint64 rate = get_rate (self);

  if (rate == 0)
    return 0;
  /* a little above the rate, always: pacing at the measured rate alone
   * would never measure more (the window handles a queue) */
  return rate * (self->slow_start ? GAIN_SLOW_START : GAIN_GROW);
}

/* 0: @len bytes may go now; > 0: microseconds until pacing allows it;
 * -1: not before an acknowledgement frees the window. */
gint64
tandem_send_window_when (TandemSendWindow *self,
                         gint64            now,
                         gsize             len)
{
  guint64 in_flight = self->sent - self->acked;

  /* one message may overshoot the window, never start beyond it */
  if (in_flight > 0 && in_flight + len > self->window)
    return -1;
  if (self->next_send > now)
    return self->next_send - now;
  return 0;
}

/* Whether the message of @len bytes about to go should ask for a REPORT. */
gboolean
tandem_send_window_wants_report (TandemSendWindow *self,
                                 gsize             len)
{
  guint64 every = MAX (REPORT_EVERY_MIN, self->window / 8);
  guint64 in_flight = self->sent - self->acked;

  /* the message that fills the window always does: the next send waits
   * for its acknowledgement */
  return self->since_report + len >= every ||
         in_flight + len + REPORT_EVERY_MIN > self->window;
}

/* Returns the message's tag (its end offset in the stream). */
guint64
tandem_send_window_sent (TandemSendWindow *self,
                         gint64            now,
                         gsize             len,
                         gboolean          reported)
{
  guint64 pacing = get_pacing_rate (self);

  self->sent += len;
  if (pacing > 0)
    self->next_send = MAX (self->next_send, now - (gint64) PACE_BURST * G_USEC_PER_SEC / (gint64) pacing)
                      + (gint64) (len * G_USEC_PER_SEC / pacing);
  if (!reported)
    {
      self->since_report += len;
      return self->sent;
    }
  self->since_report = 0;
  if (g_queue_get_length (&self->records) < MAX_RECORDS)
    {
      Record *r = g_new (Record, 1);

      r->tag = self->sent;
      r->len = len;
      r->sent = now;
      r->acked_at_send = self->acked;
      r->acked_time = self->acked_time != 0 ? self->acked_time : now;
      g_queue_push_tail (&self->records, r);
    }
  return self->sent;
}

/* @queued: the sample less the message's own serialisation, for the
 * congestion signal; the minimum is of whole samples. */
static void
take_rtt (TandemSendWindow *self,
          gint64            now,
          gint64            rtt,
          gint64            queued)
{
  rtt = MAX (rtt, 1);
  self->recent[self->recent_next++ % G_N_ELEMENTS (self->recent)] = MAX (queued, 1);
  self->srtt = self->srtt == 0 ? rtt : (7 * self->srtt + rtt) / 8;
  if (self->epoch_min_rtt == 0 || rtt < self->epoch_min_rtt)
    self->epoch_min_rtt = rtt;
  if (self->min_rtt == 0 || rtt <= self->min_rtt)
    {
      self->min_rtt = rtt;
      self->min_rtt_stamp = now;
    }
  else if (now - self->min_rtt_stamp > MIN_RTT_EPOCH_US)
    {
      /* the path may have changed: the lowest of the last epoch */
      self->min_rtt = self->epoch_min_rtt;
      self->min_rtt_stamp = now;
      self->epoch_min_rtt = 0;
    }
}

/* The lowest of the last few samples: a queue raises them all, a single
 * late REPORT (a scheduling hiccup at either end or in a relay) does
 * not count as one. */
static gint64
recent_rtt (TandemSendWindow *self)
{
  gint64 low = G_MAXINT64;

  for (guint i = 0; i < G_N_ELEMENTS (self->recent); i++)
    if (self->recent[i] != 0)
      low = MIN (low, self->recent[i]);
  return low;
}

static void
take_rate (TandemSendWindow *self,
           gint64            now,
           guint64           rate)
{
  if (self->rate_epoch == 0)
    self->rate_epoch = now;
  if (now - self->rate_epoch > RATE_EPOCH_US)
    {
      self->rate[1] = self->rate[0];
      self->rate[0] = 0;
      self->rate_epoch = now;
    }
  self->rate[0] = MAX (self->rate[0], rate);
}

/* The far end has everything up to @tag.  FALSE if @tag is unknown. */
gboolean
tandem_send_window_acked (TandemSendWindow *self,
                          gint64            now,
                          guint64           tag)
{
  Record *r = NULL;
  guint64 newly;
  gint64 rtt, queue_delay, allowed;
  guint64 bdp;

  while (!g_queue_is_empty (&self->records))
    {
      Record *head = g_queue_peek_head (&self->records);

      if (head->tag > tag)
        break;
      g_free (r);
      r = g_queue_pop_head (&self->records);
    }
  if (r == NULL || r->tag != tag)
    {
      g_free (r);
      return FALSE;
    }
  newly = tag > self->acked ? tag - self->acked : 0;
  self->acked = MAX (self->acked, tag);
  self->acked_time = now;
  self->reports++;

  /* less the message's own serialisation at the rate: on a slow link an
   * 8 KiB message takes 33 ms at 2 Mbit/s more than a small one, which
   * is no queue (at most half the sample is taken off) */
  rtt = now - r->sent;
  take_rtt (self, now, rtt,
            get_rate (self) > 0 ? rtt - MIN ((gint64) (r->len * G_USEC_PER_SEC / get_rate (self)), rtt / 2)
                                : rtt);
  if (now > r->acked_time && self->acked > r->acked_at_send)
    take_rate (self, now, (self->acked - r->acked_at_send) * G_USEC_PER_SEC / (now - r->acked_time));
  g_free (r);

  allowed = CLAMP (self->min_rtt / 2, QUEUE_DELAY_MIN_US, QUEUE_DELAY_MAX_US);
  queue_delay = recent_rtt (self) - self->min_rtt;
  /* what the path holds without a queue: rate x minimum RTT */
  bdp = get_rate (self) * self->min_rtt / G_USEC_PER_SEC;

  /* slow start ends at the first sign of a queue, a single sample an
   * eighth of the minimum RTT (at least 4 ms) above it: doubling per round trip overshoots by up
   * to a whole window before a filtered signal would show it */
  if (self->slow_start && self->recent[(self->recent_next - 1) % G_N_ELEMENTS (self->recent)]
                          - self->min_rtt > MAX (SLOW_START_EXIT_MIN_US, self->min_rtt / 8))
    self->slow_start = FALSE;
  if (queue_delay <= allowed)
    {
      /* no queue building: grow, by half of what was acknowledged in
       * slow start (x1.5 per round trip: the overshoot before the RTT
       * shows it stays within half of what the path holds), else by an
       * eighth (+12.5% per round trip), and at twice what the path
       * holds, no less and hardly more (pacing above the rate lets the
       * measured rate, and so the window, grow 25% per round trip; a
       * sudden drop of the rate never finds more than that in flight) */
      if (self->slow_start)
        self->window += newly / 2;
      else
        self->window = MAX (MIN (self->window + newly / 8,
                                 MAX (self->window, 2 * bdp + TANDEM_SEND_WINDOW_MIN)),
                            2 * bdp);
    }
  else if (now >= self->shrunk_until)
    {
      /* a queue is building somewhere on the path (the relay's buffers
       * or the access link): back off to what the path holds plus a
       * little, once per round trip */
      guint64 target = bdp + bdp / 4 + TANDEM_SEND_WINDOW_MIN;

      self->slow_start = FALSE;
      self->window = MIN (self->window * 3 / 4, MAX (target, self->window / 2));
      self->shrunk_until = now + rtt;
      self->shrinks++;
    }
  self->window = CLAMP (self->window, TANDEM_SEND_WINDOW_MIN, TANDEM_SEND_WINDOW_MAX);
  g_debug ("ack %" G_GUINT64_FORMAT ": rtt %.1f ms (min %.1f, recent %.1f), window %" G_GUINT64_FORMAT
           ", in flight %" G_GUINT64_FORMAT ", rate %.2f Mbit/s%s", newly, rtt / 1000.0,
           self->min_rtt / 1000.0, recent_rtt (self) / 1000.0, self->window, self->sent - self->acked,
           get_rate (self) * 8 / 1e6, self->slow_start ? ", slow start" : "");
  return TRUE;
}

/* When the oldest reported message still waiting for its REPORT was
 * sent, or 0. */
gint64
tandem_send_window_oldest_unacked (TandemSendWindow *self)
{
  Record *r = g_queue_peek_head (&self->records);

  return r != NULL ? r->sent : 0;
}

void
tandem_send_window_get_stats (TandemSendWindow      *self,
                              TandemSendWindowStats *stats)
{
  stats->window = self->window;
  stats->in_flight = self->sent - self->acked;
  stats->rate = get_rate (self);
  stats->pacing_rate = get_pacing_rate (self);
  stats->min_rtt = self->min_rtt;
  stats->srtt = self->srtt;
  stats->acked = self->acked;
  stats->reports = self->reports;
  stats->shrinks = self->shrinks;
  stats->slow_start = self->slow_start;
}
