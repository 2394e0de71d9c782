/* tandem-provision.c
 *
 * `tandem --profile DIR --provision FILE` reads a keyfile like this one
 * (README.md documents it):
 *
 *   [network]                       # optional; applied before the stack starts
 *   bind-address=127.0.0.1
 *   root-ca=/etc/ssl/company-ca.pem # extra CA for TLS to the SIP server
 *
 *   [account alice]                 # one group per account
 *   identity=sip:alice@tandem.test
 *   password=alice-pw
 *   server=sip:127.0.0.1:15060      # optional, else the identity's domain
 *   transport=udp                   # udp, tcp or tls
 *
 *   [contact bob]                   # one group per contact
 *   name=Bob
 *   address=sip:bob@tandem.test
 *
 *   [presence]
 *   status=available                # available, away, busy, dnd, offline
 *   note=At my desk
 *
 *   [share]                         # screen sharing, optional
 *   tls=true                        # msrps (default) or plain msrp
 *   relay=auto                      # auto, none, or host:port of an MSRP relay
 *
 * Applying the same file twice leaves the profile as after once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-provision"

#include "tandem-provision.h"

GKeyFile *
tandem_provision_load (const char  *path,
                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "Cannot read provisioning file %s: %s", path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&keyfile);
}

void
tandem_provision_apply_network (GKeyFile      *keyfile,
                                TandemManager *manager)
{
  g_autofree char *bind = g_key_file_get_string (keyfile, "network", "bind-address", NULL);
  g_autofree char *root_ca = g_key_file_get_string (keyfile, "network", "root-ca", NULL);

  if (bind != NULL && *bind != '\0')
    tandem_manager_set_bind_address (manager, bind);
  if (root_ca != NULL && *root_ca != '\0')
    tandem_manager_set_root_ca (manager, root_ca);
}

static gboolean
apply_account (GKeyFile       *keyfile,
               const char     *group,
               TandemManager  *manager,
               GError        **error)
{
  g_autofree char *identity = g_key_file_get_string (keyfile, group, "identity", NULL);
  g_autofree char *password = g_key_file_get_string (keyfile, group, "password", NULL);
  g_autofree char *server = g_key_file_get_string (keyfile, group, "server", NULL);
  g_autofree char *transport_str = g_key_file_get_string (keyfile, group, "transport", NULL);
  TandemTransport transport = TANDEM_TRANSPORT_UDP;

  if (identity == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                   "[%s] has no identity=", group);
      return FALSE;
    }
  if (transport_str != NULL && !tandem_transport_from_string (transport_str, &transport))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] transport=%s is not one of udp, tcp, tls", group, transport_str);
      return FALSE;
    }

  return tandem_accounts_add (tandem_manager_get_accounts (manager), identity, password, server, transport, error) != NULL;
}

static gboolean
apply_contact (GKeyFile       *keyfile,
               const char     *group,
               TandemManager  *manager,
               GError        **error)
{
  g_autofree char *address = g_key_file_get_string (keyfile, group, "address", NULL);
  g_autofree char *name = g_key_file_get_string (keyfile, group, "name", NULL);

  if (address == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                   "[%s] has no address=", group);
      return FALSE;
    }
  if (name == NULL)
    name = g_strdup (group + strlen ("contact "));

  return tandem_contacts_add (tandem_manager_get_contacts (manager), name, address, error) != NULL;
}

static gboolean
apply_presence (GKeyFile       *keyfile,
                TandemManager  *manager,
                GError        **error)
{
  g_autofree char *status = g_key_file_get_string (keyfile, "presence", "status", NULL);
  g_autofree char *note = g_key_file_get_string (keyfile, "presence", "note", NULL);
  TandemPresence presence = TANDEM_PRESENCE_AVAILABLE;

  if (status != NULL && !tandem_presence_from_string (status, &presence))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[presence] status=%s is not one of available, away, busy, dnd, offline",
                   status);
      return FALSE;
    }

  tandem_contacts_set_presence (tandem_manager_get_contacts (manager), presence, note);
  return TRUE;
}

static gboolean
apply_share (GKeyFile       *keyfile,
             TandemManager  *manager,
             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean tls = g_key_file_get_boolean (keyfile, "share", "tls", &local_error);
  g_autofree char *relay = g_key_file_get_string (keyfile, "share", "relay", NULL);

  if (local_error != NULL && !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[share] tls must be true or false");
      return FALSE;
    }
  if (local_error != NULL)
    tls = tandem_shares_get_tls (tandem_manager_get_shares (manager));
  if (relay != NULL && !tandem_shares_set_relay (tandem_manager_get_shares (manager), relay, error))
    return FALSE;
  tandem_shares_set_tls (tandem_manager_get_shares (manager), tls);
  return TRUE;
}

gboolean
tandem_provision_apply (GKeyFile       *keyfile,
                        TandemManager  *manager,
                        GError        **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      gboolean ok = TRUE;

      if (g_str_equal (group, "account") || g_str_has_prefix (group, "account "))
        ok = apply_account (keyfile, group, manager, error);
      else if (g_str_has_prefix (group, "contact "))
        ok = apply_contact (keyfile, group, manager, error);
      else if (g_str_equal (group, "presence"))
        ok = apply_presence (keyfile, manager, error);
      else if (g_str_equal (group, "share"))
        ok = apply_share (keyfile, manager, error);
      else if (!g_str_equal (group, "network"))
        g_message ("Provisioning: ignoring unknown group [%s]", group);

      if (!ok)
        return FALSE;
    }

  return TRUE;
}
