/* tandem-msrp-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-msrp-message"

#include <string.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-message.h"

G_DEFINE_BOXED_TYPE (TandemMsrpMessage, tandem_msrp_message,
                     tandem_msrp_message_ref, tandem_msrp_message_unref)

static void
header_free (gpointer data)
{
  TandemMsrpHeader *h = data;

  g_free (h->name);
  g_free (h->value);
  g_free (h);
}

TandemMsrpMessage *
tandem_msrp_message_new (void)
{
  TandemMsrpMessage *msg = g_new0 (TandemMsrpMessage, 1);

  g_atomic_ref_count_init (&msg->ref_count);
  msg->extra_headers = g_ptr_array_new_with_free_func (header_free);
  msg->range_end = -1;
  msg->range_total = -1;
  return msg;
}

TandemMsrpMessage *
tandem_msrp_message_new_request (const char *method,
                                 const char *to_path,
                                 const char *from_path)
{
  TandemMsrpMessage *msg = tandem_msrp_message_new ();

  msg->method = g_strdup (method);
  msg->to_path = g_strdup (to_path);
  msg->from_path = g_strdup (from_path);
  return msg;
}

/* A transaction response goes back to the previous hop: To-Path is the
 * first URI of the request's From-Path (RFC 4975 section 7.2). */
TandemMsrpMessage *
tandem_msrp_message_new_response (TandemMsrpMessage *request,
                                  guint              status,
                                  const char        *own_uri)
{
  TandemMsrpMessage *msg = tandem_msrp_message_new ();
  const char *from = request->from_path != NULL ? request->from_path : "";
  const char *space = strchr (from, ' ');

  msg->tid = g_strdup (request->tid);
  msg->status = status;
  msg->comment = g_strdup (tandem_msrp_status_comment (status));
  msg->to_path = space != NULL ? g_strndup (from, space - from) : g_strdup (from);
  msg->from_path = g_strdup (own_uri);
  return msg;
}

TandemMsrpMessage *
tandem_msrp_message_ref (TandemMsrpMessage *msg)
{
  g_atomic_ref_count_inc (&msg->ref_count);
  return msg;
}

void
tandem_msrp_message_unref (TandemMsrpMessage *msg)
{
  if (!g_atomic_ref_count_dec (&msg->ref_count))
    return;
  g_free (msg->tid);
  g_free (msg->method);
  g_free (msg->comment);
  g_ptr_array_unref (msg->extra_headers);
  g_free (msg->to_path);
  g_free (msg->from_path);
  g_free (msg->message_id);
  g_free (msg->content_type);
  g_free (msg);
}

gboolean
tandem_msrp_message_is_request (const TandemMsrpMessage *msg)
{
  return msg->method != NULL;
}

const char *
tandem_msrp_message_get_header (const TandemMsrpMessage *msg,
                                const char              *name)
{
  for (guint i = 0; i < msg->extra_headers->len; i++)
    {
      TandemMsrpHeader *h = g_ptr_array_index (msg->extra_headers, i);

      if (strcmp (h->name, name) == 0)
        return h->value;
    }
  return NULL;
}

void
tandem_msrp_message_add_header (TandemMsrpMessage *msg,
                                const char        *name,
                                const char        *value)
{
  TandemMsrpHeader *h = g_new (TandemMsrpHeader, 1);

  h->name = g_strdup (name);
  h->value = g_strdup (value);
  g_ptr_array_add (msg->extra_headers, h);
}

void
tandem_msrp_message_set_byte_range (TandemMsrpMessage *msg,
                                    guint64            start,
                                    gint64             end,
                                    gint64             total)
{
  msg->has_byte_range = TRUE;
  msg->range_start = start;
  msg->range_end = end;
  msg->range_total = total;
}

