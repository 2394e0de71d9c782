/* test-msrp-parser.c: the incremental parser, the serializer and the
 * reassembler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-parser.h"
#include "tandem-msrp-reassembler.h"
#include "rfc4975-examples.h"

typedef struct {
  TandemMsrpMessage *msg;
  GByteArray        *body;   /* NULL until a body piece or the blank line */
  char               flag;
  gboolean           headers_seen;
} Result;

typedef struct {
  GPtrArray *results;
  Result    *current;
  gsize      max_piece;
} Collector;

static void
result_free (gpointer data)
{
  Result *r = data;

  tandem_msrp_message_unref (r->msg);
  if (r->body != NULL)
    g_byte_array_unref (r->body);
  g_free (r);
}

static void
on_headers (TandemMsrpParser *parser, TandemMsrpMessage *msg, gpointer user_data)
{
  Collector *c = user_data;

  g_assert_null (c->current);
  c->current = g_new0 (Result, 1);
  c->current->msg = tandem_msrp_message_ref (msg);
  c->current->headers_seen = TRUE;
  if (msg->has_body)
    c->current->body = g_byte_array_new ();
}

static void
on_body (TandemMsrpParser *parser, TandemMsrpMessage *msg, const guint8 *data,
         gsize len, gpointer user_data)
{
  Collector *c = user_data;

  g_assert_nonnull (c->current);
  g_assert_true (c->current->msg == msg);
  g_assert_cmpuint (len, >, 0);
  c->max_piece = MAX (c->max_piece, len);
  g_byte_array_append (c->current->body, data, len);
}

static void
on_end (TandemMsrpParser *parser, TandemMsrpMessage *msg, char flag, gpointer user_data)
{
  Collector *c = user_data;

  g_assert_nonnull (c->current);
  c->current->flag = flag;
  g_ptr_array_add (c->results, c->current);
  c->current = NULL;
}

static const TandemMsrpParserCallbacks callbacks = { on_headers, on_body, on_end };

static void
collector_init (Collector *c)
{
  c->results = g_ptr_array_new_with_free_func (result_free);
  c->current = NULL;
  c->max_piece = 0;
}

static void
collector_clear (Collector *c)
{
  g_ptr_array_unref (c->results);
  if (c->current != NULL)
    result_free (c->current);
}

static char *
crlf (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ("\r\n", lines);
}

/* Feeds @data cut at the given offsets; returns the error code or 0. */
static guint
parse_split (const char  *data,
             gsize        len,
             const gsize *cuts,
             guint        n_cuts,
             Collector   *c)
{
  TandemMsrpParser *parser = tandem_msrp_parser_new (&callbacks, c);
  g_autoptr(GError) error = NULL;
  gsize pos = 0;
  guint code = 0;

  for (guint i = 0; i <= n_cuts && code == 0; i++)
    {
      gsize next = i < n_cuts ? cuts[i] : len;

      if (!tandem_msrp_parser_feed (parser, (const guint8 *) data + pos, next - pos, &error))
        code = error->code;
      pos = next;
    }
  if (code == 0 && !tandem_msrp_parser_finish (parser, &error))
    code = error->code;
  if (code != 0)
    {
      g_assert_true (error->domain == TANDEM_MSRP_ERROR);
      if (g_test_verbose ())
        g_test_message ("parse error %u: %s", code, error->message);
    }
  tandem_msrp_parser_free (parser);
  return code;
}


/* Feeds @data in steps of @step the way TandemMsrpConnection does: with
 * tandem_msrp_parser_feed_some(), keeping what the parser did not take
 * and feeding it again with the next bytes. */
static guint
parse_some_split (const char *data,
                  gsize       len,
                  gsize       step,
                  Collector  *c)
{
  TandemMsrpParser *parser = tandem_msrp_parser_new (&callbacks, c);
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize pos = 0, parsed = 0;
  guint code = 0;

  while (pos < len && code == 0)
    {
      gsize n = MIN (step, len - pos), consumed = 0;

      g_byte_array_append (buf, (const guint8 *) data + pos, n);
      pos += n;
      if (!tandem_msrp_parser_feed_some (parser, buf->data + parsed, buf->len - parsed,
                                         1024 * 1024, &consumed, &error))
        code = error->code;
      else if ((parsed += consumed) == buf->len)
        {
          g_byte_array_set_size (buf, 0);
          parsed = 0;
        }
      else
        g_assert_cmpuint (tandem_msrp_parser_get_wanted (parser), >, buf->len - parsed);
    }
  /* the end of the stream: what waits is parsed as it is */
  if (code == 0 && parsed < buf->len &&
      !tandem_msrp_parser_feed (parser, buf->data + parsed, buf->len - parsed, &error))
    code = error->code;
  if (code == 0 && !tandem_msrp_parser_finish (parser, &error))
    code = error->code;
  tandem_msrp_parser_free (parser);
  return code;
}

