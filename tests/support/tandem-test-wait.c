/* tandem-test-wait.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-wait"

#include "tandem-test-wait.h"

gboolean
tandem_test_on_wait_expired (gpointer expired)
{
  *(gboolean *) expired = TRUE;
  return G_SOURCE_REMOVE;
}
