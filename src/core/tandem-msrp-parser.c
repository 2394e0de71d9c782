/* tandem-msrp-parser.c
 *
 * Bytes go in split anywhere; headers, body pieces and end-lines come out
 * through callbacks. Memory is bounded: one header line at most
 * TANDEM_MSRP_PARSER_MAX_LINE bytes is buffered, bodies are never
 * buffered (pieces are handed out as they arrive, a partially matched
 * end-line is kept as a match position into the expected end-line).
 *
 * Finding the end-line: when the Byte-Range gives the chunk's length
 * (range-end is a number) and the whole rest of the body plus its
 * end-line is in the bytes fed, the end-line is checked right there and
 * the body is not scanned. A sender must not put the end-line inside the
 * body (RFC 4975 section 7.1), so for a well-formed chunk that is the
 * first end-line a scan would find too. Otherwise (the end-line is not
 * there: an interrupted chunk, a lying Byte-Range, or the end is not fed
 * yet) the bytes are scanned, with tandem_msrp_find_end_line() instead
 * of memmem().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-parser"

#include <string.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-parser.h"
#include "tandem-msrp-message.h"
#include "tandem-msrp-uri.h"

typedef enum {
  STATE_FIRST_LINE,
  STATE_HEADERS,
  STATE_BODY,
  STATE_DEAD,
} State;

struct _TandemMsrpParser {
  TandemMsrpParserCallbacks callbacks;
  gpointer                  user_data;
  State                     state;
  GByteArray               *line;
  TandemMsrpMessage        *msg;
  guint                     n_headers;
  gsize                     body_len;
  gint64                    expected;   /* body length from Byte-Range, -1: unknown */
  gsize                     room;       /* see tandem_msrp_parser_feed_some() */
  gsize                     fed_before; /* bytes of this feed before the current call */
  gboolean                  held;
  gsize                     held_need;  /* bytes from the hold point to the chunk's end */
  gsize                     max_body;
  /* "\r\n-------<tid>" plus the flag and CR seen so far */
  char                      marker[48];
  gsize                     marker_len;
  gsize                     match;
  GError                   *error;
};

TandemMsrpParser *
tandem_msrp_parser_new (const TandemMsrpParserCallbacks *callbacks,
                        gpointer                         user_data)
{
  TandemMsrpParser *parser = g_new0 (TandemMsrpParser, 1);

  parser->callbacks = *callbacks;
  parser->user_data = user_data;
  parser->line = g_byte_array_sized_new (256);
  parser->max_body = TANDEM_MSRP_PARSER_MAX_BODY;
  return parser;
}

void
tandem_msrp_parser_free (TandemMsrpParser *parser)
{
  if (parser == NULL)
    return;
  g_clear_pointer (&parser->msg, tandem_msrp_message_unref);
  g_byte_array_unref (parser->line);
  g_clear_error (&parser->error);
  g_free (parser);
}

void
tandem_msrp_parser_set_max_body (TandemMsrpParser *parser,
                                 gsize             max_body)
{
  parser->max_body = max_body;
}

void
tandem_msrp_parser_reset (TandemMsrpParser *parser)
{
  g_clear_pointer (&parser->msg, tandem_msrp_message_unref);
  g_byte_array_set_size (parser->line, 0);
  g_clear_error (&parser->error);
  parser->state = STATE_FIRST_LINE;
  parser->match = 0;
}

/* The message being parsed (or the one that failed), for answering it. */
TandemMsrpMessage *
tandem_msrp_parser_get_message (TandemMsrpParser *parser)
{
  return parser->msg;
}

gboolean
tandem_msrp_parser_is_idle (TandemMsrpParser *parser)
{
  return parser->state == STATE_FIRST_LINE && parser->line->len == 0;
}

