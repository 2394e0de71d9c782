/* tandem-portal-capture.c: TandemCapture over xdg-desktop-portal and
 * PipeWire (see the header).
 *
 * Pixels: the ScreenCast session's node, read by a pw_stream on a
 * PipeWire thread loop of our own, which copies each buffer's new pixels
 * into a shadow frame and gives the buffer straight back (a producer
 * short of buffers drops frames: a still screen would then keep showing
 * a stale one); an eventfd wakes the server thread, which takes the
 * changes in dispatch() and grab().  We offer BGRx/BGRA without
 * modifiers and accept MemFd/MemPtr buffers only, so a producer that can
 * only give DMA-BUF fails the negotiation and is reported as such.  Each
 * buffer's SPA_META_VideoDamage rectangles (the whole frame when it has
 * none: mutter 43 sends none) are copied into a shadow frame and
 * remembered; grab() copies the remembered rectangles' rows that really
 * differ into the framebuffer, so the viewers get only what changed.  mutter sends nothing while
 * the screen is still, so an idle screen costs no work.  The cursor comes
 * as SPA_META_Cursor (position, and a bitmap when it changes) when the
 * portal offers metadata mode, else embedded in the pixels.
 *
 * A shared window comes as a stream the size of its monitor with the
 * window's pixels at the top left; SPA_META_VideoCrop says where: the
 * framebuffer is that region (and follows it when the window is resized).
 *
 * Input: the RemoteDesktop session, created on request (control
 * granted).  inject_*() on the server thread queue the events; the main
 * thread sends them to the portal in order.  Pointer positions are
 * absolute on the RemoteDesktop session's stream: for a monitor, scaled
 * to it; for a shared window, the RemoteDesktop session streams a window
 * too (the user picks it again in the portal's dialog) and positions are
 * the window's own, which mutter maps onto wherever the window is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-portal-capture"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/input-event-codes.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <pipewire/pipewire.h>
#include <spa/buffer/meta.h>
#include <spa/param/video/format-utils.h>
#include <spa/utils/result.h>

#include "tandem-context.h"
#include "tandem-portal-capture.h"

#define MAX_DAMAGE_RECTS   32
#define MAX_CURSOR_SIZE    256
#define CURSOR_META_SIZE(w, h) (sizeof (struct spa_meta_cursor) + sizeof (struct spa_meta_bitmap) + (w) * (h) * 4)
#define XK_Shift_L         0xffe1
/* mutter lost a click whose press came in the same instant as the motion
 * before it (the pointer had not moved yet): events are sent this far
 * apart, pointer motions in between merged. */
#define INPUT_GAP_MS       50
#define INPUT_WARMUP_MS    300
/* mutter 43 sometimes sends no first frame of a still screen, or drops
 * the last frame of a burst (no buffer free at that moment): this long
 * after the last frame (or the start), one refresh is asked for, by
 * pausing and resuming the stream (mutter then paints a frame). */
#define REFRESH_MS         300
#define MAX_REFRESHES      3

typedef enum { INPUT_POINTER, INPUT_KEY } EventType;

typedef struct {
  EventType type;
  int       x, y, width, height;
  guint     mask;
  gboolean  down;
  guint32   keysym;
} InputEvent;

struct _TandemPortalCapture
{
  GObject          parent_instance;

  /* main thread */
  GMainContext    *main_context;
  XdpPortal       *portal;
  XdpParent       *parent;
  XdpSession      *session;       /* ScreenCast */
  XdpSession      *rd_session;    /* RemoteDesktop, once control was granted */
  char            *restore_token;
  gboolean         remember;
  XdpCursorMode    cursor_mode;
  guint            source_type;   /* of the ScreenCast stream: XDP_OUTPUT_* */
  guint            rd_node;
  int              rd_width, rd_height;
  gboolean         rd_window;     /* the RemoteDesktop stream is a window */
  guint            buttons;       /* as last sent to the portal */
  int              sent_x, sent_y;
  gboolean         failed;
  gulong           closed_id;

  /* set on the main thread before open(), read by the server thread */
  guint            node;
  int              pw_fd;
  int              initial_width, initial_height;

  /* server thread -> main thread */
  GMutex           input_lock;
  GQueue           input;         /* of InputEvent* */
  gboolean         input_scheduled;

  /* main thread: events waiting for their turn */
  GQueue           paced;         /* of InputEvent* */
  GSource         *pace_source;

  /* PipeWire runs on a thread of its own (so buffers go back to the
   * producer at once, whatever the server thread is doing); what its
   * callbacks write is under @lock, and @event_fd wakes the server thread. */
  struct pw_thread_loop *tloop;
  int              event_fd;
  GMutex           lock;
  struct pw_context *context;
  struct spa_source *refresh_timer;  /* PipeWire thread */
  guint            refreshes;        /* asked since the last real frame */
  gboolean         refreshing;
  struct pw_core  *core;
  struct spa_hook  core_listener;
  struct pw_registry *registry;   /* says when the producer's node goes */
  struct spa_hook  registry_listener;
  struct pw_stream *stream;
  struct spa_hook  stream_listener;
  gboolean         negotiated;
  gboolean         lost;
  int              stream_width, stream_height; /* as negotiated */
  int              crop_x, crop_y; /* where the framebuffer is in the stream */
  int              width, height;
  int              fb_width, fb_height;  /* as get_size() last told the server */
  guint8          *shadow;        /* width * height * 4 */
  GArray          *damage;        /* of TandemCaptureRect, since the last grab */
  gboolean         all_damaged;
  TandemCaptureEvents events;
  TandemCaptureCursor *cursor;
  int              pointer_x, pointer_y;
  gboolean         have_pointer;
};

static void tandem_portal_capture_iface_init (TandemCaptureInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemPortalCapture, tandem_portal_capture, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TANDEM_TYPE_CAPTURE, tandem_portal_capture_iface_init))

