/* tandem-core.h: the public header of the core layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *tandem_core_version (void);

G_END_DECLS
