/* tandem-call-record.h: one entry of the call history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CALL_RECORD (tandem_call_record_get_type ())
G_DECLARE_FINAL_TYPE (TandemCallRecord, tandem_call_record, TANDEM, CALL_RECORD, GObject)

const char        *tandem_call_record_get_peer_address (TandemCallRecord *self);
const char        *tandem_call_record_get_peer_name    (TandemCallRecord *self);
gboolean           tandem_call_record_is_incoming      (TandemCallRecord *self);
TandemCallOutcome  tandem_call_record_get_outcome      (TandemCallRecord *self);
gint64             tandem_call_record_get_start        (TandemCallRecord *self);
guint              tandem_call_record_get_duration     (TandemCallRecord *self);

/* For TandemCalls; the gpointer is a LinphoneCallLog. */
TandemCallRecord   *tandem_call_record_new_for          (gpointer            linphone_call_log);

G_END_DECLS