/* Bodies with a Byte-Range that gives their length: the end-line is
 * looked for where the Byte-Range puts it. Near misses, dash runs at
 * every alignment around the vector blocks, an interrupted chunk (its
 * end-line comes before the Byte-Range's end) and a lying Byte-Range
 * must parse as a scanning parser would. */
static void
test_byte_range_fast_path (void)
{
  static const char *const bodies[] = {
    "\r\n-------othertid$\r\n",
    "\r\n-------abcd1234\r\n",
    "\r\n-------abcd1234x$\r\n",
    "-------abcd1234$\r\n",
    "\r\n-------abcd123\r\n-------abcd12",
    "",
  };
  GString *long_body = g_string_new (NULL);

  /* dash runs and near-miss markers at many offsets, over 128 bytes */
  for (guint i = 0; i < 300; i++)
    g_string_append_c (long_body, "x-\r\n"[(i * 7) % 5 == 0 ? 1 : (i % 3 == 0 ? 2 : 0)]);
  for (guint off = 0; off < 140; off += 13)
    {
      g_string_insert (long_body, off * 2, "\r\n-------abcd1234#x");
      g_string_insert (long_body, off * 2 + 1, "-------");
    }

  for (guint i = 0; i <= G_N_ELEMENTS (bodies); i++)
    {
      const char *body = i < G_N_ELEMENTS (bodies) ? bodies[i] : long_body->str;
      gsize blen = strlen (body);
      g_autofree char *wire = g_strdup_printf (
        "MSRP abcd1234 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
        "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1234\r\n"
        "Byte-Range: 1-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "\r\n"
        "Content-Type: application/x-rfb\r\n\r\n%s\r\n-------abcd1234$\r\n"
        "MSRP efgh5678 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
        "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1235\r\n"
        "Byte-Range: 1-3/3\r\nContent-Type: application/x-rfb\r\n\r\nxyz\r\n-------efgh5678$\r\n",
        blen, blen, body);
      gsize len = strlen (wire);

      for (gsize step = 1; step <= len; step += (step < 40 ? 1 : 37))
        for (int some = 0; some < 2; some++)
          {
            Collector c;
            Result *r;

            collector_init (&c);
            if (some)
              g_assert_cmpuint (parse_some_split (wire, len, step, &c), ==, 0);
            else
              {
                gsize cut = step;

                g_assert_cmpuint (parse_split (wire, len, &cut, 1, &c), ==, 0);
              }
            g_assert_cmpuint (c.results->len, ==, 2);
            r = g_ptr_array_index (c.results, 0);
            g_assert_cmpmem (r->body->data, r->body->len, body, blen);
            g_assert_cmpint (r->flag, ==, '$');
            r = g_ptr_array_index (c.results, 1);
            g_assert_cmpmem (r->body->data, r->body->len, "xyz", 3);
            collector_clear (&c);
          }
    }
  g_string_free (long_body, TRUE);

  /* interrupted: 10 of 100 bytes, then '+'; then a chunk whose
   * Byte-Range claims more than it has, at the end of the stream */
  {
    const char *wire =
      "MSRP abcd1234 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
      "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1234\r\n"
      "Byte-Range: 1-100/200\r\nContent-Type: application/x-rfb\r\n\r\n"
      "0123456789\r\n-------abcd1234+\r\n"
      "MSRP efgh5678 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
      "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1234\r\n"
      "Byte-Range: 11-200/200\r\nContent-Type: application/x-rfb\r\n\r\n"
      "abc\r\n-------efgh5678$\r\n";
    gsize len = strlen (wire);

    for (gsize step = 1; step <= len; step++)
      for (int some = 0; some < 2; some++)
        {
          Collector c;
          Result *r;
          gsize cut = step;

          collector_init (&c);
          if (some)
            g_assert_cmpuint (parse_some_split (wire, len, step, &c), ==, 0);
          else
            g_assert_cmpuint (parse_split (wire, len, &cut, 1, &c), ==, 0);
          g_assert_cmpuint (c.results->len, ==, 2);
          r = g_ptr_array_index (c.results, 0);
          g_assert_cmpmem (r->body->data, r->body->len, "0123456789", 10);
          g_assert_cmpint (r->flag, ==, '+');
          r = g_ptr_array_index (c.results, 1);
          g_assert_cmpmem (r->body->data, r->body->len, "abc", 3);
          g_assert_cmpint (r->flag, ==, '$');
          collector_clear (&c);
        }
  }

  /* no end-line at all where the Byte-Range says, nor later: 400 or an
   * unterminated stream, never a crash */
  {
    const char *wire =
      "MSRP abcd1234 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
      "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1234\r\n"
      "Byte-Range: 1-5/5\r\nContent-Type: application/x-rfb\r\n\r\n"
      "0123456789\r\n-------abcd1234?\r\n";
    gsize len = strlen (wire);

    for (gsize step = 1; step <= len; step++)
      {
        Collector c;

        collector_init (&c);
        g_assert_cmpuint (parse_some_split (wire, len, step, &c), ==, 400);
        g_assert_cmpuint (c.results->len, ==, 0);
        collector_clear (&c);
      }
  }
}

