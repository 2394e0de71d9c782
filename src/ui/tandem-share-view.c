/* tandem-share-view.c
 *
 * A toolbar (state, Request Control or "You control bob's screen",
 * Detach, Full Screen, Stop Viewing) over a TandemVncView.  The VNC view
 * sits in an overlay that also says "Connecting…" or why the share ended;
 * detaching moves that overlay, VNC view included, into a window of its
 * own (from this template), and closing that window moves it back.  Full
 * screen is that window's: Escape or F11 leave it, and a view that was
 * detached only to go full screen comes back to the pane.
 *
 * The toolbar's Picture Quality menu drives the action "share-view.quality"
 * (state "auto", "lossless", "high" or "low"), which sets the VNC view's
 * jpeg-quality: "auto" lets the sharer follow the measured throughput.
 *
 * The view reports what the user asks for ("request-control", "stop") and
 * is told what the sharer decided (set_control_granted, set_ended); it
 * sends no signalling itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-security.h"
#include "tandem-share-view.h"

/* A request nobody answers (a peer without control signalling) does not
 * keep the button disabled for ever. */
#define REQUEST_TIMEOUT_S 30

struct _TandemShareView
{
  GtkBox           parent_instance;

  char            *peer_name;
  char            *ended_reason;
  gboolean         ended;
  gboolean         granted;
  gboolean         requested;
  guint            request_timeout_id;
  gboolean         detached;
  gboolean         detached_for_fullscreen;
  gboolean         fullscreen;
  gboolean         updating;

  GtkLabel        *state_label;
  GtkButton       *control_button;
  GtkWidget       *control_indicator;
  GtkLabel        *control_indicator_label;
  GtkToggleButton *detach_button;
  GtkButton       *fullscreen_button;
  GtkImage        *fullscreen_image;
  GtkWidget       *stop_button;
  GtkStack        *view_stack;
  GtkBox          *view_slot;
  GtkWidget       *view_overlay;
  TandemVncView   *vnc_view;
  GtkWidget       *status_box;
  GtkSpinner      *status_spinner;
  GtkLabel        *status_label;
  GtkWidget       *reconnect_button;
  gboolean         reconnectable;
  GtkLabel        *detached_label;
  GtkWindow       *detached_window;
  GtkHeaderBar    *detached_header;
  GtkImage        *window_fullscreen_image;
  GSimpleActionGroup *actions;
  GtkWidget       *security;
};

