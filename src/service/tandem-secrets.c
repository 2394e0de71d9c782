/* tandem-secrets.c
 *
 * One secret per account, keyed by the profile directory and the account's
 * identity, under the schema io.github.tandemphone.Tandem.Account.
 *
 * The application uses the asynchronous calls only: a Secret Service may
 * take as long as the user likes to answer (gnome-keyring asks, through
 * gcr-prompter, to unlock the keyring or to create one), and the main
 * loop must not wait for that.  The blocking calls are for tests.
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

/* ----- asynchronous ------------------------------------------------- */

static void
on_name_has_owner (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  gboolean has_owner = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  g_task_return_boolean (task, has_owner);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, NULL);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (bus == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", "org.freedesktop.secrets"),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000,
                          cancellable, on_name_has_owner, g_steal_pointer (&task));
}

/* Whether a Secret Service runs on the session bus now (without starting
 * one through D-Bus activation, which may hang headless). */
void
tandem_secrets_check_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tandem_secrets_check_async);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus, task);
}

gboolean
tandem_secrets_check_finish (GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

void
tandem_secrets_store_async (const char          *profile,
                            const char          *key,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf ("Tandem: %s", key);

  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, callback, user_data,
                         "profile", profile, "identity", key, NULL);
}

gboolean
tandem_secrets_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
tandem_secrets_lookup_async (const char          *profile,
                             const char          *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  secret_password_lookup (get_schema (), cancellable, callback, user_data,
                          "profile", profile, "identity", key, NULL);
}

char *
tandem_secrets_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = user_data;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_message ("Could not remove the password of %s from the keyring: %s", key, error->message);
}

void
tandem_secrets_clear_async (const char *profile,
                            const char *key)
{
  secret_password_clear (get_schema (), NULL, on_cleared, g_strdup (key),
                         "profile", profile, "identity", key, NULL);
}

/* ----- blocking, for tests ------------------------------------------- */

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