static void
check_example (const Rfc4975Example *ex,
               Collector            *c)
{
  Result *r;

  g_assert_cmpuint (c->results->len, ==, 1);
  r = g_ptr_array_index (c->results, 0);
  g_assert_cmpstr (r->msg->tid, ==, ex->tid);
  g_assert_cmpstr (r->msg->method, ==, ex->method);
  if (ex->method == NULL)
    g_assert_cmpuint (r->msg->status, ==, ex->status);
  g_assert_cmpint (r->flag, ==, ex->flag);
  if (ex->body == NULL)
    {
      g_assert_null (r->body);
      g_assert_false (r->msg->has_body);
    }
  else
    {
      g_autofree char *body = crlf (ex->body);

      g_assert_nonnull (r->body);
      g_assert_cmpmem (r->body->data, r->body->len, body, strlen (body));
    }
}

static void
test_rfc_examples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc4975_examples); i++)
    {
      const Rfc4975Example *ex = &rfc4975_examples[i];
      g_autofree char *wire = crlf (ex->text);
      gsize len = strlen (wire);
      Collector c;

      g_test_message ("example %s", ex->name);
      collector_init (&c);
      g_assert_cmpuint (parse_split (wire, len, NULL, 0, &c), ==, 0);
      check_example (ex, &c);
      collector_clear (&c);

      /* split once at every offset, and twice around each offset */
      for (gsize cut = 0; cut <= len; cut++)
        {
          gsize cuts2[2] = { cut / 2, cut };

          collector_init (&c);
          g_assert_cmpuint (parse_split (wire, len, &cut, 1, &c), ==, 0);
          check_example (ex, &c);
          collector_clear (&c);
          collector_init (&c);
          g_assert_cmpuint (parse_split (wire, len, cuts2, 2, &c), ==, 0);
          check_example (ex, &c);
          collector_clear (&c);
        }

      /* byte by byte */
      {
        g_autofree gsize *cuts = g_new (gsize, len);

        for (gsize k = 0; k < len; k++)
          cuts[k] = k;
        collector_init (&c);
        g_assert_cmpuint (parse_split (wire, len, cuts, len, &c), ==, 0);
        check_example (ex, &c);
        collector_clear (&c);
      }
    }
}

/* All examples back to back as one stream, cut at random places. */
static void
test_rfc_stream (void)
{
  GString *stream = g_string_new (NULL);
  Collector c;

  for (guint i = 0; i < G_N_ELEMENTS (rfc4975_examples); i++)
    {
      g_autofree char *wire = crlf (rfc4975_examples[i].text);

      g_string_append (stream, wire);
    }
  for (guint round = 0; round < 200; round++)
    {
      gsize cuts[16];

      for (guint k = 0; k < G_N_ELEMENTS (cuts); k++)
        cuts[k] = g_test_rand_int_range (0, stream->len + 1);
      for (guint a = 0; a < G_N_ELEMENTS (cuts); a++)
        for (guint b = a + 1; b < G_N_ELEMENTS (cuts); b++)
          if (cuts[b] < cuts[a])
            {
              gsize t = cuts[a];
              cuts[a] = cuts[b];
              cuts[b] = t;
            }
      collector_init (&c);
      g_assert_cmpuint (parse_split (stream->str, stream->len, cuts, G_N_ELEMENTS (cuts), &c), ==, 0);
      g_assert_cmpuint (c.results->len, ==, G_N_ELEMENTS (rfc4975_examples));
      collector_clear (&c);
    }
  g_string_free (stream, TRUE);
}

