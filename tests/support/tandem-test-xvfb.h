/* tandem-test-xvfb.h: a private X display for one test.
 *
 * tandem_test_xvfb_start() runs
 *   Xvfb -displayfd 3 -screen 0 WxHx24 -nolisten tcp -noreset +extension ...
 * Xvfb picks the first free display number itself (so parallel tests never
 * collide) and reports it once it accepts clients; start returns then (or
 * an error quoting Xvfb's log after 5 s).  width/height <= 0 mean
 * 1280x800.  MIT-SHM, XTEST, DAMAGE, XFIXES and RANDR are available.
 *
 *   g_autoptr(TandemTestXvfb) x = tandem_test_xvfb_start (0, 0, &error);
 *   g_assert_no_error (error);
 *   g_setenv ("DISPLAY", tandem_test_xvfb_get_display (x), TRUE);
 *
 * tandem_test_xvfb_stop() sends SIGTERM to Xvfb's pid (SIGKILL after 3 s)
 * and waits for it.  Start/stop from the main thread: Xvfb also gets
 * SIGTERM when the thread that started it exits.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TandemTestXvfb TandemTestXvfb;

TandemTestXvfb *tandem_test_xvfb_start       (int             width,
                                              int             height,
                                              GError        **error);
void            tandem_test_xvfb_stop        (TandemTestXvfb *self);

const char     *tandem_test_xvfb_get_display (TandemTestXvfb *self);
int             tandem_test_xvfb_get_number  (TandemTestXvfb *self);
int             tandem_test_xvfb_get_width   (TandemTestXvfb *self);
int             tandem_test_xvfb_get_height  (TandemTestXvfb *self);
GPid            tandem_test_xvfb_get_pid     (TandemTestXvfb *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestXvfb, tandem_test_xvfb_stop)

G_END_DECLS
