/* tandem-msrp-relay-client.h: authenticates at an MSRP relay (RFC 4976,
 * wire doc section 5) and keeps the reservation alive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-msrp-connection.h"
#include "tandem-msrp-session.h"
#include "tandem-msrp-uri.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_MSRP_RELAY_CLIENT (tandem_msrp_relay_client_get_type ())
G_DECLARE_FINAL_TYPE (TandemMsrpRelayClient, tandem_msrp_relay_client, TANDEM, MSRP_RELAY_CLIENT, GObject)

TandemMsrpRelayClient *tandem_msrp_relay_client_new          (const TandemMsrpUri    *relay_uri,
                                                              const char             *username,
                                                              const char             *password);
void                   tandem_msrp_relay_client_set_ha1      (TandemMsrpRelayClient  *self,
                                                              const char             *ha1);
void                   tandem_msrp_relay_client_auth_async   (TandemMsrpRelayClient  *self,
                                                              const TandemMsrpUri    *own_uri,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
gboolean               tandem_msrp_relay_client_auth_finish  (TandemMsrpRelayClient  *self,
                                                              GAsyncResult           *result,
                                                              GError                **error);
GPtrArray             *tandem_msrp_relay_client_get_use_path (TandemMsrpRelayClient  *self);
GPtrArray             *tandem_msrp_relay_client_dup_advertised_path (TandemMsrpRelayClient *self);
guint                  tandem_msrp_relay_client_get_expires  (TandemMsrpRelayClient  *self);
TandemMsrpConnection  *tandem_msrp_relay_client_get_connection (TandemMsrpRelayClient *self);
void                   tandem_msrp_relay_client_attach_session (TandemMsrpRelayClient *self,
                                                                TandemMsrpSession     *session);

void                   tandem_msrp_relay_discover_async      (const char             *setting,
                                                              const char             *domain,
                                                              gboolean                tls,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
TandemMsrpUri         *tandem_msrp_relay_discover_finish     (GAsyncResult           *result,
                                                              GError                **error);

G_END_DECLS