static void
test_parsed_fields (void)
{
  g_autofree char *wire = crlf (rfc4975_examples[9].text);
  Collector c;
  Result *r;

  collector_init (&c);
  g_assert_cmpuint (parse_split (wire, strlen (wire), NULL, 0, &c), ==, 0);
  r = g_ptr_array_index (c.results, 0);
  g_assert_cmpstr (r->msg->to_path, ==, "msrp://bob.example.com:8888/9di4eae923wzd;tcp");
  g_assert_cmpstr (r->msg->message_id, ==, "12339sdqwer");
  g_assert_true (r->msg->has_byte_range);
  g_assert_cmpuint (r->msg->range_start, ==, 1);
  g_assert_cmpint (r->msg->range_end, ==, 137);
  g_assert_cmpint (r->msg->range_total, ==, 137);
  g_assert_cmpint (r->msg->success_report, ==, TANDEM_MSRP_REPORT_YES);
  g_assert_cmpint (r->msg->failure_report, ==, TANDEM_MSRP_REPORT_NO);
  g_assert_cmpstr (r->msg->content_type, ==, "text/html");
  collector_clear (&c);

  wire = (g_free (wire), crlf (rfc4975_examples[2].text));
  collector_init (&c);
  g_assert_cmpuint (parse_split (wire, strlen (wire), NULL, 0, &c), ==, 0);
  r = g_ptr_array_index (c.results, 0);
  g_assert_cmpint (r->msg->range_end, ==, -1);
  g_assert_cmpint (r->msg->range_total, ==, 8);
  collector_clear (&c);
}

/* Bodies holding things that look almost like the end-line. */
static void
test_near_miss_bodies (void)
{
  static const char *const bodies[] = {
    "\r\n-------othertid$\r\n",
    "\r\n-------abcd1234",
    "\r\n-------abcd1234\r\n",
    "\r\n-------abcd1234x$\r\n",
    "\r\n-------abcd12345$\r\n",
    "\r\n-------abcd1234$x",
    "\r\n-------abcd1234$\rx",
    "\r\n-------abcd1234+\r\r\n",
    "\r\n------abcd1234$\r\n",
    "-------abcd1234$\r\n",
    "\r\r\n\r\n-------abcd123",
    "\r\n-------abcd123\r\n-------abcd12",
    "\r\n",
    "\r",
    "",
    "\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *wire = g_strdup_printf (
        "MSRP abcd1234 SEND\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
        "From-Path: msrp://b.example:2/t;tcp\r\nMessage-ID: m1234\r\n"
        "Content-Type: application/x-rfb\r\n\r\n%s\r\n-------abcd1234$\r\n", bodies[i]);
      gsize len = strlen (wire);

      for (gsize cut = 0; cut <= len; cut++)
        {
          Collector c;
          Result *r;

          collector_init (&c);
          g_assert_cmpuint (parse_split (wire, len, &cut, 1, &c), ==, 0);
          g_assert_cmpuint (c.results->len, ==, 1);
          r = g_ptr_array_index (c.results, 0);
          g_assert_cmpmem (r->body->data, r->body->len, bodies[i], strlen (bodies[i]));
          g_assert_cmpint (r->flag, ==, '$');
          collector_clear (&c);
        }
    }
}

