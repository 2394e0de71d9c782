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
 * Writes are whole messages, each handed in as one buffer or as a few
 * parts (head, body, end-line) that are written with one writev; the
 * queue holds what callers handed in and callers bound it
 * (tandem_msrp_connection_get_queued()).
 *
 * On a plain socket (a GSocketConnection) the connection does its own
 * non-blocking I/O: a read source that stays attached while reading,
 * and writes tried at once with g_pollable_output_stream_writev_-
 * nonblocking(), waiting for a writable source only when the socket is
 * full. A partial write leaves the message at the head of the queue
 * with its offset and the rest follows before anything else; nothing
 * per read or write is allocated but the queue entry. Other streams
 * (TLS) use the GIO async calls, with the parts of a message joined
 * into one buffer so that it is one TLS write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-connection"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

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
  GQueue                       writes;       /* of WriteItem */
  gsize                        queued;
  gboolean                     writing;
  gboolean                     reading;
  gboolean                     read_pending; /* async: a read is under way */
  gboolean                     closing;
  gboolean                     closed;
  gboolean                     direct;       /* own non-blocking socket I/O */
  gboolean                     quick_ack;    /* TCP_QUICKACK after each read */
  gboolean                     in_read;      /* direct: on_readable runs */
  GSource                     *in_source;    /* direct: readable, while reading */
  GSource                     *out_source;   /* direct: writable, while full */
  gsize                        last_read;
};

#define MAX_PARTS 3

/* One whole message: parts written in order, as one writev. */
typedef struct {
  GBytes              *owner[MAX_PARTS];
  const guint8        *data[MAX_PARTS];
  gsize                len[MAX_PARTS];
  guint                n_parts;
  gsize                size;
  gsize                done;        /* bytes written so far */
  GTask               *task;        /* write_async: nullable */
  TandemMsrpWriteDone  done_func;   /* write_parts: nullable */
  gpointer             done_data;
} WriteItem;

G_DEFINE_FINAL_TYPE (TandemMsrpConnection, tandem_msrp_connection, G_TYPE_OBJECT)

static void read_next (TandemMsrpConnection *self);
static void make_room (TandemMsrpConnection *self);
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
write_item_free (WriteItem *item)
{
  for (guint i = 0; i < item->n_parts; i++)
    g_bytes_unref (item->owner[i]);
  g_free (item);
}

/* Reports the end of @item (NULL @error: written) and frees it. */
static void
complete_item (TandemMsrpConnection *self,
               WriteItem            *item,
               const GError         *error)
{
  if (item->task != NULL)
    {
      if (error != NULL)
        g_task_return_error (item->task, g_error_copy (error));
      else
        g_task_return_boolean (item->task, TRUE);
      g_clear_object (&item->task);
    }
  else if (item->done_func != NULL)
    item->done_func (self, error, item->done_data);
  write_item_free (item);
}

static void
fail_writes (TandemMsrpConnection *self)
{
  g_autoptr(GError) error = g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                                                 "Connection closed");
  WriteItem *item;

  self->queued = 0;
  while ((item = g_queue_pop_head (&self->writes)) != NULL)
    complete_item (self, item, error);
}

