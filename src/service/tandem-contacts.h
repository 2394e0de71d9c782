/* tandem-contacts.h: the contacts of a profile (a GListModel of
 * TandemContact), their presence and ours, and the people who ask to see
 * ours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-contact.h"
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CONTACTS (tandem_contacts_get_type ())
G_DECLARE_FINAL_TYPE (TandemContacts, tandem_contacts, TANDEM, CONTACTS, GObject)

TandemContact  *tandem_contacts_find                (TandemContacts  *self,
                                                     const char      *address);
TandemContact  *tandem_contacts_add                 (TandemContacts  *self,
                                                     const char      *name,
                                                     const char      *address,
                                                     GError         **error);
void            tandem_contacts_remove              (TandemContacts  *self,
                                                     TandemContact   *contact);

/* Presence subscription requests from people who are not contacts, still
 * waiting for the user's answer.  Signals: "subscription-requested"
 * (address), "subscription-handled" (address: allowed, denied or gone). */
GStrv           tandem_contacts_dup_pending_subscribers (TandemContacts *self);
TandemContact  *tandem_contacts_allow_subscriber    (TandemContacts  *self,
                                                     const char      *address,
                                                     GError         **error);
gboolean        tandem_contacts_deny_subscriber     (TandemContacts  *self,
                                                     const char      *address,
                                                     GError         **error);

/* Our own presence (properties "presence" and "presence-note"). */
TandemPresence  tandem_contacts_get_presence        (TandemContacts  *self);
const char     *tandem_contacts_get_presence_note   (TandemContacts  *self);
void            tandem_contacts_set_presence        (TandemContacts  *self,
                                                     TandemPresence   presence,
                                                     const char      *note);

/* For TandemManager; @linphone_core is a LinphoneCore. */
TandemContacts *tandem_contacts_new                 (void);
void            tandem_contacts_start               (TandemContacts  *self,
                                                     gpointer         linphone_core);
void            tandem_contacts_stop                (TandemContacts  *self);

G_END_DECLS
