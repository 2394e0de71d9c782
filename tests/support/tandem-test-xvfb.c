/* tandem-test-xvfb.c: Xvfb fixture (see the header) */
#define G_LOG_DOMAIN "tandem-test-xvfb"

#include "tandem-test-xvfb.h"
#include "tandem-test-process.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#define READY_TIMEOUT_MS 5000
#define STOP_GRACE_MS    3000

struct _TandemTestXvfb
{
  TandemTestProcess *process;
  char              *display;
  char              *log_file;
  int                number;
  int                width;
  int                height;
};

static void
free_self (TandemTestXvfb *self)
{
  if (self->log_file != NULL)
    g_remove (self->log_file);
  g_free (self->log_file);
  g_free (self->display);
  g_free (self);
}

/* Reads "N\n" from Xvfb's -displayfd pipe; -1 on EOF, error or timeout. */
static int
read_display_number (int fd)
{
  char buf[32];
  gsize len = 0;
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_MS * 1000;

  while (len < sizeof buf - 1)
    {
      GPollFD pfd = { fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      gssize n;

      if (left <= 0 || g_poll (&pfd, 1, (int) left) <= 0)
        return -1;
      n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      len += n;
      if (memchr (buf, '\n', len) != NULL)
        break;
    }
  buf[len] = '\0';
  return g_ascii_isdigit (buf[0]) ? (int) g_ascii_strtoll (buf, NULL, 10) : -1;
}

TandemTestXvfb *
tandem_test_xvfb_start (int      width,
                        int      height,
                        GError **error)
{
  TandemTestXvfb *self = g_new0 (TandemTestXvfb, 1);
  g_autofree char *screen = NULL;
  int fds[2];
  int log_fd;

  self->width = width > 0 ? width : 1280;
  self->height = height > 0 ? height : 800;

  log_fd = g_file_open_tmp ("tandem-xvfb-XXXXXX.log", &self->log_file, error);
  if (log_fd < 0)
    {
      free_self (self);
      return NULL;
    }
  close (log_fd);
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    {
      free_self (self);
      return NULL;
    }

  screen = g_strdup_printf ("%dx%dx24", self->width, self->height);
  {
    const char *argv[] = {
      "Xvfb", "-displayfd", "3", "-screen", "0", screen,
      "-nolisten", "tcp", "-noreset",
      "+extension", "MIT-SHM", "+extension", "XTEST", "+extension", "DAMAGE",
      "+extension", "XFIXES", "+extension", "RANDR", NULL
    };

    /* the launcher owns fds[1] from here on */
    self->process = tandem_test_process_spawn (argv, self->log_file, fds[1], 3, error);
  }
  if (self->process == NULL)
    {
      close (fds[0]);
      free_self (self);
      return NULL;
    }

  self->number = read_display_number (fds[0]);
  close (fds[0]);
  if (self->number < 0)
    {
      g_autofree char *tail = NULL;

      tandem_test_process_stop (self->process, STOP_GRACE_MS);
      tail = tandem_test_read_log_tail (self->log_file, 2000);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Xvfb did not report a display within 5 s; log:\n%s", tail);
      free_self (self);
      return NULL;
    }
  self->display = g_strdup_printf (":%d", self->number);
  g_debug ("Xvfb %d on %s (%dx%d)", (int) tandem_test_process_get_pid (self->process),
           self->display, self->width, self->height);
  return self;
}

void
tandem_test_xvfb_stop (TandemTestXvfb *self)
{
  if (self == NULL)
    return;
  tandem_test_process_stop (self->process, STOP_GRACE_MS);
  free_self (self);
}

const char *
tandem_test_xvfb_get_display (TandemTestXvfb *self)
{
  return self->display;
}

int
tandem_test_xvfb_get_number (TandemTestXvfb *self)
{
  return self->number;
}

int
tandem_test_xvfb_get_width (TandemTestXvfb *self)
{
  return self->width;
}

int
tandem_test_xvfb_get_height (TandemTestXvfb *self)
{
  return self->height;
}

GPid
tandem_test_xvfb_get_pid (TandemTestXvfb *self)
{
  return tandem_test_process_get_pid (self->process);
}
