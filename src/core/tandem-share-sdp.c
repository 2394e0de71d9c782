/* tandem-share-sdp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-sdp"

#include <string.h>

#include "tandem-msrp-error.h"
#include "tandem-share-sdp.h"

G_DEFINE_BOXED_TYPE (TandemShareSdp, tandem_share_sdp,
                     tandem_share_sdp_copy, tandem_share_sdp_free)

TandemShareSdp *
tandem_share_sdp_new (void)
{
  TandemShareSdp *sdp = g_new0 (TandemShareSdp, 1);
  const char *types[] = { TANDEM_RFB_CONTENT_TYPE, NULL };

  sdp->path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  sdp->accept_types = g_strdupv ((char **) types);
  sdp->setup = TANDEM_MSRP_SETUP_ACTPASS;
  sdp->tls = TRUE;
  return sdp;
}

TandemShareSdp *
tandem_share_sdp_copy (const TandemShareSdp *sdp)
{
  TandemShareSdp *copy = g_new0 (TandemShareSdp, 1);

  *copy = *sdp;
  copy->address = g_strdup (sdp->address);
  copy->path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  for (guint i = 0; i < sdp->path->len; i++)
    g_ptr_array_add (copy->path, tandem_msrp_uri_copy (g_ptr_array_index (sdp->path, i)));
  copy->accept_types = g_strdupv (sdp->accept_types);
  copy->fingerprint = g_strdup (sdp->fingerprint);
  return copy;
}

void
tandem_share_sdp_free (TandemShareSdp *sdp)
{
  if (sdp == NULL)
    return;
  g_free (sdp->address);
  g_ptr_array_unref (sdp->path);
  g_strfreev (sdp->accept_types);
  g_free (sdp->fingerprint);
  g_free (sdp);
}

const char *
tandem_msrp_setup_to_string (TandemMsrpSetup setup)
{
  switch (setup)
    {
    case TANDEM_MSRP_SETUP_ACTIVE: return "active";
    case TANDEM_MSRP_SETUP_PASSIVE: return "passive";
    case TANDEM_MSRP_SETUP_ACTPASS:
    default: return "actpass";
    }
}

gboolean
tandem_msrp_setup_from_string (const char      *text,
                               TandemMsrpSetup *setup)
{
  if (g_strcmp0 (text, "active") == 0)
    *setup = TANDEM_MSRP_SETUP_ACTIVE;
  else if (g_strcmp0 (text, "passive") == 0)
    *setup = TANDEM_MSRP_SETUP_PASSIVE;
  else if (g_strcmp0 (text, "actpass") == 0)
    *setup = TANDEM_MSRP_SETUP_ACTPASS;
  else
    return FALSE;
  return TRUE;
}

/* RFC 6135: the answer's setup given the offer's; actpass lets the
 * answerer pick @preferred (never actpass itself). */
TandemMsrpSetup
tandem_msrp_setup_answer (TandemMsrpSetup offered,
                          TandemMsrpSetup preferred)
{
  switch (offered)
    {
    case TANDEM_MSRP_SETUP_ACTIVE: return TANDEM_MSRP_SETUP_PASSIVE;
    case TANDEM_MSRP_SETUP_PASSIVE: return TANDEM_MSRP_SETUP_ACTIVE;
    case TANDEM_MSRP_SETUP_ACTPASS:
    default:
      return preferred == TANDEM_MSRP_SETUP_PASSIVE ? TANDEM_MSRP_SETUP_PASSIVE
                                                     : TANDEM_MSRP_SETUP_ACTIVE;
    }
}

TandemRfbSetup
tandem_share_sdp_get_offer_rfbsetup (const TandemShareSdp *offer)
{
  return offer->rfbsetup == TANDEM_RFB_SETUP_UNSET ? TANDEM_RFB_SETUP_ACTIVE : offer->rfbsetup;
}

/* The answer carries the opposite VNC role of the offer. */
TandemRfbSetup
tandem_share_sdp_get_answer_rfbsetup (const TandemShareSdp *offer)
{
  return tandem_share_sdp_get_offer_rfbsetup (offer) == TANDEM_RFB_SETUP_ACTIVE
         ? TANDEM_RFB_SETUP_PASSIVE : TANDEM_RFB_SETUP_ACTIVE;
}

static const char *
addr_type (const char *address)
{
  return address != NULL && strchr (address, ':') != NULL ? "IP6" : "IP4";
}

