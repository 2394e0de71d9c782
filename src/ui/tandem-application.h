/* tandem-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_APPLICATION (tandem_application_get_type ())
G_DECLARE_FINAL_TYPE (TandemApplication, tandem_application, TANDEM, APPLICATION, GtkApplication)

TandemApplication *tandem_application_new             (void);
const char        *tandem_application_get_profile_dir (TandemApplication *self);

G_END_DECLS
