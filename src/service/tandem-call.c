/* tandem-call.c
 *
 * Wraps a LinphoneCall.  The manager forwards liblinphone's call state
 * callbacks here; the object turns them into the few states a user cares
 * about and keeps the reason a call failed or ended.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-call"

#include <glib/gi18n.h>
#include <linphone/core.h>

#include "tandem-call.h"

struct _TandemCall
{
  GObject          parent_instance;

  LinphoneCall    *call;
  char            *peer_address;
  char            *peer_name;
  gboolean         incoming;
  TandemCallState  state;
  char            *end_reason;
  guint            final_duration;
};

G_DEFINE_FINAL_TYPE (TandemCall, tandem_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PEER_ADDRESS,
  PROP_INCOMING,
  PROP_STATE,
  PROP_MUTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_call_dispose (GObject *object)
{
  TandemCall *self = TANDEM_CALL (object);

  if (self->call != NULL)
    {
      linphone_call_set_user_data (self->call, NULL);
      g_clear_pointer (&self->call, linphone_call_unref);
    }

  G_OBJECT_CLASS (tandem_call_parent_class)->dispose (object);
}

static void
tandem_call_finalize (GObject *object)
{
  TandemCall *self = TANDEM_CALL (object);

  g_free (self->peer_address);
  g_free (self->peer_name);
  g_free (self->end_reason);

  G_OBJECT_CLASS (tandem_call_parent_class)->finalize (object);
}

static void
tandem_call_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TandemCall *self = TANDEM_CALL (object);

  switch (prop_id)
    {
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_INCOMING:
      g_value_set_boolean (value, self->incoming);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, tandem_call_get_muted (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_call_class_init (TandemCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_call_dispose;
  object_class->finalize = tandem_call_finalize;
  object_class->get_property = tandem_call_get_property;

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TANDEM_TYPE_CALL_STATE, TANDEM_CALL_OUTGOING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_call_init (TandemCall *self)
{
}

static char *
describe_end (LinphoneCall *call)
{
  /* get_reason() refreshes the error info, which frees its strings: ask
   * for it first, and copy what the error info says at once. */
  LinphoneReason reason = linphone_call_get_reason (call);
  const LinphoneErrorInfo *info;
  int code;
  g_autofree char *phrase = NULL;

  if (reason == LinphoneReasonNone)
    return NULL;

  info = linphone_call_get_error_info (call);
  code = info ? linphone_error_info_get_protocol_code (info) : 0;
  phrase = g_strdup (info ? linphone_error_info_get_phrase (info) : NULL);
  if (code > 0 && phrase != NULL && *phrase != '\0')
    return g_strdup_printf ("%d %s", code, phrase);
  return g_strdup (linphone_reason_to_string (reason));
}

TandemCall *
tandem_call_new_for (gpointer linphone_call)
{
  TandemCall *self = g_object_new (TANDEM_TYPE_CALL, NULL);
  const LinphoneAddress *remote;
  const char *display;

  self->call = linphone_call_ref (linphone_call);
  linphone_call_set_user_data (self->call, self);
  remote = linphone_call_get_remote_address (self->call);
  self->peer_address = linphone_address_as_string_uri_only (remote);
  display = linphone_address_get_display_name (remote);
  self->peer_name = g_strdup (display && *display ? display : linphone_address_get_username (remote));
  self->incoming = linphone_call_get_dir (self->call) == LinphoneCallIncoming;
  self->state = self->incoming ? TANDEM_CALL_INCOMING : TANDEM_CALL_OUTGOING;

  return self;
}