enum { SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- reporting a failure to the main thread ----------------------------- */

typedef struct {
  TandemPortalCapture *self;
  GError              *error;
} Failure;

static gboolean
on_failure (gpointer data)
{
  Failure *f = data;

  if (!f->self->failed)
    {
      f->self->failed = TRUE;
      g_debug ("failed: %s", f->error->message);
      g_signal_emit (f->self, signals[SIGNAL_FAILED], 0, f->error);
    }
  return G_SOURCE_REMOVE;
}

static void
failure_free (gpointer data)
{
  Failure *f = data;

  g_object_unref (f->self);
  g_error_free (f->error);
  g_free (f);
}

/* Any thread: "failed" follows on the main context (once). */
static void
report_failure (TandemPortalCapture *self,
                int                  code,
                const char          *format,
                ...) G_GNUC_PRINTF (3, 4);

static void
report_failure (TandemPortalCapture *self,
                int                  code,
                const char          *format,
                ...)
{
  Failure *f = g_new0 (Failure, 1);
  va_list args;

  va_start (args, format);
  f->self = g_object_ref (self);
  f->error = g_error_new_valist (TANDEM_SHARE_ERROR, code, format, args);
  va_end (args);
  tandem_context_post (self->main_context, on_failure, f, failure_free);
}

/* ---- server thread: the PipeWire stream --------------------------------- */

static void
lose (TandemPortalCapture *self,
      int                  code,
      const char          *why)
{
  if (self->lost)
    return;
  self->lost = TRUE;
  self->events |= TANDEM_CAPTURE_EVENT_LOST;
  report_failure (self, code, "%s", why);
}

static void arm_refresh (TandemPortalCapture *self);

static void
wake (TandemPortalCapture *self)
{
  guint64 one = 1;

  if (write (self->event_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_debug ("cannot wake the server thread: %s", g_strerror (errno));
}

static void
on_core_error (void       *data,
               uint32_t    id,
               int         seq,
               int         res,
               const char *message)
{
  TandemPortalCapture *self = data;

  g_debug ("PipeWire core error on %u: %s (%s)", id, message, spa_strerror (res));
  if (id == PW_ID_CORE)
    {
      g_mutex_lock (&self->lock);
      lose (self, TANDEM_SHARE_ERROR_STREAM_FAILED, message);
      g_mutex_unlock (&self->lock);
      wake (self);
    }
}

static const struct pw_core_events core_events = {
  PW_VERSION_CORE_EVENTS,
  .error = on_core_error,
};

/* PipeWire thread.  A shared window that closes takes its node away; our
 * stream then only pauses (mutter 43 closes no portal session for it). */
static void
on_global_remove (void     *data,
                  uint32_t  id)
{
  TandemPortalCapture *self = data;

  if (id != self->node)
    return;
  g_debug ("the producer's node %u is gone", id);
  g_mutex_lock (&self->lock);
  lose (self, TANDEM_SHARE_ERROR_SOURCE_CLOSED, "the shared window or screen is gone");
  g_mutex_unlock (&self->lock);
  wake (self);
}

static const struct pw_registry_events registry_events = {
  PW_VERSION_REGISTRY_EVENTS,
  .global_remove = on_global_remove,
};

static void
on_stream_state (void                *data,
                 enum pw_stream_state old,
                 enum pw_stream_state state,
                 const char          *error)
{
  TandemPortalCapture *self = data;

  g_debug ("stream %s -> %s%s%s", pw_stream_state_as_string (old), pw_stream_state_as_string (state),
           error ? ": " : "", error ? error : "");
  g_mutex_lock (&self->lock);
  if (state == PW_STREAM_STATE_ERROR)
    {
      /* Our offer is shared memory only: a negotiation that finds no
       * format means the producer has only DMA-BUF. */
      if (!self->negotiated && error != NULL &&
          (strstr (error, "format") != NULL || strstr (error, "negotiat") != NULL))
        lose (self, TANDEM_SHARE_ERROR_NO_SHM, error);
      else
        lose (self, TANDEM_SHARE_ERROR_STREAM_FAILED, error != NULL ? error : "error");
    }
  else if (state == PW_STREAM_STATE_UNCONNECTED && old != PW_STREAM_STATE_UNCONNECTED)
    lose (self, TANDEM_SHARE_ERROR_SOURCE_CLOSED, "the stream ended");
  g_mutex_unlock (&self->lock);
  wake (self);
  if (state == PW_STREAM_STATE_STREAMING && old != PW_STREAM_STATE_STREAMING && !self->refreshing)
    arm_refresh (self);
}

static void
set_size (TandemPortalCapture *self,
          int                  width,
          int                  height)
{
  if (width == self->width && height == self->height && self->shadow != NULL)
    return;
  g_free (self->shadow);
  self->width = width;
  self->height = height;
  self->shadow = g_malloc0 ((gsize) width * height * 4);
  self->all_damaged = TRUE;
  g_array_set_size (self->damage, 0);
  self->events |= TANDEM_CAPTURE_EVENT_RESIZE;
}

static void
on_param_changed (void                 *data,
                  uint32_t              id,
                  const struct spa_pod *param)
{
  TandemPortalCapture *self = data;
  struct spa_video_info_raw info = { 0 };
  guint8 buffer[1024];
  struct spa_pod_builder b = SPA_POD_BUILDER_INIT (buffer, sizeof buffer);
  const struct spa_pod *params[5];

  if (param == NULL || id != SPA_PARAM_Format)
    return;
  g_mutex_lock (&self->lock);
  if (spa_format_video_raw_parse (param, &info) < 0)
    lose (self, TANDEM_SHARE_ERROR_STREAM_FAILED, "unreadable video format");
  else if (spa_pod_find_prop (param, NULL, SPA_FORMAT_VIDEO_modifier) != NULL)
    lose (self, TANDEM_SHARE_ERROR_NO_SHM, "only DMA-BUF buffers offered");
  else
    {
      g_debug ("format %u, %ux%u", info.format, info.size.width, info.size.height);
      self->negotiated = TRUE;
      self->stream_width = (int) info.size.width;
      self->stream_height = (int) info.size.height;
      set_size (self, (int) info.size.width, (int) info.size.height);
    }
  g_mutex_unlock (&self->lock);
  wake (self);
  if (!self->negotiated)
    return;

  params[0] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
                                          SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int (4, 2, 16),
                                          SPA_PARAM_BUFFERS_dataType,
                                          SPA_POD_CHOICE_FLAGS_Int ((1 << SPA_DATA_MemFd) | (1 << SPA_DATA_MemPtr)));
  params[1] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
                                          SPA_PARAM_META_type, SPA_POD_Id (SPA_META_Header),
                                          SPA_PARAM_META_size, SPA_POD_Int (sizeof (struct spa_meta_header)));
  params[2] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
                                          SPA_PARAM_META_type, SPA_POD_Id (SPA_META_VideoDamage),
                                          SPA_PARAM_META_size,
                                          SPA_POD_CHOICE_RANGE_Int (sizeof (struct spa_meta_region) * MAX_DAMAGE_RECTS,
                                                                    sizeof (struct spa_meta_region),
                                                                    sizeof (struct spa_meta_region) * MAX_DAMAGE_RECTS));
  params[3] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
                                          SPA_PARAM_META_type, SPA_POD_Id (SPA_META_Cursor),
                                          SPA_PARAM_META_size,
                                          SPA_POD_CHOICE_RANGE_Int (CURSOR_META_SIZE (64, 64), CURSOR_META_SIZE (1, 1),
                                                                    CURSOR_META_SIZE (MAX_CURSOR_SIZE, MAX_CURSOR_SIZE)));
  params[4] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
                                          SPA_PARAM_META_type, SPA_POD_Id (SPA_META_VideoCrop),
                                          SPA_PARAM_META_size, SPA_POD_Int (sizeof (struct spa_meta_region)));
  pw_stream_update_params (self->stream, params, 5);
}