G_DEFINE_FINAL_TYPE (TandemShareView, tandem_share_view, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_PEER_NAME,
  PROP_CONTROL_GRANTED,
  PROP_DETACHED,
  PROP_FULLSCREEN,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_REQUEST_CONTROL,
  SIGNAL_STOP,
  SIGNAL_RECONNECT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *
peer (TandemShareView *self)
{
  /* Translators: whose screen is shown when their name is unknown */
  return self->peer_name != NULL && *self->peer_name != '\0' ? self->peer_name : _("The other side");
}

static gboolean
is_over (TandemShareView *self)
{
  TandemVncViewState state = tandem_vnc_view_get_state (self->vnc_view);

  return self->ended || state == TANDEM_VNC_VIEW_DISCONNECTED || state == TANDEM_VNC_VIEW_ERROR;
}

static char *
describe (TandemShareView *self)
{
  int width = tandem_vnc_view_get_remote_width (self->vnc_view);
  int height = tandem_vnc_view_get_remote_height (self->vnc_view);
  const char *reason = self->ended_reason;

  if (!self->ended)
    switch (tandem_vnc_view_get_state (self->vnc_view))
      {
      case TANDEM_VNC_VIEW_IDLE:
      case TANDEM_VNC_VIEW_CONNECTING:
        return g_strdup (_("Connecting…"));
      case TANDEM_VNC_VIEW_CONNECTED:
        if (width > 0 && height > 0)
          /* Translators: "bob's screen — 1920×1080": a contact's name and the size of their screen */
          return g_strdup_printf (_("%s’s screen — %d×%d"), peer (self), width, height);
        /* Translators: %s is a contact's name */
        return g_strdup_printf (_("%s’s screen"), peer (self));
      case TANDEM_VNC_VIEW_ERROR:
        reason = tandem_vnc_view_get_error_message (self->vnc_view);
        break;
      case TANDEM_VNC_VIEW_DISCONNECTED:
      default:
        break;
      }

  if (reason != NULL && *reason != '\0')
    /* Translators: the shared screen is gone; %s says why, e.g. "bob stopped sharing" */
    return g_strdup_printf (_("Ended: %s"), reason);
  /* Translators: the shared screen is gone */
  return g_strdup (_("Ended"));
}

static void
update (TandemShareView *self)
{
  TandemVncViewState state;
  gboolean over, live;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *you_control = NULL;
  g_autofree char *detached = NULL;
  g_autofree char *request = NULL;

  if (self->vnc_view == NULL || self->detached_window == NULL)
    return;  /* disposed */

  state = tandem_vnc_view_get_state (self->vnc_view);
  over = is_over (self);
  live = !over && state == TANDEM_VNC_VIEW_CONNECTED;
  text = describe (self);
  gtk_label_set_text (self->state_label, text);

  /* Over the screen: only while there is no picture. */
  gtk_widget_set_visible (self->status_box, !live);
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (self->reconnect_button, over && self->reconnectable);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), !over);
  if (!over && !live)
    gtk_spinner_start (self->status_spinner);
  else
    gtk_spinner_stop (self->status_spinner);

  gtk_widget_set_visible (GTK_WIDGET (self->control_button), !(self->granted && !over));
  gtk_widget_set_sensitive (GTK_WIDGET (self->control_button), live && !self->requested);
  gtk_button_set_label (self->control_button,
                        self->requested && !over ? _("Control Requested") : _("_Request Control"));
  /* Translators: %s is a contact's name */
  request = g_strdup_printf (_("Ask %s to let you use their mouse and keyboard"), peer (self));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->control_button), request);

  gtk_widget_set_visible (self->control_indicator, self->granted && !over);
  /* Translators: %s is a contact's name */
  you_control = g_strdup_printf (_("You control %s’s screen"), peer (self));
  gtk_label_set_text (self->control_indicator_label, you_control);

  gtk_widget_set_sensitive (GTK_WIDGET (self->fullscreen_button), !over || self->fullscreen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->detach_button), !over || self->detached);

  /* Translators: %s is a contact's name */
  title = g_strdup_printf (_("%s’s screen"), peer (self));
  gtk_header_bar_set_title (self->detached_header, title);
  if (live && tandem_vnc_view_get_remote_width (self->vnc_view) > 0)
    {
      /* The title says whose screen it is already. */
      g_autofree char *size = g_strdup_printf ("%d×%d", tandem_vnc_view_get_remote_width (self->vnc_view),
                                               tandem_vnc_view_get_remote_height (self->vnc_view));

      gtk_header_bar_set_subtitle (self->detached_header, size);
    }
  else
    gtk_header_bar_set_subtitle (self->detached_header, text);
  gtk_window_set_title (self->detached_window, title);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), title);

  /* Translators: %s is a contact's name */
  detached = g_strdup_printf (_("%s’s screen is in its own window"), peer (self));
  gtk_label_set_text (self->detached_label, detached);

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->detach_button, self->detached);
  self->updating = FALSE;
  gtk_image_set_from_icon_name (self->fullscreen_image,
                                self->fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic",
                                GTK_ICON_SIZE_BUTTON);
  gtk_image_set_from_icon_name (self->window_fullscreen_image,
                                self->fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic",
                                GTK_ICON_SIZE_BUTTON);
}

static void
end_request (TandemShareView *self)
{
  self->requested = FALSE;
  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
}

