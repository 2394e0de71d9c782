/* tandem-vnc-view.c: TandemVncView, the remote screen as a GtkDrawingArea.
 *
 * The libvncclient session lives in tandem-vnc-decoder, a confined process
 * of its own, behind TandemVncConnection;
 * this file is main-thread only: it paints the shared pixels (scaled to
 * fit, or 1:1 inside a GtkScrolledWindow), turns GDK events into RFB input
 * when control is on, and keeps the clipboard in step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-vnc-view"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "tandem-vnc-connection.h"
#include "tandem-vnc-view.h"

struct _TandemVncView
{
  GtkDrawingArea       parent_instance;

  TandemVncConnection *conn;
  TandemVncViewState   state;
  GError              *error;         /* why it ended, in the ERROR state */
  char                *desktop_name;
  int                  remote_width;
  int                  remote_height;
  gboolean             scale_to_fit;
  gboolean             control;
  int                  jpeg_quality;
  guint64              frames;

  cairo_surface_t     *surface;       /* wraps the connection's pixels */
  guint                generation;
  GdkCursor           *cursor;
  guint                buttons;
  GHashTable          *keys_down;     /* hardware keycode -> keysym sent */
  double               scroll_dx;
  double               scroll_dy;
  char                *clipboard_last;
  gulong               owner_change_id;
};

G_DEFINE_FINAL_TYPE (TandemVncView, tandem_vnc_view, GTK_TYPE_DRAWING_AREA)