static void
add_damage (TandemPortalCapture *self,
            int x, int y, int w, int h)
{
  TandemCaptureRect r;

  r.x = CLAMP (x, 0, self->width);
  r.y = CLAMP (y, 0, self->height);
  r.width = CLAMP (x + w, 0, self->width) - r.x;
  r.height = CLAMP (y + h, 0, self->height) - r.y;
  if (r.width <= 0 || r.height <= 0)
    return;
  if (self->damage->len >= 4 * MAX_DAMAGE_RECTS)
    {
      self->all_damaged = TRUE;
      g_array_set_size (self->damage, 0);
    }
  if (!self->all_damaged)
    g_array_append_val (self->damage, r);
}

static void
copy_rect (TandemPortalCapture *self,
           const guint8        *src,
           gsize                src_stride,
           gsize                src_size,
           int x, int y, int w, int h)
{
  int x1 = CLAMP (x, 0, self->width), y1 = CLAMP (y, 0, self->height);
  int x2 = CLAMP (x + w, 0, self->width), y2 = CLAMP (y + h, 0, self->height);

  for (int row = y1; row < y2; row++)
    {
      gsize off = (gsize) row * src_stride + (gsize) x1 * 4;
      gsize len = (gsize) (x2 - x1) * 4;

      if (off + len > src_size)
        break;
      memcpy (self->shadow + ((gsize) row * self->width + x1) * 4, src + off, len);
    }
}

static void
read_cursor (TandemPortalCapture    *self,
             struct spa_meta_cursor *cursor)
{
  struct spa_meta_bitmap *bitmap;

  if (!spa_meta_cursor_is_valid (cursor))
    {
      return;
    }
  if (!self->have_pointer || cursor->position.x != self->pointer_x || cursor->position.y != self->pointer_y)
    {
      self->pointer_x = cursor->position.x;
      self->pointer_y = cursor->position.y;
      self->have_pointer = TRUE;
    }
  if (cursor->bitmap_offset < sizeof *cursor)
    return;
  bitmap = SPA_PTROFF (cursor, cursor->bitmap_offset, struct spa_meta_bitmap);
  if (bitmap->size.width == 0 || bitmap->size.height == 0 ||
      bitmap->size.width > MAX_CURSOR_SIZE || bitmap->size.height > MAX_CURSOR_SIZE ||
      bitmap->stride < (int32_t) bitmap->size.width * 4)
    return;
  if (bitmap->format != SPA_VIDEO_FORMAT_BGRA && bitmap->format != SPA_VIDEO_FORMAT_RGBA &&
      bitmap->format != SPA_VIDEO_FORMAT_ARGB && bitmap->format != SPA_VIDEO_FORMAT_ABGR)
    return;
  {
    TandemCaptureCursor *c = g_new0 (TandemCaptureCursor, 1);
    const guint8 *src = SPA_PTROFF (bitmap, bitmap->offset, guint8);

    c->width = (int) bitmap->size.width;
    c->height = (int) bitmap->size.height;
    c->xhot = cursor->hotspot.x;
    c->yhot = cursor->hotspot.y;
    c->pixels = g_new (guint32, (gsize) c->width * c->height);
    for (int y = 0; y < c->height; y++)
      for (int x = 0; x < c->width; x++)
        {
          const guint8 *p = src + (gsize) y * bitmap->stride + (gsize) x * 4;
          guint r, g, bl, a;

          switch (bitmap->format)
            {
            case SPA_VIDEO_FORMAT_BGRA: bl = p[0]; g = p[1]; r = p[2]; a = p[3]; break;
            case SPA_VIDEO_FORMAT_RGBA: r = p[0]; g = p[1]; bl = p[2]; a = p[3]; break;
            case SPA_VIDEO_FORMAT_ARGB: a = p[0]; r = p[1]; g = p[2]; bl = p[3]; break;
            default:                    a = p[0]; bl = p[1]; g = p[2]; r = p[3]; break;
            }
          /* mutter's cursor sprites are premultiplied already */
          c->pixels[y * c->width + x] = (a << 24) | (MIN (r, a) << 16) | (MIN (g, a) << 8) | MIN (bl, a);
        }
    tandem_capture_cursor_free (self->cursor);
    self->cursor = c;
    self->events |= TANDEM_CAPTURE_EVENT_CURSOR_SHAPE;
  }
}

static void
read_buffer (TandemPortalCapture *self,
             struct pw_buffer    *pwb)
{
  struct spa_buffer *buf = pwb->buffer;
  struct spa_data *d = &buf->datas[0];
  struct spa_meta_header *header;
  struct spa_meta_cursor *cursor;
  struct spa_meta *damage;
  struct spa_meta_region *crop;
  const guint8 *src;
  gsize size;
  int stride;
  int cx = 0, cy = 0, cw = self->stream_width, ch = self->stream_height;

  cursor = spa_buffer_find_meta_data (buf, SPA_META_Cursor, sizeof *cursor);
  if (cursor != NULL)
    read_cursor (self, cursor);

