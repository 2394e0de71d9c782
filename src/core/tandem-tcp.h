/* tandem-tcp.h: what the share media asks of the kernel's TCP: the local
 * address a connection to the world would leave from, and keepalives
 * that see a dead path in a bounded time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The address the default route leaves from ("127.0.0.1" if none). */
char  *tandem_tcp_pick_local_address (void);
/* Seconds of silence before the first keepalive probe, for a loss to be
 * seen within @keepalive_s. */
guint  tandem_tcp_keepalive_idle     (guint      keepalive_s);
/* On @stream's socket (under TLS too): keepalives and TCP_USER_TIMEOUT so
 * that a dead path is noticed within @keepalive_s. */
void   tandem_tcp_set_keepalive      (GIOStream *stream,
                                      guint      keepalive_s);

G_END_DECLS
