/* tandem-test-gnome.h: a headless GNOME session for the Wayland tests.
 *
 * tandem_test_gnome_start() brings up, on a private session bus in a fresh
 * 0700 XDG_RUNTIME_DIR:
 *   dbus-daemon --session, pipewire, wireplumber,
 *   mutter --wayland --headless --no-x11 --virtual-monitor WxH,
 *   /usr/libexec/xdg-desktop-portal (xdg-desktop-portal-gnome is D-Bus
 *   activated by it),
 * each started and stopped by pid (tandem-test-process.h).  It sets, in the
 * calling process, XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS,
 * WAYLAND_DISPLAY, XDG_CURRENT_DESKTOP=GNOME and XDG_SESSION_TYPE=wayland,
 * so children started afterwards (a Tandem, a client) join the session.
 * Start it once per test binary: it takes 2-3 s.
 *
 * tandem_test_gnome_start_shell() runs gnome-shell (headless, in a session
 * mode without the startup overview, with a private system bus for its
 * login manager) instead of plain mutter: what GNOME's window picker
 * needs (org.gnome.Shell.Introspect lists the windows).  About twice as
 * slow to start, and its top bar covers the top 32 rows of the screen.
 *
 *   g_autoptr(TandemTestGnome) gnome = tandem_test_gnome_start (0, 0, &error);
 *
 * tandem_test_gnome_seed_screencast_token() puts a ScreenCast restore
 * token for the first monitor (for unsandboxed apps) into the permission
 * store and returns it: a ScreenCast session opened with it and
 * persist_mode 2 starts without GNOME's "Screen Share" dialog.
 *
 * tandem_test_gnome_answer_dialog() starts (and returns, for the caller to
 * wait on)
 * python3 tests/support/tandem-test-portal-dialog.py, which waits (up to
 * @timeout_ms) for xdg-desktop-portal-gnome's dialog and, over AT-SPI,
 * ticks "Allow remote interaction" when @allow_input, then presses Share,
 * or presses Cancel when @cancel.  tandem_test_gnome_answer_window_dialog()
 * picks the window whose title is @title on the picker's Window page
 * (gnome-shell only), ticks "Allow remote interaction" when @allow_input,
 * and presses Share.
 *
 * tandem_test_gnome_stop() stops the processes (portal, mutter,
 * wireplumber, pipewire, then the bus and everything it activated),
 * unmounts the document portal's FUSE mount and removes the runtime
 * directory.  Start and stop from the main thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TandemTestGnome TandemTestGnome;

TandemTestGnome *tandem_test_gnome_start                 (int               width,
                                                          int               height,
                                                          GError          **error);
TandemTestGnome *tandem_test_gnome_start_shell           (int               width,
                                                          int               height,
                                                          GError          **error);
void             tandem_test_gnome_stop                  (TandemTestGnome  *self);

const char      *tandem_test_gnome_get_runtime_dir       (TandemTestGnome  *self);
const char      *tandem_test_gnome_get_wayland_display   (TandemTestGnome  *self);
const char      *tandem_test_gnome_get_bus_address       (TandemTestGnome  *self);
GDBusConnection *tandem_test_gnome_get_bus               (TandemTestGnome  *self);
int              tandem_test_gnome_get_width             (TandemTestGnome  *self);
int              tandem_test_gnome_get_height            (TandemTestGnome  *self);
GPid             tandem_test_gnome_get_mutter_pid        (TandemTestGnome  *self);

char            *tandem_test_gnome_seed_screencast_token (TandemTestGnome  *self,
                                                          GError          **error);
GSubprocess     *tandem_test_gnome_answer_dialog         (TandemTestGnome  *self,
                                                          gboolean          allow_input,
                                                          gboolean          cancel,
                                                          guint             timeout_ms,
                                                          GError          **error);

GSubprocess     *tandem_test_gnome_answer_window_dialog  (TandemTestGnome  *self,
                                                          const char       *title,
                                                          gboolean          allow_input,
                                                          guint             timeout_ms,
                                                          GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestGnome, tandem_test_gnome_stop)

G_END_DECLS
