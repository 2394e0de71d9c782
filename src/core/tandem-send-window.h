/* tandem-send-window.h: the end-to-end send window of a relayed share
 * stream (the algorithm is in src/core/README.md, "Send window").
 *
 * A plain struct driven by the caller's clock (monotonic microseconds),
 * so that tests can feed it any history.  The caller asks when() before
 * each message, tells sent() after it, and acked() when the far end's
 * REPORT for a reported message arrives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_SEND_WINDOW_INITIAL   (24 * 1024)
#define TANDEM_SEND_WINDOW_MIN       (16 * 1024)
#define TANDEM_SEND_WINDOW_MAX       (8 * 1024 * 1024)

typedef struct _TandemSendWindow TandemSendWindow;

typedef struct {
  guint64 window;          /* bytes that may be unacknowledged */
  guint64 in_flight;       /* sent, not yet acknowledged */
  guint64 rate;            /* bytes/s delivered (windowed max), 0 unknown */
  guint64 pacing_rate;     /* bytes/s sent at most, 0 unpaced */
  gint64  min_rtt;         /* us, 0 unknown */
  gint64  srtt;            /* us, 0 unknown */
  guint64 acked;           /* bytes acknowledged in all */
  guint   reports;         /* acknowledgements taken */
  guint   shrinks;         /* times the window was cut for a rising RTT */
  gboolean slow_start;
} TandemSendWindowStats;

TandemSendWindow *tandem_send_window_new          (void);
void              tandem_send_window_free         (TandemSendWindow *self);
gint64            tandem_send_window_when         (TandemSendWindow *self,
                                                   gint64            now,
                                                   gsize             len);
gboolean          tandem_send_window_wants_report (TandemSendWindow *self,
                                                   gsize             len);
guint64           tandem_send_window_sent         (TandemSendWindow *self,
                                                   gint64            now,
                                                   gsize             len,
                                                   gboolean          reported);
gboolean          tandem_send_window_acked        (TandemSendWindow *self,
                                                   gint64            now,
                                                   guint64           tag);
gint64            tandem_send_window_oldest_unacked (TandemSendWindow *self);
void              tandem_send_window_get_stats    (TandemSendWindow *self,
                                                   TandemSendWindowStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemSendWindow, tandem_send_window_free)

G_END_DECLS
