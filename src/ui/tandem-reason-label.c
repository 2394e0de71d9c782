/* tandem-reason-label.c
 *
 * The service layer reports failures as the server or the stack said them
 * ("401 Unauthorized", "503 io error"); this says what that means and
 * keeps the original in parentheses for whoever has to debug it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-reason-label"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-reason-label.h"

char *
tandem_describe_sign_in_failure (const char *reason)
{
  const char *meaning = NULL;

  if (reason == NULL || *reason == '\0')
    return g_strdup (_("Sign-in failed"));

  if (g_str_has_prefix (reason, "401") || g_str_has_prefix (reason, "407") ||
      g_str_has_prefix (reason, "403"))
    meaning = _("Wrong user name or password");
  else if (strstr (reason, "io error") != NULL || g_str_has_prefix (reason, "408"))
    meaning = _("The server cannot be reached");
  else if (g_str_has_prefix (reason, "404"))
    meaning = _("The server does not know this account");

  if (meaning == NULL)
    /* Translators: %s is the server's reason, e.g. "500 Server Internal Error" */
    return g_strdup_printf (_("Sign-in failed: %s"), reason);

  /* Translators: a meaning, then the server's words, e.g.
   * "Wrong user name or password (401 Unauthorized)" */
  return g_strdup_printf (_("%s (%s)"), meaning, reason);
}

/* "sip:alice@example.org" is waiting for its password from the keyring. */
char *
tandem_describe_waiting_for_keyring (const char *identity)
{
  const char *user = identity != NULL ? strchr (identity, ':') : NULL;
  const char *at = user != NULL ? strchr (user, '@') : NULL;
  g_autofree char *name = user != NULL && at != NULL ? g_strndup (user + 1, at - user - 1)
                                                     : g_strdup (identity ? identity : "");

  /* Translators: %s is the user name of the account, e.g. "alice" */
  return g_strdup_printf (_("Unlock your keyring to sign in as %s"), name);
}
