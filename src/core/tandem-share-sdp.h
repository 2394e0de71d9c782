/* tandem-share-sdp.h: the m=application stream of a share session, as
 * data (wire doc section 1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tandem-msrp-uri.h"

G_BEGIN_DECLS

#define TANDEM_RFB_CONTENT_TYPE "application/x-rfb"

typedef enum {
  TANDEM_MSRP_SETUP_ACTIVE,
  TANDEM_MSRP_SETUP_PASSIVE,
  TANDEM_MSRP_SETUP_ACTPASS,
} TandemMsrpSetup;

typedef enum {
  TANDEM_RFB_SETUP_UNSET,   /* absent: means active in an offer */
  TANDEM_RFB_SETUP_ACTIVE,  /* I am the viewer */
  TANDEM_RFB_SETUP_PASSIVE, /* I am the VNC server, I share my screen */
} TandemRfbSetup;

typedef struct {
  guint16          port;
  char            *address;      /* media-level c= address */
  gboolean         tls;          /* TCP/TLS/MSRP and msrps */
  GPtrArray       *path;         /* of TandemMsrpUri, first = connect target */
  GStrv            accept_types;
  TandemMsrpSetup  setup;
  TandemRfbSetup   rfbsetup;
  char            *fingerprint;  /* sha-256, "AB:CD:..", nullable */
} TandemShareSdp;

#define TANDEM_TYPE_SHARE_SDP (tandem_share_sdp_get_type ())

GType           tandem_share_sdp_get_type          (void) G_GNUC_CONST;
TandemShareSdp *tandem_share_sdp_new               (void);
TandemShareSdp *tandem_share_sdp_copy              (const TandemShareSdp *sdp);
void            tandem_share_sdp_free              (TandemShareSdp       *sdp);
TandemShareSdp *tandem_share_sdp_parse             (const char           *text,
                                                    GError              **error);
char           *tandem_share_sdp_to_media_string   (const TandemShareSdp *sdp);
char           *tandem_share_sdp_to_string         (const TandemShareSdp *sdp,
                                                    guint64               sess_id,
                                                    guint64               sess_version,
                                                    const char           *user_agent);
TandemRfbSetup  tandem_share_sdp_get_offer_rfbsetup (const TandemShareSdp *offer);
TandemRfbSetup  tandem_share_sdp_get_answer_rfbsetup (const TandemShareSdp *offer);

/* Whole SDP texts, for a share offer that mixes in other streams (Blink
 * adds m=audio): whether it has audio, and the answer to it made of
 * @answer's session part and first stream in the place of the offer's
 * share stream, and every other m= line of @offer rejected (port 0). */
gboolean        tandem_share_sdp_text_has_audio    (const char           *sdp);
char           *tandem_share_sdp_build_answer      (const char           *offer,
                                                    const char           *answer);

const char     *tandem_msrp_setup_to_string        (TandemMsrpSetup       setup);
gboolean        tandem_msrp_setup_from_string      (const char           *text,
                                                    TandemMsrpSetup      *setup);
TandemMsrpSetup tandem_msrp_setup_answer           (TandemMsrpSetup       offered,
                                                    TandemMsrpSetup       preferred);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemShareSdp, tandem_share_sdp_free)

G_END_DECLS