static gboolean
on_request_timeout (gpointer data)
{
  TandemShareView *self = data;

  self->request_timeout_id = 0;
  self->requested = FALSE;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
on_control_clicked (TandemShareView *self)
{
  self->requested = TRUE;
  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  self->request_timeout_id = g_timeout_add_seconds (REQUEST_TIMEOUT_S, on_request_timeout, self);
  update (self);
  g_signal_emit (self, signals[SIGNAL_REQUEST_CONTROL], 0);
}

static void
on_reconnect_clicked (TandemShareView *self)
{
  g_signal_emit (self, signals[SIGNAL_RECONNECT], 0);
}

static void
on_stop_clicked (TandemShareView *self)
{
  g_signal_emit (self, signals[SIGNAL_STOP], 0);
}

static void
on_vnc_changed (TandemShareView *self)
{
  if (is_over (self))
    end_request (self);
  update (self);
}

/* ---- detached window and full screen ----------------------------------- */

static void
move_overlay (TandemShareView *self,
              GtkContainer    *to)
{
  GtkWidget *from = gtk_widget_get_parent (self->view_overlay);

  if (from == GTK_WIDGET (to))
    return;
  g_object_ref (self->view_overlay);
  gtk_container_remove (GTK_CONTAINER (from), self->view_overlay);
  gtk_container_add (to, self->view_overlay);
  g_object_unref (self->view_overlay);
}

/* The remote size, made to fit on the monitor the pane is on. */
static void
size_detached_window (TandemShareView *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  GdkWindow *window = gtk_widget_get_window (GTK_WIDGET (self));
  GdkMonitor *monitor = window != NULL ? gdk_display_get_monitor_at_window (display, window)
                                       : gdk_display_get_primary_monitor (display);
  double width = tandem_vnc_view_get_remote_width (self->vnc_view);
  double height = tandem_vnc_view_get_remote_height (self->vnc_view);
  GdkRectangle area = { 0, 0, 1280, 800 };
  double scale;

  if (monitor == NULL && gdk_display_get_n_monitors (display) > 0)
    monitor = gdk_display_get_monitor (display, 0);
  if (monitor != NULL)
    gdk_monitor_get_workarea (monitor, &area);
  if (width <= 0 || height <= 0)
    {
      width = 960;
      height = 600;
    }
  scale = MIN (1.0, MIN (area.width * 0.9 / width, area.height * 0.85 / height));
  gtk_window_set_default_size (self->detached_window, (int) (width * scale), (int) (height * scale));
}

/* What was asked for, until the window manager says otherwise (a bare X
 * server without one never answers). */
static void
set_fullscreen (TandemShareView *self,
                gboolean         fullscreen)
{
  if (self->fullscreen == fullscreen)
    return;
  self->fullscreen = fullscreen;
  if (!fullscreen && self->detached_for_fullscreen)
    tandem_share_view_set_detached (self, FALSE);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FULLSCREEN]);
}

static void
leave_fullscreen (TandemShareView *self)
{
  gtk_window_unfullscreen (self->detached_window);
  set_fullscreen (self, FALSE);
}

void
tandem_share_view_set_detached (TandemShareView *self,
                                gboolean         detached)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));

  detached = !!detached;
  if (self->detached == detached)
    return;
  self->detached = detached;

  if (detached)
    {
      size_detached_window (self);
      move_overlay (self, GTK_CONTAINER (self->detached_window));
      gtk_stack_set_visible_child_name (self->view_stack, "detached");
      gtk_window_present (self->detached_window);
      gtk_widget_grab_focus (GTK_WIDGET (self->vnc_view));
    }
  else
    {
      self->detached_for_fullscreen = FALSE;
      if (self->fullscreen)
        leave_fullscreen (self);
      gtk_widget_hide (GTK_WIDGET (self->detached_window));
      move_overlay (self, GTK_CONTAINER (self->view_slot));
      gtk_stack_set_visible_child_name (self->view_stack, "view");
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETACHED]);
}

gboolean
tandem_share_view_get_detached (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), FALSE);
  return self->detached;
}

void
tandem_share_view_fullscreen (TandemShareView *self)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));

  /* Asked before the window maps, so that it maps full screen. */
  gtk_window_fullscreen (self->detached_window);
  if (!self->detached)
    {
      tandem_share_view_set_detached (self, TRUE);
      self->detached_for_fullscreen = TRUE;
    }
  gtk_window_present (self->detached_window);
  set_fullscreen (self, TRUE);
}

gboolean
tandem_share_view_get_fullscreen (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), FALSE);
  return self->fullscreen;
}

static void
on_detach_toggled (TandemShareView *self)
{
  if (!self->updating)
    tandem_share_view_set_detached (self, gtk_toggle_button_get_active (self->detach_button));
}

static void
on_attach_clicked (TandemShareView *self)
{
  tandem_share_view_set_detached (self, FALSE);
}

static void
on_fullscreen_clicked (TandemShareView *self)
{
  if (self->fullscreen)
    leave_fullscreen (self);
  else
    tandem_share_view_fullscreen (self);
}

static gboolean
on_detached_delete (TandemShareView *self)
{
  tandem_share_view_set_detached (self, FALSE);
  return GDK_EVENT_STOP;  /* the window is kept for the next time */
}

/* Before the focused VNC view sees the key: Escape and F11 are ours while
 * full screen, so a controlled screen can always be left. */
