/* tandem-call-history-window.h: the list of past calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-manager.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CALL_HISTORY_WINDOW (tandem_call_history_window_get_type ())
G_DECLARE_FINAL_TYPE (TandemCallHistoryWindow, tandem_call_history_window, TANDEM, CALL_HISTORY_WINDOW, GtkWindow)

GtkWidget *tandem_call_history_window_new (GtkWindow     *parent,
                                           TandemManager *manager);

G_END_DECLS