/* A large body comes out in pieces, never more than one feed at a time. */
static void
test_large_body_streams (void)
{
  gsize body_len = 3 * 1024 * 1024;
  g_autofree guint8 *body = g_malloc (body_len);
  g_autoptr(TandemMsrpMessage) msg = tandem_msrp_message_new_request ("SEND", "msrp://a:1/x;tcp",
                                                                     "msrp://b:2/y;tcp");
  g_autoptr(GBytes) wire = NULL;
  TandemMsrpParser *parser;
  Collector c;
  const guint8 *p;
  gsize len;
  GChecksum *sum_in = g_checksum_new (G_CHECKSUM_SHA256);
  GChecksum *sum_out = g_checksum_new (G_CHECKSUM_SHA256);
  Result *r;

  for (gsize i = 0; i < body_len; i++)
    body[i] = g_test_rand_int ();
  msg->content_type = g_strdup ("application/x-rfb");
  msg->message_id = tandem_msrp_new_message_id ();
  tandem_msrp_message_set_byte_range (msg, 1, body_len, body_len);
  wire = tandem_msrp_message_serialize (msg, body, body_len, '$');
  p = g_bytes_get_data (wire, &len);

  collector_init (&c);
  parser = tandem_msrp_parser_new (&callbacks, &c);
  for (gsize off = 0; off < len; off += 4096)
    g_assert_true (tandem_msrp_parser_feed (parser, p + off, MIN (4096, len - off), NULL));
  g_assert_true (tandem_msrp_parser_finish (parser, NULL));
  g_assert_cmpuint (c.max_piece, <=, 4096);
  g_assert_cmpuint (c.results->len, ==, 1);
  r = g_ptr_array_index (c.results, 0);
  g_checksum_update (sum_in, body, body_len);
  g_checksum_update (sum_out, r->body->data, r->body->len);
  g_assert_cmpstr (g_checksum_get_string (sum_in), ==, g_checksum_get_string (sum_out));
  g_checksum_free (sum_in);
  g_checksum_free (sum_out);
  tandem_msrp_parser_free (parser);
  collector_clear (&c);
}

typedef struct {
  const char *name;
  const char *text;
  guint       code;
} Malformed;

static void
test_malformed (void)
{
  static const Malformed cases[] = {
    { "not-msrp", "HTTP/1.1 200 OK\r\n\r\n", 400 },
    { "short-tid", "MSRP abc SEND\r\n-------abc$\r\n", 400 },
    { "tid-starts-dash", "MSRP -abcd SEND\r\n-------abcd$\r\n", 400 },
    { "tid-too-long", "MSRP abcdefghijklmnopqrstuvwxyz0123456 SEND\r\n", 400 },
    { "tid-bad-char", "MSRP abc_d SEND\r\n", 400 },
    { "lowercase-method", "MSRP abcd send\r\n", 400 },
    { "no-method", "MSRP abcd \r\n", 400 },
    { "double-space", "MSRP  abcd SEND\r\n", 400 },
    { "bad-status", "MSRP abcd 20 OK\r\n", 400 },
    { "status-no-space", "MSRP abcd 200OK\r\n", 400 },
    { "bare-lf", "MSRP abcd SEND\n", 400 },
    { "nul-in-line", "MSRP abcd SE\0ND\r\n", 400 },
    { "header-no-space", "MSRP abcd SEND\r\nMessage-ID:m123\r\n", 400 },
    { "header-two-spaces", "MSRP abcd SEND\r\nMessage-ID:  m123\r\n", 400 },
    { "header-space-before-colon", "MSRP abcd SEND\r\nMessage-ID : m123\r\n", 400 },
    { "header-no-colon", "MSRP abcd SEND\r\nMessage-ID m123\r\n", 400 },
    { "bad-to-path", "MSRP abcd SEND\r\nTo-Path: http://x/;tcp\r\n", 400 },
    { "bad-message-id", "MSRP abcd SEND\r\nMessage-ID: ab\r\n", 400 },
    { "success-report-partial", "MSRP abcd SEND\r\nSuccess-Report: partial\r\n", 400 },
    { "failure-report-maybe", "MSRP abcd SEND\r\nFailure-Report: maybe\r\n", 400 },
    { "failure-report-case", "MSRP abcd SEND\r\nFailure-Report: Yes\r\n", 400 },
    { "range-zero-start", "MSRP abcd SEND\r\nByte-Range: 0-5/5\r\n", 400 },
    { "range-backwards", "MSRP abcd SEND\r\nByte-Range: 5-3/10\r\n", 400 },
    { "range-past-total", "MSRP abcd SEND\r\nByte-Range: 1-10/5\r\n", 400 },
    { "range-words", "MSRP abcd SEND\r\nByte-Range: abc\r\n", 400 },
    { "range-no-total", "MSRP abcd SEND\r\nByte-Range: 1-5\r\n", 400 },
    { "range-no-end", "MSRP abcd SEND\r\nByte-Range: 1/5\r\n", 400 },
    { "range-negative", "MSRP abcd SEND\r\nByte-Range: -1-5/5\r\n", 400 },
    { "range-huge", "MSRP abcd SEND\r\nByte-Range: 1-99999999999999999999/*\r\n", 400 },
    { "range-twice", "MSRP abcd SEND\r\nByte-Range: 1-5/5\r\nByte-Range: 1-5/5\r\n", 400 },
    { "bad-content-type", "MSRP abcd SEND\r\nContent-Type: rfb\r\n", 400 },
    { "bad-status-header", "MSRP abcd REPORT\r\nStatus: 200 OK\r\n", 400 },
    { "bad-expires", "MSRP abcd 200 OK\r\nExpires: soon\r\n", 400 },
    { "wrong-end-tid", "MSRP abcd SEND\r\n-------abce$\r\n", 400 },
    { "bad-end-flag", "MSRP abcd SEND\r\n-------abcd!\r\n", 400 },
    { "missing-end-line", "MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\nbody\r\n", 400 },
    { "missing-end-line-headers", "MSRP abcd SEND\r\nMessage-ID: m123\r\n", 400 },
    { "end-line-no-crlf", "MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\nbody\r\n-------abcd$", 400 },
    { "blank-line-between", "MSRP abcd SEND\r\n-------abcd$\r\n\r\nMSRP abce SEND\r\n-------abce$\r\n", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].text);
      Collector c;

      if (strcmp (cases[i].name, "nul-in-line") == 0)
        len = 17;
      g_test_message ("malformed %s", cases[i].name);
      for (gsize cut = 0; cut <= len; cut++)
        {
          collector_init (&c);
          g_assert_cmpuint (parse_split (cases[i].text, len, &cut, 1, &c), ==, cases[i].code);
          collector_clear (&c);
        }
    }
}

