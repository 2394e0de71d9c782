/* tandem-test-app.h: run the real tandem executable in a test and drive
 * it over D-Bus, the way a script or the desktop would.
 *
 * The test must run on its own session bus (ctest wraps it in
 * dbus-run-session) and have DISPLAY set (tandem_test_xvfb_start()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "tandem-test-kamailio.h"
#include "tandem-test-process.h"

G_BEGIN_DECLS

typedef struct _TandemTestApp TandemTestApp;

TandemTestApp *tandem_test_app_start          (const char     *name,
                                               const char     *provision_text);
TandemTestApp *tandem_test_app_start_in_netns (const char     *name,
                                               const char     *provision_text,
                                               const char     *netns);
void           tandem_test_app_stop           (TandemTestApp  *self);
const char    *tandem_test_app_get_profile    (TandemTestApp  *self);
const char    *tandem_test_app_get_id         (TandemTestApp  *self);
GPid           tandem_test_app_get_pid        (TandemTestApp  *self);
char          *tandem_test_app_dup_log        (TandemTestApp  *self);
gboolean       tandem_test_app_exited         (TandemTestApp  *self);
void           tandem_test_app_kill           (TandemTestApp  *self);
void           tandem_test_app_relaunch       (TandemTestApp  *self);
gboolean       tandem_test_app_wait_exit      (TandemTestApp  *self,
                                               guint           timeout_ms);

gboolean       tandem_test_app_activate       (TandemTestApp  *self,
                                               const char     *action,
                                               const char     *parameter);
gboolean       tandem_test_app_action_enabled (TandemTestApp  *self,
                                               const char     *action);
char          *tandem_test_app_action_state   (TandemTestApp  *self,
                                               const char     *action);
gboolean       tandem_test_app_wait_enabled   (TandemTestApp  *self,
                                               const char     *action,
                                               gboolean        enabled,
                                               guint           timeout_ms);
/* @caller calls @address until @callee rings (registration of both may
 * still be on its way when a test starts); fails the test after 20 tries. */
void           tandem_test_app_call_until_ringing (TandemTestApp *caller,
                                                   TandemTestApp *callee,
                                                   const char    *address);

/* The provisioning keyfile of @me (alice, bob...) on @world over
 * @transport, with @peer as a contact; @extra is appended (a [share]
 * group) when not NULL. */
char          *tandem_test_app_provision      (TandemTestKamailio *world,
                                               const char     *me,
                                               const char     *peer,
                                               const char     *transport,
                                               const char     *extra);
char          *tandem_test_run                (const char * const *argv,
                                               int                *status);
char          *tandem_test_app_id_for_profile (const char     *profile);
int            tandem_test_count_windows      (const char     *title);
gboolean       tandem_test_wait_for_windows   (const char     *title,
                                               int             n,
                                               guint           timeout_ms);
char          *tandem_test_screenshot         (const char     *name);
void           tandem_test_assert_not_blank   (const char     *png);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestApp, tandem_test_app_stop)

G_END_DECLS