  if (d->type == SPA_DATA_DmaBuf)
    {
      lose (self, TANDEM_SHARE_ERROR_NO_SHM, "a DMA-BUF buffer came");
      return;
    }
  header = spa_buffer_find_meta_data (buf, SPA_META_Header, sizeof *header);
  if (header != NULL && (header->flags & SPA_META_HEADER_FLAG_CORRUPTED))
    return;
  if (d->data == NULL || d->chunk == NULL || d->chunk->size == 0 || self->shadow == NULL)
    return; /* a cursor-only update */
  stride = d->chunk->stride > 0 ? d->chunk->stride : self->width * 4;
  if (d->chunk->offset >= d->maxsize)
    return;
  src = SPA_PTROFF (d->data, d->chunk->offset, guint8);
  size = MIN ((gsize) d->chunk->size, (gsize) d->maxsize - d->chunk->offset);

  /* A window: only its region of the stream is ours. */
  crop = spa_buffer_find_meta_data (buf, SPA_META_VideoCrop, sizeof *crop);
  if (crop != NULL && spa_meta_region_is_valid (crop) &&
      crop->region.position.x >= 0 && crop->region.position.y >= 0 &&
      crop->region.position.x + (int) crop->region.size.width <= self->stream_width &&
      crop->region.position.y + (int) crop->region.size.height <= self->stream_height)
    {
      cx = crop->region.position.x;
      cy = crop->region.position.y;
      cw = (int) crop->region.size.width;
      ch = (int) crop->region.size.height;
    }
  if (cw != self->width || ch != self->height)
    {
      g_debug ("region %dx%d+%d+%d of the stream", cw, ch, cx, cy);
      set_size (self, cw, ch);
      damage = NULL;
    }
  self->crop_x = cx;
  self->crop_y = cy;
  {
    gsize skip = (gsize) cy * stride + (gsize) cx * 4;

    if (skip >= size)
      return;
    src += skip;
    size -= skip;
  }

  damage = self->all_damaged ? NULL : spa_buffer_find_meta (buf, SPA_META_VideoDamage);
  if (damage == NULL)
    {
      copy_rect (self, src, stride, size, 0, 0, self->width, self->height);
      self->all_damaged = TRUE;
    }
  else
    {
      struct spa_meta_region *r;

      spa_meta_for_each (r, damage)
        {
          if (!spa_meta_region_is_valid (r))
            break;
          copy_rect (self, src, stride, size, r->region.position.x - cx, r->region.position.y - cy,
                     (int) r->region.size.width, (int) r->region.size.height);
          add_damage (self, r->region.position.x - cx, r->region.position.y - cy,
                      (int) r->region.size.width, (int) r->region.size.height);
        }
    }
  self->events |= TANDEM_CAPTURE_EVENT_DAMAGE;
}

/* PipeWire thread. */
static void
arm_refresh (TandemPortalCapture *self)
{
  struct timespec value = { 0, REFRESH_MS * 1000000L }, interval = { 0, 0 };

  if (self->refresh_timer != NULL)
    pw_loop_update_timer (pw_thread_loop_get_loop (self->tloop), self->refresh_timer, &value, &interval, false);
}

static void
on_refresh_timer (void     *data,
                  uint64_t  expirations)
{
  TandemPortalCapture *self = data;

  if (self->stream == NULL || self->lost || self->refreshes >= MAX_REFRESHES ||
      pw_stream_get_state (self->stream, NULL) != PW_STREAM_STATE_STREAMING)
    return;
  self->refreshes++;
  self->refreshing = TRUE;
  g_debug ("asking for a refresh (%u)", self->refreshes);
  pw_stream_set_active (self->stream, false);
  pw_stream_set_active (self->stream, true);
  arm_refresh (self);
}

static void
on_process (void *data)
{
  TandemPortalCapture *self = data;
  struct pw_buffer *b;

  gboolean frames = FALSE;

  g_mutex_lock (&self->lock);
  while (!self->lost && (b = pw_stream_dequeue_buffer (self->stream)) != NULL)
    {
      TandemCaptureEvents before = self->events;

      self->events &= ~TANDEM_CAPTURE_EVENT_DAMAGE;
      read_buffer (self, b);
      frames |= (self->events & TANDEM_CAPTURE_EVENT_DAMAGE) != 0;
      self->events |= before;
      pw_stream_queue_buffer (self->stream, b);
    }
  g_mutex_unlock (&self->lock);
  wake (self);
  /* A frame that answers a refresh starts no new one. */
  if (frames && self->refreshing)
    self->refreshing = FALSE;
  else if (frames)
    {
      self->refreshes = 0;
      arm_refresh (self);
    }
}

static const struct pw_stream_events stream_events = {
  PW_VERSION_STREAM_EVENTS,
  .state_changed = on_stream_state,
  .param_changed = on_param_changed,
  .process = on_process,
};

/* ---- TandemCapture, server thread ---------------------------------------- */