static void
test_limits (void)
{
  GString *s = g_string_new ("MSRP abcd SEND\r\n");
  Collector c;
  TandemMsrpParser *parser;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;

  /* 64 headers are fine, 65 are not */
  for (guint i = 0; i < 64; i++)
    g_string_append_printf (s, "X-H%u: v\r\n", i);
  collector_init (&c);
  g_assert_cmpuint (parse_split (s->str, s->len, NULL, 0, &c), ==, 400); /* no end-line yet */
  collector_clear (&c);
  {
    g_autofree char *ok = g_strconcat (s->str, "-------abcd$\r\n", NULL);

    collector_init (&c);
    g_assert_cmpuint (parse_split (ok, strlen (ok), NULL, 0, &c), ==, 0);
    collector_clear (&c);
  }
  g_string_append (s, "X-H64: v\r\n-------abcd$\r\n");
  collector_init (&c);
  g_assert_cmpuint (parse_split (s->str, s->len, NULL, 0, &c), ==, 400);
  collector_clear (&c);
  g_string_free (s, TRUE);

  /* an overlong line fails before it is complete, memory stays bounded */
  collector_init (&c);
  parser = tandem_msrp_parser_new (&callbacks, &c);
  g_assert_true (tandem_msrp_parser_feed (parser, (const guint8 *) "MSRP abcd SEND\r\nX-Long: ", 24, NULL));
  big = g_strnfill (1024, 'a');
  for (guint i = 0; i < 100 && error == NULL; i++)
    tandem_msrp_parser_feed (parser, (const guint8 *) big, 1024, &error);
  g_assert_error (error, TANDEM_MSRP_ERROR, 400);
  tandem_msrp_parser_free (parser);
  collector_clear (&c);
  g_clear_error (&error);

  /* body over the limit: 413 */
  collector_init (&c);
  parser = tandem_msrp_parser_new (&callbacks, &c);
  tandem_msrp_parser_set_max_body (parser, 1000);
  g_assert_true (tandem_msrp_parser_feed (parser, (const guint8 *)
    "MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\n", 38, NULL));
  for (guint i = 0; i < 10 && error == NULL; i++)
    tandem_msrp_parser_feed (parser, (const guint8 *) big, 200, &error);
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE);
  g_assert_nonnull (tandem_msrp_parser_get_message (parser));
  g_assert_cmpstr (tandem_msrp_parser_get_message (parser)->tid, ==, "abcd");
  tandem_msrp_parser_free (parser);
  collector_clear (&c);
}

