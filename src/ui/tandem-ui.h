/* tandem-ui.h: what the executable needs from the ui layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-application.h"

G_BEGIN_DECLS

void tandem_ui_init (void);

G_END_DECLS