static gboolean
on_detached_key_press (TandemShareView *self,
                       GdkEventKey     *event)
{
  if (event->keyval == GDK_KEY_F11 || (event->keyval == GDK_KEY_Escape && self->fullscreen))
    {
      on_fullscreen_clicked (self);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
on_detached_window_state (TandemShareView     *self,
                          GdkEventWindowState *event)
{
  /* The window manager's word, e.g. its own key for leaving full screen. */
  if ((event->changed_mask & GDK_WINDOW_STATE_FULLSCREEN) && gtk_widget_get_mapped (GTK_WIDGET (self->detached_window)))
    set_fullscreen (self, (event->new_window_state & GDK_WINDOW_STATE_FULLSCREEN) != 0);
  return GDK_EVENT_PROPAGATE;
}

/* ---- API ------------------------------------------------------------------ */

GtkWidget *
tandem_share_view_new (const char *peer_name)
{
  return g_object_new (TANDEM_TYPE_SHARE_VIEW, "peer-name", peer_name, NULL);
}

const char *
tandem_share_view_get_peer_name (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), NULL);
  return self->peer_name;
}

void
tandem_share_view_set_peer_name (TandemShareView *self,
                                 const char      *peer_name)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));

  if (g_strcmp0 (self->peer_name, peer_name) == 0)
    return;
  g_free (self->peer_name);
  self->peer_name = g_strdup (peer_name);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
}

void
tandem_share_view_open_fd (TandemShareView *self,
                           int              fd)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));
  g_return_if_fail (fd >= 0);

  self->ended = FALSE;
  g_clear_pointer (&self->ended_reason, g_free);
  end_request (self);
  tandem_vnc_view_open_fd (self->vnc_view, fd);
  update (self);
}

TandemVncView *
tandem_share_view_get_vnc_view (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), NULL);
  return self->vnc_view;
}

void
tandem_share_view_set_control_granted (TandemShareView *self,
                                       gboolean         granted)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));

  granted = !!granted;
  end_request (self);
  tandem_vnc_view_set_control (self->vnc_view, granted);
  if (self->granted != granted)
    {
      self->granted = granted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_GRANTED]);
    }
  update (self);
}

gboolean
tandem_share_view_get_control_granted (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), FALSE);
  return self->granted;
}

/* An ended share that can be set up again (a relay dropped it): the
 * overlay offers Reconnect, which emits ::reconnect. */
void
tandem_share_view_set_reconnectable (TandemShareView *self,
                                     gboolean         reconnectable)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));
  self->reconnectable = reconnectable;
  update (self);
}

void
tandem_share_view_set_ended (TandemShareView *self,
                             const char      *reason)
{
  g_return_if_fail (TANDEM_IS_SHARE_VIEW (self));

  self->ended = TRUE;
  g_free (self->ended_reason);
  /* A view that failed first ended the share: its reason is the one to
   * show ("The shared screen is too large to show"), not the share's
   * ("The screen sharing connection closed"). */
  if (tandem_vnc_view_get_state (self->vnc_view) == TANDEM_VNC_VIEW_ERROR)
    self->ended_reason = g_strdup (tandem_vnc_view_get_error_message (self->vnc_view));
  else
    self->ended_reason = g_strdup (reason);
  end_request (self);
  tandem_vnc_view_set_control (self->vnc_view, FALSE);
  tandem_vnc_view_close (self->vnc_view);
  if (self->granted)
    {
      self->granted = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_GRANTED]);
    }
  update (self);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
tandem_share_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TandemShareView *self = TANDEM_SHARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PEER_NAME:       g_value_set_string (value, self->peer_name); break;
    case PROP_CONTROL_GRANTED: g_value_set_boolean (value, self->granted); break;
    case PROP_DETACHED:        g_value_set_boolean (value, self->detached); break;
    case PROP_FULLSCREEN:      g_value_set_boolean (value, self->fullscreen); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TandemShareView *self = TANDEM_SHARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PEER_NAME:       tandem_share_view_set_peer_name (self, g_value_get_string (value)); break;
    case PROP_CONTROL_GRANTED: tandem_share_view_set_control_granted (self, g_value_get_boolean (value)); break;
    case PROP_DETACHED:        tandem_share_view_set_detached (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_share_view_dispose (GObject *object)
{
  TandemShareView *self = TANDEM_SHARE_VIEW (object);

  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  /* Dispose runs again after destroy, when the template's children are gone. */
  if (self->vnc_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->vnc_view, self);
      self->vnc_view = NULL;
    }
  if (self->detached_window != NULL)
    {
      /* Back home first, so that the VNC view goes with this widget. */
      g_signal_handlers_disconnect_by_data (self->detached_window, self);
      if (self->detached)
        move_overlay (self, GTK_CONTAINER (self->view_slot));
      gtk_widget_destroy (GTK_WIDGET (self->detached_window));
      self->detached_window = NULL;
    }

  G_OBJECT_CLASS (tandem_share_view_parent_class)->dispose (object);
}

