/* tandem-rfb-quality.h: how a Tandem viewer tells a Tandem sharer who
 * picks the picture quality (HACKING.md, "Picture quality").
 *
 * Two private RFB pseudo-encodings; a Tandem viewer lists exactly one of
 * them in every SetEncodings.  Other VNC peers send neither and get what
 * their own encodings ask for, so their wire format is unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* "Choose the JPEG quality from the measured throughput": the viewer
 * asks for Tight without a quality level, and the sharer sends JPEG for
 * many-coloured rectangles when the path is slow and refreshes them
 * losslessly once the screen is still. */
#define TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY  0x544e4401
/* "Keep to the quality level I asked for" (none: lossless). */
#define TANDEM_RFB_ENCODING_PINNED_QUALITY    0x544e4402
