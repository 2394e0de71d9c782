/* tandem-sip-address.h: the SIP addresses a user types, checked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "sip:user@domain" (or sips:) of @text, or NULL and an error a user can
 * read (TANDEM_SERVICE_ERROR_INVALID_ADDRESS). */
char     *tandem_sip_address_normalize (const char  *text,
                                        GError     **error);

/* FALSE and TANDEM_SERVICE_ERROR_NOT_STARTED when @core is NULL. */
gboolean  tandem_sip_require_core      (gpointer     core,
                                        GError     **error);

G_END_DECLS