static void
tandem_share_view_finalize (GObject *object)
{
  TandemShareView *self = TANDEM_SHARE_VIEW (object);

  g_free (self->peer_name);
  g_free (self->ended_reason);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (tandem_share_view_parent_class)->finalize (object);
}

/* "share-view.quality": the names, and the VNC view's jpeg-quality. */
static const struct {
  const char *name;
  int         jpeg_quality;
} qualities[] = {
  { "auto", TANDEM_VNC_VIEW_QUALITY_AUTO },
  { "lossless", 0 },
  { "high", 8 },
  { "low", 5 },
};

static void
on_quality_changed (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       data)
{
  TandemShareView *self = data;
  const char *name = g_variant_get_string (value, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
    if (g_strcmp0 (qualities[i].name, name) == 0)
      {
        tandem_vnc_view_set_jpeg_quality (self->vnc_view, qualities[i].jpeg_quality);
        g_simple_action_set_state (action, value);
        return;
      }
}

static void
tandem_share_view_class_init (TandemShareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tandem_share_view_get_property;
  object_class->set_property = tandem_share_view_set_property;
  object_class->dispose = tandem_share_view_dispose;
  object_class->finalize = tandem_share_view_finalize;

  /* Whose screen this is, as shown to the user. */
  properties[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, rw);
  /* The sharer lets this side's input through. */
  properties[PROP_CONTROL_GRANTED] = g_param_spec_boolean ("control-granted", NULL, NULL, FALSE, rw);
  /* The screen is shown in its own window. */
  properties[PROP_DETACHED] = g_param_spec_boolean ("detached", NULL, NULL, FALSE, rw);
  /* That window is full screen. */
  properties[PROP_FULLSCREEN] = g_param_spec_boolean ("fullscreen", NULL, NULL, FALSE,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                      | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REQUEST_CONTROL] =
    g_signal_new ("request-control", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The user clicked Reconnect (shown after set_reconnectable (TRUE)). */
  signals[SIGNAL_RECONNECT] =
    g_signal_new ("reconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STOP] =
    g_signal_new ("stop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TANDEM_TYPE_VNC_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemphone/Tandem/tandem-share-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, state_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, control_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, control_indicator);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, control_indicator_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, detach_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, fullscreen_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, fullscreen_image);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, view_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, view_overlay);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, vnc_view);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, status_box);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, detached_label);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, detached_window);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, detached_header);
  gtk_widget_class_bind_template_child (widget_class, TandemShareView, window_fullscreen_image);
  gtk_widget_class_bind_template_callback (widget_class, on_control_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reconnect_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_detach_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fullscreen_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_detached_delete);
  gtk_widget_class_bind_template_callback (widget_class, on_detached_key_press);
  gtk_widget_class_bind_template_callback (widget_class, on_detached_window_state);
  gtk_widget_class_bind_template_callback (widget_class, on_vnc_changed);
}

static void
tandem_share_view_init (TandemShareView *self)
{
  g_autoptr(GSimpleAction) quality = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->actions = g_simple_action_group_new ();
  quality = g_simple_action_new_stateful ("quality", G_VARIANT_TYPE_STRING, g_variant_new_string ("auto"));
  g_signal_connect (quality, "change-state", G_CALLBACK (on_quality_changed), self);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (quality));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "share-view", G_ACTION_GROUP (self->actions));
  tandem_vnc_view_set_jpeg_quality (self->vnc_view, TANDEM_VNC_VIEW_QUALITY_AUTO);
  /* the encryption line, under the toolbar */
  self->security = tandem_share_security_new ();
  gtk_widget_set_margin_start (self->security, 6);
  gtk_widget_set_margin_end (self->security, 6);
  gtk_box_pack_start (GTK_BOX (self), self->security, FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (self), self->security, 1);
  update (self);
}

/* The encryption line (TandemShareSecurity). */
GtkWidget *
tandem_share_view_get_security (TandemShareView *self)
{
  g_return_val_if_fail (TANDEM_IS_SHARE_VIEW (self), NULL);
  return self->security;
}
