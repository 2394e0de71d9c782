/* tandem-contact-row.h: one contact in the sidebar list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-contact.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONTACT_ROW (tandem_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (TandemContactRow, tandem_contact_row, TANDEM, CONTACT_ROW, GtkListBoxRow)

GtkWidget     *tandem_contact_row_new         (TandemContact    *contact);
TandemContact *tandem_contact_row_get_contact (TandemContactRow *self);

G_END_DECLS