static gboolean
fail (TandemMsrpParser *parser,
      guint             status,
      const char       *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (TandemMsrpParser *parser,
      guint             status,
      const char       *format,
      ...)
{
  va_list args;

  va_start (args, format);
  if (parser->error == NULL)
    parser->error = g_error_new_valist (TANDEM_MSRP_ERROR, status, format, args);
  va_end (args);
  parser->state = STATE_DEAD;
  return FALSE;
}

static gboolean
parse_first_line (TandemMsrpParser *parser,
                  const char       *line,
                  gsize             len)
{
  const char *tid, *sp, *rest;
  gsize rest_len;
  TandemMsrpMessage *msg;

  if (len < 5 || memcmp (line, "MSRP ", 5) != 0)
    return fail (parser, 400, "First line does not start with “MSRP ”");
  tid = line + 5;
  sp = memchr (tid, ' ', len - 5);
  if (sp == NULL || !tandem_msrp_is_valid_ident (tid, sp - tid))
    return fail (parser, 400, "Bad transaction id");
  rest = sp + 1;
  rest_len = len - (rest - line);

  msg = parser->msg = tandem_msrp_message_new ();
  msg->tid = g_strndup (tid, sp - tid);

  if (rest_len >= 3 && g_ascii_isdigit (rest[0]) && g_ascii_isdigit (rest[1]) &&
      g_ascii_isdigit (rest[2]))
    {
      msg->status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
      if (msg->status < 100)
        return fail (parser, 400, "Bad status code");
      if (rest_len > 3)
        {
          if (rest[3] != ' ' || rest_len == 4)
            return fail (parser, 400, "Bad response line");
          for (gsize i = 4; i < rest_len; i++)
            if ((guchar) rest[i] < 0x20 || rest[i] == 0x7f)
              return fail (parser, 400, "Control character in comment");
          msg->comment = g_strndup (rest + 4, rest_len - 4);
        }
      return TRUE;
    }

  if (rest_len == 0)
    return fail (parser, 400, "Missing method");
  for (gsize i = 0; i < rest_len; i++)
    if (!g_ascii_isupper (rest[i]))
      return fail (parser, 400, "Bad method");
  msg->method = g_strndup (rest, rest_len);
  return TRUE;
}

static gboolean
parse_u64 (const char *s,
           const char *end,
           guint64    *out)
{
  guint64 v = 0;

  if (s == end || end - s > 18)
    return FALSE;
  for (; s < end; s++)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
      v = v * 10 + (*s - '0');
    }
  *out = v;
  return TRUE;
}

/* range-start "-" (range-end / "*") "/" (total / "*") */
static gboolean
parse_byte_range (TandemMsrpMessage *msg,
                  const char        *v)
{
  const char *dash = strchr (v, '-');
  const char *slash = strchr (v, '/');
  const char *end = v + strlen (v);
  guint64 start, n;

  if (dash == NULL || slash == NULL || slash < dash)
    return FALSE;
  if (!parse_u64 (v, dash, &start) || start < 1)
    return FALSE;
  msg->range_start = start;
  if (slash - dash == 2 && dash[1] == '*')
    msg->range_end = -1;
  else if (parse_u64 (dash + 1, slash, &n) && n + 1 >= start)
    msg->range_end = n;
  else
    return FALSE;
  if (end - slash == 2 && slash[1] == '*')
    msg->range_total = -1;
  else if (parse_u64 (slash + 1, end, &n))
    msg->range_total = n;
  else
    return FALSE;
  if (msg->range_total >= 0 && msg->range_end > msg->range_total)
    return FALSE;
  if (msg->range_total >= 0 && msg->range_end < 0 &&
      start > (guint64) msg->range_total + 1)
    return FALSE;
  msg->has_byte_range = TRUE;
  return TRUE;
}

