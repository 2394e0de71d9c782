/* tandem-msrp-parser.h: incremental, push-based MSRP parser.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-msrp-message.h"

G_BEGIN_DECLS

typedef struct _TandemMsrpParser TandemMsrpParser;

/* All three are called from inside tandem_msrp_parser_feed(); they must
 * not free the parser. @msg is borrowed (ref it to keep it). Body pieces
 * point into the fed buffer or into the parser and are only valid during
 * the call; together they are the exact body of the message. */
typedef struct {
  void (*headers) (TandemMsrpParser *parser, TandemMsrpMessage *msg,
                   gpointer user_data);
  void (*body)    (TandemMsrpParser *parser, TandemMsrpMessage *msg,
                   const guint8 *data, gsize len, gpointer user_data);
  void (*end)     (TandemMsrpParser *parser, TandemMsrpMessage *msg,
                   char flag, gpointer user_data);
} TandemMsrpParserCallbacks;

#define TANDEM_MSRP_PARSER_MAX_HEADERS   64
#define TANDEM_MSRP_PARSER_MAX_LINE      8192
#define TANDEM_MSRP_PARSER_MAX_BODY      (4 * 1024 * 1024)

TandemMsrpParser  *tandem_msrp_parser_new          (const TandemMsrpParserCallbacks *callbacks,
                                                    gpointer                          user_data);
void               tandem_msrp_parser_free         (TandemMsrpParser  *parser);
void               tandem_msrp_parser_set_max_body (TandemMsrpParser  *parser,
                                                    gsize              max_body);
gboolean           tandem_msrp_parser_feed         (TandemMsrpParser  *parser,
                                                    const guint8      *data,
                                                    gsize              len,
                                                    GError           **error);
gboolean           tandem_msrp_parser_feed_some    (TandemMsrpParser  *parser,
                                                    const guint8      *data,
                                                    gsize              len,
                                                    gsize              room,
                                                    gsize             *consumed,
                                                    GError           **error);
gsize              tandem_msrp_parser_get_wanted   (TandemMsrpParser  *parser);
TandemMsrpMessage *tandem_msrp_parser_get_message  (TandemMsrpParser  *parser);
gboolean           tandem_msrp_parser_is_idle      (TandemMsrpParser  *parser);
void               tandem_msrp_parser_reset        (TandemMsrpParser  *parser);
gboolean           tandem_msrp_parser_finish       (TandemMsrpParser  *parser,
                                                    GError           **error);

G_END_DECLS