G_DEFINE_ENUM_TYPE (TandemVncViewState, tandem_vnc_view_state,
                    G_DEFINE_ENUM_VALUE (TANDEM_VNC_VIEW_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (TANDEM_VNC_VIEW_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (TANDEM_VNC_VIEW_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (TANDEM_VNC_VIEW_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (TANDEM_VNC_VIEW_ERROR, "error"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_REMOTE_WIDTH,
  PROP_REMOTE_HEIGHT,
  PROP_DESKTOP_NAME,
  PROP_SCALE_TO_FIT,
  PROP_CONTROL,
  PROP_JPEG_QUALITY,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
set_state (TandemVncView      *self,
           TandemVncViewState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Where the remote screen sits in the widget: scale and origin. */
static void
get_transform (TandemVncView *self,
               double        *scale,
               double        *ox,
               double        *oy)
{
  int w = gtk_widget_get_allocated_width (GTK_WIDGET (self));
  int h = gtk_widget_get_allocated_height (GTK_WIDGET (self));

  *scale = 1.0;
  if (self->remote_width <= 0 || self->remote_height <= 0)
    {
      *ox = *oy = 0;
      return;
    }
  if (self->scale_to_fit)
    *scale = MIN ((double) w / self->remote_width, (double) h / self->remote_height);
  *ox = MAX (0.0, (w - self->remote_width * *scale) / 2);
  *oy = MAX (0.0, (h - self->remote_height * *scale) / 2);
}

static gboolean
to_remote (TandemVncView *self,
           double         wx,
           double         wy,
           int           *rx,
           int           *ry)
{
  double scale, ox, oy;

  if (self->remote_width <= 0)
    return FALSE;
  get_transform (self, &scale, &ox, &oy);
  *rx = CLAMP ((int) ((wx - ox) / scale), 0, self->remote_width - 1);
  *ry = CLAMP ((int) ((wy - oy) / scale), 0, self->remote_height - 1);
  return TRUE;
}

static gboolean
input_allowed (TandemVncView *self)
{
  return self->conn != NULL && self->control && self->state == TANDEM_VNC_VIEW_CONNECTED;
}

/* ---- connection callbacks -------------------------------------------- */

static void
on_connected (gpointer    data,
              int         width,
              int         height,
              const char *desktop_name)
{
  TandemVncView *self = data;
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self));

  g_object_freeze_notify (G_OBJECT (self));
  self->remote_width = width;
  self->remote_height = height;
  g_free (self->desktop_name);
  self->desktop_name = g_strdup (desktop_name);
  atk_object_set_name (accessible, desktop_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_HEIGHT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESKTOP_NAME]);
  set_state (self, TANDEM_VNC_VIEW_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_ended (gpointer      data,
          const GError *error)
{
  TandemVncView *self = data;

  g_clear_pointer (&self->conn, tandem_vnc_connection_close);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_hash_table_remove_all (self->keys_down);
  self->buttons = 0;
  if (error != NULL)
    {
      g_message ("remote screen: %s", error->message);
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      set_state (self, TANDEM_VNC_VIEW_ERROR);
    }
  else
    set_state (self, TANDEM_VNC_VIEW_DISCONNECTED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_resized (gpointer data,
            int      width,
            int      height)
{
  TandemVncView *self = data;

  self->remote_width = width;
  self->remote_height = height;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_HEIGHT]);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_redraw (gpointer data,
           int      x,
           int      y,
           int      width,
           int      height)
{
  TandemVncView *self = data;
  double scale, ox, oy;

  if (++self->frames == 1)
    g_debug ("first frame at %" G_GINT64_FORMAT " (monotonic µs)", g_get_monotonic_time ());
  get_transform (self, &scale, &ox, &oy);
  gtk_widget_queue_draw_area (GTK_WIDGET (self), (int) (ox + x * scale) - 1, (int) (oy + y * scale) - 1,
                              (int) (width * scale) + 3, (int) (height * scale) + 3);
}

static void
on_cursor (gpointer         data,
           cairo_surface_t *image,
           int              xhot,
           int              yhot)
{
  TandemVncView *self = data;
  GdkWindow *window = gtk_widget_get_window (GTK_WIDGET (self));

  g_clear_object (&self->cursor);
  self->cursor = gdk_cursor_new_from_surface (gtk_widget_get_display (GTK_WIDGET (self)),
                                              image, xhot, yhot);
  if (window != NULL)
    gdk_window_set_cursor (window, self->cursor);
}

static void
on_cut_text (gpointer    data,
             const char *utf8)
{
  TandemVncView *self = data;

  if (!self->control)
    return;
  g_free (self->clipboard_last);
  self->clipboard_last = g_strdup (utf8);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD),
                          utf8, -1);
}

static const TandemVncConnectionCallbacks connection_callbacks = {
  on_connected, on_ended, on_resized, on_redraw, on_cursor, on_cut_text,
};

/* ---- clipboard -------------------------------------------------------- */

static void
on_clipboard_text (GtkClipboard *clipboard,
                   const char   *text,
                   gpointer      data)
{
  GWeakRef *ref = data;
  g_autoptr(TandemVncView) self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL || text == NULL || !input_allowed (self)
      || g_strcmp0 (text, self->clipboard_last) == 0)
    return;
  g_free (self->clipboard_last);
  self->clipboard_last = g_strdup (text);
  tandem_vnc_connection_cut_text (self->conn, text);
}

static void
on_owner_change (GtkClipboard *clipboard,
                 GdkEvent     *event,
                 gpointer      data)
{
  TandemVncView *self = data;
  GWeakRef *ref;

  if (!input_allowed (self))
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  gtk_clipboard_request_text (clipboard, on_clipboard_text, ref);
}

/* ---- GtkWidget -------------------------------------------------------- */

static gboolean
tandem_vnc_view_draw (GtkWidget *widget,
                      cairo_t   *cr)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);
  const guint8 *pixels;
  int w, h, stride;
  guint generation;
  double scale, ox, oy;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  if (self->conn == NULL)
    return FALSE;

  pixels = tandem_vnc_connection_lock (self->conn, &w, &h, &stride, &generation);
  if (pixels != NULL && w == self->remote_width && h == self->remote_height)
    {
      if (self->surface == NULL || generation != self->generation)
        {
          g_clear_pointer (&self->surface, cairo_surface_destroy);
          self->surface = cairo_image_surface_create_for_data ((guint8 *) pixels, CAIRO_FORMAT_RGB24,
                                                               w, h, stride);
          self->generation = generation;
        }
      cairo_surface_mark_dirty (self->surface);
      get_transform (self, &scale, &ox, &oy);
      cairo_save (cr);
      cairo_translate (cr, ox, oy);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, self->surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr),
                                scale == 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      cairo_restore (cr);
    }
  tandem_vnc_connection_unlock (self->conn);
  return FALSE;
}

static void
tandem_vnc_view_get_preferred_width (GtkWidget *widget,
                                     int       *minimum,
                                     int       *natural)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);

  *minimum = self->scale_to_fit ? 16 : MAX (self->remote_width, 16);
  *natural = MAX (self->remote_width, 16);
}