static gboolean
capture_open (TandemCapture *capture,
              GError       **error)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  guint8 buffer[1024];
  struct spa_pod_builder b = SPA_POD_BUILDER_INIT (buffer, sizeof buffer);
  const struct spa_pod *params[1];
  struct spa_rectangle def = SPA_RECTANGLE (self->initial_width > 0 ? self->initial_width : 1280,
                                            self->initial_height > 0 ? self->initial_height : 800);
  struct spa_rectangle min = SPA_RECTANGLE (1, 1), max = SPA_RECTANGLE (16384, 16384);
  struct spa_fraction rate = SPA_FRACTION (0, 1);
  /* mutter 43 drops frames above the rate asked and may never send the
   * last one of a burst (a window's map animation): ask for more than the
   * server sends, it limits itself to 60 per second. */
  struct spa_fraction max_def = SPA_FRACTION (60, 1), max_min = SPA_FRACTION (1, 1);
  int fd;

  if (self->pw_fd < 0)
    {
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED,
                   _("The screen cast was not prepared"));
      return FALSE;
    }
  pw_init (NULL, NULL);
  fd = self->pw_fd;
  self->pw_fd = -1;
  self->damage = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));
  set_size (self, (int) def.width, (int) def.height);
  self->event_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  self->tloop = pw_thread_loop_new ("tandem-pipewire", NULL);
  self->context = self->tloop ? pw_context_new (pw_thread_loop_get_loop (self->tloop), NULL, 0) : NULL;
  if (self->context == NULL || self->event_fd < 0 || pw_thread_loop_start (self->tloop) < 0)
    {
      close (fd);
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                   _("Cannot start PipeWire"));
      return FALSE;
    }
  pw_thread_loop_lock (self->tloop);
  self->core = pw_context_connect_fd (self->context, fd, NULL, 0);
  if (self->core == NULL)
    {
      pw_thread_loop_unlock (self->tloop);
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                   _("Cannot connect to PipeWire: %s"), g_strerror (errno));
      return FALSE;
    }
  pw_core_add_listener (self->core, &self->core_listener, &core_events, self);
  self->registry = pw_core_get_registry (self->core, PW_VERSION_REGISTRY, 0);
  if (self->registry != NULL)
    pw_registry_add_listener (self->registry, &self->registry_listener, &registry_events, self);
  self->stream = pw_stream_new (self->core, "Tandem screen share",
                                pw_properties_new (PW_KEY_MEDIA_TYPE, "Video",
                                                   PW_KEY_MEDIA_CATEGORY, "Capture",
                                                   PW_KEY_MEDIA_ROLE, "Screen", NULL));
  if (self->stream == NULL)
    {
      pw_thread_loop_unlock (self->tloop);
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                   _("Cannot create a PipeWire stream: %s"), g_strerror (errno));
      return FALSE;
    }
  pw_stream_add_listener (self->stream, &self->stream_listener, &stream_events, self);
  self->refresh_timer = pw_loop_add_timer (pw_thread_loop_get_loop (self->tloop), on_refresh_timer, self);
  /* Shared memory only: no modifier in the offer. */
  params[0] = spa_pod_builder_add_object (&b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
                                          SPA_FORMAT_mediaType, SPA_POD_Id (SPA_MEDIA_TYPE_video),
                                          SPA_FORMAT_mediaSubtype, SPA_POD_Id (SPA_MEDIA_SUBTYPE_raw),
                                          SPA_FORMAT_VIDEO_format,
                                          SPA_POD_CHOICE_ENUM_Id (3, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx,
                                                                  SPA_VIDEO_FORMAT_BGRA),
                                          SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_RANGE_Rectangle (&def, &min, &max),
                                          SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction (&rate),
                                          SPA_FORMAT_VIDEO_maxFramerate,
                                          SPA_POD_CHOICE_RANGE_Fraction (&max_def, &max_min, &max_def));
  if (pw_stream_connect (self->stream, PW_DIRECTION_INPUT, self->node,
                         PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS, params, 1) < 0)
    {
      pw_thread_loop_unlock (self->tloop);
      g_set_error (error, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                   _("Cannot connect the PipeWire stream to node %u"), self->node);
      return FALSE;
    }
  pw_thread_loop_unlock (self->tloop);
  g_debug ("stream on node %u opened", self->node);
  return TRUE;
}

static void
capture_close (TandemCapture *capture)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);

  if (self->tloop != NULL)
    pw_thread_loop_lock (self->tloop);
  if (self->refresh_timer != NULL)
    {
      pw_loop_destroy_source (pw_thread_loop_get_loop (self->tloop), self->refresh_timer);
      self->refresh_timer = NULL;
    }
  if (self->stream != NULL)
    {
      spa_hook_remove (&self->stream_listener);
      pw_stream_destroy (self->stream);
      self->stream = NULL;
    }
  if (self->registry != NULL)
    {
      spa_hook_remove (&self->registry_listener);
      pw_proxy_destroy ((struct pw_proxy *) self->registry);
      self->registry = NULL;
    }
  if (self->core != NULL)
    {
      spa_hook_remove (&self->core_listener);
      pw_core_disconnect (self->core);
      self->core = NULL;
    }
  if (self->tloop != NULL)
    {
      pw_thread_loop_unlock (self->tloop);
      pw_thread_loop_stop (self->tloop);
    }
  g_clear_pointer (&self->context, pw_context_destroy);
  g_clear_pointer (&self->tloop, pw_thread_loop_destroy);
  if (self->event_fd >= 0)
    close (self->event_fd);
  self->event_fd = -1;
  g_clear_pointer (&self->shadow, g_free);
  g_clear_pointer (&self->damage, g_array_unref);
  g_clear_pointer (&self->cursor, tandem_capture_cursor_free);
}

static int
capture_get_fd (TandemCapture *capture)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);

  return self->event_fd;
}

static TandemCaptureEvents
capture_dispatch (TandemCapture *capture)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  TandemCaptureEvents events;
  guint64 count;

  if (self->event_fd >= 0)
    while (read (self->event_fd, &count, sizeof count) > 0)
      ;
  g_mutex_lock (&self->lock);
  events = self->events;
  if (events & TANDEM_CAPTURE_EVENT_RESIZE)
    events |= TANDEM_CAPTURE_EVENT_DAMAGE;
  self->events = self->lost ? TANDEM_CAPTURE_EVENT_LOST : TANDEM_CAPTURE_EVENT_NONE;
  g_mutex_unlock (&self->lock);
  return events;
}

static void
capture_get_size (TandemCapture *capture,
                  int           *width,
                  int           *height)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);

  g_mutex_lock (&self->lock);
  *width = self->fb_width = self->width;
  *height = self->fb_height = self->height;
  g_mutex_unlock (&self->lock);
}

/* Copies the rows of @r that differ; appends their bounds to @changed. */
static void
grab_rect (TandemPortalCapture     *self,
           const TandemCaptureRect *r,
           guint8                  *framebuffer,
           gsize                    stride,
           GArray                  *changed)
{
  int first = -1, last = -1;
  gsize len = (gsize) r->width * 4;

  for (int y = r->y; y < r->y + r->height; y++)
    {
      const guint8 *src = self->shadow + ((gsize) y * self->width + r->x) * 4;
      guint8 *dst = framebuffer + (gsize) y * stride + (gsize) r->x * 4;

      if (memcmp (src, dst, len) != 0)
        {
          memcpy (dst, src, len);
          if (first < 0)
            first = y;
          last = y;
        }
    }
  if (first >= 0)
    {
      TandemCaptureRect c = { r->x, first, r->width, last - first + 1 };

      g_array_append_val (changed, c);
    }
}

