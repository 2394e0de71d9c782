/* tandem-msrp-connection.c
 *
 * Reads go into one buffer and straight through the parser, so the
 * memory per connection is the buffer plus the parser's bounded line.
 * When the parser waits for the end of a chunk whose length it knows
 * (tandem_msrp_parser_feed_some()), the next read appends to the same
 * buffer and the chunk is parsed once it is whole: its end-line is
 * checked where the Byte-Range puts it and the body is never scanned.
 * The buffer holds a direct chunk (256 KiB) with its headers several
 * times over, so with direct chunks that is the normal case.
 *
 * Body bytes can be handed on without a copy as slices of the read
 * buffer (tandem_msrp_connection_slice_read()); the buffer then belongs
 * to those slices too, and once everything in it is parsed the next
 * read takes a recycled one from a pool.
 *
 * Writes are whole serialized messages, each written with one
 * write_all; the queue holds what callers handed in and callers bound
 * it (tandem_msrp_connection_get_queued()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp"

#include <string.h>

#include "tandem-buffer-pool.h"
#include "tandem-msrp-connection.h"
#include "tandem-msrp-error.h"

#define READ_BUFFER_SIZE TANDEM_MSRP_CONNECTION_BUFFER_SIZE
#define READ_SLACK       (4 * 1024)
#define HOLD_TIMEOUT_MS  50

struct _TandemMsrpConnection {
  GObject                      parent_instance;
  GIOStream                   *stream;
  TandemMsrpParser            *parser;
  TandemMsrpConnectionHandler  handler;
  gpointer                     user_data;
  guint8                      *buffer;
  gsize                        fill;         /* bytes read into buffer */
  gsize                        parsed;       /* of those, bytes parsed */
  guint                        hold_id;      /* a chunk waits for its end */
  gsize                        hold_fill;
  TandemBufferPool            *pool;
  GBytes                      *buffer_bytes; /* set once the buffer is shared */
  GCancellable                *cancellable;
  GQueue                       writes;       /* of GTask, bytes as task data */
  gsize                        queued;
  gboolean                     writing;
  gboolean                     reading;
  gboolean                     read_pending;
  gboolean                     closing;
  gboolean                     closed;
  gsize                        last_read;
};

G_DEFINE_FINAL_TYPE (TandemMsrpConnection, tandem_msrp_connection, G_TYPE_OBJECT)

static void read_next (TandemMsrpConnection *self);
static gboolean on_hold_timeout (gpointer user_data);
static void write_next (TandemMsrpConnection *self);

static void
on_parser_headers (TandemMsrpParser *parser, TandemMsrpMessage *msg, gpointer user_data)
{
  TandemMsrpConnection *self = user_data;

  if (self->handler.headers != NULL && !self->closed)
    self->handler.headers (self, msg, self->user_data);
}

static void
on_parser_body (TandemMsrpParser *parser, TandemMsrpMessage *msg, const guint8 *data,
                gsize len, gpointer user_data)
{
  TandemMsrpConnection *self = user_data;

  if (self->handler.body != NULL && !self->closed)
    self->handler.body (self, msg, data, len, self->user_data);
}

static void
on_parser_end (TandemMsrpParser *parser, TandemMsrpMessage *msg, char flag, gpointer user_data)
{
  TandemMsrpConnection *self = user_data;

  if (self->handler.end != NULL && !self->closed)
    self->handler.end (self, msg, flag, self->user_data);
}

static const TandemMsrpParserCallbacks parser_callbacks = {
  on_parser_headers, on_parser_body, on_parser_end,
};

static void
fail_writes (TandemMsrpConnection *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->writes)) != NULL)
    {
      g_task_return_new_error (task, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                               "Connection closed");
      g_object_unref (task);
    }
  self->queued = 0;
}

/* Tears the connection down now and reports @error (NULL: clean). */
static void
shut_down (TandemMsrpConnection *self,
           const GError         *error)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_clear_handle_id (&self->hold_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  fail_writes (self);
  /* closing the stream closes the fd; nothing blocks */
  g_io_stream_close (self->stream, NULL, NULL);
  if (self->handler.closed != NULL)
    self->handler.closed (self, error, self->user_data);
}

/* Parses what is buffered and not parsed yet. With @allow_hold the
 * parser may stop at a chunk whose end is not read yet (see
 * tandem_msrp_parser_feed_some()); a timer then makes sure that a chunk
 * shorter than its Byte-Range (an interrupted one) is not held back for
 * long when nothing follows it. FALSE after a parse error (handled). */