static void
tandem_vnc_view_get_preferred_height (GtkWidget *widget,
                                      int       *minimum,
                                      int       *natural)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);

  *minimum = self->scale_to_fit ? 16 : MAX (self->remote_height, 16);
  *natural = MAX (self->remote_height, 16);
}

static void
tandem_vnc_view_realize (GtkWidget *widget)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);

  GTK_WIDGET_CLASS (tandem_vnc_view_parent_class)->realize (widget);
  if (self->cursor != NULL)
    gdk_window_set_cursor (gtk_widget_get_window (widget), self->cursor);
  self->owner_change_id =
    g_signal_connect (gtk_widget_get_clipboard (widget, GDK_SELECTION_CLIPBOARD), "owner-change",
                      G_CALLBACK (on_owner_change), self);
}

static void
tandem_vnc_view_unrealize (GtkWidget *widget)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);

  g_clear_signal_handler (&self->owner_change_id,
                          gtk_widget_get_clipboard (widget, GDK_SELECTION_CLIPBOARD));
  GTK_WIDGET_CLASS (tandem_vnc_view_parent_class)->unrealize (widget);
}

static guint
button_bit (guint button)
{
  /* GDK 1-3 are RFB 1-3; 8/9 (back/forward) have no RFB button. */
  return button >= 1 && button <= 3 ? 1u << (button - 1) : 0;
}

static gboolean
tandem_vnc_view_button_event (GtkWidget      *widget,
                              GdkEventButton *event)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);
  int x, y;

  g_debug ("button %u type %d at %.0f,%.0f (input %s)", event->button, event->type,
           event->x, event->y, input_allowed (self) ? "sent" : "not sent");
  if (event->type == GDK_BUTTON_PRESS)
    gtk_widget_grab_focus (widget);
  if (!input_allowed (self) || (event->type != GDK_BUTTON_PRESS && event->type != GDK_BUTTON_RELEASE))
    return FALSE;
  if (event->type == GDK_BUTTON_PRESS)
    self->buttons |= button_bit (event->button);
  else
    self->buttons &= ~button_bit (event->button);
  if (to_remote (self, event->x, event->y, &x, &y))
    tandem_vnc_connection_pointer (self->conn, x, y, self->buttons);
  return TRUE;
}

static gboolean
tandem_vnc_view_motion_notify_event (GtkWidget      *widget,
                                     GdkEventMotion *event)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);
  int x, y;

  if (!input_allowed (self) || !to_remote (self, event->x, event->y, &x, &y))
    return FALSE;
  tandem_vnc_connection_pointer (self->conn, x, y, self->buttons);
  return TRUE;
}

static void
click_wheel (TandemVncView *self,
             int            x,
             int            y,
             guint          bit)
{
  tandem_vnc_connection_pointer (self->conn, x, y, self->buttons | bit);
  tandem_vnc_connection_pointer (self->conn, x, y, self->buttons);
}

static gboolean
tandem_vnc_view_scroll_event (GtkWidget      *widget,
                              GdkEventScroll *event)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);
  int x, y;

  if (!input_allowed (self) || !to_remote (self, event->x, event->y, &x, &y))
    return FALSE;
  switch (event->direction)
    {
    case GDK_SCROLL_UP:    click_wheel (self, x, y, 1u << 3); break;
    case GDK_SCROLL_DOWN:  click_wheel (self, x, y, 1u << 4); break;
    case GDK_SCROLL_LEFT:  click_wheel (self, x, y, 1u << 5); break;
    case GDK_SCROLL_RIGHT: click_wheel (self, x, y, 1u << 6); break;
    case GDK_SCROLL_SMOOTH:
      /* One wheel click per unit of travel. */
      self->scroll_dx += event->delta_x;
      self->scroll_dy += event->delta_y;
      for (; self->scroll_dy <= -1.0; self->scroll_dy += 1.0)
        click_wheel (self, x, y, 1u << 3);
      for (; self->scroll_dy >= 1.0; self->scroll_dy -= 1.0)
        click_wheel (self, x, y, 1u << 4);
      for (; self->scroll_dx <= -1.0; self->scroll_dx += 1.0)
        click_wheel (self, x, y, 1u << 5);
      for (; self->scroll_dx >= 1.0; self->scroll_dx -= 1.0)
        click_wheel (self, x, y, 1u << 6);
      break;
    default:
      break;
    }
  return TRUE;
}

