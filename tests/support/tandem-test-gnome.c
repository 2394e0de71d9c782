/* tandem-test-gnome.c: headless GNOME session fixture (see the header) */
#define G_LOG_DOMAIN "tandem-test-gnome"

#include "tandem-test-gnome.h"
#include "tandem-test-process.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#define READY_TIMEOUT_MS 20000
#define STOP_GRACE_MS    3000

enum { P_BUS, P_SYSTEM_BUS, P_PIPEWIRE, P_WIREPLUMBER, P_MUTTER, P_PORTAL, N_PROCS };

static const char *const proc_names[N_PROCS] = {
  "dbus-daemon", "dbus-daemon (system)", "pipewire", "wireplumber", "mutter", "xdg-desktop-portal"
};

struct _TandemTestGnome
{
  TandemTestProcess *procs[N_PROCS];
  char              *dir;          /* holds logs and the runtime dir */
  char              *runtime_dir;
  char              *bus_address;
  char              *wayland_display;
  GDBusConnection   *bus;
  int                width;
  int                height;
  gboolean           shell;        /* gnome-shell instead of plain mutter */
};

static char *
log_path (TandemTestGnome *self,
          int              which)
{
  return g_strdup_printf ("%s/%s.log", self->dir, proc_names[which]);
}

static char *
log_tail (TandemTestGnome *self,
          int              which)
{
  g_autofree char *path = log_path (self, which);

  return tandem_test_read_log_tail (path, 1500);
}

static gboolean
spawn (TandemTestGnome    *self,
       int                 which,
       const char * const *argv,
       int                 pass_fd,
       GError            **error)
{
  g_autofree char *path = log_path (self, which);
  g_autofree char *g_debug_env = g_strdup (g_getenv ("G_DEBUG"));

  /* The session's own warnings (mutter's about a missing gnome-session,
   * locale1, colord) must not abort it: no fatal-warnings there, and none
   * in what its bus activates. */
  g_unsetenv ("G_DEBUG");
  self->procs[which] = tandem_test_process_spawn (argv, path, pass_fd, pass_fd >= 0 ? 3 : -1, error);
  if (g_debug_env != NULL)
    g_setenv ("G_DEBUG", g_debug_env, TRUE);
  return self->procs[which] != NULL;
}

static gboolean
fail (TandemTestGnome *self,
      int              which,
      GError         **error,
      const char      *what)
{
  g_autofree char *tail = log_tail (self, which);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s; %s log:\n%s", what, proc_names[which], tail);
  return FALSE;
}

static gboolean
has_owner (TandemTestGnome *self,
           const char      *name)
{
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                 G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* Waits until @name is owned on the bus (or @path exists), while @which
 * runs. */
static gboolean
wait_ready (TandemTestGnome *self,
            int              which,
            const char      *name,
            const char      *path,
            GError         **error)
{
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_MS * 1000;

  for (;;)
    {
      if (name != NULL && has_owner (self, name))
        return TRUE;
      if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
      if (tandem_test_process_exited (self->procs[which]))
        return fail (self, which, error, "exited before it was ready");
      if (g_get_monotonic_time () > deadline)
        return fail (self, which, error, "not ready within 20 s");
      g_usleep (20 * 1000);
    }
}

/* Reads the bus address dbus-daemon prints on fd 3. */
static char *
read_line (int fd)
{
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      GPollFD pfd = { fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char c;
      gssize n;

      if (left <= 0 || g_poll (&pfd, 1, (int) left) <= 0)
        break;
      n = read (fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (c == '\n')
        return g_string_free (line, FALSE);
      g_string_append_c (line, c);
    }
  g_string_free (line, TRUE);
  return NULL;
}

static char *
find_wayland_socket (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "wayland-") && !g_str_has_suffix (name, ".lock"))
      return g_strdup (name);
  return NULL;
}

