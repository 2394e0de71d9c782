/* tandem-x11-capture.c: TandemCapture on an X11 display.
 *
 * XDamage on the root window tells where something may have changed; that
 * region is read with XShmGetImage and compared row by row with the
 * framebuffer, so only pixels that really changed are written and
 * reported.  An idle screen produces no damage and costs nothing.
 *
 * Scopes: the root window, one XRandR monitor, or one window (followed
 * through ConfigureNotify; windows stacked above it and anything outside
 * the screen are painted black).
 *
 * Thread-confined: the Display is opened in open() on the caller's thread
 * and used from there only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-x11-capture"

#include "config.h"

#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>
#include <X11/extensions/XTest.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "tandem-share-error.h"
#include "tandem-x11-capture.h"
#include "tandem-x11-errors.h"
#include "tandem-x11-input.h"

#define MAX_DAMAGE_RECTS 16

struct _TandemX11Capture
{
  GObject                parent_instance;

  char                  *display_name;
  TandemX11CaptureScope  scope;
  int                    monitor;
  Window                 window;

  Display               *display;
  Window                 root;
  int                    screen_width;
  int                    screen_height;
  int                    damage_event;
  int                    fixes_event;
  int                    randr_event;
  Damage                 damage;
  XserverRegion          region;
  TandemX11Input        *input;

  gboolean               use_shm;
  XShmSegmentInfo        shm;
  gboolean               shm_attached;

  TandemCaptureRect      area;       /* in root coordinates */
  GArray                *occluders;  /* TandemCaptureRect, framebuffer coordinates */
  GArray                *pending;    /* damaged TandemCaptureRect, framebuffer coordinates */
  gboolean               need_full;
  gboolean               geometry_dirty;
  gboolean               lost;
  guint32               *row;        /* scratch row */
};

static void tandem_x11_capture_iface_init (TandemCaptureInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemX11Capture, tandem_x11_capture, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TANDEM_TYPE_CAPTURE,
                                                      tandem_x11_capture_iface_init))

static gboolean
rect_intersect (const TandemCaptureRect *a,
                const TandemCaptureRect *b,
                TandemCaptureRect       *out)
{
  int x1 = MAX (a->x, b->x), y1 = MAX (a->y, b->y);
  int x2 = MIN (a->x + a->width, b->x + b->width);
  int y2 = MIN (a->y + a->height, b->y + b->height);

  if (x2 <= x1 || y2 <= y1)
    return FALSE;
  *out = (TandemCaptureRect) { x1, y1, x2 - x1, y2 - y1 };
  return TRUE;
}

static void
tandem_x11_capture_finalize (GObject *object)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (object);

  if (self->display != NULL)
    g_critical ("TandemX11Capture finalized while open; close it on its thread first");
  g_free (self->display_name);
  g_array_unref (self->occluders);
  g_array_unref (self->pending);
  G_OBJECT_CLASS (tandem_x11_capture_parent_class)->finalize (object);
}

static void
tandem_x11_capture_class_init (TandemX11CaptureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tandem_x11_capture_finalize;
}

static void
tandem_x11_capture_init (TandemX11Capture *self)
{
  self->occluders = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));
  self->pending = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));
  self->shm.shmid = -1;
}

static TandemX11Capture *
capture_new (const char            *display_name,
             TandemX11CaptureScope  scope)
{
  TandemX11Capture *self = g_object_new (TANDEM_TYPE_X11_CAPTURE, NULL);

  self->display_name = g_strdup (display_name);
  self->scope = scope;
  return self;
}

TandemX11Capture *
tandem_x11_capture_new_screen (const char *display_name)
{
  return capture_new (display_name, TANDEM_X11_CAPTURE_SCREEN);
}

TandemX11Capture *
tandem_x11_capture_new_monitor (const char *display_name,
                                int         monitor)
{
  TandemX11Capture *self = capture_new (display_name, TANDEM_X11_CAPTURE_MONITOR);

  self->monitor = monitor;
  return self;
}

TandemX11Capture *
tandem_x11_capture_new_window (const char *display_name,
                               gulong      window)
{
  TandemX11Capture *self = capture_new (display_name, TANDEM_X11_CAPTURE_WINDOW);

  self->window = window;
  return self;
}