static gboolean
parse_report (TandemMsrpReport *out,
              const char       *v,
              gboolean          allow_partial)
{
  if (strcmp (v, "yes") == 0)
    *out = TANDEM_MSRP_REPORT_YES;
  else if (strcmp (v, "no") == 0)
    *out = TANDEM_MSRP_REPORT_NO;
  else if (allow_partial && strcmp (v, "partial") == 0)
    *out = TANDEM_MSRP_REPORT_PARTIAL;
  else
    return FALSE;
  return TRUE;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* type "/" subtype *( ";" parameter ), no spaces around the slash */
static gboolean
valid_content_type (const char *v)
{
  const char *p = v;

  while (is_token_char (*p))
    p++;
  if (p == v || *p != '/')
    return FALSE;
  v = ++p;
  while (is_token_char (*p))
    p++;
  return p != v && (*p == '\0' || *p == ';' || *p == ' ');
}

static gboolean
valid_path (const char *v)
{
  g_autoptr(GPtrArray) path = tandem_msrp_path_parse (v, NULL);

  return path != NULL;
}

static gboolean
set_once (TandemMsrpParser *parser,
          char            **field,
          const char       *name,
          const char       *value)
{
  if (*field != NULL)
    return fail (parser, 400, "Duplicate %s header", name);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
parse_header (TandemMsrpParser *parser,
              const char       *line,
              gsize             len)
{
  TandemMsrpMessage *msg = parser->msg;
  const char *colon = memchr (line, ':', len);
  g_autofree char *name = NULL;
  const char *value;

  if (++parser->n_headers > TANDEM_MSRP_PARSER_MAX_HEADERS)
    return fail (parser, 400, "More than %d header lines", TANDEM_MSRP_PARSER_MAX_HEADERS);
  if (colon == NULL || colon == line || (gsize) (colon - line) + 2 > len ||
      colon[1] != ' ' || colon[2] == ' ')
    return fail (parser, 400, "Header line is not “Name: value”");
  for (const char *p = line; p < colon; p++)
    if (!is_token_char (*p))
      return fail (parser, 400, "Bad header name");
  for (const char *p = colon + 2; p < line + len; p++)
    if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
      return fail (parser, 400, "Control character in header value");

  name = g_strndup (line, colon - line);
  value = colon + 2; /* the line is NUL-terminated by the caller */

  if (strcmp (name, "To-Path") == 0)
    {
      if (!valid_path (value))
        return fail (parser, 400, "Bad To-Path");
      return set_once (parser, &msg->to_path, name, value);
    }
  if (strcmp (name, "From-Path") == 0)
    {
      if (!valid_path (value))
        return fail (parser, 400, "Bad From-Path");
      return set_once (parser, &msg->from_path, name, value);
    }
  if (strcmp (name, "Message-ID") == 0)
    {
      if (!tandem_msrp_is_valid_ident (value, strlen (value)))
        return fail (parser, 400, "Bad Message-ID");
      return set_once (parser, &msg->message_id, name, value);
    }
  if (strcmp (name, "Byte-Range") == 0)
    {
      if (msg->has_byte_range)
        return fail (parser, 400, "Duplicate Byte-Range header");
      if (!parse_byte_range (msg, value))
        return fail (parser, 400, "Bad Byte-Range “%s”", value);
      return TRUE;
    }
  if (strcmp (name, "Success-Report") == 0)
    {
      if (msg->success_report != TANDEM_MSRP_REPORT_UNSET ||
          !parse_report (&msg->success_report, value, FALSE))
        return fail (parser, 400, "Bad Success-Report");
      return TRUE;
    }
  if (strcmp (name, "Failure-Report") == 0)
    {
      if (msg->failure_report != TANDEM_MSRP_REPORT_UNSET ||
          !parse_report (&msg->failure_report, value, TRUE))
        return fail (parser, 400, "Bad Failure-Report");
      return TRUE;
    }
  if (strcmp (name, "Content-Type") == 0)
    {
      if (!valid_content_type (value))
        return fail (parser, 400, "Bad Content-Type");
      return set_once (parser, &msg->content_type, name, value);
    }
  if (strcmp (name, "Use-Path") == 0 && !valid_path (value))
    return fail (parser, 400, "Bad Use-Path");
  if (strcmp (name, "Status") == 0 &&
      !(strlen (value) >= 7 && memcmp (value, "000 ", 4) == 0 &&
        g_ascii_isdigit (value[4]) && g_ascii_isdigit (value[5]) &&
        g_ascii_isdigit (value[6]) && (value[7] == '\0' || value[7] == ' ')))
    return fail (parser, 400, "Bad Status");
  if ((strcmp (name, "Expires") == 0 || strcmp (name, "Min-Expires") == 0 ||
       strcmp (name, "Max-Expires") == 0))
    {
      guint64 n;

      if (!parse_u64 (value, value + strlen (value), &n))
        return fail (parser, 400, "Bad %s", name);
    }

  tandem_msrp_message_add_header (msg, name, value);
  return TRUE;
}

static void
prepare_marker (TandemMsrpParser *parser)
{
  parser->marker_len = g_snprintf (parser->marker, sizeof parser->marker,
                                   "\r\n-------%s", parser->msg->tid);
  parser->match = 0;
  parser->body_len = 0;
  parser->expected = -1;
  if (parser->msg->has_byte_range && parser->msg->range_end >= 0)
    parser->expected = parser->msg->range_end - (gint64) parser->msg->range_start + 1;
}

static gboolean
finish_message (TandemMsrpParser *parser,
                char              flag)
{
  TandemMsrpMessage *msg = g_steal_pointer (&parser->msg);

  parser->state = STATE_FIRST_LINE;
  parser->match = 0;
  if (parser->callbacks.end != NULL)
    parser->callbacks.end (parser, msg, flag, parser->user_data);
  tandem_msrp_message_unref (msg);
  return TRUE;
}

static gboolean
headers_done (TandemMsrpParser *parser)
{
  if (parser->callbacks.headers != NULL)
    parser->callbacks.headers (parser, parser->msg, parser->user_data);
  return TRUE;
}

/* One complete line (without CRLF, NUL-terminated) in the header part. */
static gboolean
handle_line (TandemMsrpParser *parser,
             char             *line,
             gsize             len)
{
  if (parser->state == STATE_FIRST_LINE)
    {
      parser->n_headers = 0;
      if (!parse_first_line (parser, line, len))
        return FALSE;
      parser->state = STATE_HEADERS;
      return TRUE;
    }

  if (len == 0)
    {
      parser->msg->has_body = TRUE;
      prepare_marker (parser);
      parser->state = STATE_BODY;
      return headers_done (parser);
    }

  if (len >= 7 && memcmp (line, "-------", 7) == 0)
    {
      gsize tid_len = strlen (parser->msg->tid);

      if (len != 7 + tid_len + 1 || memcmp (line + 7, parser->msg->tid, tid_len) != 0 ||
          strchr ("$+#", line[len - 1]) == NULL)
        return fail (parser, 400, "End-line does not match the transaction");
      headers_done (parser);
      return finish_message (parser, line[len - 1]);
    }

  return parse_header (parser, line, len);
}

static gboolean
emit_body (TandemMsrpParser *parser,
           const guint8     *data,
           gsize             len)
{
  if (len == 0)
    return TRUE;
  parser->body_len += len;
  if (parser->body_len > parser->max_body)
    return fail (parser, 413, "Body larger than %" G_GSIZE_FORMAT " bytes", parser->max_body);
  if (parser->callbacks.body != NULL)
    parser->callbacks.body (parser, parser->msg, data, len, parser->user_data);
  return TRUE;
}

/* Consumes body bytes and at most one end-line; returns bytes used. */
static gsize
feed_body (TandemMsrpParser *parser,
           const guint8     *data,
           gsize             len)
{
  const guint8 *p = data;
  const guint8 *end = data + len;

  while (p < end && parser->state == STATE_BODY)
    {
      if (parser->match == 0 && parser->expected >= 0)
        {
          /* fast path: the end-line where the Byte-Range says it is */
          gsize ml = parser->marker_len;
          gsize remaining = (gsize) parser->expected - parser->body_len;

          if (parser->body_len > (gsize) parser->expected)
            parser->expected = -1;
          else if ((gsize) (end - p) >= remaining + ml + 3)
            {
              const guint8 *e = p + remaining;

              if (memcmp (e, parser->marker, ml) == 0 &&
                  (e[ml] == '$' || e[ml] == '+' || e[ml] == '#') &&
                  e[ml + 1] == '\r' && e[ml + 2] == '\n')
                {
                  char flag = e[ml];

                  if (!emit_body (parser, p, remaining))
                    return len;
                  p = e + ml + 3;
                  finish_message (parser, flag);
                  return p - data;
                }
              /* not there: the Byte-Range does not tell; scan */
              parser->expected = -1;
            }
          else if (parser->room > 0 &&
                   parser->fed_before + (p - data) + remaining + ml + 3 <= parser->room)
            {
              /* the rest of the chunk fits where the caller reads: wait
               * for it instead of scanning what is here */
              parser->held = TRUE;
              parser->held_need = remaining + ml + 3;
              return p - data;
            }
        }

      if (parser->match == 0 && (gsize) (end - p) > parser->marker_len + 2)
        {
          gsize ml = parser->marker_len;
          const guint8 *tail = end - (ml + 2);
          const guint8 *scan = p;
          const guint8 *hit;

          /* a body comes out in one piece per feed */
          while ((hit = tandem_msrp_find_end_line (scan, end - scan, parser->marker, ml)) != NULL &&
                 hit < tail)
            {
              if ((hit[ml] == '$' || hit[ml] == '+' || hit[ml] == '#') &&
                  hit[ml + 1] == '\r' && hit[ml + 2] == '\n')
                {
                  char flag = hit[ml];

                  if (!emit_body (parser, p, hit - p))
                    return len;
                  p = hit + ml + 3;
                  finish_message (parser, flag);
                  return p - data;
                }
              scan = hit + 1;
            }
          /* the last bytes may hold the start of the end-line */
          if (!emit_body (parser, p, tail - p))
            return len;
          p = tail;
          continue;
        }

      if (parser->match == 0)
        {
          if (*p == '\r')
            parser->match = 1;
          else if (!emit_body (parser, p, 1))
            return len;
          p++;
          continue;
        }

      if (parser->match < parser->marker_len)
        {
          if (*p == (guchar) parser->marker[parser->match])
            {
              parser->match++;
              p++;
              continue;
            }
        }
      else if (parser->match == parser->marker_len)
        {
          if (*p == '$' || *p == '+' || *p == '#')
            {
              parser->marker[parser->match++] = *p++;
              continue;
            }
        }
      else if (parser->match == parser->marker_len + 1)
        {
          if (*p == '\r')
            {
              parser->marker[parser->match++] = *p++;
              continue;
            }
        }
      else if (*p == '\n')
        {
          char flag = parser->marker[parser->marker_len];

          p++;
          finish_message (parser, flag);
          break;
        }

      /* A near miss: what matched so far is body after all. The current
       * byte is looked at again, it may start a real end-line. */
      {
        gsize matched = parser->match;

        parser->match = 0;
        if (!emit_body (parser, (const guint8 *) parser->marker, matched))
          return len;
      }
    }
  return p - data;
}

static gboolean
feed (TandemMsrpParser *parser,
      const guint8     *data,
      gsize             len,
      gsize            *consumed,
      GError          **error)
{
  const guint8 *p = data;
  const guint8 *end = data + len;

  parser->held = FALSE;
  while (p < end && parser->state != STATE_DEAD)
    {
      if (parser->state == STATE_BODY)
        {
          parser->fed_before = p - data;
          p += feed_body (parser, p, end - p);
          if (parser->held)
            break;
          continue;
        }
      else
        {
          const guint8 *nl = memchr (p, '\n', end - p);
          const guint8 *stop = nl != NULL ? nl + 1 : end;
          guint8 *line;
          gsize line_len;

          if (parser->line->len + (stop - p) > TANDEM_MSRP_PARSER_MAX_LINE + 2)
            {
              fail (parser, 400, "Line longer than %d bytes", TANDEM_MSRP_PARSER_MAX_LINE);
              break;
            }
          g_byte_array_append (parser->line, p, stop - p);
          p = stop;
          if (nl == NULL)
            break;

          line = parser->line->data;
          line_len = parser->line->len;
          if (line_len < 2 || line[line_len - 2] != '\r')
            {
              fail (parser, 400, "Line not terminated by CRLF");
              break;
            }
          line_len -= 2;
          line[line_len] = '\0';
          if (memchr (line, '\0', line_len) != NULL || memchr (line, '\r', line_len) != NULL)
            {
              fail (parser, 400, "NUL or CR inside a line");
              break;
            }
          handle_line (parser, (char *) line, line_len);
          g_byte_array_set_size (parser->line, 0);
        }
    }

  if (parser->state == STATE_DEAD)
    {
      if (parser->error == NULL)
        parser->error = g_error_new_literal (TANDEM_MSRP_ERROR, 400, "Parser failed");
      if (error != NULL)
        *error = g_error_copy (parser->error);
      return FALSE;
    }
  if (consumed != NULL)
    *consumed = p - data;
  return TRUE;
}

gboolean
tandem_msrp_parser_feed (TandemMsrpParser *parser,
                         const guint8     *data,
                         gsize             len,
                         GError          **error)
{
  parser->room = 0;
  return feed (parser, data, len, NULL, error);
}

/* Like tandem_msrp_parser_feed(), but may stop early: when a chunk whose
 * Byte-Range gives its length would end within @room bytes from @data
 * and its end is not fed yet, nothing of its body is consumed. The
 * caller then feeds again from @data + *@consumed once more bytes are
 * there (the same bytes and what follows), and the end-line is checked
 * where the Byte-Range says instead of scanning the body. */
/* After tandem_msrp_parser_feed_some() stopped early: how many bytes,
 * counted from where it stopped, the waiting chunk needs; else 0. */
gsize
tandem_msrp_parser_get_wanted (TandemMsrpParser *parser)
{
  return parser->held ? parser->held_need : 0;
}

gboolean
tandem_msrp_parser_feed_some (TandemMsrpParser *parser,
                              const guint8     *data,
                              gsize             len,
                              gsize             room,
                              gsize            *consumed,
                              GError          **error)
{
  gboolean ok;

  parser->room = room;
  ok = feed (parser, data, len, consumed, error);
  parser->room = 0;
  return ok;
}



/* The stream ended: an error unless it ended between two messages. */
gboolean
tandem_msrp_parser_finish (TandemMsrpParser *parser,
                           GError          **error)
{
  if (parser->state == STATE_DEAD)
    {
      if (error != NULL)
        *error = g_error_copy (parser->error);
      return FALSE;
    }
  if (!tandem_msrp_parser_is_idle (parser))
    {
      fail (parser, 400, "Stream ended inside a message (no end-line)");
      if (error != NULL)
        *error = g_error_copy (parser->error);
      return FALSE;
    }
  return TRUE;
}