static gboolean
start_all (TandemTestGnome *self,
           GError         **error)
{
  g_autofree char *geometry = g_strdup_printf ("%dx%d", self->width, self->height);
  g_autofree char *pw_socket = g_build_filename (self->runtime_dir, "pipewire-0", NULL);
  int fds[2];

  g_setenv ("XDG_RUNTIME_DIR", self->runtime_dir, TRUE);
  g_setenv ("XDG_CURRENT_DESKTOP", "GNOME", TRUE);
  g_setenv ("XDG_SESSION_TYPE", "wayland", TRUE);
  g_setenv ("XDG_SESSION_DESKTOP", "gnome", TRUE);
  g_unsetenv ("WAYLAND_DISPLAY");

  /* The private bus */
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;
  {
    const char *argv[] = { "dbus-daemon", "--session", "--nofork", "--nosyslog",
                           "--print-address=3", NULL };
    if (!spawn (self, P_BUS, argv, fds[1], error))
      {
        close (fds[0]);
        return FALSE;
      }
  }
  self->bus_address = read_line (fds[0]);
  close (fds[0]);
  if (self->bus_address == NULL)
    return fail (self, P_BUS, error, "dbus-daemon printed no address");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", self->bus_address, TRUE);
  self->bus = g_dbus_connection_new_for_address_sync (self->bus_address,
                                                      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                      NULL, NULL, error);
  if (self->bus == NULL)
    return FALSE;
  g_dbus_connection_set_exit_on_close (self->bus, FALSE);

  {
    const char *argv[] = { "pipewire", NULL };
    if (!spawn (self, P_PIPEWIRE, argv, -1, error) ||
        !wait_ready (self, P_PIPEWIRE, NULL, pw_socket, error))
      return FALSE;
  }
  {
    const char *argv[] = { "wireplumber", NULL };
    if (!spawn (self, P_WIREPLUMBER, argv, -1, error))
      return FALSE;
  }
  if (self->shell)
  {
    /* gnome-shell: its login manager wants a system bus (a private one
     * does: logind is absent there, which it survives), and a session
     * mode without the overview it opens at startup otherwise. */
    g_autofree char *system_bus = NULL;
    g_autofree char *system_env = NULL;
    g_autofree char *data_env = g_strdup_printf ("XDG_DATA_DIRS=%s/share:%s", self->dir,
                                                 g_getenv ("XDG_DATA_DIRS") ? g_getenv ("XDG_DATA_DIRS")
                                                                            : "/usr/local/share:/usr/share");
    g_autofree char *modes = g_build_filename (self->dir, "share", "gnome-shell", "modes", NULL);
    g_autofree char *mode = g_build_filename (modes, "tandem-test.json", NULL);
    const char *bus_argv[] = { "dbus-daemon", "--session", "--nofork", "--nosyslog",
                               "--print-address=3", NULL };

    if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
      return FALSE;
    if (!spawn (self, P_SYSTEM_BUS, bus_argv, fds[1], error))
      {
        close (fds[0]);
        return FALSE;
      }
    system_bus = read_line (fds[0]);
    close (fds[0]);
    if (system_bus == NULL)
      return fail (self, P_SYSTEM_BUS, error, "dbus-daemon printed no address");
    system_env = g_strdup_printf ("DBUS_SYSTEM_BUS_ADDRESS=%s", system_bus);
    if (g_mkdir_with_parents (modes, 0700) < 0 ||
        !g_file_set_contents (mode, "{ \"parentMode\": \"user\", \"hasOverview\": false, \"hasNotifications\": false }\n", -1, error))
      return FALSE;
    {
      const char *argv[] = { "env", system_env, data_env, "gnome-shell", "--wayland", "--headless",
                             "--no-x11", "--mode=tandem-test", "--virtual-monitor", geometry, NULL };
      if (!spawn (self, P_MUTTER, argv, -1, error))
        return FALSE;
    }
  }
  else
  {
    const char *argv[] = { "mutter", "--wayland", "--headless", "--no-x11",
                           "--virtual-monitor", geometry, NULL };
    if (!spawn (self, P_MUTTER, argv, -1, error))
      return FALSE;
  }
  if (!wait_ready (self, P_MUTTER, "org.gnome.Mutter.ScreenCast", NULL, error) ||
      !wait_ready (self, P_MUTTER, "org.gnome.Mutter.RemoteDesktop", NULL, error) ||
      (self->shell && !wait_ready (self, P_MUTTER, "org.gnome.Shell.Introspect", NULL, error)))
    return FALSE;
  self->wayland_display = find_wayland_socket (self->runtime_dir);
  if (self->wayland_display == NULL)
    return fail (self, P_MUTTER, error, "mutter made no Wayland socket");
  g_setenv ("WAYLAND_DISPLAY", self->wayland_display, TRUE);

  /* D-Bus-activated xdg-desktop-portal-gnome needs these. */
  {
    GVariantBuilder env;
    const char *names[] = { "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE",
                            "XDG_RUNTIME_DIR", "XDG_SESSION_DESKTOP" };
    g_autoptr(GVariant) reply = NULL;

    g_variant_builder_init (&env, G_VARIANT_TYPE ("a{ss}"));
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      g_variant_builder_add (&env, "{ss}", names[i], g_getenv (names[i]));
    /* No X display inside the session: GTK must use Wayland. */
    g_variant_builder_add (&env, "{ss}", "GDK_BACKEND", "wayland");
    reply = g_dbus_connection_call_sync (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "UpdateActivationEnvironment",
                                         g_variant_new ("(a{ss})", &env), NULL,
                                         G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
    if (reply == NULL)
      return FALSE;
  }
  /* The accessibility bus and registry first: the portal's GTK 4 dialogs
   * register with them when they start, and the dialog answerer reads
   * them.  Started later, the dialogs were sometimes missing. */
  {
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) ping = NULL;
    g_autoptr(GDBusConnection) a11y = NULL;
    const char *address;

    reply = g_dbus_connection_call_sync (self->bus, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus",
                                         "GetAddress", NULL, G_VARIANT_TYPE ("(s)"),
                                         G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
    if (reply == NULL)
      return FALSE;
    g_variant_get (reply, "(&s)", &address);
    a11y = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, error);
    if (a11y == NULL)
      return FALSE;
    ping = g_dbus_connection_call_sync (a11y, "org.a11y.atspi.Registry", "/org/a11y/atspi/registry",
                                        "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                                        G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
    if (ping == NULL)
      return FALSE;
  }
  {
    const char *argv[] = { "/usr/libexec/xdg-desktop-portal", NULL };
    if (!spawn (self, P_PORTAL, argv, -1, error) ||
        !wait_ready (self, P_PORTAL, "org.freedesktop.portal.Desktop", NULL, error))
      return FALSE;
  }
  return TRUE;
}

static TandemTestGnome *
start (int       width,
       int       height,
       gboolean  shell,
       GError  **error)
{
  TandemTestGnome *self = g_new0 (TandemTestGnome, 1);
  gint64 started = g_get_monotonic_time ();

  self->shell = shell;
  self->width = width > 0 ? width : 1280;
  self->height = height > 0 ? height : 800;
  self->dir = g_dir_make_tmp ("tandem-gnome-XXXXXX", error);
  if (self->dir == NULL)
    {
      g_free (self);
      return NULL;
    }
  self->runtime_dir = g_build_filename (self->dir, "run", NULL);
  if (g_mkdir (self->runtime_dir, 0700) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", self->runtime_dir,
                   g_strerror (errno));
      tandem_test_gnome_stop (self);
      return NULL;
    }
  if (!start_all (self, error))
    {
      tandem_test_gnome_stop (self);
      return NULL;
    }
  g_debug ("headless GNOME session up in %.2f s (%s %d, %s)",
           (g_get_monotonic_time () - started) / 1e6, shell ? "gnome-shell" : "mutter",
           (int) tandem_test_process_get_pid (self->procs[P_MUTTER]), self->wayland_display);
  return self;
}

