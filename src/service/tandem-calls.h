/* tandem-calls.h: the audio calls of a profile (a GListModel of the
 * TandemCalls not yet ended) and their history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-call.h"
#include "tandem-call-record.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CALLS (tandem_calls_get_type ())
G_DECLARE_FINAL_TYPE (TandemCalls, tandem_calls, TANDEM, CALLS, GObject)

/* Places a call; it is announced by "call-added" (TandemCall *) like an
 * incoming one. */
TandemCall  *tandem_calls_call               (TandemCalls  *self,
                                              const char   *address,
                                              GError      **error);
/* A call not yet ended with @address (as the calls list names peers). */
TandemCall  *tandem_calls_find               (TandemCalls  *self,
                                              const char   *address);

/* "Encrypt calls": always, when possible (the default), never. */
TandemCallEncryption tandem_calls_get_encryption (TandemCalls          *self);
void         tandem_calls_set_encryption     (TandemCalls          *self,
                                              TandemCallEncryption  encryption);

/* TandemCallRecords, newest first; property "missed-calls". */
GListModel  *tandem_calls_get_history        (TandemCalls  *self);
guint        tandem_calls_get_missed_calls   (TandemCalls  *self);
void         tandem_calls_reset_missed_calls (TandemCalls  *self);
void         tandem_calls_clear_history      (TandemCalls  *self);

/* Holding back an incoming call (for TandemShares): a handler of
 * "call-incoming" (const char *call_id) that returns TRUE keeps the call
 * unannounced until tandem_calls_release() lets it ring, or
 * tandem_calls_decline() declines it; after a few seconds it rings
 * anyway. */
gboolean     tandem_calls_release            (TandemCalls  *self,
                                              const char   *call_id);
gboolean     tandem_calls_decline            (TandemCalls  *self,
                                              const char   *call_id);

/* For TandemManager; @linphone_core is a LinphoneCore. */
TandemCalls *tandem_calls_new                (void);
void         tandem_calls_start              (TandemCalls  *self,
                                              gpointer      linphone_core);
void         tandem_calls_stop               (TandemCalls  *self);

G_END_DECLS
