/* tandem-reason-label.h: what a SIP failure means, in the user's words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tandem_describe_sign_in_failure     (const char *reason);
char *tandem_describe_waiting_for_keyring (const char *identity);

G_END_DECLS
