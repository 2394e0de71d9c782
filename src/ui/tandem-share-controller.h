/* tandem-share-controller.h: the screen-sharing side of the application:
 * its actions, the capture and VNC server of a share, the viewer in the
 * conversation, the sharing bar and the prompts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-manager.h"
#include "tandem-window.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_CONTROLLER (tandem_share_controller_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareController, tandem_share_controller, TANDEM, SHARE_CONTROLLER, GObject)

/* Adds the share actions to @application. */
TandemShareController *tandem_share_controller_new (GtkApplication *application,
                                                    TandemManager  *manager,
                                                    GSettings      *settings);

G_END_DECLS
