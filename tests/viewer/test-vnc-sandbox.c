/* test-vnc-sandbox.c: the seccomp filter tandem-vnc-decoder confines
 * itself with, loaded in forked children: what it must still allow (the
 * stream, memory, the screen's memfd) works; opening a file fails with
 * EACCES; a socket, a process, exec, executable memory and a signal to
 * another process kill the child with SIGSYS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-vnc-sandbox"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>

#include "tandem-vnc-sandbox.h"

typedef enum {
  TRY_ALLOWED,
  TRY_OPEN,
  TRY_SOCKET,
  TRY_FORK,
  TRY_EXEC,
  TRY_MMAP_EXEC,
  TRY_MPROTECT_EXEC,
  TRY_KILL_OTHERS,
} Try;

/* Runs @what in a confined child; its exit status. */
static int
confined (Try what)
{
  int status;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int sv[2];

      /* Made before, as the decoder's fds are. */
      if (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) < 0 || !tandem_vnc_sandbox_confine ())
        _exit (100);
      switch (what)
        {
        case TRY_ALLOWED:
          {
            char byte = 'x';
            int fd = memfd_create ("screen", MFD_CLOEXEC | MFD_ALLOW_SEALING);
            void *map, *heap;

            if (fd < 0 || ftruncate (fd, 4096 * 16) < 0
                || fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
              _exit (1);
            map = mmap (NULL, 4096 * 16, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            heap = malloc (64 * 1024 * 1024);  /* mmap of anonymous memory */
            if (map == MAP_FAILED || heap == NULL)
              _exit (2);
            memset (heap, 1, 64 * 1024 * 1024);
            if (write (sv[0], &byte, 1) != 1 || read (sv[1], &byte, 1) != 1 || byte != 'x')
              _exit (3);
            _exit (0);
          }
        case TRY_OPEN:
          _exit (open ("/etc/hostname", O_RDONLY) < 0 && errno == EACCES ? 0 : 4);
        case TRY_SOCKET:
          socket (AF_INET, SOCK_STREAM, 0);
          _exit (5);
        case TRY_FORK:
          fork ();
          _exit (6);
        case TRY_EXEC:
          execl ("/bin/true", "true", NULL);
          _exit (7);
        case TRY_MMAP_EXEC:
          mmap (NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
          _exit (8);
        case TRY_MPROTECT_EXEC:
          {
            void *page = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

            mprotect (page, 4096, PROT_READ | PROT_EXEC);
            _exit (9);
          }
        case TRY_KILL_OTHERS:
          kill (getppid (), SIGSTOP);
          _exit (10);
        }
      _exit (99);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

static void
assert_exits_zero (Try what)
{
  int status = confined (what);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
assert_killed (Try what)
{
  int status = confined (what);

  g_assert_false (WIFEXITED (status));
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGSYS);
}

static void
test_allowed (void)
{
  assert_exits_zero (TRY_ALLOWED);
}

static void
test_no_files (void)
{
  assert_exits_zero (TRY_OPEN);
}

static void
test_killed (void)
{
  assert_killed (TRY_SOCKET);
  assert_killed (TRY_FORK);
  assert_killed (TRY_EXEC);
  assert_killed (TRY_MMAP_EXEC);
  assert_killed (TRY_MPROTECT_EXEC);
  assert_killed (TRY_KILL_OTHERS);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vnc-sandbox/allowed", test_allowed);
  g_test_add_func ("/vnc-sandbox/no-files", test_no_files);
  g_test_add_func ("/vnc-sandbox/killed", test_killed);
  return g_test_run ();
}
