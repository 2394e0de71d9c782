/* tandem-core.h: the public header of the core layer (GLib/GIO only):
 * MSRP (RFC 4975/4976) carrying RFB as Blink does, see
 * /work/shared/docs/rfb-over-msrp.md and src/core/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-uri.h"
#include "tandem-msrp-message.h"
#include "tandem-msrp-parser.h"
#include "tandem-msrp-reassembler.h"
#include "tandem-msrp-connection.h"
#include "tandem-msrp-session.h"
#include "tandem-msrp-relay-client.h"
#include "tandem-share-sdp.h"
#include "tandem-tls-identity.h"
#include "tandem-rfb-tunnel.h"

G_BEGIN_DECLS

const char *tandem_core_version (void);

G_END_DECLS