static gboolean
capture_grab (TandemCapture *capture,
              guint8        *framebuffer,
              gsize          stride,
              gboolean       full,
              GArray        *changed)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);

  g_mutex_lock (&self->lock);
  if (self->lost)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  /* Resized again since the server asked: wait for its RESIZE. */
  if (self->shadow == NULL || self->width != self->fb_width || self->height != self->fb_height)
    {
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (full || self->all_damaged)
    {
      TandemCaptureRect all = { 0, 0, self->width, self->height };

      grab_rect (self, &all, framebuffer, stride, changed);
    }
  else
    for (guint i = 0; i < self->damage->len; i++)
      grab_rect (self, &g_array_index (self->damage, TandemCaptureRect, i), framebuffer, stride, changed);
  g_array_set_size (self->damage, 0);
  self->all_damaged = FALSE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static TandemCaptureCursor *
capture_get_cursor (TandemCapture *capture)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  TandemCaptureCursor *c = NULL;

  g_mutex_lock (&self->lock);
  if (self->cursor != NULL)
    {
      c = g_memdup2 (self->cursor, sizeof *c);
      c->pixels = g_memdup2 (self->cursor->pixels, (gsize) c->width * c->height * 4);
    }
  g_mutex_unlock (&self->lock);
  return c;
}

static gboolean
capture_get_pointer (TandemCapture *capture,
                     int           *x,
                     int           *y)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  gboolean have;

  g_mutex_lock (&self->lock);
  have = self->have_pointer;
  *x = self->pointer_x;
  *y = self->pointer_y;
  g_mutex_unlock (&self->lock);
  return have;
}

/* ---- input: server thread queues, main thread sends -------------------- */

static void
send_event (TandemPortalCapture *self,
            InputEvent          *ev)
{
  static const struct { guint bit; int code; } buttons[] = {
    { 1 << 0, BTN_LEFT }, { 1 << 1, BTN_MIDDLE }, { 1 << 2, BTN_RIGHT },
  };

  if (self->rd_session == NULL || self->failed)
    return;
  if (ev->type == INPUT_KEY)
    {
      xdp_session_keyboard_key (self->rd_session, TRUE, (int) ev->keysym,
                                ev->down ? XDP_KEY_PRESSED : XDP_KEY_RELEASED);
      return;
    }
  self->sent_x = ev->x;
  self->sent_y = ev->y;
  if (self->rd_window)
    {
      int crop_x, crop_y;

      g_mutex_lock (&self->lock);
      crop_x = self->crop_x;
      crop_y = self->crop_y;
      g_mutex_unlock (&self->lock);
      xdp_session_pointer_position (self->rd_session, self->rd_node, ev->x + crop_x, ev->y + crop_y);
    }
  else if (ev->width > 0 && ev->height > 0 && self->rd_width > 0 && self->rd_height > 0)
    xdp_session_pointer_position (self->rd_session, self->rd_node,
                                  (double) ev->x * self->rd_width / ev->width,
                                  (double) ev->y * self->rd_height / ev->height);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if ((ev->mask ^ self->buttons) & buttons[i].bit)
      xdp_session_pointer_button (self->rd_session, buttons[i].code,
                                  (ev->mask & buttons[i].bit) ? XDP_BUTTON_PRESSED : XDP_BUTTON_RELEASED);
  /* RFB wheel: buttons 4-7 pressed = one step */
  if ((ev->mask & ~self->buttons) & (1 << 3))
    xdp_session_pointer_axis_discrete (self->rd_session, XDP_AXIS_VERTICAL_SCROLL, -1);
  if ((ev->mask & ~self->buttons) & (1 << 4))
    xdp_session_pointer_axis_discrete (self->rd_session, XDP_AXIS_VERTICAL_SCROLL, 1);
  if ((ev->mask & ~self->buttons) & (1 << 5))
    xdp_session_pointer_axis_discrete (self->rd_session, XDP_AXIS_HORIZONTAL_SCROLL, -1);
  if ((ev->mask & ~self->buttons) & (1 << 6))
    xdp_session_pointer_axis_discrete (self->rd_session, XDP_AXIS_HORIZONTAL_SCROLL, 1);
  self->buttons = ev->mask;
}

static void pump_input (TandemPortalCapture *self);

static gboolean
on_pace (gpointer data)
{
  TandemPortalCapture *self = data;

  g_clear_pointer (&self->pace_source, g_source_unref);
  pump_input (self);
  return G_SOURCE_REMOVE;
}

/* Sends the next event (the newest of a run of motions), then waits. */
static void
pump_input (TandemPortalCapture *self)
{
  InputEvent *ev;

  if (self->pace_source != NULL)
    return;
  while ((ev = g_queue_pop_head (&self->paced)) != NULL)
    {
      InputEvent *next = g_queue_peek_head (&self->paced);

      if (ev->type == INPUT_POINTER && next != NULL && next->type == INPUT_POINTER &&
          next->mask == ev->mask)
        {
          g_free (ev);
          continue;
        }
      /* A move and a button change: the move first, the button after the
       * gap, at the new place. */
      if (ev->type == INPUT_POINTER && ev->mask != self->buttons &&
          (ev->x != self->sent_x || ev->y != self->sent_y))
        {
          InputEvent move = *ev;

          move.mask = self->buttons;
          send_event (self, &move);
          g_queue_push_head (&self->paced, ev);
          break;
        }
      send_event (self, ev);
      g_free (ev);
      break;
    }
  if (!g_queue_is_empty (&self->paced))
    {
      self->pace_source = g_timeout_source_new (INPUT_GAP_MS);
      g_source_set_callback (self->pace_source, on_pace, self, NULL);
      g_source_attach (self->pace_source, self->main_context);
    }
}

static gboolean
on_input (gpointer data)
{
  TandemPortalCapture *self = data;
  InputEvent *ev;

  g_mutex_lock (&self->input_lock);
  while ((ev = g_queue_pop_head (&self->input)) != NULL)
    g_queue_push_tail (&self->paced, ev);
  self->input_scheduled = FALSE;
  g_mutex_unlock (&self->input_lock);
  pump_input (self);
  return G_SOURCE_REMOVE;
}

static void
queue_event (TandemPortalCapture *self,
             InputEvent          *ev)
{
  gboolean schedule;

  g_mutex_lock (&self->input_lock);
  g_queue_push_tail (&self->input, g_memdup2 (ev, sizeof *ev));
  schedule = !self->input_scheduled;
  self->input_scheduled = TRUE;
  g_mutex_unlock (&self->input_lock);
  if (schedule)
    tandem_context_post (self->main_context, on_input, g_object_ref (self), g_object_unref);
}

