/* tandem-service-private.h: what the service objects tell each other.
 * Never installed and never included outside src/service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-account.h"
#include "tandem-contact.h"

G_BEGIN_DECLS

/* Like g_set_str() of GLib 2.76: replace *dest by a copy of src and say
 * whether it changed. */
static inline gboolean
_tandem_set_str (char       **dest,
                 const char  *src)
{
  if (g_strcmp0 (*dest, src) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (src);
  return TRUE;
}

TandemContact *_tandem_contact_new          (const char     *name,
                                             const char     *address);
void           _tandem_contact_set_name     (TandemContact  *self,
                                             const char     *name);
void           _tandem_contact_set_presence (TandemContact  *self,
                                             TandemPresence  presence,
                                             const char     *note);

TandemAccount *_tandem_account_new          (const char              *identity,
                                             const char              *server);
void           _tandem_account_set_state    (TandemAccount           *self,
                                             TandemRegistrationState  state,
                                             const char              *message);

G_END_DECLS