static gboolean
tandem_vnc_view_key_event (GtkWidget   *widget,
                           GdkEventKey *event)
{
  TandemVncView *self = TANDEM_VNC_VIEW (widget);
  gpointer key = GUINT_TO_POINTER (event->hardware_keycode + 1);
  gpointer sent;

  g_debug ("key %s 0x%x (input %s)", event->type == GDK_KEY_PRESS ? "press" : "release",
           event->keyval, input_allowed (self) ? "sent" : "not sent");
  if (!input_allowed (self))
    return FALSE;
  if (event->type == GDK_KEY_PRESS)
    {
      /* GDK keyvals are X keysyms.  An auto-repeat re-sends the same one. */
      guint32 keysym = event->keyval;

      if (g_hash_table_lookup_extended (self->keys_down, key, NULL, &sent))
        keysym = GPOINTER_TO_UINT (sent);
      g_hash_table_insert (self->keys_down, key, GUINT_TO_POINTER (keysym));
      tandem_vnc_connection_key (self->conn, keysym, TRUE);
    }
  else if (g_hash_table_lookup_extended (self->keys_down, key, NULL, &sent))
    {
      /* The release the remote gets matches the press it got. */
      tandem_vnc_connection_key (self->conn, GPOINTER_TO_UINT (sent), FALSE);
      g_hash_table_remove (self->keys_down, key);
    }
  return TRUE;
}

static void
release_all (TandemVncView *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->conn != NULL && self->state == TANDEM_VNC_VIEW_CONNECTED)
    {
      g_hash_table_iter_init (&iter, self->keys_down);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        tandem_vnc_connection_key (self->conn, GPOINTER_TO_UINT (value), FALSE);
    }
  g_hash_table_remove_all (self->keys_down);
  self->buttons = 0;
}

static gboolean
tandem_vnc_view_focus_out_event (GtkWidget     *widget,
                                 GdkEventFocus *event)
{
  release_all (TANDEM_VNC_VIEW (widget));
  return GTK_WIDGET_CLASS (tandem_vnc_view_parent_class)->focus_out_event (widget, event);
}

/* ---- GObject ---------------------------------------------------------- */

static void
tandem_vnc_view_dispose (GObject *object)
{
  TandemVncView *self = TANDEM_VNC_VIEW (object);

  g_clear_pointer (&self->conn, tandem_vnc_connection_close);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_object (&self->cursor);
  G_OBJECT_CLASS (tandem_vnc_view_parent_class)->dispose (object);
}

static void
tandem_vnc_view_finalize (GObject *object)
{
  TandemVncView *self = TANDEM_VNC_VIEW (object);

  g_clear_error (&self->error);
  g_free (self->desktop_name);
  g_free (self->clipboard_last);
  g_hash_table_unref (self->keys_down);
  G_OBJECT_CLASS (tandem_vnc_view_parent_class)->finalize (object);
}