TandemX11CaptureScope
tandem_x11_capture_get_scope (TandemX11Capture *self)
{
  g_return_val_if_fail (TANDEM_IS_X11_CAPTURE (self), TANDEM_X11_CAPTURE_SCREEN);
  return self->scope;
}

static void
shm_release (TandemX11Capture *self)
{
  if (self->shm_attached)
    {
      XShmDetach (self->display, &self->shm);
      XSync (self->display, False);
      self->shm_attached = FALSE;
    }
  if (self->shm.shmaddr != NULL && self->shm.shmaddr != (char *) -1)
    shmdt (self->shm.shmaddr);
  self->shm.shmaddr = NULL;
  self->shm.shmid = -1;
}

static gboolean
shm_setup (TandemX11Capture *self)
{
  gsize size = (gsize) self->screen_width * self->screen_height * 4;

  shm_release (self);
  self->shm.shmid = shmget (IPC_PRIVATE, size, IPC_CREAT | 0600);
  if (self->shm.shmid < 0)
    return FALSE;
  self->shm.shmaddr = shmat (self->shm.shmid, NULL, 0);
  /* Marked for removal now: it goes away with the last detach, even if we crash. */
  shmctl (self->shm.shmid, IPC_RMID, NULL);
  if (self->shm.shmaddr == (char *) -1)
    {
      self->shm.shmaddr = NULL;
      return FALSE;
    }
  self->shm.readOnly = False;
  tandem_x11_errors_reset ();
  XShmAttach (self->display, &self->shm);
  XSync (self->display, False);
  if (tandem_x11_errors_last () != 0)
    {
      shm_release (self);
      return FALSE;
    }
  self->shm_attached = TRUE;
  return TRUE;
}

/* Outer rectangle of a child of the root, NULL-safe against vanished windows. */
static gboolean
window_rect (Display           *display,
             Window             window,
             gboolean           need_viewable,
             TandemCaptureRect *rect)
{
  XWindowAttributes attrs;

  tandem_x11_errors_reset ();
  if (!XGetWindowAttributes (display, window, &attrs) || tandem_x11_errors_last () != 0)
    return FALSE;
  if (need_viewable && (attrs.map_state != IsViewable || attrs.class != InputOutput))
    return FALSE;
  *rect = (TandemCaptureRect) { attrs.x, attrs.y,
                                attrs.width + 2 * attrs.border_width,
                                attrs.height + 2 * attrs.border_width };
  return TRUE;
}

static Window
toplevel_of (Display *display,
             Window   root,
             Window   window)
{
  for (int depth = 0; depth < 64; depth++)
    {
      Window r, parent, *children = NULL;
      unsigned int n;

      tandem_x11_errors_reset ();
      if (!XQueryTree (display, window, &r, &parent, &children, &n) || tandem_x11_errors_last () != 0)
        return None;
      if (children != NULL)
        XFree (children);
      if (parent == root || parent == None)
        return window;
      window = parent;
    }
  return None;
}

/* Recomputes the area (and occluders for a window).  TRUE if the
 * framebuffer size changed. */
