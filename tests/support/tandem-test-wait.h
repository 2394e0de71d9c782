/* tandem-test-wait.h: run the main loop until a condition holds; the one
 * bounded wait of the tests (a test never loops on the main context
 * without a limit).
 *
 *   TANDEM_TEST_WAIT_UNTIL (tandem_account_get_state (a) == TANDEM_REGISTRATION_OK, 10000);
 *   g_assert_cmpint (tandem_account_get_state (a), ==, TANDEM_REGISTRATION_OK);
 *
 *   g_assert_true (tandem_test_wait_for (label_visible, label, 1000));
 *
 * Iterates the default main context until COND is true or MS milliseconds
 * have passed; the caller asserts afterwards, so a timeout fails with the
 * real values in the message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean tandem_test_on_wait_expired (gpointer expired);

/* The same with a condition function: TRUE when it holds at the end. */
gboolean tandem_test_wait_for        (gboolean  (*condition) (gpointer),
                                      gpointer    data,
                                      guint       timeout_ms);

#define TANDEM_TEST_WAIT_UNTIL(cond, ms) G_STMT_START {                          \
    gboolean expired_ = FALSE;                                                   \
    guint id_ = g_timeout_add ((ms), tandem_test_on_wait_expired, &expired_);    \
    while (!(cond) && !expired_)                                                 \
      g_main_context_iteration (NULL, TRUE);                                     \
    if (!expired_)                                                               \
      g_source_remove (id_);                                                     \
  } G_STMT_END

G_END_DECLS
