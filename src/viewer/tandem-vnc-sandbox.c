/* tandem-vnc-sandbox.c: the seccomp filter of tandem-vnc-decoder.
 *
 * The decoder parses a stranger's RFB stream with libvncclient.  Whatever
 * a bug in it lets the stranger run, this leaves it no file, socket,
 * process or executable memory to get at: only the stream, the control
 * socket to Tandem and its own memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <seccomp.h>

#include "tandem-vnc-sandbox.h"

int
tandem_vnc_sandbox_confine (void)
{
  static const int allowed[] = {
    /* the stream and the control socket */
    SCMP_SYS (read), SCMP_SYS (write), SCMP_SYS (readv), SCMP_SYS (writev),
    SCMP_SYS (recvfrom), SCMP_SYS (recvmsg), SCMP_SYS (sendto), SCMP_SYS (sendmsg),
    SCMP_SYS (poll), SCMP_SYS (ppoll), SCMP_SYS (select), SCMP_SYS (pselect6),
    SCMP_SYS (close), SCMP_SYS (shutdown), SCMP_SYS (lseek), SCMP_SYS (fstat),
    SCMP_SYS (newfstatat), SCMP_SYS (statx), SCMP_SYS (setsockopt), SCMP_SYS (getsockopt),
    SCMP_SYS (getpeername), SCMP_SYS (getsockname),
    /* memory, and the screen's memfd */
    SCMP_SYS (brk), SCMP_SYS (munmap), SCMP_SYS (mremap), SCMP_SYS (madvise),
    SCMP_SYS (memfd_create), SCMP_SYS (ftruncate), SCMP_SYS (fcntl),
    /* the C library and the sanitizers' runtime */
    SCMP_SYS (futex), SCMP_SYS (clock_gettime), SCMP_SYS (clock_nanosleep),
    SCMP_SYS (gettimeofday), SCMP_SYS (nanosleep), SCMP_SYS (getrandom),
    SCMP_SYS (getpid), SCMP_SYS (gettid), SCMP_SYS (rt_sigreturn),
    SCMP_SYS (rt_sigprocmask), SCMP_SYS (rt_sigaction), SCMP_SYS (sigaltstack),
    SCMP_SYS (restart_syscall), SCMP_SYS (sched_yield), SCMP_SYS (prlimit64),
    SCMP_SYS (exit), SCMP_SYS (exit_group),
  };
  scmp_filter_ctx ctx;
  int rc = 0;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return 0;
  ctx = seccomp_init (SCMP_ACT_KILL_PROCESS);
  if (ctx == NULL)
    {
      errno = ENOMEM;
      return 0;
    }
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && rc == 0; i++)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, allowed[i], 0);
  /* Memory, never executable. */
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (mmap), 1,
                           SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (mprotect), 1,
                           SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  /* Files: a clear "no" (a library that looks for one gets an error), not
   * a kill. */
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EACCES), SCMP_SYS (openat), 0);
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EACCES), SCMP_SYS (open), 0);
  if (rc == 0)
    rc = seccomp_load (ctx);
  seccomp_release (ctx);
  if (rc != 0)
    {
      errno = -rc;
      return 0;
    }
  return 1;
}