static void
stop_sources (TandemMsrpConnection *self)
{
  if (self->in_source != NULL)
    {
      g_source_destroy (self->in_source);
      g_clear_pointer (&self->in_source, g_source_unref);
    }
  if (self->out_source != NULL)
    {
      g_source_destroy (self->out_source);
      g_clear_pointer (&self->out_source, g_source_unref);
    }
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
  stop_sources (self);
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
  if (parse_buffered (self, FALSE) && !self->closed && !self->read_pending)
    make_room (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Once everything read is parsed the buffer starts over (a fresh one
 * if slices own it); the start of a waiting chunk is moved to the front
 * so that the same (cache-warm) bytes are read into again. Only while no
 * read is under way. */
static void
make_room (TandemMsrpConnection *self)
{
  if (self->parsed == self->fill)
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
}

/* How much the next read asks for (0: the buffer is full). */
static gsize
next_read_size (TandemMsrpConnection *self)
{
  gsize wanted = tandem_msrp_parser_get_wanted (self->parser);
  gsize size;

  /* a waiting chunk: up to its end and a little more (the next head),
   * so that reads keep starting near the front of the buffer */
  if (wanted > 0 && self->parsed + wanted > self->fill)
    size = self->parsed + wanted - self->fill + READ_SLACK;
  else
    size = 2 * (TANDEM_MSRP_CONNECTION_READ_SIZE + READ_SLACK); /* two direct chunks */
  return MIN (size, READ_BUFFER_SIZE - self->fill);
}

/* The result of one read: @n bytes at fill, 0 for the end of the
 * stream, -1 with @error. */
static void
handle_read (TandemMsrpConnection *self,
             gssize                n,
             GError               *error)
{
  g_autoptr(GError) finish_error = NULL;

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
      if (!tandem_msrp_parser_finish (self->parser, &finish_error))
        {
          shut_down (self, finish_error);
          return;
        }
      shut_down (self, NULL);
      return;
    }
  self->fill += n;
  self->last_read = n;
  if (!parse_buffered (self, TRUE) || self->closed)
    return;
  /* async: a callback that asked for more (set_reading) started a read
   * that lands at fill; the buffer must stay as it is */
  if (!self->read_pending)
    make_room (self);
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
  handle_read (self, n, error);
  read_next (self);
}

/* Direct: sources on the GSocket itself, allowed to recurse: GLib
 * takes the fds of a source that may not recurse out of the poll set
 * for each dispatch and puts them back after it, which costs a wakeup
 * of the context (an eventfd write and read) each time, several per
 * message. The callbacks guard against recursion themselves. */
static GSource *
socket_source_new (TandemMsrpConnection *self,
                   GIOCondition          condition,
                   GSocketSourceFunc     func)
{
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->stream));
  GSource *source = g_socket_create_source (socket, condition, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (func), self, NULL);
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

/* At most this many reads per dispatch: a reader that takes one read
 * per main loop iteration falls behind a writer that writes at once,
 * and the data then waits, cache-cold, in the socket. */
#define READS_PER_DISPATCH 4

/* Direct: the socket is readable (or closed). */
static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  TandemMsrpConnection *self = user_data;
  GSource *source = self->in_source;
  GInputStream *in = g_io_stream_get_input_stream (self->stream);
  gboolean keep = G_SOURCE_CONTINUE;

  if (source == NULL || self->closed)
    return G_SOURCE_REMOVE;
  if (self->in_read)
    {
      /* a main loop run from inside a callback of the read below: the
       * source sleeps until that read is done (else it would spin) */
      g_clear_pointer (&self->in_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  self->in_read = TRUE;
  g_object_ref (self);
  for (int i = 0; i < READS_PER_DISPATCH && self->in_source == source && self->reading &&
                  !self->closed && !self->closing; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize size = next_read_size (self);
      gssize n;

      if (size == 0)
        {
          /* cannot happen while chunks fit the buffer; never stall on it */
          if (parse_buffered (self, FALSE) && !self->closed)
            make_room (self);
          continue;
        }
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in),
                                                    self->buffer + self->fill, size, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      /* the kernel turns quick ACKs off again by itself: renewed after
       * each read (see tandem_msrp_connection_set_quick_ack()) */
      if (n > 0 && self->quick_ack)
        g_socket_set_option (socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
      handle_read (self, n, error);
      /* a short read emptied the socket: poll again rather than read
       * into EAGAIN */
      if (n < (gssize) size)
        break;
    }
  self->in_read = FALSE;
  /* a callback may have stopped reading (the source is gone then),
   * stopped and restarted it (another source), or a nested main loop
   * put the source to sleep (wake it) */
  if (self->in_source != source)
    {
      read_next (self);
      keep = G_SOURCE_REMOVE;
    }
  else if (!self->reading || self->closed || self->closing)
    {
      g_clear_pointer (&self->in_source, g_source_unref);
      keep = G_SOURCE_REMOVE;
    }
  /* the source holds no reference (dispose stops it); this was the last */
  g_object_unref (self);
  return keep;
}

static void
read_next (TandemMsrpConnection *self)
{
  gsize size;

  if (!self->reading || self->closed || self->closing)
    return;
  if (self->direct)
    {
      if (self->in_source == NULL)
        self->in_source = socket_source_new (self, G_IO_IN, on_readable);
      return;
    }
  if (self->read_pending)
    return;
  size = next_read_size (self);
  if (size == 0)
    return; /* full (a read asked for from a callback); on_read makes room */
  self->read_pending = TRUE;
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
      stop_sources (self);
      g_cancellable_cancel (self->cancellable);
      fail_writes (self);
      if (self->handler.closed != NULL)
        self->handler.closed (self, NULL, self->user_data);
    }
}

