/* tandem-secrets.c
 *
 * One secret per account, keyed by the profile directory and the account's
 * identity, under the schema io.github.tandemphone.Tandem.Account.  Calls
 * are synchronous but short (a local D-Bus service) and happen only when
 * the stack starts or an account is added or removed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-secrets"

#include <libsecret/secret.h>

#include "tandem-secrets.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.tandemphone.Tandem.Account", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "identity", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

/* True when a Secret Service answers on the session bus (without
 * starting one through D-Bus activation, which may hang headless). */
gboolean
tandem_secrets_available (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

gboolean
tandem_secrets_store (const char  *profile,
                      const char  *identity,
                      const char  *password,
                      GError     **error)
{
  g_autofree char *label = g_strdup_printf ("Tandem: %s", identity);

  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                     NULL, error,
                                     "profile", profile, "identity", identity, NULL);
}

char *
tandem_secrets_lookup (const char  *profile,
                       const char  *identity,
                       GError     **error)
{
  return secret_password_lookup_sync (get_schema (), NULL, error,
                                      "profile", profile, "identity", identity, NULL);
}

gboolean
tandem_secrets_clear (const char  *profile,
                      const char  *identity,
                      GError     **error)
{
  return secret_password_clear_sync (get_schema (), NULL, error,
                                     "profile", profile, "identity", identity, NULL);
}
