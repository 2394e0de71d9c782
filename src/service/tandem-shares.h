/* tandem-shares.h: screen sharing for a profile: the share SIP stack of
 * the default account, the shares not yet ended (a GListModel of
 * TandemShare), and the sharing settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-accounts.h"
#include "tandem-calls.h"
#include "tandem-share.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARES (tandem_shares_get_type ())
G_DECLARE_FINAL_TYPE (TandemShares, tandem_shares, TANDEM, SHARES, GObject)

/* The share stack has registered (and the TLS identity is made): shares
 * can go out and come in. */
gboolean      tandem_shares_can_share      (TandemShares  *self);
/* Offers our screen to @address (rfbsetup:passive). */
TandemShare  *tandem_shares_share_screen   (TandemShares  *self,
                                            const char    *address,
                                            GError       **error);
/* Asks @address for their screen (rfbsetup:active). */
TandemShare  *tandem_shares_request_screen (TandemShares  *self,
                                            const char    *address,
                                            GError       **error);
/* Signal "share-added" (TandemShare *): offered by a peer (pending the
 * user's answer) or started by the two functions above. */

/* Kept in the profile: whether this side offers TLS (msrps) and requires
 * it of offers it accepts (property "tls"), and the MSRP relay (property
 * "relay": "auto", "none", host:port or an msrp(s):// URI; empty means
 * "none"). */
gboolean      tandem_shares_get_tls        (TandemShares  *self);
void          tandem_shares_set_tls        (TandemShares  *self,
                                            gboolean       tls);
char         *tandem_shares_dup_relay      (TandemShares  *self);
gboolean      tandem_shares_set_relay      (TandemShares  *self,
                                            const char    *relay,
                                            GError       **error);
void          tandem_shares_set_options    (TandemShares  *self,
                                            gboolean       tls,
                                            const char    *relay);

/* For TandemManager; @linphone_core is a LinphoneCore. */
TandemShares *tandem_shares_new            (const char     *profile_dir,
                                            TandemAccounts *accounts,
                                            TandemCalls    *calls);
void          tandem_shares_start          (TandemShares   *self,
                                            gpointer        linphone_core,
                                            const char     *bind_address,
                                            const char     *root_ca);
void          tandem_shares_stop           (TandemShares   *self);

G_END_DECLS
