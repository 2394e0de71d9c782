/* interop-common.h: what the interop tests share: a Tandem stack as a
 * test user, and (interop-peer.h) a foreign SIP client run as a child
 * process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "interop-peer.h"
#include "tandem-manager.h"
#include "tandem-test-kamailio.h"

G_BEGIN_DECLS

/* A started TandemManager bound to 127.0.0.1 with a fresh profile
 * directory (returned in @out_profile), and an account on @world. */
TandemManager  *interop_start_manager  (const char         *name,
                                        char              **out_profile);
TandemAccount  *interop_add_account    (TandemManager      *manager,
                                        TandemTestKamailio *world,
                                        const char         *user);

G_END_DECLS
