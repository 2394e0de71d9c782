/* tandem-vnc-decoder-session.h: one RFB session of tandem-vnc-decoder.
 * Never included outside src/viewer (and the fuzz target).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Hands a message to Tandem (tandem-vnc-decoder-protocol.h); @fd (>= 0)
 * goes along and stays the caller's.  0 when Tandem is gone. */
typedef int (*TandemDecoderSend) (uint32_t       type,
                                  const int32_t *ints,
                                  size_t         n_ints,
                                  const void    *bytes,
                                  size_t         n_bytes,
                                  int            fd);

/* Runs the RFB session on @stream_fd (a socket; closed when it returns)
 * until it ends, and says how in an ENDED message.  Input from Tandem
 * comes on @control_fd (-1: none). */
void tandem_vnc_decoder_session_run       (int               stream_fd,
                                           int               control_fd,
                                           int               quality,
                                           TandemDecoderSend send);
void tandem_vnc_decoder_session_set_debug (int               enabled);