/* ident = ALPHANUM 3*31ident-char (wire doc section 4) */
gboolean
tandem_msrp_is_valid_ident (const char *s,
                            gsize       len)
{
  if (len < 4 || len > 32 || !g_ascii_isalnum (s[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && (s[i] == '\0' || strchr (".-+%=", s[i]) == NULL))
      return FALSE;
  return TRUE;
}

static char *
random_alnum (guint len)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *s = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    s[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  s[len] = '\0';
  return s;
}

char *
tandem_msrp_new_transaction_id (void)
{
  return random_alnum (12);
}

char *
tandem_msrp_new_message_id (void)
{
  GString *s = g_string_sized_new (17);

  for (int i = 0; i < 8; i++)
    g_string_append_printf (s, "%02x", (guint) g_random_int_range (0, 256));
  return g_string_free (s, FALSE);
}

static const char *
report_string (TandemMsrpReport r)
{
  switch (r)
    {
    case TANDEM_MSRP_REPORT_YES: return "yes";
    case TANDEM_MSRP_REPORT_NO: return "no";
    case TANDEM_MSRP_REPORT_PARTIAL: return "partial";
    case TANDEM_MSRP_REPORT_UNSET:
    default: return NULL;
    }
}

/* Body scanning for "CRLF-------<tid>" (the receiver's end-line search
 * when the Byte-Range does not tell where it is, and the sender's tid
 * clash check). The seven dashes of a marker always cover one whole
 * 4-byte word at an offset that is a multiple of 4, so vectors compare
 * words with "----" (one load and one compare per 16 or 32 bytes, no
 * per-byte branch), and only where one matches are the possible starts
 * compared in full. "----" almost never occurs in compressed or random
 * data; where it does (a flat 0x2d colour in raw pixels) it costs a few
 * scalar compares per word. Plain GCC/clang vector extensions; with GCC
 * on x86-64 the function is also built for AVX2 and picked at load time. */
typedef guint32 TandemWords __attribute__ ((vector_size (32)));

#define DASHES 0x2d2d2d2du

static inline gboolean
is_candidate (const guint8 *hay,
              gsize         j,
              const char   *marker,
              gsize         marker_len)
{
  return hay[j] == '\r' && hay[j + 2] == '-' && hay[j + 8] == '-' &&
         memcmp (hay + j, marker, marker_len) == 0;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
__attribute__ ((target_clones ("avx2", "default")))
#endif
static gsize
skip_to_dashes (const guint8 *hay,
                gsize         len)
{
  gsize i = 0;

  /* 128 bytes per step; stops at the first step with a "----" word */
  for (; i + 128 <= len; i += 128)
    {
      TandemWords a, b, c, d, m;
      guint64 w[4];

      memcpy (&a, hay + i, 32);
      memcpy (&b, hay + i + 32, 32);
      memcpy (&c, hay + i + 64, 32);
      memcpy (&d, hay + i + 96, 32);
      m = (TandemWords) ((a == DASHES) | (b == DASHES) | (c == DASHES) | (d == DASHES));
      memcpy (w, &m, sizeof w);
      if ((w[0] | w[1] | w[2] | w[3]) != 0)
        break;
    }
  return i;
}

/* The first occurrence of @marker ("\r\n-------<tid>", at least 13
 * bytes) in @haystack, or NULL: memmem() semantics. */
const guint8 *
tandem_msrp_find_end_line (const guint8 *haystack,
                           gsize         len,
                           const char   *marker,
                           gsize         marker_len)
{
  gsize i = 0, last;

  g_assert (marker_len >= 13);
  if (len < marker_len)
    return NULL;
  last = len - marker_len; /* the last possible start */
  while (i < len)
    {
      gsize from, to;

      /* no "----" word in [i, i + skip): no marker starts before i + skip - 5 */
      i += skip_to_dashes (haystack + i, len - i);
      /* a marker whose dashes cover a word in [i, i + 128) starts in
       * [i - 5, i + 126); the scalar pass also covers the unscanned tail */
      from = i >= 5 ? i - 5 : 0;
      to = i + 128 <= len ? i + 126 : len;
      for (gsize j = from; j < to && j <= last; j++)
        if (is_candidate (haystack, j, marker, marker_len))
          return haystack + j;
      i += 128;
    }
  return NULL;
}

/* Does the body contain CRLF-------<tid> (or start with -------<tid>,
 * which a lenient peer might read after the blank line)? */
static gboolean
tid_collides (const char   *tid,
              const guint8 *body,
              gsize         body_len)
{
  char marker[48];
  gsize mlen;

  mlen = g_snprintf (marker, sizeof marker, "\r\n-------%s", tid);
  if (body_len >= mlen - 2 && memcmp (body, marker + 2, mlen - 2) == 0)
    return TRUE;
  return tandem_msrp_find_end_line (body, body_len, marker, mlen) != NULL;
}

static void
append_str (GByteArray *out,
            const char *s)
{
  g_byte_array_append (out, (const guint8 *) s, strlen (s));
}

static void
append_header (GByteArray *out,
               const char *name,
               const char *value)
{
  g_byte_array_append (out, (const guint8 *) name, strlen (name));
  g_byte_array_append (out, (const guint8 *) ": ", 2);
  g_byte_array_append (out, (const guint8 *) value, strlen (value));
  g_byte_array_append (out, (const guint8 *) "\r\n", 2);
}

/* First line and headers in the wire doc's order, plus the blank line
 * when @has_body. */
static void
append_head (TandemMsrpMessage *msg,
             GByteArray        *out,
             gboolean           has_body)
{
  char line[96];
  gsize n;

  append_str (out, "MSRP ");
  append_str (out, msg->tid);
  append_str (out, " ");
  if (msg->method != NULL)
    append_str (out, msg->method);
  else
    {
      n = g_snprintf (line, sizeof line, "%03u", msg->status % 1000);
      g_byte_array_append (out, (const guint8 *) line, n);
      if (msg->comment != NULL)
        {
          append_str (out, " ");
          append_str (out, msg->comment);
        }
    }
  append_str (out, "\r\n");

  if (msg->to_path != NULL)
    append_header (out, "To-Path", msg->to_path);
  if (msg->from_path != NULL)
    append_header (out, "From-Path", msg->from_path);
  if (msg->message_id != NULL)
    append_header (out, "Message-ID", msg->message_id);
  if (msg->has_byte_range)
    {
      char end[24], total[24];

      if (msg->range_end < 0)
        strcpy (end, "*");
      else
        g_snprintf (end, sizeof end, "%" G_GINT64_FORMAT, msg->range_end);
      if (msg->range_total < 0)
        strcpy (total, "*");
      else
        g_snprintf (total, sizeof total, "%" G_GINT64_FORMAT, msg->range_total);
      n = g_snprintf (line, sizeof line, "%" G_GUINT64_FORMAT "-%s/%s",
                      msg->range_start, end, total);
      append_header (out, "Byte-Range", line);
    }
  if (report_string (msg->success_report) != NULL)
    append_header (out, "Success-Report", report_string (msg->success_report));
  if (report_string (msg->failure_report) != NULL)
    append_header (out, "Failure-Report", report_string (msg->failure_report));
  for (guint i = 0; i < msg->extra_headers->len; i++)
    {
      TandemMsrpHeader *h = g_ptr_array_index (msg->extra_headers, i);

      append_header (out, h->name, h->value);
    }
  if (msg->content_type != NULL)
    append_header (out, "Content-Type", msg->content_type);

  if (has_body)
    append_str (out, "\r\n");
}

static void
pick_tid (TandemMsrpMessage *msg,
          const guint8      *body,
          gsize              body_len)
{
  while (msg->tid == NULL ||
         (body != NULL && tid_collides (msg->tid, body, body_len)))
    {
      g_free (msg->tid);
      msg->tid = tandem_msrp_new_transaction_id ();
    }
}

/* Appends the whole message (first line, headers in the wire doc's order,
 * body and end-line) to @out, so that it can be written at once. A body
 * (even an empty one) is framed by the blank line; @body == NULL means no
 * body. The transaction id is (re)chosen when missing or when it occurs
 * in the body. Returns the number of bytes appended. */
gsize
tandem_msrp_message_serialize_into (TandemMsrpMessage *msg,
                                    GByteArray        *out,
                                    const guint8      *body,
                                    gsize              body_len,
                                    char               flag)
{
  guint start = out->len;

  if (body == NULL)
    body_len = 0;
  pick_tid (msg, body, body_len);
  append_head (msg, out, body != NULL);
  if (body != NULL)
    {
      if (body_len > 0)
        g_byte_array_append (out, body, body_len);
      append_str (out, "\r\n");
    }
  append_str (out, "-------");
  append_str (out, msg->tid);
  g_byte_array_append (out, (const guint8 *) &flag, 1);
  append_str (out, "\r\n");
  return out->len - start;
}

/* Frames a body that already sits at @buf + @headroom: the head is
 * written just before it and the end-line just after (@buf must have
 * TANDEM_MSRP_FRAME_TAILROOM bytes after the body). Returns the offset of
 * the message in @buf, or -1 when the head does not fit in @headroom.
 * The message then spans [offset, headroom + body_len + tail). */
gssize
tandem_msrp_message_frame_in_place (TandemMsrpMessage *msg,
                                    guint8            *buf,
                                    gsize              headroom,
                                    gsize              body_len,
                                    char               flag,
                                    gsize             *out_len)
{
  g_autoptr(GByteArray) head = g_byte_array_sized_new (512);
  guint8 *tail = buf + headroom + body_len;
  gsize tid_len;

  pick_tid (msg, buf + headroom, body_len);
  append_head (msg, head, TRUE);
  if (head->len > headroom)
    return -1;
  memcpy (buf + headroom - head->len, head->data, head->len);
  tid_len = strlen (msg->tid);
  memcpy (tail, "\r\n-------", 9);
  memcpy (tail + 9, msg->tid, tid_len);
  tail[9 + tid_len] = flag;
  tail[10 + tid_len] = '\r';
  tail[11 + tid_len] = '\n';
  *out_len = head->len + body_len + 12 + tid_len;
  return headroom - head->len;
}

GBytes *
tandem_msrp_message_serialize (TandemMsrpMessage *msg,
                               const guint8      *body,
                               gsize              body_len,
                               char               flag)
{
  GByteArray *out = g_byte_array_sized_new (256 + (body != NULL ? body_len : 0));

  tandem_msrp_message_serialize_into (msg, out, body, body_len, flag);
  return g_byte_array_free_to_bytes (out);
}