static void
capture_inject_pointer (TandemCapture *capture,
                        int            x,
                        int            y,
                        guint          button_mask)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  InputEvent ev = { INPUT_POINTER, x, y, self->width, self->height, button_mask, FALSE, 0 };

  queue_event (self, &ev);
}

static void
capture_inject_key (TandemCapture *capture,
                    gboolean       down,
                    guint32        keysym)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  InputEvent ev = { INPUT_KEY, 0, 0, 0, 0, 0, down, keysym };

  queue_event (self, &ev);
}

/* ---- main thread: the portal sessions ------------------------------------ */

static GError *
portal_error (GError     *error,
              const char *what)
{
  GError *mapped;

  /* Translators: %s is what was asked, e.g. "Choosing what to share" */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_CANCELLED, _("%s was cancelled"), what);
  else if (error->domain == G_DBUS_ERROR)
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_PORTAL, "%s: %s", what, error->message);
  else
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED, "%s: %s", what, error->message);
  g_error_free (error);
  return mapped;
}

/* The first stream of @session: node id and size. */
static gboolean
first_stream (XdpSession *session,
              guint      *node,
              guint      *source_type,
              int        *width,
              int        *height)
{
  g_autoptr(GVariant) streams = xdp_session_get_streams (session);
  g_autoptr(GVariant) props = NULL;
  GVariantIter iter;

  *width = *height = 0;
  if (streams == NULL || !g_variant_is_of_type (streams, G_VARIANT_TYPE ("a(ua{sv})")))
    return FALSE;
  g_variant_iter_init (&iter, streams);
  if (!g_variant_iter_next (&iter, "(u@a{sv})", node, &props))
    return FALSE;
  g_variant_lookup (props, "size", "(ii)", width, height);
  *source_type = XDP_OUTPUT_MONITOR;
  g_variant_lookup (props, "source_type", "u", source_type);
  return TRUE;
}

static void
on_session_closed (XdpSession          *session,
                   TandemPortalCapture *self)
{
  report_failure (self, TANDEM_SHARE_ERROR_SOURCE_CLOSED, "The portal closed the screen cast");
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  TandemPortalCapture *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!xdp_session_start_finish (XDP_SESSION (source), result, &error))
    {
      g_task_return_error (task, portal_error (error, _("Choosing what to share")));
      return;
    }
  if (!first_stream (self->session, &self->node, &self->source_type, &self->initial_width, &self->initial_height))
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                               _("The portal gave no stream"));
      return;
    }
  self->pw_fd = xdp_session_open_pipewire_remote (self->session);
  if (self->pw_fd < 0)
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_STREAM_FAILED,
                               _("The portal gave no PipeWire connection"));
      return;
    }
  g_free (self->restore_token);
  self->restore_token = self->remember ? xdp_session_get_restore_token (self->session) : NULL;
  self->closed_id = g_signal_connect (self->session, "closed", G_CALLBACK (on_session_closed), self);
  g_debug ("screen cast of node %u, %dx%d, token %s", self->node, self->initial_width,
           self->initial_height, self->restore_token ? "kept" : "none");
  g_task_return_boolean (task, TRUE);
}

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  TandemPortalCapture *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->session = xdp_portal_create_screencast_session_finish (XDP_PORTAL (source), result, &error);
  if (self->session == NULL)
    {
      g_task_return_error (task, portal_error (error, _("The screen cast")));
      return;
    }
  xdp_session_start (self->session, self->parent, cancellable, on_started,
                     g_steal_pointer (&task));
}

/* The ScreenCast interface must be there: else the plain "needs
 * xdg-desktop-portal" error, not a D-Bus one from deep inside. */
static void
on_screencast_props (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GTask) task = data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  TandemPortalCapture *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GVariant) props = NULL;
  guint32 modes = 0;

  if (reply == NULL)
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_PORTAL,
                               _("No ScreenCast portal: %s"), error->message);
      return;
    }
  g_variant_get (reply, "(@a{sv})", &props);
  if (!g_variant_lookup (props, "AvailableCursorModes", "u", &modes) ||
      !g_variant_lookup (props, "version", "u", NULL))
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_PORTAL,
                               _("No ScreenCast portal"));
      return;
    }
  self->cursor_mode = (modes & XDP_CURSOR_MODE_METADATA) ? XDP_CURSOR_MODE_METADATA : XDP_CURSOR_MODE_EMBEDDED;
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  xdp_portal_create_screencast_session (self->portal, XDP_OUTPUT_MONITOR | XDP_OUTPUT_WINDOW,
                                        XDP_SCREENCAST_FLAG_NONE, self->cursor_mode,
                                        self->remember ? XDP_PERSIST_MODE_PERSISTENT : XDP_PERSIST_MODE_NONE,
                                        self->remember ? self->restore_token : NULL,
                                        cancellable, on_session_created,
                                        g_steal_pointer (&task));
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(GTask) task = data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_PORTAL,
                               _("No session bus: %s"), error->message);
      return;
    }
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.DBus.Properties", "GetAll",
                          g_variant_new ("(s)", "org.freedesktop.portal.ScreenCast"),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, 25000,
                          cancellable, on_screencast_props, g_steal_pointer (&task));
}

static void
capture_prepare_async (TandemCapture      *capture,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (capture);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, capture_prepare_async);
  if (self->session != NULL)
    {
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED, "Prepared already");
      g_object_unref (task);
      return;
    }
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus, task);
}

