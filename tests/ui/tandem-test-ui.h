/* tandem-test-ui.h: helpers for tests that build Tandem's real widgets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-test-wait.h"

G_BEGIN_DECLS

GtkWidget *tandem_test_find_label        (GtkWidget  *root,
                                          const char *text);
GtkWidget *tandem_test_find_widget       (GtkWidget  *root,
                                          GType       type);
GtkWidget *tandem_test_find_named        (GtkWidget  *root,
                                          const char *id);
void       tandem_test_flush_events      (void);
gboolean   tandem_test_save_screenshot   (GtkWidget  *widget,
                                          const char *name,
                                          GError    **error);

G_END_DECLS
