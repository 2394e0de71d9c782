/* tandem-msrp-uri.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-uri"

#include <string.h>
#include <gio/gio.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-uri.h"

G_DEFINE_BOXED_TYPE (TandemMsrpUri, tandem_msrp_uri,
                     tandem_msrp_uri_copy, tandem_msrp_uri_free)

TandemMsrpUri *
tandem_msrp_uri_new (gboolean    secure,
                     const char *host,
                     guint16     port,
                     const char *session_id)
{
  TandemMsrpUri *uri = g_new0 (TandemMsrpUri, 1);

  uri->secure = secure;
  uri->host = g_strdup (host);
  uri->port = port;
  uri->session_id = g_strdup (session_id);
  uri->transport = g_strdup ("tcp");
  return uri;
}

TandemMsrpUri *
tandem_msrp_uri_copy (const TandemMsrpUri *uri)
{
  TandemMsrpUri *copy = g_new0 (TandemMsrpUri, 1);

  copy->secure = uri->secure;
  copy->userinfo = g_strdup (uri->userinfo);
  copy->host = g_strdup (uri->host);
  copy->port = uri->port;
  copy->session_id = g_strdup (uri->session_id);
  copy->transport = g_strdup (uri->transport);
  copy->params = g_strdup (uri->params);
  return copy;
}

void
tandem_msrp_uri_free (TandemMsrpUri *uri)
{
  if (uri == NULL)
    return;
  g_free (uri->userinfo);
  g_free (uri->host);
  g_free (uri->session_id);
  g_free (uri->transport);
  g_free (uri->params);
  g_free (uri);
}

static gboolean
is_unreserved (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static gboolean
valid_span (const char *s,
            gsize       len,
            const char *extra)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_unreserved (s[i]) && (s[i] == '\0' || strchr (extra, s[i]) == NULL))
      return FALSE;
  return TRUE;
}

static gboolean
valid_hostname (const char *s,
                gsize       len)
{
  if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '.')
      return FALSE;
  return TRUE;
}

static gboolean
fail (GError    **error,
      const char *text,
      const char *why)
{
  g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_URI,
               "Invalid MSRP URI “%s”: %s", text, why);
  return FALSE;
}

static gboolean
parse_authority (TandemMsrpUri *uri,
                 const char    *text,
                 const char    *p,
                 const char    *end,
                 GError       **error)
{
  const char *at = memchr (p, '@', end - p);
  const char *host_end;

  if (at != NULL)
    {
      if (!valid_span (p, at - p, "!$&'()*+,=:%"))
        return fail (error, text, "bad userinfo");
      uri->userinfo = g_strndup (p, at - p);
      p = at + 1;
    }

  if (p < end && *p == '[')
    {
      const char *close = memchr (p, ']', end - p);
      g_autofree char *literal = NULL;

      if (close == NULL)
        return fail (error, text, "unterminated IPv6 literal");
      literal = g_strndup (p + 1, close - p - 1);
      if (strchr (literal, ':') == NULL || !g_hostname_is_ip_address (literal))
        return fail (error, text, "bad IPv6 literal");
      uri->host = g_steal_pointer (&literal);
      host_end = close + 1;
    }
  else
    {
      host_end = memchr (p, ':', end - p);
      if (host_end == NULL)
        host_end = end;
      if (!valid_hostname (p, host_end - p))
        return fail (error, text, "bad host");
      uri->host = g_strndup (p, host_end - p);
    }

  if (host_end < end)
    {
      guint64 port = 0;
      const char *q;

      if (*host_end != ':' || host_end + 1 == end || end - host_end > 6)
        return fail (error, text, "bad port");
      for (q = host_end + 1; q < end; q++)
        {
          if (!g_ascii_isdigit (*q))
            return fail (error, text, "bad port");
          port = port * 10 + (*q - '0');
        }
      if (port == 0 || port > 65535)
        return fail (error, text, "port out of range");
      uri->port = port;
    }
  return TRUE;
}

/* msrp[s]://[userinfo@]host[:port][/session-id];transport[;params] */
TandemMsrpUri *
tandem_msrp_uri_parse (const char *text,
                       GError    **error)
{
  g_autoptr(TandemMsrpUri) uri = g_new0 (TandemMsrpUri, 1);
  const char *p = text;
  const char *auth_end;
  const char *semi;

  g_return_val_if_fail (text != NULL, NULL);

  if (g_ascii_strncasecmp (p, "msrps://", 8) == 0)
    {
      uri->secure = TRUE;
      p += 8;
    }
  else if (g_ascii_strncasecmp (p, "msrp://", 7) == 0)
    p += 7;
  else
    return fail (error, text, "scheme must be msrp or msrps"), NULL;

  semi = strchr (p, ';');
  if (semi == NULL)
    return fail (error, text, "transport missing"), NULL;
  auth_end = memchr (p, '/', semi - p);
  if (auth_end == NULL)
    auth_end = semi;
  if (!parse_authority (uri, text, p, auth_end, error))
    return NULL;

  if (auth_end < semi)
    {
      if (!valid_span (auth_end + 1, semi - auth_end - 1, "+=/"))
        return fail (error, text, "bad session-id"), NULL;
      uri->session_id = g_strndup (auth_end + 1, semi - auth_end - 1);
    }

  p = semi + 1;
  semi = strchr (p, ';');
  if (semi == NULL)
    semi = p + strlen (p);
  if (semi == p)
    return fail (error, text, "empty transport"), NULL;
  for (const char *q = p; q < semi; q++)
    if (!g_ascii_isalnum (*q))
      return fail (error, text, "bad transport"), NULL;
  uri->transport = g_ascii_strdown (p, semi - p);

  if (*semi == ';')
    {
      if (!valid_span (semi + 1, strlen (semi + 1), "!%*+`'=;"))
        return fail (error, text, "bad URI parameter"), NULL;
      uri->params = g_strdup (semi + 1);
    }
  return g_steal_pointer (&uri);
}

