/* tandem-contact.c
 *
 * A read-only view of one contact for the UI.  The manager owns the
 * liblinphone friend behind it and updates the properties, which emit
 * notify on the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-contact"

#include "tandem-contact.h"

struct _TandemContact
{
  GObject         parent_instance;

  char           *name;
  char           *address;
  TandemPresence  presence;
  char           *note;
};

G_DEFINE_FINAL_TYPE (TandemContact, tandem_contact, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_PRESENCE,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_contact_finalize (GObject *object)
{
  TandemContact *self = TANDEM_CONTACT (object);

  g_free (self->name);
  g_free (self->address);
  g_free (self->note);

  G_OBJECT_CLASS (tandem_contact_parent_class)->finalize (object);
}

static void
tandem_contact_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemContact *self = TANDEM_CONTACT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_contact_class_init (TandemContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_contact_finalize;
  object_class->get_property = tandem_contact_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TANDEM_TYPE_PRESENCE, TANDEM_PRESENCE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_contact_init (TandemContact *self)
{
}

TandemContact *
tandem_contact_new (const char *name,
                    const char *address)
{
  TandemContact *self = g_object_new (TANDEM_TYPE_CONTACT, NULL);

  self->name = g_strdup (name);
  self->address = g_strdup (address);

  return self;
}

void
tandem_contact_set_name (TandemContact *self,
                         const char    *name)
{
  g_return_if_fail (TANDEM_IS_CONTACT (self));

  if (tandem_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
tandem_contact_set_presence (TandemContact  *self,
                             TandemPresence  presence,
                             const char     *note)
{
  g_return_if_fail (TANDEM_IS_CONTACT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->presence != presence)
    {
      self->presence = presence;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
    }
  if (tandem_set_str (&self->note, note))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
tandem_contact_get_name (TandemContact *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACT (self), NULL);

  return self->name ? self->name : self->address;
}

const char *
tandem_contact_get_address (TandemContact *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACT (self), NULL);

  return self->address;
}

TandemPresence
tandem_contact_get_presence (TandemContact *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACT (self), TANDEM_PRESENCE_OFFLINE);

  return self->presence;
}

const char *
tandem_contact_get_note (TandemContact *self)
{
  g_return_val_if_fail (TANDEM_IS_CONTACT (self), NULL);

  return self->note;
}
