/* tandem-presence-label.h: how the UI names and draws a presence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-service-types.h"

G_BEGIN_DECLS

const char *tandem_presence_get_label     (TandemPresence presence);
const char *tandem_presence_get_icon_name (TandemPresence presence);

G_END_DECLS