static gboolean
update_geometry (TandemX11Capture *self)
{
  TandemCaptureRect old = self->area;

  self->screen_width = DisplayWidth (self->display, DefaultScreen (self->display));
  self->screen_height = DisplayHeight (self->display, DefaultScreen (self->display));
  g_array_set_size (self->occluders, 0);

  switch (self->scope)
    {
    case TANDEM_X11_CAPTURE_SCREEN:
      self->area = (TandemCaptureRect) { 0, 0, self->screen_width, self->screen_height };
      break;

    case TANDEM_X11_CAPTURE_MONITOR:
      {
        int n = 0;
        XRRMonitorInfo *monitors = XRRGetMonitors (self->display, self->root, True, &n);

        if (monitors != NULL && self->monitor >= 0 && self->monitor < n)
          self->area = (TandemCaptureRect) { monitors[self->monitor].x, monitors[self->monitor].y,
                                             monitors[self->monitor].width,
                                             monitors[self->monitor].height };
        else
          self->area = (TandemCaptureRect) { 0, 0, self->screen_width, self->screen_height };
        if (monitors != NULL)
          XRRFreeMonitors (monitors);
      }
      break;

    case TANDEM_X11_CAPTURE_WINDOW:
      {
        XWindowAttributes attrs;
        Window child, top, r, parent, *children = NULL;
        unsigned int n = 0;
        int x = 0, y = 0;
        gboolean above = FALSE;

        tandem_x11_errors_reset ();
        if (!XGetWindowAttributes (self->display, self->window, &attrs) || tandem_x11_errors_last () != 0
            || !XTranslateCoordinates (self->display, self->window, self->root, 0, 0, &x, &y, &child)
            || tandem_x11_errors_last () != 0)
          {
            self->lost = TRUE;
            break;
          }
        self->area = (TandemCaptureRect) { x, y, MAX (attrs.width, 1), MAX (attrs.height, 1) };
        if (attrs.map_state != IsViewable)
          {
            /* Unmapped: all black. */
            TandemCaptureRect all = { 0, 0, self->area.width, self->area.height };

            g_array_append_val (self->occluders, all);
            break;
          }

        /* Every viewable toplevel above ours hides part of it. */
        top = toplevel_of (self->display, self->root, self->window);
        if (top == None || !XQueryTree (self->display, self->root, &r, &parent, &children, &n))
          break;
        for (unsigned int i = 0; i < n; i++)
          {
            TandemCaptureRect rect, hidden;

            if (children[i] == top)
              {
                above = TRUE;
                continue;
              }
            if (!above || !window_rect (self->display, children[i], TRUE, &rect))
              continue;
            if (rect_intersect (&rect, &self->area, &hidden))
              {
                hidden.x -= self->area.x;
                hidden.y -= self->area.y;
                g_array_append_val (self->occluders, hidden);
              }
          }
        if (children != NULL)
          XFree (children);
      }
      break;
    }

  self->need_full = TRUE;
  return old.width != self->area.width || old.height != self->area.height;
}

static gboolean
tandem_x11_capture_open (TandemCapture *capture,
                         GError       **error)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);
  int major, minor, error_base, event_base;
  Visual *visual;

  g_return_val_if_fail (self->display == NULL, FALSE);

  self->display = XOpenDisplay (self->display_name);
  if (self->display == NULL)
    {
      /* Translators: %s is an X display name, e.g. ":0" */
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_DISPLAY, _("Cannot open the X display %s"),
                   self->display_name ? self->display_name : g_getenv ("DISPLAY"));
      return FALSE;
    }
  if (ConnectionNumber (self->display) >= 1024)
    {
      XCloseDisplay (self->display);
      self->display = NULL;
      g_set_error_literal (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED,
                           _("Too many files are open to share the screen"));
      return FALSE;
    }
  tandem_x11_errors_watch (self->display);

  self->root = DefaultRootWindow (self->display);
  visual = DefaultVisual (self->display, DefaultScreen (self->display));
  if (DefaultDepth (self->display, DefaultScreen (self->display)) != 24
      || visual->red_mask != 0xff0000 || visual->green_mask != 0xff00 || visual->blue_mask != 0xff
      || ImageByteOrder (self->display) != (G_BYTE_ORDER == G_LITTLE_ENDIAN ? LSBFirst : MSBFirst))
    {
      g_set_error_literal (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NOT_SUPPORTED,
                           _("Screen sharing needs a 24-bit true-colour X screen"));
      goto fail;
    }
  if (!XDamageQueryExtension (self->display, &self->damage_event, &error_base)
      || !XFixesQueryExtension (self->display, &self->fixes_event, &error_base)
      || !XTestQueryExtension (self->display, &event_base, &error_base, &major, &minor))
    {
      g_set_error_literal (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NOT_SUPPORTED,
                           _("The X server lacks the DAMAGE, XFIXES or XTEST extension"));
      goto fail;
    }
  if (!XRRQueryExtension (self->display, &self->randr_event, &error_base))
    self->randr_event = -1;

  update_geometry (self);
  if (self->lost)
    {
      g_set_error_literal (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_WINDOW_GONE,
                           _("The window to share does not exist"));
      goto fail;
    }

  self->use_shm = XShmQueryExtension (self->display) && shm_setup (self);
  if (!self->use_shm)
    g_message ("MIT-SHM unavailable, capturing with XGetImage");

  self->damage = XDamageCreate (self->display, self->root, XDamageReportNonEmpty);
  self->region = XFixesCreateRegion (self->display, NULL, 0);
  XFixesSelectCursorInput (self->display, self->root, XFixesDisplayCursorNotifyMask);
  if (self->randr_event >= 0)
    XRRSelectInput (self->display, self->root, RRScreenChangeNotifyMask);
  if (self->scope == TANDEM_X11_CAPTURE_WINDOW)
    {
      XSelectInput (self->display, self->root, SubstructureNotifyMask);
      XSelectInput (self->display, self->window, StructureNotifyMask);
    }
  self->input = tandem_x11_input_new (self->display);
  XSync (self->display, False);
  self->need_full = TRUE;
  return TRUE;

