/* tandem-buffer-pool.c
 *
 * At most max_free idle buffers are kept; the rest are freed. A GBytes
 * from tandem_buffer_pool_wrap() owns its buffer and a pool reference,
 * and gives the buffer back when the last reference goes (from any
 * thread: the free list is locked).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-buffer-pool"

#include "tandem-buffer-pool.h"

struct _TandemBufferPool {
  gatomicrefcount  ref_count;
  GMutex           lock;
  GPtrArray       *free;
  gsize            size;
  guint            max_free;
};

typedef struct {
  TandemBufferPool *pool;
  guint8           *buffer;
} Wrapped;

TandemBufferPool *
tandem_buffer_pool_new (gsize size,
                        guint max_free)
{
  TandemBufferPool *pool = g_new0 (TandemBufferPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  g_mutex_init (&pool->lock);
  pool->free = g_ptr_array_new_with_free_func (g_free);
  pool->size = size;
  pool->max_free = max_free;
  return pool;
}

TandemBufferPool *
tandem_buffer_pool_ref (TandemBufferPool *pool)
{
  g_atomic_ref_count_inc (&pool->ref_count);
  return pool;
}

void
tandem_buffer_pool_unref (TandemBufferPool *pool)
{
  if (!g_atomic_ref_count_dec (&pool->ref_count))
    return;
  g_ptr_array_unref (pool->free);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

gsize
tandem_buffer_pool_get_size (TandemBufferPool *pool)
{
  return pool->size;
}

guint8 *
tandem_buffer_pool_alloc (TandemBufferPool *pool)
{
  guint8 *buffer = NULL;

  g_mutex_lock (&pool->lock);
  if (pool->free->len > 0)
    buffer = g_ptr_array_steal_index_fast (pool->free, pool->free->len - 1);
  g_mutex_unlock (&pool->lock);
  return buffer != NULL ? buffer : g_malloc (pool->size);
}

void
tandem_buffer_pool_release (TandemBufferPool *pool,
                            guint8           *buffer)
{
  g_mutex_lock (&pool->lock);
  if (pool->free->len < pool->max_free)
    {
      g_ptr_array_add (pool->free, buffer);
      buffer = NULL;
    }
  g_mutex_unlock (&pool->lock);
  g_free (buffer);
}

static void
on_bytes_freed (gpointer data)
{
  Wrapped *w = data;

  tandem_buffer_pool_release (w->pool, w->buffer);
  tandem_buffer_pool_unref (w->pool);
  g_free (w);
}

/* A GBytes over [offset, offset + len) of @buffer, which it now owns. */
GBytes *
tandem_buffer_pool_wrap (TandemBufferPool *pool,
                         guint8           *buffer,
                         gsize             offset,
                         gsize             len)
{
  Wrapped *w = g_new (Wrapped, 1);

  w->pool = tandem_buffer_pool_ref (pool);
  w->buffer = buffer;
  return g_bytes_new_with_free_func (buffer + offset, len, on_bytes_freed, w);
}