/* Everything queued is out: a graceful close goes on. */
static void
maybe_close (TandemMsrpConnection *self)
{
  if (self->closing && !self->closed && !self->writing && g_queue_is_empty (&self->writes))
    {
      self->writing = TRUE; /* nothing more is written */
      g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                               on_closed_stream, g_object_ref (self));
    }
}

static gboolean on_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

/* Direct: writes from the head of the queue until it is empty or the
 * socket is full. Each message goes out as one writev of its parts from
 * where it stopped; a partial write is finished before the next
 * message. Completions may run callbacks that queue more: those are
 * picked up by this loop (re-entering it only queues). */
static void
write_direct (TandemMsrpConnection *self)
{
  GPollableOutputStream *out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (self->stream));
  WriteItem *item;

  if (self->writing || self->closed || self->out_source != NULL)
    return;
  g_object_ref (self);
  self->writing = TRUE;
  while (!self->closed && (item = g_queue_peek_head (&self->writes)) != NULL)
    {
      GOutputVector v[MAX_PARTS];
      g_autoptr(GError) error = NULL;
      gsize skip = item->done, written = 0;
      guint n = 0;
      GPollableReturn ret;

      for (guint i = 0; i < item->n_parts; i++)
        {
          if (skip >= item->len[i])
            {
              skip -= item->len[i];
              continue;
            }
          v[n].buffer = item->data[i] + skip;
          v[n].size = item->len[i] - skip;
          skip = 0;
          n++;
        }
      ret = g_pollable_output_stream_writev_nonblocking (out, v, n, &written, NULL, &error);
      if (ret == G_POLLABLE_RETURN_WOULD_BLOCK)
        {
          self->out_source = socket_source_new (self, G_IO_OUT, on_writable);
          break;
        }
      if (ret != G_POLLABLE_RETURN_OK)
        {
          self->writing = FALSE;
          shut_down (self, error);
          break;
        }
      item->done += written;
      if (item->done < item->size)
        continue; /* partial: the rest, or wait for room */
      g_queue_pop_head (&self->writes);
      self->queued -= item->size;
      complete_item (self, item, NULL);
    }
  self->writing = FALSE;
  if (self->out_source == NULL)
    maybe_close (self);
  g_object_unref (self);
}

static gboolean
on_writable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  TandemMsrpConnection *self = user_data;

  /* returning REMOVE destroys it; the context holds it until then */
  g_clear_pointer (&self->out_source, g_source_unref);
  write_direct (self);
  return G_SOURCE_REMOVE;
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TandemMsrpConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  WriteItem *item;

  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!self->closed)
        shut_down (self, error);
      return;
    }
  item = g_queue_pop_head (&self->writes);
  if (item == NULL)
    return;
  self->queued -= item->size;
  complete_item (self, item, NULL);
  write_next (self);
}

static void
write_next (TandemMsrpConnection *self)
{
  WriteItem *item;

  if (self->direct)
    {
      write_direct (self);
      return;
    }
  if (self->writing || self->closed)
    return;
  item = g_queue_peek_head (&self->writes);
  if (item == NULL)
    {
      maybe_close (self);
      return;
    }
  /* async writes have one part (see queue_item) */
  self->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   item->data[0], item->len[0],
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   on_written, g_object_ref (self));
}

/* Takes @item (parts set) into the queue and starts writing. */
static void
queue_item (TandemMsrpConnection *self,
            WriteItem            *item)
{
  item->size = 0;
  for (guint i = 0; i < item->n_parts; i++)
    item->size += item->len[i];
  if (!self->direct && item->n_parts > 1)
    {
      /* one buffer, so that a TLS stream writes the message at once */
      guint8 *joined = g_malloc (item->size);
      gsize off = 0;

      for (guint i = 0; i < item->n_parts; i++)
        {
          memcpy (joined + off, item->data[i], item->len[i]);
          off += item->len[i];
          g_bytes_unref (item->owner[i]);
        }
      item->owner[0] = g_bytes_new_take (joined, item->size);
      item->data[0] = joined;
      item->len[0] = item->size;
      item->n_parts = 1;
    }
  self->queued += item->size;
  g_queue_push_tail (&self->writes, item);
  write_next (self);
}