char *
tandem_msrp_uri_to_string (const TandemMsrpUri *uri)
{
  GString *s = g_string_new (uri->secure ? "msrps://" : "msrp://");

  if (uri->userinfo != NULL)
    g_string_append_printf (s, "%s@", uri->userinfo);
  if (strchr (uri->host, ':') != NULL)
    g_string_append_printf (s, "[%s]", uri->host);
  else
    g_string_append (s, uri->host);
  if (uri->port != 0)
    g_string_append_printf (s, ":%u", uri->port);
  if (uri->session_id != NULL)
    g_string_append_printf (s, "/%s", uri->session_id);
  g_string_append_printf (s, ";%s", uri->transport != NULL ? uri->transport : "tcp");
  if (uri->params != NULL)
    g_string_append_printf (s, ";%s", uri->params);
  return g_string_free (s, FALSE);
}

guint16
tandem_msrp_uri_get_effective_port (const TandemMsrpUri *uri)
{
  return uri->port != 0 ? uri->port : TANDEM_MSRP_DEFAULT_PORT;
}

/* RFC 4975 section 6.1: scheme, host and transport case-insensitively,
 * port exactly when either URI writes one, session-id case-sensitively;
 * userinfo and parameters are ignored. */
gboolean
tandem_msrp_uri_equal (const TandemMsrpUri *a,
                       const TandemMsrpUri *b)
{
  if (a->secure != b->secure)
    return FALSE;
  if (g_ascii_strcasecmp (a->host, b->host) != 0)
    {
      g_autoptr(GInetAddress) ia = g_inet_address_new_from_string (a->host);
      g_autoptr(GInetAddress) ib = g_inet_address_new_from_string (b->host);

      if (ia == NULL || ib == NULL || !g_inet_address_equal (ia, ib))
        return FALSE;
    }
  if ((a->port != 0 || b->port != 0) && a->port != b->port)
    return FALSE;
  if (g_strcmp0 (a->session_id, b->session_id) != 0)
    return FALSE;
  return g_ascii_strcasecmp (a->transport, b->transport) == 0;
}

/* Wire doc section 4: sessions match on the session-id only, because
 * peers advertise private addresses and placeholder ports. */
gboolean
tandem_msrp_uri_session_matches (const TandemMsrpUri *a,
                                 const TandemMsrpUri *b)
{
  return a->session_id != NULL && b->session_id != NULL &&
         strcmp (a->session_id, b->session_id) == 0;
}

/* 80 random bits as lowercase hex. */
char *
tandem_msrp_uri_new_session_id (void)
{
  GString *s = g_string_sized_new (21);

  for (int i = 0; i < 10; i++)
    g_string_append_printf (s, "%02x", (guint) g_random_int_range (0, 256));
  return g_string_free (s, FALSE);
}

GPtrArray *
tandem_msrp_path_parse (const char *text,
                        GError    **error)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      TandemMsrpUri *uri = tandem_msrp_uri_parse (parts[i], error);

      if (uri == NULL)
        return NULL;
      g_ptr_array_add (path, uri);
    }
  if (path->len == 0)
    {
      g_set_error_literal (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_URI,
                           "Empty MSRP path");
      return NULL;
    }
  return g_steal_pointer (&path);
}

char *
tandem_msrp_path_to_string (GPtrArray *path)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < path->len; i++)
    {
      g_autofree char *one = tandem_msrp_uri_to_string (g_ptr_array_index (path, i));

      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, one);
    }
  return g_string_free (s, FALSE);
}
