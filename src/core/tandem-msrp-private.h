/* tandem-msrp-private.h: helpers shared by the MSRP files of the core
 * layer; never included outside src/core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const guint8 *_tandem_msrp_find_end_line (const guint8 *haystack,
                                          gsize         len,
                                          const char   *marker,
                                          gsize         marker_len);

G_END_DECLS