/* Returns TRUE when the call has ended for good. */
gboolean
tandem_call_update (TandemCall *self,
                    int         linphone_state)
{
  TandemCallState state = self->state;

  switch ((LinphoneCallState) linphone_state)
    {
    case LinphoneCallStateIncomingReceived:
    case LinphoneCallStatePushIncomingReceived:
    case LinphoneCallStateIncomingEarlyMedia:
      state = TANDEM_CALL_INCOMING;
      break;
    case LinphoneCallStateOutgoingInit:
    case LinphoneCallStateOutgoingProgress:
    case LinphoneCallStateOutgoingRinging:
    case LinphoneCallStateOutgoingEarlyMedia:
      state = TANDEM_CALL_OUTGOING;
      break;
    case LinphoneCallStateConnected:
    case LinphoneCallStateStreamsRunning:
      state = TANDEM_CALL_ACTIVE;
      break;
    case LinphoneCallStatePaused:
      state = TANDEM_CALL_HELD;
      break;
    case LinphoneCallStatePausedByRemote:
      state = TANDEM_CALL_HELD_BY_PEER;
      break;
    case LinphoneCallStateError:
      state = TANDEM_CALL_FAILED;
      break;
    case LinphoneCallStateEnd:
    case LinphoneCallStateReleased:
      if (state != TANDEM_CALL_FAILED)
        state = TANDEM_CALL_ENDED;
      break;
    default:
      /* Transitions (pausing, resuming, updating) keep the state. */
      break;
    }

  if (state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED)
    {
      if (self->end_reason == NULL && self->call != NULL)
        self->end_reason = describe_end (self->call);
      if (self->call != NULL)
        self->final_duration = linphone_call_get_duration (self->call);
    }

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  if (linphone_state == LinphoneCallStateReleased && self->call != NULL)
    {
      linphone_call_set_user_data (self->call, NULL);
      g_clear_pointer (&self->call, linphone_call_unref);
    }

  return state == TANDEM_CALL_ENDED || state == TANDEM_CALL_FAILED;
}

static gboolean
check_live (TandemCall  *self,
            GError     **error)
{
  if (self->call == NULL || self->state == TANDEM_CALL_ENDED || self->state == TANDEM_CALL_FAILED)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("The call has ended"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_status (LinphoneStatus   status,
              const char      *message,
              GError         **error)
{
  if (status != 0)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
tandem_call_accept (TandemCall  *self,
                    GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (self->state != TANDEM_CALL_INCOMING)
    {
      g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("Only a ringing incoming call can be answered"));
      return FALSE;
    }
  return check_status (linphone_call_accept (self->call), _("The call could not be answered"), error);
}

gboolean
tandem_call_decline (TandemCall  *self,
                     GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (self->state != TANDEM_CALL_INCOMING)
    return tandem_call_hang_up (self, error);
  self->end_reason = g_strdup ("Declined");
  return check_status (linphone_call_decline (self->call, LinphoneReasonDeclined), _("The call could not be declined"), error);
}

gboolean
tandem_call_hang_up (TandemCall  *self,
                     GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_terminate (self->call), _("The call could not be hung up"), error);
}

gboolean
tandem_call_hold (TandemCall  *self,
                  GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_pause (self->call), _("The call could not be put on hold"), error);
}

gboolean
tandem_call_resume (TandemCall  *self,
                    GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  return check_status (linphone_call_resume (self->call), _("The call could not be resumed"), error);
}

void
tandem_call_set_muted (TandemCall *self,
                       gboolean    muted)
{
  g_return_if_fail (TANDEM_IS_CALL (self));

  if (self->call == NULL || tandem_call_get_muted (self) == !!muted)
    return;
  linphone_call_set_microphone_muted (self->call, muted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
tandem_call_send_dtmf (TandemCall  *self,
                       char         digit,
                       GError     **error)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);

  if (!check_live (self, error))
    return FALSE;
  if (strchr ("0123456789*#ABCD", digit) == NULL || digit == '\0')
    {
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("“%c” is not a key of the keypad"), digit);
      return FALSE;
    }
  return check_status (linphone_call_send_dtmf (self->call, digit), _("No tone could be sent in the call"), error);
}

const char *
tandem_call_get_peer_address (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->peer_address;
}

const char *
tandem_call_get_peer_name (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->peer_name ? self->peer_name : self->peer_address;
}

gboolean
tandem_call_is_incoming (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);
  return self->incoming;
}

TandemCallState
tandem_call_get_state (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), TANDEM_CALL_ENDED);
  return self->state;
}

const char *
tandem_call_get_end_reason (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), NULL);
  return self->end_reason;
}

guint
tandem_call_get_duration (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), 0);
  return self->call ? (guint) MAX (linphone_call_get_duration (self->call), 0) : self->final_duration;
}

double
tandem_call_get_quality (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), -1);
  return self->call && self->state == TANDEM_CALL_ACTIVE
    ? linphone_call_get_current_quality (self->call) : -1;
}

gboolean
tandem_call_get_muted (TandemCall *self)
{
  g_return_val_if_fail (TANDEM_IS_CALL (self), FALSE);
  return self->call ? linphone_call_get_microphone_muted (self->call) : FALSE;
}
