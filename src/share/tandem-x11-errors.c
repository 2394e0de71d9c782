/* tandem-x11-errors.c
 *
 * The handler is installed once, by the first display watched, and
 * chains to the one that was there (GDK's, in the application).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-x11-errors"

#include "tandem-x11-errors.h"

static XErrorHandler  old_error_handler;
static GMutex         displays_lock;
static GSList        *our_displays;
static __thread int   last_x_error;

static int
on_x_error (Display     *display,
            XErrorEvent *event)
{
  gboolean ours;

  g_mutex_lock (&displays_lock);
  ours = g_slist_find (our_displays, display) != NULL;
  g_mutex_unlock (&displays_lock);
  if (ours)
    {
      last_x_error = event->error_code;
      g_debug ("X error %d (request %d.%d)", event->error_code,
               event->request_code, event->minor_code);
      return 0;
    }
  return old_error_handler != NULL ? old_error_handler (display, event) : 0;
}

void
tandem_x11_errors_watch (Display *display)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      old_error_handler = XSetErrorHandler (on_x_error);
      g_once_init_leave (&installed, 1);
    }
  g_mutex_lock (&displays_lock);
  our_displays = g_slist_prepend (our_displays, display);
  g_mutex_unlock (&displays_lock);
}

void
tandem_x11_errors_unwatch (Display *display)
{
  g_mutex_lock (&displays_lock);
  our_displays = g_slist_remove (our_displays, display);
  g_mutex_unlock (&displays_lock);
}

void
tandem_x11_errors_reset (void)
{
  last_x_error = 0;
}

int
tandem_x11_errors_last (void)
{
  return last_x_error;
}