static gboolean
parse_buffered (TandemMsrpConnection *self,
                gboolean              allow_hold)
{
  g_autoptr(GError) error = NULL;
  gsize consumed = self->fill - self->parsed;
  gboolean ok;

  if (allow_hold)
    ok = tandem_msrp_parser_feed_some (self->parser, self->buffer + self->parsed,
                                       self->fill - self->parsed, READ_BUFFER_SIZE - self->parsed,
                                       &consumed, &error);
  else
    ok = tandem_msrp_parser_feed (self->parser, self->buffer + self->parsed,
                                  self->fill - self->parsed, &error);
  if (!ok)
    {
      self->reading = FALSE;
      if (self->handler.parse_error != NULL && !self->closed)
        self->handler.parse_error (self, tandem_msrp_parser_get_message (self->parser),
                                   error, self->user_data);
      else
        shut_down (self, error);
      return FALSE;
    }
  self->parsed += consumed;
  if (self->parsed < self->fill && !self->closed && self->hold_id == 0)
    {
      /* one timer for a run of holds: it looks every HOLD_TIMEOUT_MS */
      self->hold_fill = self->fill;
      self->hold_id = g_timeout_add (HOLD_TIMEOUT_MS, on_hold_timeout, self);
    }
  if (self->handler.read_done != NULL && !self->closed)
    self->handler.read_done (self, self->user_data);
  return TRUE;
}

/* A chunk waited a whole period without a byte coming in: parse it as
 * it is (the buffer stays; the read in progress appends behind it). */
static gboolean
on_hold_timeout (gpointer user_data)
{
  TandemMsrpConnection *self = user_data;

  if (self->closed || self->parsed == self->fill)
    {
      self->hold_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (self->fill != self->hold_fill)
    {
      self->hold_fill = self->fill; /* progress: look again later */
      return G_SOURCE_CONTINUE;
    }
  self->hold_id = 0;
  g_object_ref (self);
  parse_buffered (self, FALSE);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TandemMsrpConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  self->read_pending = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self->closed)
    return;
  if (n < 0)
    {
      /* What arrived before the error is delivered first, as at the end
       * of the stream: a chunk held back for its end (cut by a reset)
       * would otherwise be lost or not depending on whether the hold
       * timer had run, and the receiver would see the stream end at a
       * different place from one run to the next. */
      if (self->parsed < self->fill && !parse_buffered (self, FALSE))
        return;
      if (!self->closed)
        shut_down (self, error);
      return;
    }
  if (n == 0)
    {
      /* a chunk still waiting for its end is parsed as it is */
      if (self->parsed < self->fill && !parse_buffered (self, FALSE))
        return;
      if (self->closed)
        return;
      if (!tandem_msrp_parser_finish (self->parser, &error))
        {
          shut_down (self, error);
          return;
        }
      shut_down (self, NULL);
      return;
    }
  self->fill += n;
  self->last_read = n;
  if (!parse_buffered (self, TRUE))
    return;
  if (self->read_pending)
    ; /* a callback asked for more (set_reading): that read lands at fill */
  else if (self->parsed == self->fill)
    {
      self->parsed = self->fill = 0;
      if (self->buffer_bytes != NULL)
        {
          /* slices own the old buffer now */
          g_clear_pointer (&self->buffer_bytes, g_bytes_unref);
          self->buffer = tandem_buffer_pool_alloc (self->pool);
        }
    }
  else if (self->fill - self->parsed <= READ_SLACK)
    {
      /* the start of a waiting chunk: move it to the front so that the
       * same (cache-warm) bytes of the buffer are read into again */
      gsize partial = self->fill - self->parsed;
      guint8 *from = self->buffer + self->parsed;

      if (self->buffer_bytes != NULL)
        {
          guint8 *fresh = tandem_buffer_pool_alloc (self->pool);

          memcpy (fresh, from, partial);
          g_clear_pointer (&self->buffer_bytes, g_bytes_unref);
          self->buffer = fresh;
        }
      else
        memmove (self->buffer, from, partial);
      self->parsed = 0;
      self->fill = partial;
    }
  /* else a waiting chunk is read to its end behind what is there */
  read_next (self);
}

static void
read_next (TandemMsrpConnection *self)
{
  gsize wanted, size;

  if (!self->reading || self->read_pending || self->closed || self->closing)
    return;
  self->read_pending = TRUE;
  wanted = tandem_msrp_parser_get_wanted (self->parser);
  /* a waiting chunk: up to its end and a little more (the next head),
   * so that reads keep starting near the front of the buffer */
  if (wanted > 0 && self->parsed + wanted > self->fill)
    size = self->parsed + wanted - self->fill + READ_SLACK;
  else
    size = TANDEM_MSRP_CONNECTION_READ_SIZE;
  size = MIN (size, READ_BUFFER_SIZE - self->fill);
  if (size == 0)
    {
      /* full (a read asked for from a callback); on_read makes room */
      self->read_pending = FALSE;
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->buffer + self->fill,
                             size, G_PRIORITY_DEFAULT, self->cancellable,
                             on_read, g_object_ref (self));
}

static void
on_closed_stream (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TandemMsrpConnection) self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  if (!self->closed)
    {
      self->closed = TRUE;
      g_clear_handle_id (&self->hold_id, g_source_remove);
          g_cancellable_cancel (self->cancellable);
      fail_writes (self);
      if (self->handler.closed != NULL)
        self->handler.closed (self, NULL, self->user_data);
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TandemMsrpConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!self->closed)
        shut_down (self, error);
      return;
    }
  task = g_queue_pop_head (&self->writes);
  if (task == NULL)
    return;
  self->queued -= g_bytes_get_size (g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
  write_next (self);
}