fail:
  tandem_capture_close (capture);
  return FALSE;
}

static void
tandem_x11_capture_close (TandemCapture *capture)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);

  if (self->display == NULL)
    return;

  g_clear_pointer (&self->input, tandem_x11_input_free);
  if (self->damage != None)
    XDamageDestroy (self->display, self->damage);
  if (self->region != None)
    XFixesDestroyRegion (self->display, self->region);
  self->damage = None;
  self->region = None;
  shm_release (self);
  XSync (self->display, False);
  tandem_x11_errors_unwatch (self->display);
  XCloseDisplay (self->display);
  self->display = NULL;
  g_clear_pointer (&self->row, g_free);
  g_array_set_size (self->pending, 0);
}

static int
tandem_x11_capture_get_fd (TandemCapture *capture)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);

  return self->display != NULL ? ConnectionNumber (self->display) : -1;
}

static void
add_damage (TandemX11Capture *self)
{
  XRectangle bounds, *rects;
  int n = 0;

  XDamageSubtract (self->display, self->damage, None, self->region);
  rects = XFixesFetchRegionAndBounds (self->display, self->region, &n, &bounds);
  for (int i = 0; i < n; i++)
    {
      TandemCaptureRect r = { rects[i].x, rects[i].y, rects[i].width, rects[i].height }, in;

      if (rect_intersect (&r, &self->area, &in))
        {
          in.x -= self->area.x;
          in.y -= self->area.y;
          g_array_append_val (self->pending, in);
        }
    }
  if (rects != NULL)
    XFree (rects);
}

static TandemCaptureEvents
tandem_x11_capture_dispatch (TandemCapture *capture)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);
  TandemCaptureEvents events = TANDEM_CAPTURE_EVENT_NONE;
  gboolean damaged = FALSE;

  if (self->display == NULL)
    return TANDEM_CAPTURE_EVENT_LOST;

  while (XPending (self->display) > 0)
    {
      XEvent event;

      XNextEvent (self->display, &event);
      if (event.type == self->damage_event + XDamageNotify)
        damaged = TRUE;
      else if (event.type == self->fixes_event + XFixesCursorNotify)
        events |= TANDEM_CAPTURE_EVENT_CURSOR_SHAPE;
      else if (self->randr_event >= 0 && event.type == self->randr_event + RRScreenChangeNotify)
        {
          XRRUpdateConfiguration (&event);
          self->geometry_dirty = TRUE;
        }
      else if (self->scope == TANDEM_X11_CAPTURE_WINDOW)
        {
          if (event.type == DestroyNotify && event.xdestroywindow.window == self->window)
            self->lost = TRUE;
          else if (event.type == ConfigureNotify || event.type == MapNotify
                   || event.type == UnmapNotify || event.type == ReparentNotify
                   || event.type == CirculateNotify || event.type == GravityNotify)
            self->geometry_dirty = TRUE;
        }
    }

  if (damaged)
    add_damage (self);
  if (self->geometry_dirty && !self->lost)
    {
      int old_w = self->screen_width, old_h = self->screen_height;

      self->geometry_dirty = FALSE;
      if (update_geometry (self))
        {
          events |= TANDEM_CAPTURE_EVENT_RESIZE;
          g_clear_pointer (&self->row, g_free);
        }
      if (self->use_shm && (old_w != self->screen_width || old_h != self->screen_height))
        self->use_shm = shm_setup (self);
    }
  if (self->lost)
    events |= TANDEM_CAPTURE_EVENT_LOST;
  if (self->pending->len > 0 || self->need_full)
    events |= TANDEM_CAPTURE_EVENT_DAMAGE;
  return events;
}

static void
tandem_x11_capture_get_size (TandemCapture *capture,
                             int           *width,
                             int           *height)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);

  *width = self->area.width;
  *height = self->area.height;
}

