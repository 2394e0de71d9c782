/* tandem-notifier.h: desktop notifications for calls and messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-manager.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_NOTIFIER (tandem_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TandemNotifier, tandem_notifier, TANDEM, NOTIFIER, GObject)

TandemNotifier *tandem_notifier_new (GtkApplication *application,
                                     TandemManager  *manager,
                                     GSettings      *settings);

G_END_DECLS
