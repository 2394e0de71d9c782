/* tandem-test-fds.h: counting this process's open file descriptors, to
 * check that something left none behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Open fds, but for what GLib holds while it spawns and reaps children
 * (the viewer's decoders): pidfds until its worker thread has reaped them,
 * at a time of its own, and /dev/null for a child's stdin.  An fd closed
 * by another thread while counting is not counted. */
int tandem_test_count_fds (void);

G_END_DECLS