/* m=, c= and the attributes in the wire doc's order, CRLF line ends. */
char *
tandem_share_sdp_to_media_string (const TandemShareSdp *sdp)
{
  GString *s = g_string_new (NULL);
  const char *address = sdp->address != NULL ? sdp->address : "0.0.0.0";

  g_string_append_printf (s, "m=application %u %s *\r\n", sdp->port,
                          sdp->tls ? "TCP/TLS/MSRP" : "TCP/MSRP");
  g_string_append_printf (s, "c=IN %s %s\r\n", addr_type (address), address);
  if (sdp->path->len > 0)
    {
      g_autofree char *path = tandem_msrp_path_to_string (sdp->path);

      g_string_append_printf (s, "a=path:%s\r\n", path);
    }
  if (sdp->accept_types != NULL && sdp->accept_types[0] != NULL)
    {
      g_autofree char *types = g_strjoinv (" ", sdp->accept_types);

      g_string_append_printf (s, "a=accept-types:%s\r\n", types);
    }
  g_string_append_printf (s, "a=setup:%s\r\n", tandem_msrp_setup_to_string (sdp->setup));
  if (sdp->rfbsetup != TANDEM_RFB_SETUP_UNSET)
    g_string_append_printf (s, "a=rfbsetup:%s\r\n",
                            sdp->rfbsetup == TANDEM_RFB_SETUP_ACTIVE ? "active" : "passive");
  if (sdp->fingerprint != NULL)
    g_string_append_printf (s, "a=fingerprint:sha-256 %s\r\n", sdp->fingerprint);
  return g_string_free (s, FALSE);
}

char *
tandem_share_sdp_to_string (const TandemShareSdp *sdp,
                            guint64               sess_id,
                            guint64               sess_version,
                            const char           *user_agent)
{
  g_autofree char *media = tandem_share_sdp_to_media_string (sdp);
  const char *address = sdp->address != NULL ? sdp->address : "0.0.0.0";

  return g_strdup_printf ("v=0\r\n"
                          "o=- %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " IN %s %s\r\n"
                          "s=%s\r\n"
                          "t=0 0\r\n"
                          "%s",
                          sess_id, sess_version, addr_type (address), address,
                          user_agent != NULL ? user_agent : "Tandem", media);
}

static gboolean
invalid (GError    **error,
         const char *why)
{
  g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP,
               "Unusable share stream in SDP: %s", why);
  return FALSE;
}

static gboolean
parse_attribute (TandemShareSdp *sdp,
                 const char     *attr,
                 GError        **error)
{
  if (g_str_has_prefix (attr, "path:"))
    {
      g_autoptr(GPtrArray) path = tandem_msrp_path_parse (attr + 5, error);

      if (path == NULL)
        return FALSE;
      g_ptr_array_unref (sdp->path);
      sdp->path = g_steal_pointer (&path);
    }
  else if (g_str_has_prefix (attr, "accept-types:"))
    {
      g_strfreev (sdp->accept_types);
      sdp->accept_types = g_strsplit (attr + 13, " ", -1);
    }
  else if (g_str_has_prefix (attr, "setup:"))
    {
      if (!tandem_msrp_setup_from_string (attr + 6, &sdp->setup))
        return invalid (error, "bad a=setup");
    }
  else if (g_str_has_prefix (attr, "rfbsetup:"))
    {
      if (strcmp (attr + 9, "active") == 0)
        sdp->rfbsetup = TANDEM_RFB_SETUP_ACTIVE;
      else if (strcmp (attr + 9, "passive") == 0)
        sdp->rfbsetup = TANDEM_RFB_SETUP_PASSIVE;
      else
        return invalid (error, "bad a=rfbsetup");
    }
  else if (g_ascii_strncasecmp (attr, "fingerprint:sha-256 ", 20) == 0)
    {
      const char *fp = attr + 20;

      if (strlen (fp) != 95)
        return invalid (error, "bad sha-256 fingerprint");
      for (int i = 0; i < 95; i++)
        if ((i % 3 == 2) ? fp[i] != ':' : !g_ascii_isxdigit (fp[i]))
          return invalid (error, "bad sha-256 fingerprint");
      g_free (sdp->fingerprint);
      sdp->fingerprint = g_ascii_strup (fp, -1);
    }
  /* other attributes (and other fingerprint hashes) are ignored */
  return TRUE;
}

static gboolean
validate (TandemShareSdp *sdp,
          GError        **error)
{
  TandemMsrpUri *first;

  if (sdp->path->len == 0)
    return invalid (error, "no a=path");
  if (sdp->accept_types == NULL ||
      !g_strv_contains ((const char * const *) sdp->accept_types, TANDEM_RFB_CONTENT_TYPE))
    return invalid (error, "accept-types lacks application/x-rfb");
  first = g_ptr_array_index (sdp->path, 0);
  if (first->secure != sdp->tls)
    return invalid (error, "protocol and path scheme disagree");
  return TRUE;
}

/* Finds the first m=application TCP/MSRP or TCP/TLS/MSRP stream; other
 * streams (audio) are skipped. Accepts CRLF or LF line ends. */
