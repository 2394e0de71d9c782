/* tandem-msrp-reassembler.h: puts chunked MSRP messages back together by
 * Message-ID and Byte-Range, within fixed bounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-msrp-message.h"

G_BEGIN_DECLS

typedef struct _TandemMsrpReassembler TandemMsrpReassembler;

TandemMsrpReassembler *tandem_msrp_reassembler_new   (gsize                  max_message_size,
                                                      guint                  max_messages);
void                   tandem_msrp_reassembler_free  (TandemMsrpReassembler *self);
gboolean               tandem_msrp_reassembler_write (TandemMsrpReassembler *self,
                                                      TandemMsrpMessage     *chunk,
                                                      gsize                  offset,
                                                      const guint8          *data,
                                                      gsize                  len,
                                                      GError               **error);
GBytes                *tandem_msrp_reassembler_end   (TandemMsrpReassembler *self,
                                                      TandemMsrpMessage     *chunk,
                                                      char                   flag,
                                                      GError               **error);
guint                  tandem_msrp_reassembler_get_pending (TandemMsrpReassembler *self);

G_END_DECLS