/* Queues one or more whole messages; completes once written. */
void
tandem_msrp_connection_write_async (TandemMsrpConnection *self,
                                    GBytes               *bytes,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  WriteItem *item;
  GTask *task = NULL;

  if (callback != NULL)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, tandem_msrp_connection_write_async);
    }
  if (self->closed || self->closing)
    {
      if (task != NULL)
        {
          g_task_return_new_error (task, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                                   "Connection closed");
          g_object_unref (task);
        }
      return;
    }
  item = g_new0 (WriteItem, 1);
  item->owner[0] = g_bytes_ref (bytes);
  item->data[0] = g_bytes_get_data (bytes, &item->len[0]);
  item->n_parts = 1;
  item->task = task;
  queue_item (self, item);
}

/**
 * tandem_msrp_connection_write_parts:
 * @parts: (array length=n_parts): one message in order (at most 3 parts,
 *   typically head, body and end-line); each part's bytes are referenced
 *   until written
 * @done: (nullable): called once the message is written or has failed;
 *   it may run before this function returns
 *
 * Queues one message given in parts, without joining them on a plain
 * socket: they go out with one writev.
 */
void
tandem_msrp_connection_write_parts (TandemMsrpConnection           *self,
                                    const TandemMsrpConnectionPart *parts,
                                    guint                           n_parts,
                                    TandemMsrpWriteDone             done,
                                    gpointer                        user_data)
{
  WriteItem *item;

  g_return_if_fail (n_parts >= 1 && n_parts <= MAX_PARTS);
  if (self->closed || self->closing)
    {
      g_autoptr(GError) error = g_error_new_literal (TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CLOSED,
                                                     "Connection closed");

      if (done != NULL)
        done (self, error, user_data);
      return;
    }
  item = g_new0 (WriteItem, 1);
  for (guint i = 0; i < n_parts; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (parts[i].bytes, &size);

      g_return_if_fail (parts[i].offset + parts[i].len <= size);
      item->owner[i] = g_bytes_ref (parts[i].bytes);
      item->data[i] = data + parts[i].offset;
      item->len[i] = parts[i].len;
    }
  item->n_parts = n_parts;
  item->done_func = done;
  item->done_data = user_data;
  queue_item (self, item);
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
  if (!reading && self->in_source != NULL)
    {
      g_source_destroy (self->in_source);
      g_clear_pointer (&self->in_source, g_source_unref);
    }
  read_next (self);
}

/* Graceful: what is queued is written, then the stream is closed. */
void
tandem_msrp_connection_close (TandemMsrpConnection *self)
{
  if (self->closing || self->closed)
    return;
  self->closing = TRUE;
  tandem_msrp_connection_set_reading (self, FALSE);
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

/* Acknowledge every TCP segment at once (TCP_QUICKACK), on a plain socket.
 * For a connection to an MSRP relay: kamailio writes without TCP_NODELAY,
 * so Nagle holds the last, partial segment of each frame until the
 * previous data is acknowledged, and with delayed ACKs that added up to
 * 40 ms to every frame (and to the end-to-end round trip the send
 * window measures). */
void
tandem_msrp_connection_set_quick_ack (TandemMsrpConnection *self,
                                      gboolean              quick_ack)
{
  self->quick_ack = quick_ack && self->direct;
  if (self->quick_ack)
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->stream)),
                         IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
}

TandemMsrpConnection *
tandem_msrp_connection_new (GIOStream *stream)
{
  TandemMsrpConnection *self = g_object_new (TANDEM_TYPE_MSRP_CONNECTION, NULL);

  self->stream = g_object_ref (stream);
  self->direct = G_IS_SOCKET_CONNECTION (stream) &&
                 G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)) &&
                 G_IS_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream)) &&
                 g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream))) &&
                 g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream)));
  return self;
}

static void
tandem_msrp_connection_dispose (GObject *object)
{
  TandemMsrpConnection *self = TANDEM_MSRP_CONNECTION (object);

  memset (&self->handler, 0, sizeof self->handler);
  g_clear_handle_id (&self->hold_id, g_source_remove);
  stop_sources (self);
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