/* Reads @rect (framebuffer coordinates) into @fb where it differs. */
static gboolean
update_rect (TandemX11Capture        *self,
             const TandemCaptureRect *rect,
             guint8                  *fb,
             gsize                    stride,
             GArray                  *changed)
{
  TandemCaptureRect screen = { -self->area.x, -self->area.y, self->screen_width, self->screen_height };
  TandemCaptureRect grab = { 0 };
  XImage *image = NULL;
  gboolean have = rect_intersect (rect, &screen, &grab);
  int run_start = -1, run_x1 = G_MAXINT, run_x2 = -1;

  if (have)
    {
      tandem_x11_errors_reset ();
      if (self->use_shm)
        {
          image = XShmCreateImage (self->display,
                                   DefaultVisual (self->display, DefaultScreen (self->display)),
                                   24, ZPixmap, self->shm.shmaddr, &self->shm,
                                   grab.width, grab.height);
          if (image != NULL
              && !XShmGetImage (self->display, self->root, image,
                                grab.x + self->area.x, grab.y + self->area.y, AllPlanes))
            {
              image->data = NULL;
              XDestroyImage (image);
              image = NULL;
            }
        }
      else
        image = XGetImage (self->display, self->root, grab.x + self->area.x,
                           grab.y + self->area.y, grab.width, grab.height, AllPlanes, ZPixmap);
      if (image == NULL || tandem_x11_errors_last () != 0 || image->bits_per_pixel != 32)
        {
          if (image != NULL)
            {
              if (self->use_shm)
                image->data = NULL;
              XDestroyImage (image);
            }
          return FALSE;
        }

      /* Hidden parts read as black, so they compare equal next time. */
      for (guint i = 0; i < self->occluders->len; i++)
        {
          TandemCaptureRect hidden;

          if (!rect_intersect (&g_array_index (self->occluders, TandemCaptureRect, i), &grab, &hidden))
            continue;
          for (int y = hidden.y; y < hidden.y + hidden.height; y++)
            memset (image->data + (gsize) (y - grab.y) * image->bytes_per_line + (hidden.x - grab.x) * 4,
                    0, hidden.width * 4);
        }
    }

  if (self->row == NULL)
    self->row = g_new (guint32, self->area.width);

  for (int y = rect->y; y <= rect->y + rect->height; y++)
    {
      const guint32 *src = NULL;
      guint32 *dst;
      int x1 = -1, x2 = -1;

      if (y < rect->y + rect->height)
        {
          dst = (guint32 *) (fb + (gsize) y * stride) + rect->x;
          if (have && grab.x == rect->x && grab.width == rect->width && y >= grab.y
              && y < grab.y + grab.height)
            src = (const guint32 *) (image->data + (gsize) (y - grab.y) * image->bytes_per_line);
          else
            {
              /* Partly off screen: black around what could be read. */
              memset (self->row, 0, rect->width * 4);
              if (have && y >= grab.y && y < grab.y + grab.height)
                memcpy (self->row + (grab.x - rect->x),
                        image->data + (gsize) (y - grab.y) * image->bytes_per_line, grab.width * 4);
              src = self->row;
            }

          if (memcmp (src, dst, rect->width * 4) != 0)
            {
              x1 = 0;
              while (src[x1] == dst[x1])
                x1++;
              x2 = rect->width - 1;
              while (src[x2] == dst[x2])
                x2--;
              memcpy (dst + x1, src + x1, (x2 - x1 + 1) * 4);
            }
        }

      if (x1 >= 0)
        {
          if (run_start < 0)
            run_start = y;
          run_x1 = MIN (run_x1, x1);
          run_x2 = MAX (run_x2, x2);
        }
      else if (run_start >= 0)
        {
          TandemCaptureRect r = { rect->x + run_x1, run_start, run_x2 - run_x1 + 1, y - run_start };

          g_array_append_val (changed, r);
          run_start = -1;
          run_x1 = G_MAXINT;
          run_x2 = -1;
        }
    }

  if (image != NULL)
    {
      if (self->use_shm)
        image->data = NULL;
      XDestroyImage (image);
    }
  return TRUE;
}

