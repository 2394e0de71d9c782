/* interop-common.c: a Tandem stack as a test user.  See interop-common.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-interop"

#include "interop-common.h"

TandemManager *
interop_start_manager (const char  *name,
                       char       **out_profile)
{
  g_autoptr(GError) error = NULL;
  char *profile = interop_make_tmp_dir (name);
  TandemManager *manager;

  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);
  *out_profile = profile;
  return manager;
}

TandemAccount *
interop_add_account (TandemManager      *manager,
                     TandemTestKamailio *world,
                     const char         *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = g_strdup_printf ("sip:%s@%s", user, TANDEM_TEST_DOMAIN);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  TandemAccount *account;

  account = tandem_accounts_add (tandem_manager_get_accounts (manager), identity,
                                        tandem_test_kamailio_get_password (user),
                                        proxy, TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account;
}
