/* tandem-msrp-connection.h: MSRP framing over one GIOStream: a read loop
 * feeding a parser, and a queue of whole-message writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-msrp-parser.h"

G_BEGIN_DECLS

/* At most this much is asked for per read; the buffer reads go into
 * holds several direct chunks (256 KiB) with their headers. */
#define TANDEM_MSRP_CONNECTION_READ_SIZE   (256 * 1024)
#define TANDEM_MSRP_CONNECTION_BUFFER_SIZE (4 * TANDEM_MSRP_CONNECTION_READ_SIZE)

#define TANDEM_TYPE_MSRP_CONNECTION (tandem_msrp_connection_get_type ())
G_DECLARE_FINAL_TYPE (TandemMsrpConnection, tandem_msrp_connection, TANDEM, MSRP_CONNECTION, GObject)

/* Called on the connection's main context. @closed gets NULL on a clean
 * end of stream between messages; after a parse error reading stops and
 * @parse_error gets the failed message (nullable) so that it can be
 * answered before tandem_msrp_connection_close(). */
typedef struct {
  void (*headers)     (TandemMsrpConnection *conn, TandemMsrpMessage *msg, gpointer user_data);
  void (*body)        (TandemMsrpConnection *conn, TandemMsrpMessage *msg,
                       const guint8 *data, gsize len, gpointer user_data);
  void (*end)         (TandemMsrpConnection *conn, TandemMsrpMessage *msg, char flag,
                       gpointer user_data);
  void (*read_done)   (TandemMsrpConnection *conn, gpointer user_data);
  void (*parse_error) (TandemMsrpConnection *conn, TandemMsrpMessage *msg,
                       const GError *error, gpointer user_data);
  void (*closed)      (TandemMsrpConnection *conn, const GError *error, gpointer user_data);
} TandemMsrpConnectionHandler;

/* A part of a message for tandem_msrp_connection_write_parts(). */
typedef struct {
  GBytes *bytes;
  gsize   offset;
  gsize   len;
} TandemMsrpConnectionPart;

/* @error is NULL once the message is written. */
typedef void (*TandemMsrpWriteDone) (TandemMsrpConnection *conn, const GError *error,
                                     gpointer user_data);

TandemMsrpConnection *tandem_msrp_connection_new         (GIOStream                         *stream);
void                  tandem_msrp_connection_set_handler (TandemMsrpConnection              *self,
                                                          const TandemMsrpConnectionHandler *handler,
                                                          gpointer                           user_data);
GIOStream            *tandem_msrp_connection_get_stream  (TandemMsrpConnection              *self);
void                  tandem_msrp_connection_set_reading (TandemMsrpConnection              *self,
                                                          gboolean                           reading);
void                  tandem_msrp_connection_write_async (TandemMsrpConnection              *self,
                                                          GBytes                            *bytes,
                                                          GCancellable                      *cancellable,
                                                          GAsyncReadyCallback                callback,
                                                          gpointer                           user_data);
gboolean              tandem_msrp_connection_write_finish (TandemMsrpConnection             *self,
                                                           GAsyncResult                     *result,
                                                           GError                          **error);
void                  tandem_msrp_connection_write_parts (TandemMsrpConnection              *self,
                                                          const TandemMsrpConnectionPart    *parts,
                                                          guint                              n_parts,
                                                          TandemMsrpWriteDone                done,
                                                          gpointer                           user_data);
gsize                 tandem_msrp_connection_get_queued  (TandemMsrpConnection              *self);
void                  tandem_msrp_connection_set_quick_ack (TandemMsrpConnection            *self,
                                                          gboolean                         quick_ack);
void                  tandem_msrp_connection_close       (TandemMsrpConnection              *self);
GBytes               *tandem_msrp_connection_slice_read  (TandemMsrpConnection             *self,
                                                          const guint8                     *data,
                                                          gsize                             len);
gsize                 tandem_msrp_connection_get_last_read_size (TandemMsrpConnection *self);
gboolean              tandem_msrp_connection_is_closed   (TandemMsrpConnection              *self);

G_END_DECLS