static void
test_binary_junk (void)
{
  for (guint round = 0; round < 2000; round++)
    {
      guint8 junk[512];
      gsize len = g_test_rand_int_range (1, sizeof junk);
      gsize cut = g_test_rand_int_range (0, len + 1);
      Collector c;

      for (gsize i = 0; i < len; i++)
        junk[i] = g_test_rand_int ();
      if (round % 2 == 0)
        memcpy (junk, "MSRP abcd SEND\r\n", MIN (16, len));
      collector_init (&c);
      g_assert_cmpuint (parse_split ((const char *) junk, len, &cut, 1, &c), ==, 400);
      collector_clear (&c);
    }
}

static void
assert_bytes_str (GBytes     *bytes,
                  const char *expected)
{
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
}

static void
test_serialize_order (void)
{
  g_autoptr(TandemMsrpMessage) msg = tandem_msrp_message_new_request (
    "SEND", "msrp://10.0.0.2:2855/peer;tcp", "msrps://10.0.0.1:4000/mine;tcp");
  g_autoptr(TandemMsrpMessage) bind = tandem_msrp_message_new_request (
    "SEND", "msrp://10.0.0.2:2855/peer;tcp", "msrp://10.0.0.1:4000/mine;tcp");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TandemMsrpMessage) resp = NULL;

  msg->tid = g_strdup ("tid12345");
  msg->message_id = g_strdup ("0123abcd");
  tandem_msrp_message_set_byte_range (msg, 1, 3, 3);
  msg->success_report = TANDEM_MSRP_REPORT_NO;
  msg->failure_report = TANDEM_MSRP_REPORT_PARTIAL;
  msg->content_type = g_strdup ("application/x-rfb");
  bytes = tandem_msrp_message_serialize (msg, (const guint8 *) "RFB", 3, '$');
  assert_bytes_str (bytes,
                   "MSRP tid12345 SEND\r\n"
                   "To-Path: msrp://10.0.0.2:2855/peer;tcp\r\n"
                   "From-Path: msrps://10.0.0.1:4000/mine;tcp\r\n"
                   "Message-ID: 0123abcd\r\n"
                   "Byte-Range: 1-3/3\r\n"
                   "Success-Report: no\r\n"
                   "Failure-Report: partial\r\n"
                   "Content-Type: application/x-rfb\r\n"
                   "\r\n"
                   "RFB\r\n"
                   "-------tid12345$\r\n");
  g_clear_pointer (&bytes, g_bytes_unref);

  bind->tid = g_strdup ("bind0001");
  bind->message_id = g_strdup ("m0000001");
  tandem_msrp_message_set_byte_range (bind, 1, 0, 0);
  bytes = tandem_msrp_message_serialize (bind, NULL, 0, '$');
  assert_bytes_str (bytes,
                   "MSRP bind0001 SEND\r\n"
                   "To-Path: msrp://10.0.0.2:2855/peer;tcp\r\n"
                   "From-Path: msrp://10.0.0.1:4000/mine;tcp\r\n"
                   "Message-ID: m0000001\r\n"
                   "Byte-Range: 1-0/0\r\n"
                   "-------bind0001$\r\n");
  g_clear_pointer (&bytes, g_bytes_unref);

  resp = tandem_msrp_message_new_response (bind, 200, "msrp://10.0.0.2:2855/peer;tcp");
  bytes = tandem_msrp_message_serialize (resp, NULL, 0, '$');
  assert_bytes_str (bytes,
                   "MSRP bind0001 200 OK\r\n"
                   "To-Path: msrp://10.0.0.1:4000/mine;tcp\r\n"
                   "From-Path: msrp://10.0.0.2:2855/peer;tcp\r\n"
                   "-------bind0001$\r\n");
}

static void
test_serialize_tid_collision (void)
{
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(TandemMsrpMessage) msg = tandem_msrp_message_new_request ("SEND", "msrp://a:1/x;tcp",
                                                                         "msrp://b:2/y;tcp");
      g_autofree char *tid = tandem_msrp_new_transaction_id ();
      g_autofree char *body = NULL;
      g_autoptr(GBytes) bytes = NULL;
      Collector c;
      Result *r;

      g_assert_true (tandem_msrp_is_valid_ident (tid, strlen (tid)));
      body = g_strdup_printf ("x\r\n-------%s$\r\ny", tid);
      msg->tid = g_strdup (tid);
      msg->content_type = g_strdup ("text/plain");
      bytes = tandem_msrp_message_serialize (msg, (const guint8 *) body, strlen (body), '$');
      g_assert_cmpstr (msg->tid, !=, tid);
      collector_init (&c);
      g_assert_cmpuint (parse_split (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     NULL, 0, &c), ==, 0);
      r = g_ptr_array_index (c.results, 0);
      g_assert_cmpmem (r->body->data, r->body->len, body, strlen (body));
      collector_clear (&c);
    }
}