static gboolean
tandem_x11_capture_grab (TandemCapture *capture,
                         guint8        *framebuffer,
                         gsize          stride,
                         gboolean       full,
                         GArray        *changed)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);
  TandemCaptureRect all = { 0, 0, self->area.width, self->area.height };
  gboolean ok = TRUE;

  if (self->display == NULL || self->lost)
    return FALSE;

  if (full || self->need_full || self->pending->len > MAX_DAMAGE_RECTS)
    {
      /* One grab of the bounding box beats many small round trips. */
      if (!(full || self->need_full))
        {
          int x1 = G_MAXINT, y1 = G_MAXINT, x2 = 0, y2 = 0;

          for (guint i = 0; i < self->pending->len; i++)
            {
              TandemCaptureRect *r = &g_array_index (self->pending, TandemCaptureRect, i);

              x1 = MIN (x1, r->x);
              y1 = MIN (y1, r->y);
              x2 = MAX (x2, r->x + r->width);
              y2 = MAX (y2, r->y + r->height);
            }
          all = (TandemCaptureRect) { x1, y1, x2 - x1, y2 - y1 };
        }
      ok = update_rect (self, &all, framebuffer, stride, changed);
    }
  else
    for (guint i = 0; i < self->pending->len && ok; i++)
      ok = update_rect (self, &g_array_index (self->pending, TandemCaptureRect, i),
                        framebuffer, stride, changed);

  g_array_set_size (self->pending, 0);
  self->need_full = FALSE;
  return ok;
}

static TandemCaptureCursor *
tandem_x11_capture_get_cursor (TandemCapture *capture)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);
  XFixesCursorImage *image;
  TandemCaptureCursor *cursor;

  if (self->display == NULL)
    return NULL;
  image = XFixesGetCursorImage (self->display);
  if (image == NULL)
    return NULL;
  if (image->width == 0 || image->height == 0 || image->width > 256 || image->height > 256)
    {
      XFree (image);
      return NULL;
    }
  cursor = g_new0 (TandemCaptureCursor, 1);
  cursor->width = image->width;
  cursor->height = image->height;
  cursor->xhot = image->xhot;
  cursor->yhot = image->yhot;
  cursor->pixels = g_new (guint32, image->width * image->height);
  /* XFixes hands out one pixel per unsigned long. */
  for (int i = 0; i < image->width * image->height; i++)
    cursor->pixels[i] = (guint32) image->pixels[i];
  XFree (image);
  return cursor;
}

static gboolean
tandem_x11_capture_get_pointer (TandemCapture *capture,
                                int           *x,
                                int           *y)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);
  Window root, child;
  int root_x, root_y, win_x, win_y;
  unsigned int mask;

  if (self->display == NULL
      || !XQueryPointer (self->display, self->root, &root, &child, &root_x, &root_y,
                         &win_x, &win_y, &mask))
    return FALSE;
  *x = root_x - self->area.x;
  *y = root_y - self->area.y;
  return TRUE;
}

static void
tandem_x11_capture_inject_pointer (TandemCapture *capture,
                                   int            x,
                                   int            y,
                                   guint          button_mask)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);

  if (self->input == NULL)
    return;
  x = CLAMP (x, 0, self->area.width - 1);
  y = CLAMP (y, 0, self->area.height - 1);
  tandem_x11_input_pointer (self->input, self->area.x + x, self->area.y + y, button_mask);
}

static void
tandem_x11_capture_inject_key (TandemCapture *capture,
                               gboolean       down,
                               guint32        keysym)
{
  TandemX11Capture *self = TANDEM_X11_CAPTURE (capture);

  if (self->input != NULL)
    tandem_x11_input_key (self->input, down, keysym);
}

static void
tandem_x11_capture_iface_init (TandemCaptureInterface *iface)
{
  iface->open = tandem_x11_capture_open;
  iface->close = tandem_x11_capture_close;
  iface->get_fd = tandem_x11_capture_get_fd;
  iface->dispatch = tandem_x11_capture_dispatch;
  iface->get_size = tandem_x11_capture_get_size;
  iface->grab = tandem_x11_capture_grab;
  iface->get_cursor = tandem_x11_capture_get_cursor;
  iface->get_pointer = tandem_x11_capture_get_pointer;
  iface->inject_pointer = tandem_x11_capture_inject_pointer;
  iface->inject_key = tandem_x11_capture_inject_key;
}
