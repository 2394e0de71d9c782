/* fuzz-msrp-parser.c: libFuzzer target for the incremental MSRP parser.
 *
 * The first byte picks how the rest is cut into feeds (bits 1-7: the
 * step, 0 = all at once) and how they are fed (bit 0: like
 * TandemMsrpConnection, with tandem_msrp_parser_feed_some() keeping a
 * chunk until it is whole, so that its end-line is checked where the
 * Byte-Range says; else tandem_msrp_parser_feed()). Each parsed
 * message is also pushed through the reassembler, serialized again and
 * re-parsed, which must succeed with the same body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tandem-msrp-parser.h"
#include "tandem-msrp-reassembler.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef struct {
  GByteArray            *body;
  TandemMsrpReassembler *reassembler;
  gsize                  offset;
  gboolean               failed;
  guint                  messages;
} State;

static void
on_headers (TandemMsrpParser *p, TandemMsrpMessage *msg, gpointer user_data)
{
  State *s = user_data;

  g_byte_array_set_size (s->body, 0);
  s->offset = 0;
  s->failed = FALSE;
}

static void
on_body (TandemMsrpParser *p, TandemMsrpMessage *msg, const guint8 *data, gsize len,
         gpointer user_data)
{
  State *s = user_data;

  g_byte_array_append (s->body, data, len);
  if (!s->failed && msg->message_id != NULL &&
      !tandem_msrp_reassembler_write (s->reassembler, msg, s->offset, data, len, NULL))
    s->failed = TRUE;
  s->offset += len;
}

static void
on_reparsed_end (TandemMsrpParser *p, TandemMsrpMessage *msg, char flag, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
on_end (TandemMsrpParser *p, TandemMsrpMessage *msg, char flag, gpointer user_data)
{
  State *s = user_data;
  static const TandemMsrpParserCallbacks again_cb = { NULL, NULL, on_reparsed_end };
  g_autoptr(GBytes) done = NULL;
  g_autoptr(GBytes) wire = NULL;
  TandemMsrpParser *again;
  guint count = 0;
  gboolean ok;

  s->messages++;
  if (!s->failed && msg->message_id != NULL)
    done = tandem_msrp_reassembler_end (s->reassembler, msg, flag, NULL);

  wire = tandem_msrp_message_serialize (msg, msg->has_body ? s->body->data : NULL,
                                        s->body->len, flag);
  again = tandem_msrp_parser_new (&again_cb, &count);
  ok = tandem_msrp_parser_feed (again, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), NULL);
  if (!ok || count != 1)
    __builtin_trap ();
  tandem_msrp_parser_free (again);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const TandemMsrpParserCallbacks cb = { on_headers, on_body, on_end };
  State s = { g_byte_array_new (), tandem_msrp_reassembler_new (64 * 1024, 4), 0, FALSE, 0 };
  TandemMsrpParser *parser = tandem_msrp_parser_new (&cb, &s);
  guint step;
  gsize pos = 1;

  if (size < 1)
    goto out;
  step = (data[0] >> 1) == 0 ? size : (data[0] >> 1);
  tandem_msrp_parser_set_max_body (parser, 32 * 1024);
  if (data[0] & 1)
    {
      GByteArray *buf = g_byte_array_new ();
      gsize parsed = 0;
      gboolean ok = TRUE;

      while (pos < size && ok)
        {
          gsize n = MIN (step, size - pos), consumed = 0;

          g_byte_array_append (buf, data + pos, n);
          pos += n;
          ok = tandem_msrp_parser_feed_some (parser, buf->data + parsed, buf->len - parsed,
                                             64 * 1024, &consumed, NULL);
          if (ok && (parsed += consumed) == buf->len)
            {
              g_byte_array_set_size (buf, 0);
              parsed = 0;
            }
        }
      /* the end of the stream: a waiting chunk is parsed as it is */
      if (ok && parsed < buf->len)
        tandem_msrp_parser_feed (parser, buf->data + parsed, buf->len - parsed, NULL);
      g_byte_array_unref (buf);
    }
  else
    while (pos < size)
      {
        gsize n = MIN (step, size - pos);

        if (!tandem_msrp_parser_feed (parser, data + pos, n, NULL))
          break;
        pos += n;
      }
  tandem_msrp_parser_finish (parser, NULL);
out:
  tandem_msrp_parser_free (parser);
  tandem_msrp_reassembler_free (s.reassembler);
  g_byte_array_unref (s.body);
  return 0;
}
