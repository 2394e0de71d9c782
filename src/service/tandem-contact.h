/* tandem-contact.h: a person in the contact list and their presence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONTACT (tandem_contact_get_type ())
G_DECLARE_FINAL_TYPE (TandemContact, tandem_contact, TANDEM, CONTACT, GObject)

const char     *tandem_contact_get_name     (TandemContact *self);
const char     *tandem_contact_get_address  (TandemContact *self);
TandemPresence  tandem_contact_get_presence (TandemContact *self);
const char     *tandem_contact_get_note     (TandemContact *self);

/* For TandemContacts. */
TandemContact *tandem_contact_new          (const char     *name,
                                            const char     *address);
void           tandem_contact_set_name     (TandemContact  *self,
                                            const char     *name);
void           tandem_contact_set_presence (TandemContact  *self,
                                            TandemPresence  presence,
                                            const char     *note);

G_END_DECLS
