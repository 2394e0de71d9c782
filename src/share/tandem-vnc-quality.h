/* tandem-vnc-quality.h: the picture quality of one viewer of
 * TandemVncServer (HACKING.md, "Picture quality").
 *
 * A viewer that lists TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY gets one
 * (kept as libvncserver's extension data of its rfbClient); the others
 * never do, and every call below is then a no-op.  Server thread only:
 * TandemVncServer calls these from its libvncserver hooks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <rfb/rfb.h>

G_BEGIN_DECLS

typedef struct _TandemVncQuality TandemVncQuality;

/* Once per process: the pseudo-encodings become known to libvncserver. */
void               tandem_vnc_quality_install        (void);
/* NULL: the viewer did not ask the server to choose. */
TandemVncQuality  *tandem_vnc_quality_get            (rfbClientPtr  cl);
/* displayHook: picks the level of the update about to be sent (lossless
 * when nothing changed since @last_change for a while: a refresh). */
void               tandem_vnc_quality_update_start   (rfbClientPtr  cl,
                                                      gint64        last_change);
/* displayFinishedHook: what went out, lossy or not. */
void               tandem_vnc_quality_update_done    (rfbClientPtr  cl,
                                                      gboolean      sent);
/* clientFramebufferUpdateRequestHook: the end of a delivery-rate sample. */
void               tandem_vnc_quality_request_received (rfbClientPtr                    cl,
                                                        rfbFramebufferUpdateRequestMsg *msg);
/* From the server loop, for every viewer of @screen: queues the next band
 * of the lossless refresh once the screen is still.  Microseconds until
 * it should be asked again, or -1 (nothing to refresh). */
gint64             tandem_vnc_quality_refresh        (rfbScreenInfoPtr screen,
                                                      gint64           last_change);
/* clientGoneHook: frees it. */
void               tandem_vnc_quality_client_gone    (rfbClientPtr  cl);

G_END_DECLS