static TandemMsrpMessage *
chunk (const char *id, guint64 start, gint64 end, gint64 total)
{
  TandemMsrpMessage *msg = tandem_msrp_message_new_request ("SEND", "msrp://a:1/x;tcp",
                                                            "msrp://b:2/y;tcp");

  msg->message_id = g_strdup (id);
  tandem_msrp_message_set_byte_range (msg, start, end, total);
  return msg;
}

static void
test_reassembler (void)
{
  TandemMsrpReassembler *r = tandem_msrp_reassembler_new (1024, 2);
  g_autoptr(TandemMsrpMessage) c1 = chunk ("msg1abcd", 1, -1, 8);
  g_autoptr(TandemMsrpMessage) c2 = chunk ("msg1abcd", 5, 8, 8);
  g_autoptr(TandemMsrpMessage) o1 = chunk ("other123", 1, -1, -1);
  g_autoptr(TandemMsrpMessage) o2 = chunk ("third123", 1, -1, -1);
  g_autoptr(TandemMsrpMessage) big = chunk ("big12345", 1, 2000, 2000);
  g_autoptr(GError) error = NULL;
  GBytes *done;

  /* second chunk first, then the first in two pieces */
  g_assert_true (tandem_msrp_reassembler_write (r, c2, 0, (const guint8 *) "EFGH", 4, NULL));
  g_assert_null (tandem_msrp_reassembler_end (r, c2, '$', NULL));
  g_assert_true (tandem_msrp_reassembler_write (r, c1, 0, (const guint8 *) "ab", 2, NULL));
  g_assert_true (tandem_msrp_reassembler_write (r, c1, 2, (const guint8 *) "cd", 2, NULL));
  done = tandem_msrp_reassembler_end (r, c1, '+', NULL);
  g_assert_nonnull (done);
  g_assert_cmpmem (g_bytes_get_data (done, NULL), g_bytes_get_size (done), "abcdEFGH", 8);
  g_bytes_unref (done);
  g_assert_cmpuint (tandem_msrp_reassembler_get_pending (r), ==, 0);

  /* aborted message is dropped */
  g_assert_true (tandem_msrp_reassembler_write (r, o1, 0, (const guint8 *) "xy", 2, NULL));
  g_assert_null (tandem_msrp_reassembler_end (r, o1, '#', NULL));
  g_assert_cmpuint (tandem_msrp_reassembler_get_pending (r), ==, 0);

  /* bounds: size, count, range */
  g_assert_false (tandem_msrp_reassembler_write (r, big, 0, (const guint8 *) "x", 1, &error));
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_true (tandem_msrp_reassembler_write (r, o1, 0, (const guint8 *) "xy", 2, NULL));
  g_assert_true (tandem_msrp_reassembler_write (r, o2, 0, (const guint8 *) "xy", 2, NULL));
  g_assert_false (tandem_msrp_reassembler_write (r, c1, 0, (const guint8 *) "x", 1, &error));
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (tandem_msrp_reassembler_write (r, o1, 1020, (const guint8 *) "xxxxxxxxx", 9, &error));
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INTERVAL_OUT_OF_BOUNDS);
  tandem_msrp_reassembler_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/msrp/parser/rfc4975-examples", test_rfc_examples);
  g_test_add_func ("/msrp/parser/rfc4975-stream", test_rfc_stream);
  g_test_add_func ("/msrp/parser/fields", test_parsed_fields);
  g_test_add_func ("/msrp/parser/near-miss-bodies", test_near_miss_bodies);
  g_test_add_func ("/msrp/parser/byte-range-fast-path", test_byte_range_fast_path);
  g_test_add_func ("/msrp/parser/large-body", test_large_body_streams);
  g_test_add_func ("/msrp/parser/malformed", test_malformed);
  g_test_add_func ("/msrp/parser/limits", test_limits);
  g_test_add_func ("/msrp/parser/binary-junk", test_binary_junk);
  g_test_add_func ("/msrp/serializer/order", test_serialize_order);
  g_test_add_func ("/msrp/serializer/tid-collision", test_serialize_tid_collision);
  g_test_add_func ("/msrp/reassembler", test_reassembler);
  return g_test_run ();
}
