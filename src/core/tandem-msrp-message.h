/* tandem-msrp-message.h: one MSRP request or response (headers only;
 * bodies travel beside it) and its serializer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TANDEM_MSRP_REPORT_UNSET = 0,
  TANDEM_MSRP_REPORT_YES,
  TANDEM_MSRP_REPORT_NO,
  TANDEM_MSRP_REPORT_PARTIAL,
} TandemMsrpReport;

/* End-line flags. */
#define TANDEM_MSRP_FLAG_END      '$'
#define TANDEM_MSRP_FLAG_MORE     '+'
#define TANDEM_MSRP_FLAG_ABORTED  '#'

typedef struct {
  char *name;
  char *value;
} TandemMsrpHeader;

typedef struct {
  char             *tid;
  char             *method;        /* NULL for a response */
  guint             status;        /* responses only */
  char             *comment;       /* responses only, nullable */

  /* Headers other than the ones parsed into fields below, in order. */
  GPtrArray        *extra_headers; /* of TandemMsrpHeader */

  char             *to_path;       /* raw, space separated URIs */
  char             *from_path;
  char             *message_id;
  gboolean          has_byte_range;
  guint64           range_start;   /* 1-based */
  gint64            range_end;     /* -1: '*' */
  gint64            range_total;   /* -1: '*' */
  TandemMsrpReport  success_report;
  TandemMsrpReport  failure_report;
  char             *content_type;
  gboolean          has_body;      /* the blank line after the headers */

  /*< private >*/
  gatomicrefcount   ref_count;
} TandemMsrpMessage;

#define TANDEM_TYPE_MSRP_MESSAGE (tandem_msrp_message_get_type ())

GType              tandem_msrp_message_get_type     (void) G_GNUC_CONST;
TandemMsrpMessage *tandem_msrp_message_new          (void);
TandemMsrpMessage *tandem_msrp_message_new_request  (const char        *method,
                                                     const char        *to_path,
                                                     const char        *from_path);
TandemMsrpMessage *tandem_msrp_message_new_response (TandemMsrpMessage *request,
                                                     guint              status,
                                                     const char        *own_uri);
TandemMsrpMessage *tandem_msrp_message_ref          (TandemMsrpMessage *msg);
void               tandem_msrp_message_unref        (TandemMsrpMessage *msg);

gboolean           tandem_msrp_message_is_request   (const TandemMsrpMessage *msg);
const char        *tandem_msrp_message_get_header   (const TandemMsrpMessage *msg,
                                                     const char        *name);
void               tandem_msrp_message_add_header   (TandemMsrpMessage *msg,
                                                     const char        *name,
                                                     const char        *value);
void               tandem_msrp_message_set_byte_range (TandemMsrpMessage *msg,
                                                       guint64            start,
                                                       gint64             end,
                                                       gint64             total);

char              *tandem_msrp_new_transaction_id   (void);
char              *tandem_msrp_new_message_id       (void);
gboolean           tandem_msrp_is_valid_ident       (const char        *s,
                                                     gsize              len);

gsize              tandem_msrp_message_serialize_into (TandemMsrpMessage *msg,
                                                       GByteArray        *out,
                                                       const guint8      *body,
                                                       gsize              body_len,
                                                       char               flag);
/* CRLF, 7 dashes, a tid of at most 32, flag, CRLF */
#define TANDEM_MSRP_FRAME_TAILROOM 44
gssize             tandem_msrp_message_frame_in_place (TandemMsrpMessage *msg,
                                                       guint8            *buf,
                                                       gsize              headroom,
                                                       gsize              body_len,
                                                       char               flag,
                                                       gsize             *out_len);
GBytes            *tandem_msrp_message_serialize    (TandemMsrpMessage *msg,
                                                     const guint8      *body,
                                                     gsize              body_len,
                                                     char               flag);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemMsrpMessage, tandem_msrp_message_unref)

/* The first occurrence of an end-line @marker ("\r\n-------<tid>") in
 * @haystack, or NULL (memmem(); shared by the parser and the session). */
const guint8 *tandem_msrp_find_end_line (const guint8 *haystack,
                                         gsize         len,
                                         const char   *marker,
                                         gsize         marker_len);

G_END_DECLS
