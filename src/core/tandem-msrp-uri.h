/* tandem-msrp-uri.h: msrp:// and msrps:// URIs (RFC 4975 section 6).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TANDEM_MSRP_DEFAULT_PORT 2855

typedef struct {
  gboolean secure;      /* msrps */
  char    *userinfo;    /* nullable, without the '@' */
  char    *host;        /* IPv6 literals without brackets */
  guint16  port;        /* 0: not written */
  char    *session_id;  /* nullable (relay URIs have none) */
  char    *transport;   /* "tcp" */
  char    *params;      /* nullable: further ";name=value" parameters, raw */
} TandemMsrpUri;

#define TANDEM_TYPE_MSRP_URI (tandem_msrp_uri_get_type ())

GType          tandem_msrp_uri_get_type           (void) G_GNUC_CONST;
TandemMsrpUri *tandem_msrp_uri_new                (gboolean             secure,
                                                   const char          *host,
                                                   guint16              port,
                                                   const char          *session_id);
TandemMsrpUri *tandem_msrp_uri_parse              (const char          *text,
                                                   GError             **error);
TandemMsrpUri *tandem_msrp_uri_copy               (const TandemMsrpUri *uri);
void           tandem_msrp_uri_free               (TandemMsrpUri       *uri);
char          *tandem_msrp_uri_to_string          (const TandemMsrpUri *uri);
guint16        tandem_msrp_uri_get_effective_port (const TandemMsrpUri *uri);
gboolean       tandem_msrp_uri_equal              (const TandemMsrpUri *a,
                                                   const TandemMsrpUri *b);
gboolean       tandem_msrp_uri_session_matches    (const TandemMsrpUri *a,
                                                   const TandemMsrpUri *b);
char          *tandem_msrp_uri_new_session_id     (void);

GPtrArray     *tandem_msrp_path_parse             (const char          *text,
                                                   GError             **error);
char          *tandem_msrp_path_to_string         (GPtrArray           *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemMsrpUri, tandem_msrp_uri_free)

G_END_DECLS
