/* tandem-share-security.h: one line that says how a share is encrypted,
 * with the security code and "Mark as verified" between two Tandems;
 * in the sharing bar and in the viewer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-share.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_SECURITY (tandem_share_security_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareSecurity, tandem_share_security, TANDEM, SHARE_SECURITY, GtkBox)

GtkWidget  *tandem_share_security_new        (void);
/* Shows @encryption (UNKNOWN: hidden), @code (end to end) and @key_state. */
void        tandem_share_security_set_state  (TandemShareSecurity  *self,
                                              TandemShareEncryption encryption,
                                              const char           *code,
                                              TandemShareKeyState   key_state);
/* Follows @share (its encryption, code and key state), and turns "Mark
 * as verified" into tandem_share_set_key_verified(); NULL: none. */
void        tandem_share_security_set_share  (TandemShareSecurity  *self,
                                              TandemShare          *share);
/* What it shows, for tests and accessibility. */
const char *tandem_share_security_get_text   (TandemShareSecurity  *self);
GtkToggleButton *tandem_share_security_get_verified_button (TandemShareSecurity *self);

/* Signals:
 *   "verified-toggled" (gboolean verified): the user ticked or unticked
 *     "Mark as verified". */

G_END_DECLS
