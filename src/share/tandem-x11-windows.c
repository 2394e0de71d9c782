/* tandem-x11-windows.c: lists the windows a user could share.
 *
 * A private Display connection, opened and closed for each listing, so
 * that nothing is shared with GDK's connection or the capture thread.
 * Windows may vanish while they are being looked at: X errors on this
 * connection are recorded instead of ending the process (the handler
 * passes errors on other connections to the one installed before it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-x11-windows"

#include "config.h"

#include <string.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <glib.h>

#include "tandem-x11-errors.h"
#include "tandem-x11-windows.h"

#define MIN_SIZE 32

enum {
  NET_CLIENT_LIST_STACKING,
  NET_CLIENT_LIST,
  NET_WM_NAME,
  UTF8_STRING,
  NET_WM_WINDOW_TYPE,
  NET_WM_WINDOW_TYPE_DOCK,
  NET_WM_WINDOW_TYPE_DESKTOP,
  N_ATOMS
};

static char *atom_names[N_ATOMS] = {
  "_NET_CLIENT_LIST_STACKING",
  "_NET_CLIENT_LIST",
  "_NET_WM_NAME",
  "UTF8_STRING",
  "_NET_WM_WINDOW_TYPE",
  "_NET_WM_WINDOW_TYPE_DOCK",
  "_NET_WM_WINDOW_TYPE_DESKTOP",
};

void
tandem_x11_window_free (TandemX11Window *window)
{
  if (window == NULL)
    return;
  g_free (window->title);
  g_free (window);
}

/* A property of 32-bit items (XIDs, atoms) as an array of longs, as Xlib
 * returns them; NULL when absent or of another type. */
static unsigned long *
get_longs (Display       *display,
           Window         window,
           Atom           property,
           Atom           type,
           unsigned long *n_items)
{
  Atom actual_type = None;
  int actual_format = 0;
  unsigned long after = 0;
  unsigned char *data = NULL;

  *n_items = 0;
  tandem_x11_errors_reset ();
  if (XGetWindowProperty (display, window, property, 0, 4096, False, type, &actual_type,
                          &actual_format, n_items, &after, &data) != Success
      || tandem_x11_errors_last () != 0 || actual_type != type || actual_format != 32)
    {
      if (data != NULL)
        XFree (data);
      *n_items = 0;
      return NULL;
    }
  return (unsigned long *) data;
}

static char *
get_title (Display    *display,
           Window      window,
           const Atom *atoms)
{
  Atom actual_type = None;
  int actual_format = 0;
  unsigned long n = 0, after = 0;
  unsigned char *data = NULL;
  XTextProperty text = { 0 };
  char *title = NULL;

  tandem_x11_errors_reset ();
  if (XGetWindowProperty (display, window, atoms[NET_WM_NAME], 0, 1024, False, atoms[UTF8_STRING],
                          &actual_type, &actual_format, &n, &after, &data) == Success
      && tandem_x11_errors_last () == 0 && actual_type == atoms[UTF8_STRING] && actual_format == 8 && n > 0)
    title = g_utf8_make_valid ((const char *) data, (gssize) n);
  if (data != NULL)
    XFree (data);

  tandem_x11_errors_reset ();
  if (title == NULL && XGetWMName (display, window, &text) && tandem_x11_errors_last () == 0 && text.value != NULL)
    {
      char **list = NULL;
      int count = 0;

      /* STRING is Latin-1 and COMPOUND_TEXT may be anything: Xlib converts. */
      if (Xutf8TextPropertyToTextList (display, &text, &list, &count) >= Success && count > 0 && list[0] != NULL)
        title = g_utf8_make_valid (list[0], -1);
      else
        title = g_utf8_make_valid ((const char *) text.value, (gssize) text.nitems);
      if (list != NULL)
        XFreeStringList (list);
    }
  if (text.value != NULL)
    XFree (text.value);

  if (title != NULL)
    g_strstrip (title);
  if (title != NULL && *title == '\0')
    g_clear_pointer (&title, g_free);
  return title;
}

static gboolean
is_dock_or_desktop (Display    *display,
                    Window      window,
                    const Atom *atoms)
{
  unsigned long n = 0;
  unsigned long *types = get_longs (display, window, atoms[NET_WM_WINDOW_TYPE], XA_ATOM, &n);
  gboolean skip = FALSE;

  for (unsigned long i = 0; i < n && !skip; i++)
    skip = types[i] == atoms[NET_WM_WINDOW_TYPE_DOCK] || types[i] == atoms[NET_WM_WINDOW_TYPE_DESKTOP];
  if (types != NULL)
    XFree (types);
  return skip;
}

/* A TandemX11Window for @window if a user would call it a window. */
static TandemX11Window *
look_at (Display    *display,
         Window      window,
         const Atom *atoms)
{
  XWindowAttributes attrs;
  TandemX11Window *result;
  char *title;

  tandem_x11_errors_reset ();
  if (!XGetWindowAttributes (display, window, &attrs) || tandem_x11_errors_last () != 0)
    return NULL;  /* gone meanwhile */
  if (attrs.map_state != IsViewable || attrs.class != InputOutput || attrs.override_redirect
      || attrs.width < MIN_SIZE || attrs.height < MIN_SIZE)
    return NULL;
  if (is_dock_or_desktop (display, window, atoms))
    return NULL;
  title = get_title (display, window, atoms);
  if (title == NULL)
    return NULL;

  result = g_new0 (TandemX11Window, 1);
  result->xid = window;
  result->title = title;
  return result;
}

GPtrArray *
tandem_x11_list_windows (const char *display_name)
{
  GPtrArray *windows = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_x11_window_free);
  Atom atoms[N_ATOMS];
  Display *display;
  Window root;
  unsigned long n = 0;
  unsigned long *clients;
  Window *candidates;
  Window *children = NULL;
  unsigned int n_children = 0;

  display = XOpenDisplay (display_name);
  if (display == NULL)
    {
      g_debug ("Cannot open X display %s", display_name ? display_name : g_getenv ("DISPLAY"));
      return windows;
    }
  tandem_x11_errors_watch (display);

  root = DefaultRootWindow (display);
  XInternAtoms (display, atom_names, N_ATOMS, False, atoms);

  /* A window manager lists the client windows (not its frames). */
  clients = get_longs (display, root, atoms[NET_CLIENT_LIST_STACKING], XA_WINDOW, &n);
  if (clients == NULL)
    clients = get_longs (display, root, atoms[NET_CLIENT_LIST], XA_WINDOW, &n);

  if (clients != NULL)
    {
      candidates = g_new (Window, MAX (n, 1));
      for (unsigned long i = 0; i < n; i++)
        candidates[i] = clients[i];
      XFree (clients);
    }
  else
    {
      /* No window manager: clients are the root's children. */
      tandem_x11_errors_reset ();
      if (!XQueryTree (display, root, &(Window) { 0 }, &(Window) { 0 }, &children, &n_children)
          || tandem_x11_errors_last () != 0)
        n_children = 0;
      n = n_children;
      candidates = g_new (Window, MAX (n, 1));
      if (children != NULL)
        {
          memcpy (candidates, children, n * sizeof (Window));
          XFree (children);
        }
    }

  /* Both lists run from the bottom of the stack: the topmost first here. */
  for (unsigned long i = n; i > 0; i--)
    {
      TandemX11Window *window = look_at (display, candidates[i - 1], atoms);

      if (window != NULL)
        g_ptr_array_add (windows, window);
    }
  g_free (candidates);

  XSync (display, False);
  XCloseDisplay (display);
  tandem_x11_errors_unwatch (display);
  return windows;
}
