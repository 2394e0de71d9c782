/* tandem-test-rtp-sniff.h: look at the RTP packets on the loopback
 * interface, to tell plain from encrypted audio.
 *
 * A packet socket (AF_PACKET, needs CAP_NET_RAW: the tests run as root in
 * CI) reads every UDP datagram on "lo" from a thread of the test.  RTP is
 * recognised by its header (version 2, an audio payload type); ZRTP by its
 * magic cookie.  Plain audio shows as payloads that repeat exactly within
 * one stream (silence, a tone): SRTP encrypts each packet with its own key
 * stream, so no two of its payloads are alike.
 *
 * Other tests may run calls on loopback at the same time: only packets
 * from or to a UDP port that one of the given processes has open count,
 * so stop the sniffer while the call is still up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TandemTestRtpSniff TandemTestRtpSniff;

typedef struct {
  guint rtp_packets;        /* RTP packets seen, any stream */
  guint rtp_repeated;       /* of those, payloads equal to an earlier one of their stream */
  guint zrtp_packets;       /* ZRTP handshake packets */
  guint streams;            /* distinct SSRCs */
} TandemTestRtpStats;

/* NULL with @error when the socket cannot be opened (no CAP_NET_RAW). */
TandemTestRtpSniff *tandem_test_rtp_sniff_start (GError             **error);
/* Stops the thread and returns what it saw to or from the UDP ports
 * the processes @pids (@n_pids of them) have open now. */
void                tandem_test_rtp_sniff_stop  (TandemTestRtpSniff  *self,
                                                 const GPid          *pids,
                                                 guint                n_pids,
                                                 TandemTestRtpStats  *out);

G_END_DECLS
