/* tandem-test-resolver.h: a GResolver that answers SRV lookups from a
 * table the test fills, and says "not found" to everything else, so that
 * relay discovery (RFC 4976, _msrps._tcp / _msrp._tcp) is tested without
 * DNS.
 *
 *   g_autoptr(TandemTestResolver) fake = tandem_test_resolver_new ();
 *   g_autoptr(GResolver) old = g_resolver_get_default ();
 *
 *   tandem_test_resolver_add_srv (fake, "_msrp._tcp.relay.test", "127.0.0.1", port);
 *   g_resolver_set_default (G_RESOLVER (fake));
 *   ...
 *   g_resolver_set_default (old);
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_TEST_RESOLVER (tandem_test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TandemTestResolver, tandem_test_resolver, TANDEM, TEST_RESOLVER, GResolver)

TandemTestResolver *tandem_test_resolver_new     (void);
void                tandem_test_resolver_add_srv (TandemTestResolver *self,
                                                  const char         *rrname,
                                                  const char         *host,
                                                  guint16             port);

G_END_DECLS