TandemTestGnome *
tandem_test_gnome_start (int      width,
                         int      height,
                         GError **error)
{
  return start (width, height, FALSE, error);
}

TandemTestGnome *
tandem_test_gnome_start_shell (int      width,
                               int      height,
                               GError **error)
{
  return start (width, height, TRUE, error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
tandem_test_gnome_stop (TandemTestGnome *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->bus);
  for (int i = N_PROCS - 1; i >= 0; i--)
    if (self->procs[i] != NULL)
      {
        tandem_test_process_stop (self->procs[i], STOP_GRACE_MS);
        self->procs[i] = NULL;
      }
  if (self->runtime_dir != NULL)
    {
      g_autofree char *doc = g_build_filename (self->runtime_dir, "doc", NULL);
      const char *argv[] = { "fusermount3", "-uz", doc, NULL };

      /* The document portal (root only) FUSE-mounts doc/; never recurse
       * into a mount. */
      if (g_file_test (doc, G_FILE_TEST_IS_DIR))
        g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  if (self->dir != NULL && g_getenv ("TANDEM_TEST_KEEP_DIRS") == NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->runtime_dir);
  g_free (self->bus_address);
  g_free (self->wayland_display);
  g_free (self);
}

const char *
tandem_test_gnome_get_runtime_dir (TandemTestGnome *self)
{
  return self->runtime_dir;
}

const char *
tandem_test_gnome_get_wayland_display (TandemTestGnome *self)
{
  return self->wayland_display;
}

const char *
tandem_test_gnome_get_bus_address (TandemTestGnome *self)
{
  return self->bus_address;
}

GDBusConnection *
tandem_test_gnome_get_bus (TandemTestGnome *self)
{
  return self->bus;
}

int
tandem_test_gnome_get_width (TandemTestGnome *self)
{
  return self->width;
}

int
tandem_test_gnome_get_height (TandemTestGnome *self)
{
  return self->height;
}

GPid
tandem_test_gnome_get_mutter_pid (TandemTestGnome *self)
{
  return tandem_test_process_get_pid (self->procs[P_MUTTER]);
}

/* vendor:product:serial of mutter's first monitor. */
static char *
first_monitor_match (TandemTestGnome *self,
                     GError         **error)
{
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) monitors = NULL;
  g_autoptr(GVariant) first = NULL;
  const char *connector, *vendor, *product, *serial;

  state = g_dbus_connection_call_sync (self->bus, "org.gnome.Mutter.DisplayConfig",
                                       "/org/gnome/Mutter/DisplayConfig",
                                       "org.gnome.Mutter.DisplayConfig", "GetCurrentState", NULL,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  if (state == NULL)
    return NULL;
  monitors = g_variant_get_child_value (state, 1);
  if (g_variant_n_children (monitors) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "mutter reports no monitor");
      return NULL;
    }
  first = g_variant_get_child_value (monitors, 0);
  g_variant_get_child (first, 0, "(&s&s&s&s)", &connector, &vendor, &product, &serial);
  return g_strdup_printf ("%s:%s:%s", vendor, product, serial);
}

char *
tandem_test_gnome_seed_screencast_token (TandemTestGnome *self,
                                         GError         **error)
{
  g_autofree char *match = first_monitor_match (self, error);
  g_autofree char *token = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder perms, streams;
  const char *yes[] = { "yes", NULL };
  GVariant *data;

  if (match == NULL)
    return NULL;
  token = g_uuid_string_random ();
  g_variant_builder_init (&perms, G_VARIANT_TYPE ("a{sas}"));
  g_variant_builder_add (&perms, "{s^as}", "", yes);
  g_variant_builder_init (&streams, G_VARIANT_TYPE ("a(uuv)"));
  /* stream 0, source type 1 (monitor), which monitor */
  g_variant_builder_add (&streams, "(uuv)", 0u, 1u, g_variant_new_string (match));
  data = g_variant_new ("(suv)", "GNOME", 1u, g_variant_new ("(xxa(uuv))", (gint64) 0, (gint64) 0, &streams));
  reply = g_dbus_connection_call_sync (self->bus, "org.freedesktop.impl.portal.PermissionStore",
                                       "/org/freedesktop/impl/portal/PermissionStore",
                                       "org.freedesktop.impl.portal.PermissionStore", "Set",
                                       g_variant_new ("(sbsa{sas}v)", "screencast", TRUE, token,
                                                      &perms, data),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  if (reply == NULL)
    return NULL;
  return g_steal_pointer (&token);
}

static GSubprocess *
run_answerer (const char *mode,
              guint       timeout_ms,
              GError    **error)
{
  const char *source_dir = g_getenv ("TANDEM_SOURCE_DIR");
  g_autofree char *script = g_build_filename (source_dir != NULL ? source_dir : TANDEM_TEST_SOURCE_DIR,
                                              "tests", "support", "tandem-test-portal-dialog.py", NULL);
  g_autofree char *timeout = g_strdup_printf ("%u", timeout_ms);
  const char *argv[] = { "/usr/bin/python3", script, mode, timeout, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  /* pyatspi warns (GTK 4 apps have no AT-SPI cache object): not fatal. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

GSubprocess *
tandem_test_gnome_answer_dialog (TandemTestGnome *self,
                                 gboolean         allow_input,
                                 gboolean         cancel,
                                 guint            timeout_ms,
                                 GError         **error)
{
  return run_answerer (cancel ? "cancel" : allow_input ? "allow-input" : "share", timeout_ms, error);
}

GSubprocess *
tandem_test_gnome_answer_window_dialog (TandemTestGnome *self,
                                        const char      *title,
                                        gboolean         allow_input,
                                        guint            timeout_ms,
                                        GError         **error)
{
  g_autofree char *mode = g_strdup_printf ("%swindow:%s", allow_input ? "allow-input," : "", title);

  return run_answerer (mode, timeout_ms, error);
}
