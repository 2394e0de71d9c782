/* tandem-preferences-window.h: accounts, audio, network, privacy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-manager.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_PREFERENCES_WINDOW (tandem_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TandemPreferencesWindow, tandem_preferences_window, TANDEM, PREFERENCES_WINDOW, GtkWindow)

GtkWidget *tandem_preferences_window_new (GtkWindow     *parent,
                                          TandemManager *manager,
                                          GSettings     *settings,
                                          const char    *page);

G_END_DECLS