static void
tandem_vnc_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TandemVncView *self = TANDEM_VNC_VIEW (object);

  switch (prop_id)
    {
    case PROP_STATE:         g_value_set_enum (value, self->state); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, tandem_vnc_view_get_error_message (self)); break;
    case PROP_REMOTE_WIDTH:  g_value_set_int (value, self->remote_width); break;
    case PROP_REMOTE_HEIGHT: g_value_set_int (value, self->remote_height); break;
    case PROP_DESKTOP_NAME:  g_value_set_string (value, self->desktop_name); break;
    case PROP_SCALE_TO_FIT:  g_value_set_boolean (value, self->scale_to_fit); break;
    case PROP_CONTROL:       g_value_set_boolean (value, self->control); break;
    case PROP_JPEG_QUALITY:  g_value_set_int (value, self->jpeg_quality); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_vnc_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TandemVncView *self = TANDEM_VNC_VIEW (object);

  switch (prop_id)
    {
    case PROP_SCALE_TO_FIT: tandem_vnc_view_set_scale_to_fit (self, g_value_get_boolean (value)); break;
    case PROP_CONTROL:      tandem_vnc_view_set_control (self, g_value_get_boolean (value)); break;
    case PROP_JPEG_QUALITY: tandem_vnc_view_set_jpeg_quality (self, g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_vnc_view_class_init (TandemVncViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tandem_vnc_view_dispose;
  object_class->finalize = tandem_vnc_view_finalize;
  object_class->get_property = tandem_vnc_view_get_property;
  object_class->set_property = tandem_vnc_view_set_property;
  widget_class->draw = tandem_vnc_view_draw;
  widget_class->get_preferred_width = tandem_vnc_view_get_preferred_width;
  widget_class->get_preferred_height = tandem_vnc_view_get_preferred_height;
  widget_class->realize = tandem_vnc_view_realize;
  widget_class->unrealize = tandem_vnc_view_unrealize;
  widget_class->button_press_event = tandem_vnc_view_button_event;
  widget_class->button_release_event = tandem_vnc_view_button_event;
  widget_class->motion_notify_event = tandem_vnc_view_motion_notify_event;
  widget_class->scroll_event = tandem_vnc_view_scroll_event;
  widget_class->key_press_event = tandem_vnc_view_key_event;
  widget_class->key_release_event = tandem_vnc_view_key_event;
  widget_class->focus_out_event = tandem_vnc_view_focus_out_event;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_VNC_VIEW_STATE, TANDEM_VNC_VIEW_IDLE, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_WIDTH] = g_param_spec_int ("remote-width", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_REMOTE_HEIGHT] = g_param_spec_int ("remote-height", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_DESKTOP_NAME] = g_param_spec_string ("desktop-name", NULL, NULL, NULL, ro);
  properties[PROP_SCALE_TO_FIT] = g_param_spec_boolean ("scale-to-fit", NULL, NULL, TRUE, rw);
  /* Whether input is sent.  The sharer decides what it accepts; the UI
   * mirrors the grant here. */
  properties[PROP_CONTROL] = g_param_spec_boolean ("control", NULL, NULL, FALSE, rw);
  /* 0: lossless (tight/zrle); 1-9: tight with JPEG of that quality (5-7 for slow links). */
  properties[PROP_JPEG_QUALITY] = g_param_spec_int ("jpeg-quality", NULL, NULL, 0, 9, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, ATK_ROLE_CANVAS);
  gtk_widget_class_set_css_name (widget_class, "tandem-vnc-view");
}

/* The transform depends on the size: a new size redraws everything, not
 * only the newly exposed area. */
static void
on_size_allocate (GtkWidget     *widget,
                  GtkAllocation *allocation,
                  gpointer       user_data)
{
  gtk_widget_queue_draw (widget);
}

static void
tandem_vnc_view_init (TandemVncView *self)
{
  self->scale_to_fit = TRUE;
  self->keys_down = g_hash_table_new (NULL, NULL);
  g_signal_connect (self, "size-allocate", G_CALLBACK (on_size_allocate), NULL);
  gtk_widget_set_can_focus (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_add_events (GTK_WIDGET (self),
                         GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK | GDK_POINTER_MOTION_MASK
                         | GDK_SCROLL_MASK | GDK_SMOOTH_SCROLL_MASK | GDK_KEY_PRESS_MASK
                         | GDK_KEY_RELEASE_MASK | GDK_FOCUS_CHANGE_MASK);
}

GtkWidget *
tandem_vnc_view_new (void)
{
  return g_object_new (TANDEM_TYPE_VNC_VIEW, NULL);
}

/* Starts an RFB session on @fd (connected, < 1024), which the view takes. */
void
tandem_vnc_view_open_fd (TandemVncView *self,
                         int            fd)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TANDEM_IS_VNC_VIEW (self));
  g_return_if_fail (fd >= 0);

  tandem_vnc_view_close (self);
  g_clear_error (&self->error);
  self->remote_width = self->remote_height = 0;
  set_state (self, TANDEM_VNC_VIEW_CONNECTING);
  self->conn = tandem_vnc_connection_new (fd, self->jpeg_quality, &connection_callbacks, self, &error);
  if (self->conn == NULL)
    {
      self->error = g_steal_pointer (&error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      set_state (self, TANDEM_VNC_VIEW_ERROR);
    }
}

/* Ends the session (the decoder is killed, the fd closed). */
void
tandem_vnc_view_close (TandemVncView *self)
{
  g_return_if_fail (TANDEM_IS_VNC_VIEW (self));

  if (self->conn == NULL)
    return;
  release_all (self);
  g_clear_pointer (&self->conn, tandem_vnc_connection_close);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  set_state (self, TANDEM_VNC_VIEW_DISCONNECTED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TandemVncViewState
tandem_vnc_view_get_state (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), TANDEM_VNC_VIEW_IDLE);
  return self->state;
}

const char *
tandem_vnc_view_get_error_message (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), NULL);
  return self->error != NULL ? self->error->message : NULL;
}

