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

gboolean
tandem_test_wait_for (gboolean (*condition) (gpointer),
                      gpointer   data,
                      guint      timeout_ms)
{
  TANDEM_TEST_WAIT_UNTIL (condition (data), timeout_ms);
  return condition (data);
}
