/* tandem-test-kamailio.h: a private SIP world for one test.
 *
 * tandem_test_kamailio_start() runs build-aux/tandem-kamailio (found via
 * $TANDEM_SOURCE_DIR, which ctest sets, else the source dir the library was
 * built from) on free 127.0.0.1 ports in a fresh temporary directory and
 * returns once it answers SIP OPTIONS over UDP and TCP and the MSRP port
 * accepts (< 5 s, else an error that quotes kamailio's log).  Several fixtures may run at once, in one test or
 * in parallel tests.
 *
 *   g_autoptr(TandemTestKamailio) world = tandem_test_kamailio_start (&error);
 *   g_assert_no_error (error);
 *   proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
 *   ... register sip:alice@tandem.test (password alice-pw) via proxy ...
 *
 * What the server does (see build-aux/kamailio/kamailio.cfg.in):
 *   - domain "tandem.test" (also the digest realm); users alice, bob, carol,
 *     dave with passwords alice-pw, bob-pw, carol-pw, dave-pw;
 *   - SIP over UDP and TCP on the SIP port, TLS on the TLS port (self-signed
 *     certificate, tandem_test_kamailio_get_cert_file());
 *   - registrar with digest auth (401 for REGISTER; 407 for other requests
 *     whose From is in tandem.test), GRUU off, registrations in memory;
 *   - record-routing proxy between registered users; an INVITE forks to all
 *     contacts of the AOR;
 *   - presence server: PUBLISH / SUBSCRIBE / NOTIFY, event presence, PIDF;
 *   - MSRP relay (RFC 4976) on its own TCP port (and TLS port): AUTH -> 401
 *     -> AUTH with digest (method "AUTH", uri = the relay URI) -> 200 with
 *     "Use-Path: msrp://127.0.0.1:<msrp-port>/<session>;tcp" (msrps:// and
 *     the TLS port over TLS).  A sender puts its own Use-Path, then the
 *     peer's path (peer's Use-Path, peer's URI) into To-Path.  Frames of
 *     11239 bytes or more (whole frame) are refused with 413.
 *
 * tandem_test_kamailio_start_in_netns() runs it inside a network namespace
 * (`ip netns exec`, e.g. the near side of a TandemTestNetlink), where the
 * MSRP relay also listens on @msrp_address (same port); Use-Path and
 * tandem_test_kamailio_dup_msrp_relay_uri() then carry that address (the
 * relay's Use-Path is always the address an AUTH came to).  SIP over UDP
 * and TCP listens there too (TLS on that namespace's 127.0.0.1 only).
 *
 * tandem_test_kamailio_stop() sends SIGTERM to kamailio's pid (then to its
 * process group after 1 s, SIGKILL after 3 s), waits until none of its
 * processes is left, and removes the directory (kept if
 * $TANDEM_TEST_KEEP_DIRS is set).  Call start/stop from the main thread:
 * kamailio also gets SIGTERM when the thread that started it exits.
 * Set $TANDEM_KAMAILIO_DEBUG (e.g. 3) for a more verbose kamailio.log.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TEST_DOMAIN "tandem.test"

typedef struct _TandemTestKamailio TandemTestKamailio;

TandemTestKamailio *tandem_test_kamailio_start             (GError            **error);
TandemTestKamailio *tandem_test_kamailio_start_in_netns    (const char         *netns,
                                                            const char         *msrp_address,
                                                            GError            **error);
void                tandem_test_kamailio_stop              (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_netns         (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_msrp_address  (TandemTestKamailio *self);

guint16             tandem_test_kamailio_get_sip_port      (TandemTestKamailio *self);
guint16             tandem_test_kamailio_get_tls_port      (TandemTestKamailio *self);
guint16             tandem_test_kamailio_get_msrp_port     (TandemTestKamailio *self);
guint16             tandem_test_kamailio_get_msrp_tls_port (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_domain        (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_dir           (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_log_file      (TandemTestKamailio *self);
const char         *tandem_test_kamailio_get_cert_file     (TandemTestKamailio *self);
GPid                tandem_test_kamailio_get_pid           (TandemTestKamailio *self);

const char         *tandem_test_kamailio_get_password      (const char         *user);
char               *tandem_test_kamailio_dup_proxy_uri     (TandemTestKamailio *self,
                                                            const char         *transport);
char               *tandem_test_kamailio_dup_msrp_relay_uri (TandemTestKamailio *self,
                                                             gboolean            tls);
char               *tandem_test_kamailio_dup_log_tail      (TandemTestKamailio *self,
                                                            gsize               max_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestKamailio, tandem_test_kamailio_stop)

G_END_DECLS