/* Why the view is in the ERROR state (TANDEM_VIEWER_ERROR),
 * or NULL. */
const GError *
tandem_vnc_view_get_error (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), NULL);
  return self->error;
}

int
tandem_vnc_view_get_remote_width (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), 0);
  return self->remote_width;
}

int
tandem_vnc_view_get_remote_height (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), 0);
  return self->remote_height;
}

const char *
tandem_vnc_view_get_desktop_name (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), NULL);
  return self->desktop_name;
}

gboolean
tandem_vnc_view_get_scale_to_fit (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), FALSE);
  return self->scale_to_fit;
}

/* TRUE: the whole screen fits the widget; FALSE: 1:1, for a GtkScrolledWindow. */
void
tandem_vnc_view_set_scale_to_fit (TandemVncView *self,
                                  gboolean       scale_to_fit)
{
  g_return_if_fail (TANDEM_IS_VNC_VIEW (self));
  if (self->scale_to_fit == !!scale_to_fit)
    return;
  self->scale_to_fit = !!scale_to_fit;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_TO_FIT]);
}

gboolean
tandem_vnc_view_get_control (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), FALSE);
  return self->control;
}

void
tandem_vnc_view_set_control (TandemVncView *self,
                             gboolean       control)
{
  g_return_if_fail (TANDEM_IS_VNC_VIEW (self));
  if (self->control == !!control)
    return;
  if (!control)
    release_all (self);
  self->control = !!control;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL]);
}

int
tandem_vnc_view_get_jpeg_quality (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), 0);
  return self->jpeg_quality;
}

void
tandem_vnc_view_set_jpeg_quality (TandemVncView *self,
                                  int            quality)
{
  g_return_if_fail (TANDEM_IS_VNC_VIEW (self));
  quality = CLAMP (quality, 0, 9);
  if (self->jpeg_quality == quality)
    return;
  self->jpeg_quality = quality;
  if (self->conn != NULL)
    tandem_vnc_connection_set_quality (self->conn, quality);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JPEG_QUALITY]);
}

/* A copy of the remote screen as received (RGB24), or NULL. */
cairo_surface_t *
tandem_vnc_view_snapshot (TandemVncView *self)
{
  cairo_surface_t *copy = NULL;
  const guint8 *pixels;
  int w, h, stride;
  guint generation;

  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), NULL);
  if (self->conn == NULL)
    return NULL;
  pixels = tandem_vnc_connection_lock (self->conn, &w, &h, &stride, &generation);
  if (pixels != NULL)
    {
      copy = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_surface_flush (copy);
      for (int y = 0; y < h; y++)
        memcpy (cairo_image_surface_get_data (copy) + y * cairo_image_surface_get_stride (copy),
                pixels + y * stride, w * 4);
      cairo_surface_mark_dirty (copy);
    }
  tandem_vnc_connection_unlock (self->conn);
  return copy;
}

/* Redraws scheduled so far (merged updates). */
guint64
tandem_vnc_view_get_frames (TandemVncView *self)
{
  g_return_val_if_fail (TANDEM_IS_VNC_VIEW (self), 0);
  return self->frames;
}
