/* tandem-share-bar.h: "You are sharing your screen with bob", on top of
 * every Tandem window while a share is running.  It starts hidden (and a
 * gtk_widget_show_all() leaves it so): the window shows it with
 * gtk_widget_show() while a share runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_BAR (tandem_share_bar_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareBar, tandem_share_bar, TANDEM, SHARE_BAR, GtkBox)

GtkWidget  *tandem_share_bar_get_security (TandemShareBar *self);
GtkWidget  *tandem_share_bar_new                   (void);
const char *tandem_share_bar_get_peer_name         (TandemShareBar *self);
void        tandem_share_bar_set_peer_name         (TandemShareBar *self,
                                                    const char     *peer_name);
gboolean    tandem_share_bar_get_control           (TandemShareBar *self);
void        tandem_share_bar_set_control           (TandemShareBar *self,
                                                    gboolean        control);
gboolean    tandem_share_bar_get_control_requested (TandemShareBar *self);
void        tandem_share_bar_set_control_requested (TandemShareBar *self,
                                                    gboolean        control_requested);

G_END_DECLS
