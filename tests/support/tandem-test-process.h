/* tandem-test-process.h: internal helper of the tandem-test-support library.
 *
 * Runs one helper process (kamailio, Xvfb) for a test fixture:
 *
 *   - in its own process group (its pid is the group id), so a stop can
 *     reach the children it forked and the helper's own group-wide signals
 *     never reach the test;
 *   - with PR_SET_PDEATHSIG = SIGTERM, so it goes away when the test dies
 *     (crash, abort, ctest timeout).  The death signal fires when the
 *     *thread* that spawned it exits: spawn from the main thread;
 *   - with stdout and stderr written to a log file.
 *
 * tandem_test_process_stop() sends SIGTERM to the pid, after 1 s to the
 * whole group, after @grace_ms SIGKILL to the group, and returns once the
 * process is reaped and no (non-zombie) member of its group is left.
 *
 * Every wait is bounded.  Not thread-safe; use from one thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TandemTestProcess TandemTestProcess;

TandemTestProcess *tandem_test_process_spawn    (const char * const *argv,
                                                 const char         *log_path,
                                                 int                 pass_fd,
                                                 int                 pass_fd_as,
                                                 GError            **error);
GPid               tandem_test_process_get_pid  (TandemTestProcess  *self);
gboolean           tandem_test_process_exited   (TandemTestProcess  *self);
gboolean           tandem_test_process_wait     (TandemTestProcess  *self,
                                                 guint               timeout_ms);
void               tandem_test_process_stop     (TandemTestProcess  *self,
                                                 guint               grace_ms);
gboolean           tandem_test_process_group_alive (GPid          pgid);
char              *tandem_test_read_log_tail    (const char         *path,
                                                 gsize               max_bytes);

G_END_DECLS
