/* interop-baresip.h: baresip (Debian's baresip-core 1.0) as a SIP peer
 * of a test, driven through its ctrl_tcp module.
 *
 * interop_baresip_start() writes a configuration directory for one
 * account and starts baresip from it (-f) as an InteropPeer: modules
 * g711, aufile (its microphone: a generated 8 kHz tone), aubridge (player
 * and alert sink), account, contact, menu, presence, stdio (prints
 * incoming messages), ctrl_tcp and, when asked, srtp.  It returns once
 * baresip says the account is registered and the control connection is
 * up.
 *
 * ctrl_tcp speaks netstring JSON: commands ({"command":"dial",
 * "params":"sip:...","token":"t1"}) get a response with the same token;
 * events (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, ...) come as they
 * happen.  Every message received is kept in order: take a mark before
 * acting, then look for what came after it.  Every wait is bounded and
 * iterates the default main context.  A failure fails the test, with
 * the end of baresip's log.
 *
 * GLib and GIO only (tests/ui uses it against the application).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "interop-peer.h"

G_BEGIN_DECLS

typedef struct _InteropBaresip InteropBaresip;

typedef struct {
  /* The line of baresip's accounts file, e.g.
   * "<sip:bob@tandem.test>;auth_pass=bob-pw;outbound=\"sip:127.0.0.1:5060\"" */
  const char *account;
  /* Its contacts file ("\"Alice\" <sip:alice@tandem.test>\n"); the
   * first is the current contact ("message" sends to it). */
  const char *contacts;
  /* sip_cafile, for an account over TLS; NULL for none. */
  const char *ca_file;
  /* Loads the srtp module (mediaenc=srtp or srtp-mand in the account). */
  gboolean    srtp;
} InteropBaresipConfig;

/* Writes the configuration into @dir (made if needed; the tone is
 * written once) and starts baresip, logging to @dir/@log_name. */
InteropBaresip *interop_baresip_start      (const char                 *dir,
                                            const char                 *log_name,
                                            const InteropBaresipConfig *config);
/* Closes the control connection and stops baresip (it unregisters on
 * SIGTERM).  NULL is fine. */
void            interop_baresip_stop       (InteropBaresip             *self);
InteropPeer    *interop_baresip_get_peer   (InteropBaresip             *self);

/* The number of control messages received so far: what a later
 * interop_baresip_find() or interop_baresip_assert_event() looks after. */
guint           interop_baresip_mark       (InteropBaresip             *self);
/* Index of the first message at or after @from that contains every
 * needle (a NULL-terminated list of strings), or -1. */
int             interop_baresip_find       (InteropBaresip             *self,
                                            guint                       from,
                                            ...) G_GNUC_NULL_TERMINATED;
/* Sends a command and returns its response (owned by @self). */
const char     *interop_baresip_command    (InteropBaresip             *self,
                                            const char                 *command,
                                            const char                 *params);
/* Same, and fails the test unless the response says "ok":true. */
void            interop_baresip_command_ok (InteropBaresip             *self,
                                            const char                 *command,
                                            const char                 *params);
/* Waits (10 s) for an event of @type after @from whose text also
 * contains @extra (may be NULL); fails the test without one. */
void            interop_baresip_assert_event (InteropBaresip           *self,
                                            guint                       from,
                                            const char                 *type,
                                            const char                 *extra);
/* Waits for @needle in baresip's log after byte @from; fails the test
 * (showing the end of the log) without it. */
void            interop_baresip_assert_log (InteropBaresip             *self,
                                            gsize                       from,
                                            const char                 *needle,
                                            guint                       timeout_ms);

G_END_DECLS
