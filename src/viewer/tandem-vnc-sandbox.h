/* tandem-vnc-sandbox.h: how tandem-vnc-decoder confines itself.  Never
 * included outside src/viewer (and its test).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* No new privileges, and a seccomp filter: reading, writing and polling
 * fds it has, memory (never executable), memfds for the screen, time and
 * exit.  Opening a file fails with EACCES; any other system call (a
 * socket, a process, ptrace, exec, ...) kills the process.  Irreversible.
 * Returns 0 on failure (errno set), 1 once confined. */
int tandem_vnc_sandbox_confine (void);
