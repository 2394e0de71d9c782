/* tandem-buffer-pool.h: recycled fixed-size buffers handed out as GBytes,
 * so that the data path does not fault in fresh pages for every message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TandemBufferPool TandemBufferPool;

TandemBufferPool *tandem_buffer_pool_new      (gsize             size,
                                               guint             max_free);
TandemBufferPool *tandem_buffer_pool_ref      (TandemBufferPool *pool);
void              tandem_buffer_pool_unref    (TandemBufferPool *pool);
gsize             tandem_buffer_pool_get_size (TandemBufferPool *pool);
guint8           *tandem_buffer_pool_alloc    (TandemBufferPool *pool);
void              tandem_buffer_pool_release  (TandemBufferPool *pool,
                                               guint8           *buffer);
GBytes           *tandem_buffer_pool_wrap     (TandemBufferPool *pool,
                                               guint8           *buffer,
                                               gsize             offset,
                                               gsize             len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemBufferPool, tandem_buffer_pool_unref)

G_END_DECLS
