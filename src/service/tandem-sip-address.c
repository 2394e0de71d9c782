/* tandem-sip-address.c
 *
 * liblinphone's address parser is lenient ("sip:jane at example" becomes
 * a user "jane at example"), so what a user types is checked here first:
 * a sip: or sips: URI without blanks or controls, with a domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sip-address"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <linphone/core.h>

#include "tandem-service-types.h"
#include "tandem-sip-address.h"

char *
tandem_sip_address_normalize (const char  *text,
                              GError     **error)
{
  LinphoneAddress *address = NULL;
  char *uri;

  if (text != NULL && (g_str_has_prefix (text, "sip:") || g_str_has_prefix (text, "sips:")) &&
      strpbrk (text, " \t\r\n\"<>") == NULL)
    address = linphone_factory_create_address (linphone_factory_get (), text);

  if (address == NULL || linphone_address_get_domain (address) == NULL)
    {
      g_clear_pointer (&address, linphone_address_unref);
      g_set_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid SIP address (expected sip:user@domain)"),
                   text ? text : "");
      return NULL;
    }
  uri = linphone_address_as_string_uri_only (address);
  linphone_address_unref (address);
  return uri;
}

gboolean
tandem_sip_require_core (gpointer   core,
                         GError   **error)
{
  if (core != NULL)
    return TRUE;
  g_set_error_literal (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_NOT_STARTED,
                       _("The SIP stack is not running"));
  return FALSE;
}
