/* tandem-call-record.c
 *
 * An immutable copy of a LinphoneCallLog, so the UI keeps nothing of
 * liblinphone alive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-call-record"

#include <linphone/core.h>

#include "tandem-call-record.h"

struct _TandemCallRecord
{
  GObject            parent_instance;

  char              *peer_address;
  char              *peer_name;
  gboolean           incoming;
  TandemCallOutcome  outcome;
  gint64             start;
  guint              duration;
};

G_DEFINE_FINAL_TYPE (TandemCallRecord, tandem_call_record, G_TYPE_OBJECT)

static void
tandem_call_record_finalize (GObject *object)
{
  TandemCallRecord *self = TANDEM_CALL_RECORD (object);

  g_free (self->peer_address);
  g_free (self->peer_name);

  G_OBJECT_CLASS (tandem_call_record_parent_class)->finalize (object);
}

static void
tandem_call_record_class_init (TandemCallRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tandem_call_record_finalize;
}

static void
tandem_call_record_init (TandemCallRecord *self)
{
}

TandemCallRecord *
tandem_call_record_new_for (gpointer linphone_call_log)
{
  LinphoneCallLog *log = linphone_call_log_ref (linphone_call_log);
  TandemCallRecord *self = g_object_new (TANDEM_TYPE_CALL_RECORD, NULL);
  const LinphoneAddress *remote = linphone_call_log_get_remote_address (log);
  const char *display = remote ? linphone_address_get_display_name (remote) : NULL;

  self->peer_address = remote ? linphone_address_as_string_uri_only (remote) : g_strdup ("");
  self->peer_name = g_strdup (display && *display ? display
                              : remote ? linphone_address_get_username (remote) : NULL);
  self->incoming = linphone_call_log_get_dir (log) == LinphoneCallIncoming;
  self->start = linphone_call_log_get_start_date (log);
  self->duration = MAX (linphone_call_log_get_duration (log), 0);

  switch (linphone_call_log_get_status (log))
    {
    case LinphoneCallSuccess:
      self->outcome = TANDEM_CALL_OUTCOME_ANSWERED;
      break;
    case LinphoneCallMissed:
      self->outcome = TANDEM_CALL_OUTCOME_MISSED;
      break;
    case LinphoneCallDeclined:
      self->outcome = TANDEM_CALL_OUTCOME_DECLINED;
      break;
    case LinphoneCallAborted:
    default:
      /* An incoming call that the caller gave up on is a missed one. */
      self->outcome = self->incoming ? TANDEM_CALL_OUTCOME_MISSED : TANDEM_CALL_OUTCOME_ABORTED;
      break;
    }

  linphone_call_log_unref (log);
  return self;
}

const char *
tandem_call_record_get_peer_address (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), NULL);
  return self->peer_address;
}

const char *
tandem_call_record_get_peer_name (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), NULL);
  return self->peer_name ? self->peer_name : self->peer_address;
}

gboolean
tandem_call_record_is_incoming (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), FALSE);
  return self->incoming;
}

TandemCallOutcome
tandem_call_record_get_outcome (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), TANDEM_CALL_OUTCOME_ABORTED);
  return self->outcome;
}

gint64
tandem_call_record_get_start (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), 0);
  return self->start;
}

guint
tandem_call_record_get_duration (TandemCallRecord *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL_RECORD (self), 0);
  return self->duration;
}
