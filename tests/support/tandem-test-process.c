/* tandem-test-process.c: bounded spawn / wait / stop of fixture processes */
#define G_LOG_DOMAIN "tandem-test-process"

#include "tandem-test-process.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

struct _TandemTestProcess
{
  GSubprocess  *subprocess;
  GMainContext *context;
  GPid          pid;
  gboolean      exited;
};

static void
child_setup (gpointer user_data)
{
  setpgid (0, 0);
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TandemTestProcess *self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  self->exited = TRUE;
}

TandemTestProcess *
tandem_test_process_spawn (const char * const *argv,
                           const char         *log_path,
                           int                 pass_fd,
                           int                 pass_fd_as,
                           GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  TandemTestProcess *self;
  GSubprocess *subprocess;

  /* stdin is /dev/null */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* GLib 2.74 opens it without O_TRUNC: a shorter run would leave the end
   * of the last one in the log (and a test reading it would find old
   * lines). */
  if (log_path != NULL)
    g_unlink (log_path);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (pass_fd >= 0)
    g_subprocess_launcher_take_fd (launcher, pass_fd, pass_fd_as);

  subprocess = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (subprocess == NULL)
    return NULL;

  self = g_new0 (TandemTestProcess, 1);
  self->subprocess = subprocess;
  self->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (subprocess),
                                      NULL, 10);
  self->context = g_main_context_new ();

  /* The wait's callback is dispatched on our private context, which the
   * bounded loops below iterate. */
  g_main_context_push_thread_default (self->context);
  g_subprocess_wait_async (subprocess, NULL, on_wait_done, self);
  g_main_context_pop_thread_default (self->context);

  return self;
}

GPid
tandem_test_process_get_pid (TandemTestProcess *self)
{
  return self->pid;
}

gboolean
tandem_test_process_exited (TandemTestProcess *self)
{
  while (g_main_context_iteration (self->context, FALSE))
    ;
  return self->exited;
}

gboolean
tandem_test_process_wait (TandemTestProcess *self,
                          guint              timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!tandem_test_process_exited (self))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

/* Does any process of group @pgid still run?  Zombies do not count: a
 * child orphaned by a SIGKILL may wait a while for init to reap it. */
gboolean
tandem_test_process_group_alive (GPid pgid)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (proc == NULL)
    return kill (-pgid, 0) == 0;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL, *stat = NULL;
      const char *p;
      char state;
      long ppid, pgrp;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL) ||
          (p = strrchr (stat, ')')) == NULL ||
          sscanf (p + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3)
        continue;
      if (pgrp == pgid && state != 'Z' && state != 'X')
        return TRUE;
    }
  return FALSE;
}

static gboolean
wait_group (GPid  pgid,
            guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tandem_test_process_group_alive (pgid))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

/* SIGTERM to the pid; after 1 s SIGTERM to its whole group (kamailio
 * children still starting up can miss the main process' SIGTERM); after
 * @grace_ms SIGKILL to the group.  Only our own group (pgid == the pid of
 * our child) is ever signalled. */
void
tandem_test_process_stop (TandemTestProcess *self,
                          guint              grace_ms)
{
  guint first_ms = MIN (grace_ms, 1000);

  if (self == NULL)
    return;

  if (!tandem_test_process_exited (self))
    kill (self->pid, SIGTERM);
  if (!tandem_test_process_wait (self, first_ms) || !wait_group (self->pid, 200))
    {
      g_debug ("pid %d: SIGTERM to its process group", (int) self->pid);
      kill (-self->pid, SIGTERM);
      if (!tandem_test_process_wait (self, grace_ms - first_ms) ||
          !wait_group (self->pid, 200))
        {
          g_debug ("pid %d: SIGKILL to its process group", (int) self->pid);
          kill (-self->pid, SIGKILL);
          tandem_test_process_wait (self, 2000);
          wait_group (self->pid, 1000);
        }
    }

  /* Only dispose once the wait has completed, so its callback never runs
   * on freed memory. */
  if (tandem_test_process_wait (self, 2000))
    {
      g_object_unref (self->subprocess);
      g_main_context_unref (self->context);
      g_free (self);
    }
  else
    {
      g_debug ("pid %d did not exit; leaking its handle", (int) self->pid);
    }
}

char *
tandem_test_read_log_tail (const char *path,
                           gsize       max_bytes)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("(no log)");
  if (length <= max_bytes)
    return g_steal_pointer (&contents);
  return g_strdup_printf ("...%s", contents + length - max_bytes);
}
