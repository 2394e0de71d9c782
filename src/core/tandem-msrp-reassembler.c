/* tandem-msrp-reassembler.c
 *
 * Each pending message owns a buffer that grows up to max_message_size
 * and a list of received byte intervals; at most max_messages are pending
 * at once. A message is complete once a chunk ended with '$' fixed its
 * size and the intervals cover it; '#' drops it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-reassembler"

#include <string.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-reassembler.h"

#define MAX_INTERVALS 256

typedef struct {
  guint64 start; /* 0-based, inclusive */
  guint64 end;   /* exclusive */
} Interval;

typedef struct {
  GByteArray *data;
  GArray     *intervals; /* sorted, merged */
  gint64      total;     /* -1 until known */
  gboolean    last_seen;
} Pending;

struct _TandemMsrpReassembler {
  GHashTable *pending; /* Message-ID -> Pending */
  gsize       max_message_size;
  guint       max_messages;
};

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_byte_array_unref (p->data);
  g_array_unref (p->intervals);
  g_free (p);
}

TandemMsrpReassembler *
tandem_msrp_reassembler_new (gsize max_message_size,
                             guint max_messages)
{
  TandemMsrpReassembler *self = g_new0 (TandemMsrpReassembler, 1);

  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
  self->max_message_size = max_message_size;
  self->max_messages = max_messages;
  return self;
}

void
tandem_msrp_reassembler_free (TandemMsrpReassembler *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->pending);
  g_free (self);
}

guint
tandem_msrp_reassembler_get_pending (TandemMsrpReassembler *self)
{
  return g_hash_table_size (self->pending);
}

static Pending *
lookup (TandemMsrpReassembler *self,
        TandemMsrpMessage     *chunk,
        GError               **error)
{
  const char *id = chunk->message_id;
  Pending *p;

  if (id == NULL)
    {
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_BAD_REQUEST,
                           "Chunk without Message-ID");
      return NULL;
    }
  p = g_hash_table_lookup (self->pending, id);
  if (p != NULL)
    return p;
  if (g_hash_table_size (self->pending) >= self->max_messages)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE,
                   "More than %u messages being reassembled", self->max_messages);
      return NULL;
    }
  if (chunk->range_total > 0 && (guint64) chunk->range_total > self->max_message_size)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE,
                   "Message of %" G_GINT64_FORMAT " bytes is too large", chunk->range_total);
      return NULL;
    }
  p = g_new0 (Pending, 1);
  p->data = g_byte_array_new ();
  p->intervals = g_array_new (FALSE, FALSE, sizeof (Interval));
  p->total = -1;
  g_hash_table_insert (self->pending, g_strdup (id), p);
  return p;
}

static gboolean
add_interval (Pending *p,
              guint64  start,
              guint64  end)
{
  guint i = 0;
  Interval iv = { start, end };

  while (i < p->intervals->len && g_array_index (p->intervals, Interval, i).end < start)
    i++;
  while (i < p->intervals->len && g_array_index (p->intervals, Interval, i).start <= end)
    {
      Interval *o = &g_array_index (p->intervals, Interval, i);

      iv.start = MIN (iv.start, o->start);
      iv.end = MAX (iv.end, o->end);
      g_array_remove_index (p->intervals, i);
    }
  if (p->intervals->len >= MAX_INTERVALS)
    return FALSE;
  g_array_insert_val (p->intervals, i, iv);
  return TRUE;
}

/* Stores @len body bytes found at @offset inside @chunk's body. */
gboolean
tandem_msrp_reassembler_write (TandemMsrpReassembler *self,
                               TandemMsrpMessage     *chunk,
                               gsize                  offset,
                               const guint8          *data,
                               gsize                  len,
                               GError               **error)
{
  Pending *p = lookup (self, chunk, error);
  guint64 start, end;

  if (p == NULL)
    return FALSE;
  start = (chunk->has_byte_range ? chunk->range_start : 1) - 1 + offset;
  end = start + len;
  if (end > self->max_message_size ||
      (chunk->range_total >= 0 && end > (guint64) chunk->range_total) ||
      (chunk->range_end >= 0 && end > (guint64) chunk->range_end))
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INTERVAL_OUT_OF_BOUNDS,
                   "Chunk data beyond its Byte-Range or the size limit");
      g_hash_table_remove (self->pending, chunk->message_id);
      return FALSE;
    }
  if (len == 0)
    return TRUE;
  if (p->data->len < end)
    g_byte_array_set_size (p->data, end);
  memcpy (p->data->data + start, data, len);
  if (!add_interval (p, start, end))
    {
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE,
                           "Message too fragmented");
      g_hash_table_remove (self->pending, chunk->message_id);
      return FALSE;
    }
  return TRUE;
}

/* Called at a chunk's end-line with its body size known from the writes.
 * Returns the complete message once every byte is there, else NULL (with
 * @error set only on a protocol error). */
GBytes *
tandem_msrp_reassembler_end (TandemMsrpReassembler *self,
                             TandemMsrpMessage     *chunk,
                             char                   flag,
                             GError               **error)
{
  Pending *p = lookup (self, chunk, error);
  Interval *first;

  if (p == NULL)
    return NULL;
  if (flag == TANDEM_MSRP_FLAG_ABORTED)
    {
      g_hash_table_remove (self->pending, chunk->message_id);
      return NULL;
    }
  if (chunk->range_total >= 0)
    p->total = chunk->range_total;
  if (flag == TANDEM_MSRP_FLAG_END)
    {
      p->last_seen = TRUE;
      if (p->total < 0)
        p->total = p->data->len;
    }
  if (!p->last_seen || p->total < 0)
    return NULL;
  if (p->total == 0)
    {
      g_hash_table_remove (self->pending, chunk->message_id);
      return g_bytes_new (NULL, 0);
    }
  if (p->intervals->len != 1)
    return NULL;
  first = &g_array_index (p->intervals, Interval, 0);
  if (first->start == 0 && first->end == (guint64) p->total)
    {
      GBytes *bytes;

      g_byte_array_set_size (p->data, p->total);
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&p->data));
      p->data = g_byte_array_new ();
      g_hash_table_remove (self->pending, chunk->message_id);
      return bytes;
    }
  return NULL;
}