static void
write_next (TandemMsrpConnection *self)
{
  GTask *task;
  GBytes *bytes;

  if (self->writing || self->closed)
    return;
  task = g_queue_peek_head (&self->writes);
  if (task == NULL)
    {
      if (self->closing)
        g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                                 on_closed_stream, g_object_ref (self));
      return;
    }
  bytes = g_task_get_task_data (task);
  self->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   on_written, g_object_ref (self));
}

/* Queues one or more whole messages; completes once written. */
void
tandem_msrp_connection_write_async (TandemMsrpConnection *self,
                                    GBytes               *bytes,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tandem_msrp_connection_write_async);
  if (self->closed || self->closing)
    {
      g_task_return_new_error (task, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                               "Connection closed");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  self->queued += g_bytes_get_size (bytes);
  g_queue_push_tail (&self->writes, task);
  write_next (self);
}

gboolean
tandem_msrp_connection_write_finish (TandemMsrpConnection *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gsize
tandem_msrp_connection_get_queued (TandemMsrpConnection *self)
{
  return self->queued;
}

void
tandem_msrp_connection_set_reading (TandemMsrpConnection *self,
                                    gboolean              reading)
{
  self->reading = reading;
  read_next (self);
}

/* Graceful: what is queued is written, then the stream is closed. */
void
tandem_msrp_connection_close (TandemMsrpConnection *self)
{
  if (self->closing || self->closed)
    return;
  self->closing = TRUE;
  self->reading = FALSE;
  write_next (self);
}

/* Size of the read being parsed: an upper bound of the body bytes that
 * the current batch of callbacks delivers. */
/* A GBytes for @len bytes at @data inside the buffer of the read being
 * parsed, without copying; NULL when @data is not in it. */
GBytes *
tandem_msrp_connection_slice_read (TandemMsrpConnection *self,
                                   const guint8         *data,
                                   gsize                 len)
{
  if (data < self->buffer || data + len > self->buffer + self->fill)
    return NULL;
  if (self->buffer_bytes == NULL)
    self->buffer_bytes = tandem_buffer_pool_wrap (self->pool, self->buffer, 0, READ_BUFFER_SIZE);
  return g_bytes_new_from_bytes (self->buffer_bytes, data - self->buffer, len);
}

gsize
tandem_msrp_connection_get_last_read_size (TandemMsrpConnection *self)
{
  return self->last_read;
}

gboolean
tandem_msrp_connection_is_closed (TandemMsrpConnection *self)
{
  return self->closed;
}

GIOStream *
tandem_msrp_connection_get_stream (TandemMsrpConnection *self)
{
  return self->stream;
}

void
tandem_msrp_connection_set_handler (TandemMsrpConnection              *self,
                                    const TandemMsrpConnectionHandler *handler,
                                    gpointer                           user_data)
{
  if (handler != NULL)
    self->handler = *handler;
  else
    memset (&self->handler, 0, sizeof self->handler);
  self->user_data = user_data;
}

TandemMsrpConnection *
tandem_msrp_connection_new (GIOStream *stream)
{
  TandemMsrpConnection *self = g_object_new (TANDEM_TYPE_MSRP_CONNECTION, NULL);

  self->stream = g_object_ref (stream);
  return self;
}

static void
tandem_msrp_connection_dispose (GObject *object)
{
  TandemMsrpConnection *self = TANDEM_MSRP_CONNECTION (object);

  memset (&self->handler, 0, sizeof self->handler);
  g_clear_handle_id (&self->hold_id, g_source_remove);
  if (self->stream != NULL && !self->closed)
    {
      self->closed = TRUE;
      g_cancellable_cancel (self->cancellable);
      fail_writes (self);
      g_io_stream_close (self->stream, NULL, NULL);
    }
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (tandem_msrp_connection_parent_class)->dispose (object);
}

static void
tandem_msrp_connection_finalize (GObject *object)
{
  TandemMsrpConnection *self = TANDEM_MSRP_CONNECTION (object);

  tandem_msrp_parser_free (self->parser);
  if (self->buffer_bytes != NULL)
    g_bytes_unref (self->buffer_bytes);
  else
    tandem_buffer_pool_release (self->pool, self->buffer);
  tandem_buffer_pool_unref (self->pool);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_msrp_connection_parent_class)->finalize (object);
}

static void
tandem_msrp_connection_class_init (TandemMsrpConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_msrp_connection_dispose;
  object_class->finalize = tandem_msrp_connection_finalize;
}

static void
tandem_msrp_connection_init (TandemMsrpConnection *self)
{
  self->parser = tandem_msrp_parser_new (&parser_callbacks, self);
  self->pool = tandem_buffer_pool_new (READ_BUFFER_SIZE, 2);
  self->buffer = tandem_buffer_pool_alloc (self->pool);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->writes);
}
