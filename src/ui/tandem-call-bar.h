/* tandem-call-bar.h: the call in progress, above the conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-call.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CALL_BAR (tandem_call_bar_get_type ())
G_DECLARE_FINAL_TYPE (TandemCallBar, tandem_call_bar, TANDEM, CALL_BAR, GtkBox)

void        tandem_call_bar_set_call (TandemCallBar *self,
                                      TandemCall    *call);
TandemCall *tandem_call_bar_get_call (TandemCallBar *self);

G_END_DECLS
