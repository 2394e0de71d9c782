/* tandem-window.h: the main window: account, contacts, conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-manager.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_WINDOW (tandem_window_get_type ())
G_DECLARE_FINAL_TYPE (TandemWindow, tandem_window, TANDEM, WINDOW, GtkApplicationWindow)

TandemWindow *tandem_window_new               (GtkApplication *application,
                                               TandemManager  *manager,
                                               GSettings      *settings);
void          tandem_window_open_conversation (TandemWindow   *self,
                                               const char     *address);
void          tandem_window_show_error        (TandemWindow   *self,
                                               const char     *message);
void          tandem_window_dismiss_error     (TandemWindow   *self,
                                               const char     *message);
void          tandem_window_add_bar           (TandemWindow   *self,
                                               GtkWidget      *bar);
void          tandem_window_set_share_view    (TandemWindow   *self,
                                               const char     *address,
                                               GtkWidget      *view);

G_END_DECLS
