/* interop-peer.h: a foreign SIP client (linphonec, baresip) run as a
 * child process by a test, and the small things such tests share.
 *
 * A foreign peer runs in its own process group with PR_SET_PDEATHSIG =
 * SIGTERM, stdin on a pipe the test writes commands to, stdout and
 * stderr in a log file the test reads.  interop_peer_stop() asks it to
 * quit (optional command), then SIGTERM to its pid, SIGTERM and SIGKILL
 * to its group: only what the test started is ever signalled.  Every
 * wait is bounded and iterates the default main context, so whatever
 * the test runs there (a TandemManager) keeps running meanwhile.
 *
 * GLib and GIO only: tests of the application (tests/ui), which drive
 * Tandem over D-Bus, use it too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-test-wait.h"

G_BEGIN_DECLS

gboolean        interop_on_poll_tick (gpointer data);

/* Iterate the default main context until @cond holds or @ms passed.  The
 * conditions here are polled (a peer's log file, a socket read without a
 * source), so the wait wakes every 20 ms to look again: without a
 * TandemManager in the process (tests of the application), nothing else
 * would wake it before the deadline. */
#define INTEROP_WAIT_UNTIL(cond, ms) G_STMT_START {                             \
    guint tick_ = g_timeout_add (20, interop_on_poll_tick, NULL);                \
    TANDEM_TEST_WAIT_UNTIL (cond, ms);                                           \
    g_source_remove (tick_);                                                     \
  } G_STMT_END

void            interop_sleep_ms (guint ms);

typedef struct _InteropPeer InteropPeer;

InteropPeer    *interop_peer_spawn     (const char * const *argv,
                                        const char         *home,
                                        const char         *log_path,
                                        GError            **error);
GPid            interop_peer_get_pid   (InteropPeer        *self);
gboolean        interop_peer_exited    (InteropPeer        *self);
const char     *interop_peer_get_log_path (InteropPeer     *self);
/* Writes @line and a newline to the peer's stdin. */
void            interop_peer_send_line (InteropPeer        *self,
                                        const char         *line);
/* The whole log so far (never NULL). */
char           *interop_peer_read_log  (InteropPeer        *self);
gsize           interop_peer_log_size  (InteropPeer        *self);
/* Does the log contain @needle at or after byte @from? */
gboolean        interop_peer_log_has   (InteropPeer        *self,
                                        gsize               from,
                                        const char         *needle);
/* Waits (bounded) until the log has @needle after @from. */
gboolean        interop_peer_wait_log  (InteropPeer        *self,
                                        gsize               from,
                                        const char         *needle,
                                        guint               timeout_ms);
/* Sends @quit_command (may be NULL), waits up to @grace_ms for the exit,
 * then signals as described above.  Frees @self. */
void            interop_peer_stop      (InteropPeer        *self,
                                        const char         *quit_command,
                                        guint               grace_ms);
/* The last @max_bytes of the log, for failure messages. */
char           *interop_peer_log_tail  (InteropPeer        *self,
                                        gsize               max_bytes);

/* A free TCP port on 127.0.0.1 (bound, then released: a tiny race). */
guint16         interop_free_tcp_port  (void);
/* Writes @seconds of a 440 Hz tone, 8 kHz mono 16-bit PCM, to @path. */
void            interop_write_tone_wav (const char         *path,
                                        guint               seconds);
void            interop_write_silence_wav (const char      *path,
                                        guint               seconds);
char           *interop_make_tmp_dir   (const char         *name);
void            interop_remove_dir     (const char         *path);

G_END_DECLS
