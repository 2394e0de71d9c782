/* tandem-msrp-digest.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-digest"

#include <string.h>

#include "tandem-msrp-digest.h"
#include "tandem-msrp-error.h"

void
tandem_msrp_digest_challenge_free (TandemMsrpDigestChallenge *challenge)
{
  if (challenge == NULL)
    return;
  g_free (challenge->realm);
  g_free (challenge->nonce);
  g_free (challenge->opaque);
  g_free (challenge->algorithm);
  g_free (challenge);
}

/* Digest realm="x", nonce="y", qop="auth,auth-int", opaque="z", algorithm=MD5 */
TandemMsrpDigestChallenge *
tandem_msrp_digest_challenge_parse (const char *header,
                                    GError    **error)
{
  g_autoptr(TandemMsrpDigestChallenge) c = g_new0 (TandemMsrpDigestChallenge, 1);
  const char *p = header;

  if (g_ascii_strncasecmp (p, "Digest ", 7) != 0)
    goto bad;
  p += 7;
  while (*p != '\0')
    {
      const char *eq;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      while (*p == ' ' || *p == ',')
        p++;
      if (*p == '\0')
        break;
      eq = strchr (p, '=');
      if (eq == NULL)
        goto bad;
      name = g_strstrip (g_strndup (p, eq - p));
      p = eq + 1;
      if (*p == '"')
        {
          const char *close = strchr (p + 1, '"');

          if (close == NULL)
            goto bad;
          value = g_strndup (p + 1, close - p - 1);
          p = close + 1;
        }
      else
        {
          const char *end = strchr (p, ',');

          if (end == NULL)
            end = p + strlen (p);
          value = g_strstrip (g_strndup (p, end - p));
          p = end;
        }
      if (g_ascii_strcasecmp (name, "realm") == 0)
        g_free (c->realm), c->realm = g_steal_pointer (&value);
      else if (g_ascii_strcasecmp (name, "nonce") == 0)
        g_free (c->nonce), c->nonce = g_steal_pointer (&value);
      else if (g_ascii_strcasecmp (name, "opaque") == 0)
        g_free (c->opaque), c->opaque = g_steal_pointer (&value);
      else if (g_ascii_strcasecmp (name, "algorithm") == 0)
        g_free (c->algorithm), c->algorithm = g_steal_pointer (&value);
      else if (g_ascii_strcasecmp (name, "qop") == 0)
        {
          g_auto(GStrv) qops = g_strsplit (value, ",", -1);

          for (guint i = 0; qops[i] != NULL; i++)
            if (g_ascii_strcasecmp (g_strstrip (qops[i]), "auth") == 0)
              c->qop_auth = TRUE;
        }
    }
  if (c->realm == NULL || c->nonce == NULL)
    goto bad;
  if (c->algorithm != NULL && g_ascii_strcasecmp (c->algorithm, "MD5") != 0)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED,
                   "Unsupported digest algorithm %s", c->algorithm);
      return NULL;
    }
  return g_steal_pointer (&c);

bad:
  g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED,
               "Cannot parse the relay's challenge: %s", header);
  return NULL;
}

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* The value of an Authorization header answering @challenge. */
char *
tandem_msrp_digest_authorization (const TandemMsrpDigestChallenge *challenge,
                                  const char                      *username,
                                  const char                      *password,
                                  const char                      *method,
                                  const char                      *uri,
                                  guint                            nonce_count,
                                  const char                      *cnonce)
{
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", username, challenge->realm, password);
  g_autofree char *ha1 = md5_hex (a1);

  return tandem_msrp_digest_authorization_ha1 (challenge, username, ha1, method, uri, nonce_count, cnonce);
}

/* The same from HA1 = MD5(username:realm:password), what a SIP stack keeps
 * instead of the password; it only works when the relay's realm is the
 * one the hash was made for. */
char *
tandem_msrp_digest_authorization_ha1 (const TandemMsrpDigestChallenge *challenge,
                                      const char                      *username,
                                      const char                      *ha1,
                                      const char                      *method,
                                      const char                      *uri,
                                      guint                            nonce_count,
                                      const char                      *cnonce)
{
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha2 = md5_hex (a2);
  g_autofree char *kd = NULL;
  g_autofree char *response = NULL;
  char nc[9];
  GString *s;

  g_snprintf (nc, sizeof nc, "%08x", nonce_count);
  if (challenge->qop_auth)
    kd = g_strdup_printf ("%s:%s:%s:%s:auth:%s", ha1, challenge->nonce, nc, cnonce, ha2);
  else
    kd = g_strdup_printf ("%s:%s:%s", ha1, challenge->nonce, ha2);
  response = md5_hex (kd);

  s = g_string_new (NULL);
  g_string_append_printf (s, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                          "response=\"%s\", algorithm=MD5",
                          username, challenge->realm, challenge->nonce, uri, response);
  if (challenge->qop_auth)
    g_string_append_printf (s, ", qop=auth, nc=%s, cnonce=\"%s\"", nc, cnonce);
  if (challenge->opaque != NULL)
    g_string_append_printf (s, ", opaque=\"%s\"", challenge->opaque);
  return g_string_free (s, FALSE);
}
