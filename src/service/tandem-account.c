/* tandem-account.c
 *
 * A read-only view of one account for the UI; the manager updates it from
 * liblinphone's registration callbacks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-account"

#include "tandem-account.h"

struct _TandemAccount
{
  GObject                  parent_instance;

  char                    *identity;
  char                    *server;
  TandemRegistrationState  state;
  char                    *state_message;
  gboolean                 waiting_for_keyring;
};

G_DEFINE_FINAL_TYPE (TandemAccount, tandem_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IDENTITY,
  PROP_SERVER,
  PROP_STATE,
  PROP_STATE_MESSAGE,
  PROP_WAITING_FOR_KEYRING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_account_finalize (GObject *object)
{
  TandemAccount *self = TANDEM_ACCOUNT (object);

  g_free (self->identity);
  g_free (self->server);
  g_free (self->state_message);

  G_OBJECT_CLASS (tandem_account_parent_class)->finalize (object);
}

static void
tandem_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemAccount *self = TANDEM_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATE_MESSAGE:
      g_value_set_string (value, self->state_message);
      break;
    case PROP_WAITING_FOR_KEYRING:
      g_value_set_boolean (value, self->waiting_for_keyring);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_account_class_init (TandemAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_account_finalize;
  object_class->get_property = tandem_account_get_property;

  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TANDEM_TYPE_REGISTRATION_STATE, TANDEM_REGISTRATION_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_MESSAGE] =
    g_param_spec_string ("state-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The password is still to come from the keyring (locked, or asking
   * the user): the account signs in once it is there. */
  properties[PROP_WAITING_FOR_KEYRING] =
    g_param_spec_boolean ("waiting-for-keyring", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_account_init (TandemAccount *self)
{
}

TandemAccount *
tandem_account_new (const char *identity,
                    const char *server)
{
  TandemAccount *self = g_object_new (TANDEM_TYPE_ACCOUNT, NULL);

  self->identity = g_strdup (identity);
  self->server = g_strdup (server);

  return self;
}

void
tandem_account_set_state (TandemAccount           *self,
                          TandemRegistrationState  state,
                          const char              *message)
{
  g_return_if_fail (TANDEM_IS_ACCOUNT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (tandem_set_str (&self->state_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
tandem_account_set_waiting_for_keyring (TandemAccount *self,
                                        gboolean       waiting)
{
  g_return_if_fail (TANDEM_IS_ACCOUNT (self));

  if (self->waiting_for_keyring == !!waiting)
    return;
  self->waiting_for_keyring = !!waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR_KEYRING]);
}

const char *
tandem_account_get_identity (TandemAccount *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNT (self), NULL);
  return self->identity;
}

const char *
tandem_account_get_server (TandemAccount *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNT (self), NULL);
  return self->server;
}

TandemRegistrationState
tandem_account_get_state (TandemAccount *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNT (self), TANDEM_REGISTRATION_NONE);
  return self->state;
}

const char *
tandem_account_get_state_message (TandemAccount *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNT (self), NULL);
  return self->state_message;
}

gboolean
tandem_account_get_waiting_for_keyring (TandemAccount *self)
{
  g_return_val_if_fail (TANDEM_IS_ACCOUNT (self), FALSE);
  return self->waiting_for_keyring;
}