TandemShareSdp *
tandem_share_sdp_parse (const char *text,
                        GError    **error)
{
  g_autoptr(TandemShareSdp) sdp = NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *session_address = NULL;
  gboolean in_stream = FALSE;
  gboolean done = FALSE;

  for (guint i = 0; lines[i] != NULL && !done; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len == 0)
        continue;

      if (g_str_has_prefix (line, "m="))
        {
          g_auto(GStrv) f = g_strsplit (line + 2, " ", -1);

          if (in_stream)
            {
              done = TRUE;
              break;
            }
          if (g_strv_length (f) >= 4 && strcmp (f[0], "application") == 0 &&
              (strcmp (f[2], "TCP/MSRP") == 0 || strcmp (f[2], "TCP/TLS/MSRP") == 0))
            {
              guint64 port;

              if (g_strv_length (f) != 4 || strcmp (f[3], "*") != 0)
                return invalid (error, "format list must be “*”"), NULL;
              if (!g_ascii_string_to_unsigned (f[1], 10, 0, 65535, &port, NULL))
                return invalid (error, "bad port"), NULL;
              sdp = tandem_share_sdp_new ();
              g_clear_pointer (&sdp->accept_types, g_strfreev);
              sdp->port = port;
              sdp->tls = strcmp (f[2], "TCP/TLS/MSRP") == 0;
              sdp->setup = TANDEM_MSRP_SETUP_ACTIVE; /* RFC 6135 default */
              sdp->address = g_strdup (session_address);
              in_stream = TRUE;
            }
          continue;
        }
      if (g_str_has_prefix (line, "c="))
        {
          g_auto(GStrv) f = g_strsplit (line + 2, " ", -1);

          if (g_strv_length (f) != 3 || strcmp (f[0], "IN") != 0)
            return invalid (error, "bad c= line"), NULL;
          if (in_stream)
            {
              g_free (sdp->address);
              sdp->address = g_strdup (f[2]);
            }
          else if (sdp == NULL)
            {
              g_free (session_address);
              session_address = g_strdup (f[2]);
            }
          continue;
        }
      if (in_stream && g_str_has_prefix (line, "a=") &&
          !parse_attribute (sdp, line + 2, error))
        return NULL;
    }

  if (sdp == NULL)
    return invalid (error, "no m=application MSRP stream"), NULL;
  if (!validate (sdp, error))
    return NULL;
  return g_steal_pointer (&sdp);
}

/* Whether a whole SDP (@sdp) has an m=audio stream beside the share. */
gboolean
tandem_share_sdp_text_has_audio (const char *sdp)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "m=audio "))
      return TRUE;
  return FALSE;
}

/* The answer sent for an offer: the caller's share stream in the place of
 * the offer's, and every other m= line of the offer rejected (port 0), so
 * that the answer has the offer's streams in the offer's order. */
char *
tandem_share_sdp_build_answer (const char *offer,
                               const char *answer)
{
  g_auto(GStrv) offer_lines = g_strsplit (offer, "\n", -1);
  g_auto(GStrv) answer_lines = g_strsplit (answer, "\n", -1);
  GString *session_part = g_string_new (NULL);
  GString *media_part = g_string_new (NULL);
  GString *out;
  gboolean in_media = FALSE;
  gboolean share_done = FALSE;

  for (guint i = 0; answer_lines[i] != NULL; i++)
    {
      char *line = g_strchomp (answer_lines[i]);

      if (*line == '\0')
        continue;
      if (g_str_has_prefix (line, "m="))
        {
          if (in_media)
            break; /* only the first stream of the answer counts */
          in_media = TRUE;
        }
      g_string_append_printf (in_media ? media_part : session_part, "%s\r\n", line);
    }

  out = g_string_new (session_part->str);
  for (guint i = 0; offer_lines[i] != NULL; i++)
    {
      char *line = g_strchomp (offer_lines[i]);
      g_auto(GStrv) fields = NULL;

      if (!g_str_has_prefix (line, "m="))
        continue;
      fields = g_strsplit (line + 2, " ", -1);
      if (!share_done && g_strv_length (fields) >= 4 && strcmp (fields[0], "application") == 0 &&
          (strcmp (fields[2], "TCP/MSRP") == 0 || strcmp (fields[2], "TCP/TLS/MSRP") == 0))
        {
          g_string_append (out, media_part->str);
          share_done = TRUE;
        }
      else if (g_strv_length (fields) >= 4)
        g_string_append_printf (out, "m=%s 0 %s %s\r\n", fields[0], fields[2], fields[3]);
    }
  if (!share_done)
    g_string_append (out, media_part->str);

  g_string_free (session_part, TRUE);
  g_string_free (media_part, TRUE);
  return g_string_free (out, FALSE);
}