static gboolean
capture_prepare_finish (TandemCapture *capture,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_rd_warm (gpointer data)
{
  GTask *task = data;

  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_rd_started (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  TandemPortalCapture *self = g_task_get_source_object (task);
  XdpSession *session = XDP_SESSION (source);
  GError *error = NULL;
  guint rd_type = XDP_OUTPUT_MONITOR;

  if (!xdp_session_start_finish (session, result, &error))
    {
      g_clear_object (&self->rd_session);
      g_task_return_error (task, portal_error (error, _("Allowing control")));
      return;
    }
  if ((xdp_session_get_devices (session) & (XDP_DEVICE_POINTER | XDP_DEVICE_KEYBOARD)) == 0 ||
      !first_stream (session, &self->rd_node, &rd_type, &self->rd_width, &self->rd_height))
    {
      xdp_session_close (session);
      g_clear_object (&self->rd_session);
      g_task_return_new_error (task, TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_INPUT,
                               _("Remote interaction was not allowed"));
      return;
    }
  self->rd_window = rd_type == XDP_OUTPUT_WINDOW;
  /* mutter makes its virtual keyboard and pointer on their first event and
   * drops that event (and those right after it): wake both with harmless
   * events, and say yes once they had time to exist. */
  for (int i = 0; i < 2; i++)
    {
      xdp_session_keyboard_key (session, TRUE, XK_Shift_L, XDP_KEY_PRESSED);
      xdp_session_keyboard_key (session, TRUE, XK_Shift_L, XDP_KEY_RELEASED);
    }
  xdp_session_pointer_axis (session, TRUE, 0, 0);
  g_debug ("remote desktop: devices %x, node %u, %dx%d, %s", xdp_session_get_devices (session),
           self->rd_node, self->rd_width, self->rd_height, self->rd_window ? "a window" : "a monitor");
  {
    GSource *source = g_timeout_source_new (INPUT_WARMUP_MS);

    g_source_set_callback (source, on_rd_warm, g_steal_pointer (&task), g_object_unref);
    g_source_attach (source, self->main_context);
    g_source_unref (source);
  }
}

static void
on_rd_created (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  TandemPortalCapture *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->rd_session = xdp_portal_create_remote_desktop_session_finish (XDP_PORTAL (source), result, &error);
  if (self->rd_session == NULL)
    {
      g_task_return_error (task, portal_error (error, _("Remote control")));
      return;
    }
  xdp_session_start (self->rd_session, self->parent, cancellable, on_rd_started,
                     g_steal_pointer (&task));
}

void
tandem_portal_capture_request_input_async (TandemPortalCapture *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TANDEM_IS_PORTAL_CAPTURE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_portal_capture_request_input_async);
  if (self->rd_session != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  /* A shared window: the RemoteDesktop session streams a window too, so
   * positions on it are the window's own. */
  xdp_portal_create_remote_desktop_session (self->portal, XDP_DEVICE_POINTER | XDP_DEVICE_KEYBOARD,
                                            self->source_type == XDP_OUTPUT_WINDOW ? XDP_OUTPUT_WINDOW
                                                                                   : XDP_OUTPUT_MONITOR,
                                            XDP_REMOTE_DESKTOP_FLAG_NONE,
                                            XDP_CURSOR_MODE_HIDDEN, cancellable, on_rd_created, task);
}

gboolean
tandem_portal_capture_request_input_finish (TandemPortalCapture *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tandem_portal_capture_has_input (TandemPortalCapture *self)
{
  g_return_val_if_fail (TANDEM_IS_PORTAL_CAPTURE (self), FALSE);
  return self->rd_session != NULL && xdp_session_get_session_state (self->rd_session) == XDP_SESSION_ACTIVE;
}

/* ---- GObject --------------------------------------------------------------- */

static void
tandem_portal_capture_dispose (GObject *object)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (object);

  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->closed_id, self->session);
      xdp_session_close (self->session);
      g_clear_object (&self->session);
    }
  if (self->rd_session != NULL)
    {
      xdp_session_close (self->rd_session);
      g_clear_object (&self->rd_session);
    }
  g_clear_object (&self->portal);
  if (self->pace_source != NULL)
    {
      g_source_destroy (self->pace_source);
      g_clear_pointer (&self->pace_source, g_source_unref);
    }
  g_queue_clear_full (&self->paced, g_free);
  G_OBJECT_CLASS (tandem_portal_capture_parent_class)->dispose (object);
}

static void
tandem_portal_capture_finalize (GObject *object)
{
  TandemPortalCapture *self = TANDEM_PORTAL_CAPTURE (object);

  capture_close (TANDEM_CAPTURE (self));
  if (self->pw_fd >= 0)
    close (self->pw_fd);
  g_queue_clear_full (&self->input, g_free);
  g_mutex_clear (&self->input_lock);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->parent, xdp_parent_free);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->restore_token);
  G_OBJECT_CLASS (tandem_portal_capture_parent_class)->finalize (object);
}

static void
tandem_portal_capture_class_init (TandemPortalCaptureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_portal_capture_dispose;
  object_class->finalize = tandem_portal_capture_finalize;

  /* The stream failed or ended, or the portal closed the session; a
   * TANDEM_SHARE_ERROR says which.  Once, on the main context. */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tandem_portal_capture_iface_init (TandemCaptureInterface *iface)
{
  iface->prepare_async = capture_prepare_async;
  iface->prepare_finish = capture_prepare_finish;
  iface->open = capture_open;
  iface->close = capture_close;
  iface->get_fd = capture_get_fd;
  iface->dispatch = capture_dispatch;
  iface->get_size = capture_get_size;
  iface->grab = capture_grab;
  iface->get_cursor = capture_get_cursor;
  iface->get_pointer = capture_get_pointer;
  iface->inject_pointer = capture_inject_pointer;
  iface->inject_key = capture_inject_key;
}

static void
tandem_portal_capture_init (TandemPortalCapture *self)
{
  self->pw_fd = -1;
  self->event_fd = -1;
  g_mutex_init (&self->lock);
  g_mutex_init (&self->input_lock);
  g_queue_init (&self->input);
  g_queue_init (&self->paced);
  self->sent_x = self->sent_y = -1;
}

TandemPortalCapture *
tandem_portal_capture_new (const char *restore_token,
                           gboolean    remember)
{
  TandemPortalCapture *self = g_object_new (TANDEM_TYPE_PORTAL_CAPTURE, NULL);

  self->main_context = g_main_context_ref_thread_default ();
  self->restore_token = g_strdup (restore_token != NULL && *restore_token ? restore_token : NULL);
  self->remember = remember;
  return self;
}

void
tandem_portal_capture_set_parent (TandemPortalCapture *self,
                                  XdpParent           *parent)
{
  g_return_if_fail (TANDEM_IS_PORTAL_CAPTURE (self));
  g_clear_pointer (&self->parent, xdp_parent_free);
  self->parent = parent;
}

const char *
tandem_portal_capture_get_restore_token (TandemPortalCapture *self)
{
  g_return_val_if_fail (TANDEM_IS_PORTAL_CAPTURE (self), NULL);
  return self->restore_token;
}
