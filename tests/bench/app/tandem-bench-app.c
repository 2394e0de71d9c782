/* tandem-bench-app.c: the whole application, measured the way a user sees
 * it, against Debian's linphone-desktop (Qt/QML on the same liblinphone),
 * in one run, on its own Xvfb and its own kamailio, loopback only.
 *
 *   1. startup: from fork/exec to the main window mapped *and painted*
 *      (a top-level window >= 300x200 whose pixels, read back with
 *      XGetImage after an XDamage notification, show >= 4 distinct
 *      colours: the server's background fill alone is one colour).  The
 *      same watcher, on the same display, for both programs;
 *   2. resident memory (VmRSS, and Pss from /proc/PID/smaps_rollup) of
 *      each program idle with one registered account, 10 s after launch;
 *      "registered" is checked by an OPTIONS to the user's AOR through
 *      kamailio, which only routes it to a registered contact;
 *   3. Tandem with 200 contacts: startup and memory as above;
 *   4. in-process: a TandemWindow on a started TandemManager whose profile
 *      holds a 10 000-message conversation (made by this program through
 *      the service API: two managers sending to each other via kamailio,
 *      stored by liblinphone itself), time from
 *      tandem_window_open_conversation() to the GdkFrameClock "after-paint"
 *      where the rows exist and the list shows its newest message.
 *
 * Each figure is the median of N runs after one unmeasured warm-up run per
 * program (page cache, fontconfig, Mesa/Qt shader caches); min and max are
 * printed too.  A benchmark, not a test: prints a table with
 * Tandem/linphone-desktop ratios and the targets.
 *
 *   tandem-bench-app [--runs N] [--idle S] [--messages N] [--contacts N]
 *                    [--history-dir DIR] [--no-linphone] [--no-install]
 *
 * It re-executes itself under dbus-run-session (Tandem is a
 * GtkApplication).  When linphone-desktop is missing and we are root, it
 * installs it with apt-get, saying so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench-app"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gtk/gtk.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

#include "tandem-manager.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-ui.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"
#include "tandem-window.h"

#define SCREEN_W 1280
#define SCREEN_H 800
#define MIN_WINDOW_W 300
#define MIN_WINDOW_H 200
#define PAINTED_COLOURS 4
#define LAUNCH_TIMEOUT_S 60
#define HISTORY_PAGE 100      /* what TandemConversation loads first */

static int opt_runs = 5;
static int opt_idle = 10;
static int opt_messages = 10000;
static int opt_contacts = 200;
static char *opt_history_dir;
static gboolean opt_no_linphone;
static gboolean opt_no_install;
static gboolean opt_only_open;
static gboolean opt_no_open;

static TandemTestKamailio *kamailio;
static TandemTestXvfb *xvfb;
static char *work_dir;

/* ---- numbers -------------------------------------------------------------- */

typedef struct {
  GArray *v;   /* double */
} Samples;

static void
samples_add (Samples *s,
             double   x)
{
  if (s->v == NULL)
    s->v = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (s->v, x);
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static guint
samples_n (Samples *s)
{
  return s->v ? s->v->len : 0;
}

static double
samples_median (Samples *s)
{
  g_autoptr(GArray) c = NULL;
  guint n = samples_n (s);

  if (n == 0)
    return -1;
  c = g_array_copy (s->v);
  g_array_sort (c, cmp_double);
  return n % 2 ? g_array_index (c, double, n / 2)
               : (g_array_index (c, double, n / 2 - 1) + g_array_index (c, double, n / 2)) / 2;
}

static double
samples_min (Samples *s)
{
  double m = G_MAXDOUBLE;

  for (guint i = 0; i < samples_n (s); i++)
    m = MIN (m, g_array_index (s->v, double, i));
  return m;
}

static double
samples_max (Samples *s)
{
  double m = -G_MAXDOUBLE;

  for (guint i = 0; i < samples_n (s); i++)
    m = MAX (m, g_array_index (s->v, double, i));
  return m;
}

static char *
samples_format (Samples    *s,
                const char *fmt)
{
  g_autofree char *med = NULL, *lo = NULL, *hi = NULL;

  if (samples_n (s) == 0)
    return g_strdup ("n/a");
  med = g_strdup_printf (fmt, samples_median (s));
  lo = g_strdup_printf (fmt, samples_min (s));
  hi = g_strdup_printf (fmt, samples_max (s));
  return g_strdup_printf ("%s [%s–%s]", med, lo, hi);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* ---- X: watching for the first painted top-level window -------------------- */

static Display *dpy;
static int damage_event_base;
static gboolean x_error_seen;

static int
on_x_error (Display     *display,
            XErrorEvent *event)
{
  x_error_seen = TRUE;  /* a window gone between the event and our request */
  return 0;
}

static void
x_open (void)
{
  int error_base;

  dpy = XOpenDisplay (tandem_test_xvfb_get_display (xvfb));
  if (dpy == NULL || !XDamageQueryExtension (dpy, &damage_event_base, &error_base))
    g_error ("cannot open %s with DAMAGE", tandem_test_xvfb_get_display (xvfb));
  XSetErrorHandler (on_x_error);
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  XSync (dpy, False);
}

static void
x_drain (void)
{
  XSync (dpy, False);
  while (XPending (dpy))
    {
      XEvent ev;
      XNextEvent (dpy, &ev);
    }
}

/* Painted: a grid of samples over the window holds several colours, i.e.
 * more than the background the server fills a newly mapped window with. */
static gboolean
window_painted (Window win,
                int    w,
                int    h)
{
  XImage *image;
  unsigned long seen[PAINTED_COLOURS];
  guint n_seen = 0;

  x_error_seen = FALSE;
  image = XGetImage (dpy, win, 0, 0, w, h, AllPlanes, ZPixmap);
  XSync (dpy, False);
  if (image == NULL || x_error_seen)
    {
      if (image != NULL)
        XDestroyImage (image);
      return FALSE;
    }
  for (int gy = 0; gy < 48 && n_seen < PAINTED_COLOURS; gy++)
    for (int gx = 0; gx < 64 && n_seen < PAINTED_COLOURS; gx++)
      {
        unsigned long p = XGetPixel (image, gx * (w - 1) / 63, gy * (h - 1) / 47) & 0xffffff;
        guint i;

        for (i = 0; i < n_seen && seen[i] != p; i++)
          ;
        if (i == n_seen)
          seen[n_seen++] = p;
      }
  XDestroyImage (image);
  return n_seen >= PAINTED_COLOURS;
}

static char *
window_title (Window win)
{
  char *name = NULL;
  char *copy;

  if (!XFetchName (dpy, win, &name) || name == NULL)
    return g_strdup ("?");
  copy = g_strdup (name);
  XFree (name);
  return copy;
}

/* ---- the programs under test ---------------------------------------------- */

typedef struct {
  GPid    pid;
  double  t_launch;
  double  t_mapped;
  double  t_painted;
  int     width;
  int     height;
  char   *title;
} Launch;

static void
child_setup (gpointer data)
{
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
stop_launch (Launch *l)
{
  int status;

  if (l->pid <= 0)
    return;
  kill (-l->pid, SIGTERM);
  kill (l->pid, SIGTERM);
  for (int i = 0; i < 300; i++)
    {
      if (waitpid (l->pid, &status, WNOHANG) == l->pid)
        {
          l->pid = 0;
          break;
        }
      g_usleep (10000);
    }
  if (l->pid > 0)
    {
      kill (-l->pid, SIGKILL);
      waitpid (l->pid, &status, 0);
      l->pid = 0;
    }
  g_clear_pointer (&l->title, g_free);
}

/* Spawns @argv with @envp (stdout+stderr to @log) and returns once its first
 * top-level window is painted; FALSE (with the process stopped) on timeout
 * or exit. */
static gboolean
launch (const char * const *argv,
        char              **envp,
        const char         *log,
        Launch             *l)
{
  g_autoptr(GError) error = NULL;
  int fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  Window candidate = None;
  Damage damage = None;
  double deadline;

  memset (l, 0, sizeof *l);
  x_drain ();
  l->t_launch = now_ms ();
  if (!g_spawn_async_with_fds (NULL, (char **) argv, envp,
                               G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                               child_setup, NULL, &l->pid, -1, fd, fd, &error))
    {
      close (fd);
      g_printerr ("cannot start %s: %s\n", argv[0], error->message);
      return FALSE;
    }
  close (fd);

  deadline = l->t_launch + LAUNCH_TIMEOUT_S * 1000.0;
  while (l->t_painted == 0)
    {
      struct pollfd pfd = { ConnectionNumber (dpy), POLLIN, 0 };
      int status;

      if (now_ms () > deadline || waitpid (l->pid, &status, WNOHANG) == l->pid)
        {
          if (now_ms () <= deadline)
            l->pid = 0;
          g_printerr ("%s: no painted window (see %s)\n", argv[0], log);
          if (damage != None)
            XDamageDestroy (dpy, damage);
          stop_launch (l);
          return FALSE;
        }
      if (!XPending (dpy))
        {
          poll (&pfd, 1, 20);
          continue;
        }
      while (XPending (dpy) && l->t_painted == 0)
        {
          XEvent ev;
          double t;

          XNextEvent (dpy, &ev);
          t = now_ms ();
          if (ev.type == MapNotify && candidate == None)
            {
              XWindowAttributes attrs;

              x_error_seen = FALSE;
              if (!XGetWindowAttributes (dpy, ev.xmap.window, &attrs) || x_error_seen ||
                  attrs.override_redirect || attrs.width < MIN_WINDOW_W || attrs.height < MIN_WINDOW_H)
                continue;
              candidate = ev.xmap.window;
              l->t_mapped = t;
              l->width = attrs.width;
              l->height = attrs.height;
              damage = XDamageCreate (dpy, candidate, XDamageReportNonEmpty);
              XSync (dpy, False);
              if (window_painted (candidate, l->width, l->height))
                l->t_painted = now_ms ();
            }
          else if (ev.type == damage_event_base + XDamageNotify &&
                   ((XDamageNotifyEvent *) &ev)->drawable == candidate)
            {
              XDamageSubtract (dpy, damage, None, None);
              if (window_painted (candidate, l->width, l->height))
                l->t_painted = t;
            }
        }
    }
  l->title = window_title (candidate);
  XDamageDestroy (dpy, damage);
  XSync (dpy, False);
  return TRUE;
}

typedef struct {
  double rss_kb;
  double pss_kb;
  int    group_procs;
} Memory;

static double
proc_field_kb (const char *path,
               const char *field)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  for (p = text; p != NULL; p = strchr (p, '\n'))
    {
      if (*p == '\n')
        p++;
      if (g_str_has_prefix (p, field))
        return g_ascii_strtod (p + strlen (field), NULL);
    }
  return -1;
}

static Memory
read_memory (GPid pid)
{
  g_autofree char *status = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *rollup = g_strdup_printf ("/proc/%d/smaps_rollup", pid);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  Memory m = { proc_field_kb (status, "VmRSS:"), proc_field_kb (rollup, "Pss:"), 0 };
  const char *name;

  /* Helpers it forked into its group would count too; say if there are. */
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    if (g_ascii_isdigit (*name) && getpgid (atoi (name)) == pid)
      m.group_procs++;
  return m;
}

/* ---- is it registered? an OPTIONS through kamailio to the AOR -------------- */

static int
probe_registered (const char *user)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                          G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (lo, tandem_test_kamailio_get_sip_port (kamailio));
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *request = NULL;
  guint tag = g_random_int ();
  guint16 port;

  if (sock == NULL || !g_socket_bind (sock, any, FALSE, NULL))
    return -1;
  local = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  request = g_strdup_printf ("OPTIONS sip:%s@tandem.test SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-bench-%08x;rport\r\n"
                             "Max-Forwards: 70\r\n"
                             "From: <sip:bench@bench.invalid>;tag=%08x\r\n"
                             "To: <sip:%s@tandem.test>\r\n"
                             "Call-ID: %08x@bench.invalid\r\n"
                             "CSeq: 1 OPTIONS\r\n"
                             "Contact: <sip:bench@127.0.0.1:%u>\r\n"
                             "Content-Length: 0\r\n\r\n",
                             user, port, tag, tag, user, tag, port);
  for (int attempt = 0; attempt < 4; attempt++)
    {
      double until = now_ms () + 500;

      g_socket_send_to (sock, server, request, strlen (request), NULL, NULL);
      while (now_ms () < until)
        {
          char buf[4096];
          gssize n;
          int code;

          if (!g_socket_condition_timed_wait (sock, G_IO_IN, (gint64) ((until - now_ms ()) * 1000), NULL, NULL))
            break;
          n = g_socket_receive (sock, buf, sizeof buf - 1, NULL, NULL);
          if (n < 12)
            continue;
          buf[n] = '\0';
          if (sscanf (buf, "SIP/2.0 %d", &code) == 1 && code >= 200)
            return code;
        }
    }
  return 0;
}

/* ---- Tandem and linphone-desktop, as processes ----------------------------- */

typedef struct {
  const char *label;
  char       *home;
  char      **envp;
  char      **argv;
  char       *log;
  const char *user;
  Samples     startup;
  Samples     rss;
  Samples     pss;
  guint       registered;
  guint       runs;
  guint       extra_procs;
  char       *title;
  int         width, height;
} App;

static char **
app_env (const char *home)
{
  char **env = g_get_environ ();
  g_autofree char *config = g_build_filename (home, ".config", NULL);
  g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache = g_build_filename (home, ".cache", NULL);
  g_autofree char *runtime = g_build_filename (home, "runtime", NULL);

  g_mkdir_with_parents (runtime, 0700);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);
  env = g_environ_setenv (env, "DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");
  env = g_environ_unsetenv (env, "GSETTINGS_BACKEND");
  return env;
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, text, -1, &error))
    g_error ("%s", error->message);
}

/* Tandem on a fresh profile; the warm-up run provisions it (account,
 * contacts), every run passes the [network] group, which is not kept. */
static App *
tandem_app_new (const char *label,
                const char *user,
                int         contacts)
{
  App *app = g_new0 (App, 1);
  g_autofree char *profile = NULL;
  g_autofree char *full = NULL;
  g_autofree char *net = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *network = g_strdup ("[network]\nbind-address=127.0.0.1\n\n");

  app->label = label;
  app->user = user;
  app->home = g_build_filename (work_dir, label, NULL);
  profile = g_build_filename (app->home, "profile", NULL);
  full = g_build_filename (app->home, "provision-full.ini", NULL);
  net = g_build_filename (app->home, "provision-network.ini", NULL);
  app->log = g_build_filename (app->home, "app.log", NULL);
  g_mkdir_with_parents (profile, 0700);

  g_string_append (text, network);
  g_string_append_printf (text, "[account %s]\nidentity=sip:%s@tandem.test\npassword=%s\n"
                          "server=sip:127.0.0.1:%u\ntransport=udp\n\n",
                          user, user, tandem_test_kamailio_get_password (user),
                          tandem_test_kamailio_get_sip_port (kamailio));
  for (int i = 0; i < contacts; i++)
    g_string_append_printf (text, "[contact c%03d]\nname=Contact %03d\naddress=sip:contact%03d@tandem.test\n\n",
                            i, i, i);
  write_file (full, text->str);
  write_file (net, network);

  app->envp = app_env (app->home);
  app->envp = g_environ_setenv (app->envp, "TANDEM_NO_SOUNDCARD", "1", TRUE);
  app->envp = g_environ_setenv (app->envp, "GSETTINGS_SCHEMA_DIR", TANDEM_BENCH_BUILD_DIR "/data", TRUE);
  app->argv = g_new0 (char *, 6);
  app->argv[0] = g_strdup (TANDEM_BENCH_TANDEM_EXE);
  app->argv[1] = g_strdup ("--profile");
  app->argv[2] = g_strdup (profile);
  app->argv[3] = g_strdup ("--provision");
  app->argv[4] = g_strdup (full);   /* swapped for the network-only file after the warm-up */
  return app;
}

static void
tandem_app_after_warmup (App *app)
{
  g_free (app->argv[4]);
  app->argv[4] = g_build_filename (app->home, "provision-network.ini", NULL);
}

/* linphone-desktop 4.4 reads $XDG_CONFIG_HOME/linphone/linphonerc (and
 * keeps its database in $XDG_DATA_HOME/linphone): one SIP account, UDP,
 * bound to 127.0.0.1 like Tandem's. */
static App *
linphone_app_new (const char *user)
{
  App *app = g_new0 (App, 1);
  g_autofree char *rc = NULL;
  g_autofree char *text = NULL;

  app->label = "linphone-desktop";
  app->user = user;
  app->home = g_build_filename (work_dir, "linphone-desktop", NULL);
  rc = g_build_filename (app->home, ".config", "linphone", "linphonerc", NULL);
  app->log = g_build_filename (app->home, "app.log", NULL);
  text = g_strdup_printf ("[sip]\nsip_port=-1\nsip_tcp_port=0\nsip_tls_port=0\n"
                          "bind_address=127.0.0.1\ndefault_proxy=0\n\n"
                          "[rtp]\nbind_address=127.0.0.1\n\n"
                          "[proxy_0]\nreg_proxy=<sip:127.0.0.1:%u;transport=udp>\n"
                          "reg_identity=sip:%s@tandem.test\nreg_expires=3600\nreg_sendregister=1\n"
                          "publish=0\n\n"
                          "[auth_info_0]\nusername=%s\npasswd=%s\nrealm=tandem.test\ndomain=tandem.test\n",
                          tandem_test_kamailio_get_sip_port (kamailio), user, user,
                          tandem_test_kamailio_get_password (user));
  write_file (rc, text);
  app->envp = app_env (app->home);
  app->argv = g_new0 (char *, 2);
  app->argv[0] = g_strdup ("linphone");
  return app;
}

/* One launch: startup time; then, when @idle, memory and the registration
 * probe @opt_idle seconds after launch. */
static gboolean
app_run (App      *app,
         gboolean  record,
         gboolean  idle)
{
  Launch l;

  if (!launch ((const char * const *) app->argv, app->envp, app->log, &l))
    return FALSE;
  if (record)
    {
      samples_add (&app->startup, l.t_painted - l.t_launch);
      g_free (app->title);
      app->title = g_strdup (l.title);
      app->width = l.width;
      app->height = l.height;
    }
  g_print ("  %-22s %s: mapped %6.0f ms, painted %6.0f ms (\"%s\" %dx%d)",
           app->label, record ? "run   " : "warmup", l.t_mapped - l.t_launch, l.t_painted - l.t_launch,
           l.title, l.width, l.height);
  if (idle)
    {
      double until = l.t_launch + opt_idle * 1000.0;
      Memory m;
      int code;

      while (now_ms () < until)
        g_usleep (50000);
      m = read_memory (l.pid);
      code = probe_registered (app->user);
      if (record)
        {
          samples_add (&app->rss, m.rss_kb / 1024.0);
          samples_add (&app->pss, m.pss_kb / 1024.0);
          app->runs++;
          app->registered += code == 200;
          app->extra_procs = MAX (app->extra_procs, (guint) MAX (m.group_procs - 1, 0));
        }
      g_print (", at %d s: RSS %.1f MiB, PSS %.1f MiB, OPTIONS -> %d", opt_idle,
               m.rss_kb / 1024.0, m.pss_kb / 1024.0, code);
    }
  g_print ("\n");
  stop_launch (&l);
  return TRUE;
}

static gboolean
app_measure (App *app)
{
  if (!app_run (app, FALSE, TRUE))
    return FALSE;
  if (g_str_has_prefix (app->label, "Tandem"))
    tandem_app_after_warmup (app);
  for (int i = 0; i < opt_runs; i++)
    if (!app_run (app, TRUE, TRUE))
      return FALSE;
  return TRUE;
}

static gboolean
ensure_linphone (void)
{
  g_autofree char *path = g_find_program_in_path ("linphone");
  const char *argv[] = { "apt-get", "install", "-y", "--no-install-recommends", "linphone-desktop", NULL };
  int status = 0;

  if (path != NULL)
    return TRUE;
  if (opt_no_install || geteuid () != 0)
    {
      g_print ("linphone-desktop is not installed (apt-get install linphone-desktop); its column stays empty\n");
      return FALSE;
    }
  g_print ("linphone-desktop is not installed: installing it now with "
           "`apt-get install -y --no-install-recommends linphone-desktop` (we are root)…\n");
  g_setenv ("DEBIAN_FRONTEND", "noninteractive", TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, NULL, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_print ("apt-get failed; linphone-desktop's column stays empty\n");
      return FALSE;
    }
  path = g_find_program_in_path ("linphone");
  return path != NULL;
}

/* ---- 4. a long conversation, made through the service API ------------------ */

static TandemManager *
manager_for (const char *profile,
             const char *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = g_strdup_printf ("sip:127.0.0.1:%u", tandem_test_kamailio_get_sip_port (kamailio));
  g_autofree char *identity = g_strdup_printf ("sip:%s@tandem.test", user);
  TandemManager *manager = tandem_manager_new (profile);

  tandem_manager_set_bind_address (manager, "127.0.0.1");
  if (!tandem_manager_start (manager, &error))
    g_error ("%s: %s", user, error->message);
  /* Adding the same identity again replaces the account: the server's
   * port changes from run to run. */
  if (tandem_accounts_add (tandem_manager_get_accounts (manager), identity, tandem_test_kamailio_get_password (user),
                                  server, TANDEM_TRANSPORT_UDP, &error) == NULL)
    g_error ("%s: %s", user, error->message);
  return manager;
}

static gboolean
wait_registered (TandemManager *manager,
                 guint          timeout_ms)
{
  double until = now_ms () + timeout_ms;

  while (now_ms () < until)
    {
      GListModel *accounts = G_LIST_MODEL (tandem_manager_get_accounts (manager));
      gboolean ok = g_list_model_get_n_items (accounts) > 0;

      for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
        {
          g_autoptr(TandemAccount) account = g_list_model_get_item (accounts, i);
          ok = ok && tandem_account_get_state (account) == TANDEM_REGISTRATION_OK;
        }
      if (ok)
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

static const char *words[] = {
  "lunch", "meeting", "screen", "share", "later", "call", "me", "when", "you", "are",
  "back", "the", "build", "is", "green", "again", "thanks", "see", "slides", "ok",
};

static char *
message_text (guint i)
{
  GString *s = g_string_new (NULL);
  guint n = 3 + (i * 7) % 25;   /* 3..27 words */

  g_string_append_printf (s, "#%u", i);
  for (guint k = 0; k < n; k++)
    g_string_append_printf (s, " %s", words[(i * 31 + k * 17) % G_N_ELEMENTS (words)]);
  return g_string_free (s, FALSE);
}

/* alice and bob (BOB_SENDERS managers signed in as bob, each with its own
 * room to alice) send in turn; alice's profile then holds all of them
 * (sent and received, one conversation with sip:bob@tandem.test) in
 * liblinphone's own database.  carol is only a contact of alice's, to
 * switch to.  Through the test kamailio this runs at ~8 messages/s
 * whatever the batch size, on tmpfs as on disk, and 9 bob devices were no
 * faster (alice's MESSAGEs then fork to all of them): 10 000 messages take
 * ~20 minutes, so keep them with --history-dir. */
#define BOB_SENDERS 1

static gboolean
generate_history (const char *dir,
                  int         count)
{
  g_autofree char *done_mark = g_strdup_printf ("%s/complete-%d", dir, count);
  g_autofree char *pa = g_build_filename (dir, "alice", NULL);
  g_autoptr(TandemManager) alice = NULL;
  TandemManager *bobs[BOB_SENDERS];
  TandemConversation *rooms[BOB_SENDERS + 1];
  g_autoptr(GError) error = NULL;
  double t0 = now_ms ();
  guint failed = 0, from_alice = 0;

  if (g_file_test (done_mark, G_FILE_TEST_EXISTS))
    {
      g_print ("  history: reusing %s\n", dir);
      return TRUE;
    }
  g_mkdir_with_parents (pa, 0700);
  alice = manager_for (pa, "alice");
  for (int b = 0; b < BOB_SENDERS; b++)
    {
      g_autofree char *pb = g_strdup_printf ("%s/bob%d", dir, b);

      g_mkdir_with_parents (pb, 0700);
      bobs[b] = manager_for (pb, "bob");
    }
  for (int b = 0; b < BOB_SENDERS; b++)
    if (!wait_registered (bobs[b], 10000))
      g_error ("history: bob%d did not register", b);
  if (!wait_registered (alice, 10000))
    g_error ("history: alice did not register");
  if (tandem_contacts_add (tandem_manager_get_contacts (alice), "Bob", "sip:bob@tandem.test", &error) == NULL ||
      tandem_contacts_add (tandem_manager_get_contacts (alice), "Carol", "sip:carol@tandem.test", &error) == NULL)
    g_error ("%s", error->message);
  rooms[0] = tandem_conversations_get (tandem_manager_get_conversations (alice), "sip:bob@tandem.test", &error);
  for (int b = 0; b < BOB_SENDERS && error == NULL; b++)
    rooms[b + 1] = tandem_conversations_get (tandem_manager_get_conversations (bobs[b]), "sip:alice@tandem.test", &error);
  if (error != NULL)
    g_error ("%s", error->message);

  for (int sent = 0; sent < count;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      double until;
      int n = MIN (200, count - sent);

      for (int k = 0; k < n; k++, sent++)
        {
          g_autofree char *text = message_text (sent);
          guint r = sent % (BOB_SENDERS + 1);
          TandemChatMessage *m = tandem_conversation_send_text (rooms[r], text, &error);

          if (m == NULL)
            g_error ("%s", error->message);
          from_alice += r == 0;
          g_ptr_array_add (batch, g_object_ref (m));
        }
      until = now_ms () + 120000;
      for (guint pending = batch->len; pending > 0 && now_ms () < until;)
        {
          g_main_context_iteration (NULL, TRUE);
          pending = 0;
          for (guint k = 0; k < batch->len; k++)
            pending += tandem_chat_message_get_state (batch->pdata[k]) == TANDEM_MESSAGE_SENDING;
        }
      for (guint k = 0; k < batch->len; k++)
        failed += tandem_chat_message_get_state (batch->pdata[k]) == TANDEM_MESSAGE_FAILED ||
                  tandem_chat_message_get_state (batch->pdata[k]) == TANDEM_MESSAGE_SENDING;
      if (sent % 1000 == 0)
        g_print ("  history: %d/%d messages (%.0f s)\n", sent, count, (now_ms () - t0) / 1000);
    }
  /* Let the last deliveries settle before closing the stores. */
  for (double until = now_ms () + 1000; now_ms () < until;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  tandem_manager_stop (alice);
  for (int b = 0; b < BOB_SENDERS; b++)
    {
      tandem_manager_stop (bobs[b]);
      g_object_unref (bobs[b]);
    }
  g_print ("  history: %d messages in alice's conversation with bob (%u sent by alice, %u received "
           "from %d bob devices) through kamailio in %.1f s, %u not delivered\n",
           count, from_alice, count - from_alice, BOB_SENDERS, (now_ms () - t0) / 1000, failed);
  /* A message that was not delivered is stored all the same (marked
   * failed, as a user would see it): only a mostly failed run is refused. */
  if (failed > (guint) count / 10)
    return FALSE;
  write_file (done_mark, "");
  return TRUE;
}

typedef struct {
  GtkWidget *window;
  const char *name;
  guint       rows_wanted;
  double      t_rows;      /* first after-paint with the rows */
  double      t_bottom;    /* first after-paint with the newest row in view */
  guint       rows;
} OpenWatch;

static void
on_after_paint (GdkFrameClock *clock,
                OpenWatch     *w)
{
  GtkWidget *list = tandem_test_find_named (w->window, "message_list");
  GtkWidget *label = tandem_test_find_named (w->window, "peer_name_label");
  g_autoptr(GList) rows = NULL;
  double t = now_ms ();

  if (list == NULL || label == NULL || !gtk_widget_get_mapped (list) ||
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), w->name) != 0)
    return;
  rows = gtk_container_get_children (GTK_CONTAINER (list));
  w->rows = g_list_length (rows);
  if (w->rows < w->rows_wanted)
    return;
  if (w->t_rows == 0)
    w->t_rows = t;
  if (rows == NULL)
    w->t_bottom = t;
  else if (w->t_bottom == 0)
    {
      GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
      GtkWidget *last = g_list_last (rows)->data;
      GtkAllocation a;

      gtk_widget_get_allocation (last, &a);
      if (gtk_widget_get_mapped (last) && a.height > 1 &&
          gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >= a.y + a.height - 1)
        w->t_bottom = t;
    }
}

static gboolean
measure_open (GtkWidget  *window,
              const char *address,
              const char *name,
              guint       rows_wanted,
              double     *out_rows,
              double     *out_bottom,
              guint      *out_row_count)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  OpenWatch w = { window, name, rows_wanted, 0, 0, 0 };
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &w);
  double t0, deadline;

  t0 = now_ms ();
  tandem_window_open_conversation (TANDEM_WINDOW (window), address);
  deadline = t0 + 10000;
  while (w.t_bottom == 0 && now_ms () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  /* Let anything the open queued (older pages, scrolling) run, so that it
   * is not charged to the next open. */
  for (double until = now_ms () + 300; now_ms () < until;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  *out_rows = w.t_rows ? w.t_rows - t0 : -1;
  *out_bottom = w.t_bottom ? w.t_bottom - t0 : -1;
  *out_row_count = w.rows;
  return w.t_bottom != 0;
}

static gboolean
window_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

typedef struct {
  Samples cold_rows, cold_bottom, warm_rows, warm_bottom;
  guint   max_rows_after;
  gboolean ok;
  char    *skipped;
} OpenResult;

static void
bench_open (OpenResult *r)
{
  g_autofree char *dir = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  guint rows_wanted = MIN (HISTORY_PAGE, opt_messages);

  dir = opt_history_dir ? g_strdup (opt_history_dir) : g_build_filename (work_dir, "history", NULL);
  g_print ("\n4. opening a conversation with %d messages (in-process)\n", opt_messages);
  if (!generate_history (dir, opt_messages))
    {
      r->skipped = g_strdup ("history generation failed");
      return;
    }
  profile = g_build_filename (dir, "alice", NULL);

  app = gtk_application_new ("io.github.tandemphone.Tandem.Bench", G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  for (int run = 0; run < opt_runs + 1; run++)
    {
      g_autoptr(TandemManager) manager = manager_for (profile, "alice");
      GtkWidget *window = GTK_WIDGET (tandem_window_new (app, manager, NULL));
      double t_rows, t_bottom;
      guint rows;
      gboolean warmup = run == 0;

      gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
      gtk_widget_show (window);
      tandem_test_wait_for (window_shown, window, 5000);
      tandem_test_flush_events ();
      for (double until = now_ms () + 300; now_ms () < until;)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (2000);

      /* Cold: the manager reads the newest page from liblinphone's db. */
      if (!measure_open (window, "sip:bob@tandem.test", "Bob", rows_wanted, &t_rows, &t_bottom, &rows))
        g_print ("  open timed out (rows painted: %.0f ms, %u rows)\n", t_rows, rows);
      r->max_rows_after = MAX (r->max_rows_after, rows);
      g_print ("  %s first open:  rows painted %6.1f ms, newest in view %6.1f ms, %u rows\n",
               warmup ? "warmup" : "run   ", t_rows, t_bottom, rows);
      if (!warmup && t_bottom >= 0)
        {
          samples_add (&r->cold_rows, t_rows);
          samples_add (&r->cold_bottom, t_bottom);
        }
      /* Warm: switch to carol and back; the conversation is in memory. */
      for (int k = 0; k < 3; k++)
        {
          double c_rows, c_bottom;
          guint c_count;

          measure_open (window, "sip:carol@tandem.test", "Carol", 0, &c_rows, &c_bottom, &c_count);
          if (!measure_open (window, "sip:bob@tandem.test", "Bob", rows_wanted, &t_rows, &t_bottom, &rows))
            g_print ("  reopen timed out\n");
          r->max_rows_after = MAX (r->max_rows_after, rows);
          if (!warmup && t_bottom >= 0)
            {
              samples_add (&r->warm_rows, t_rows);
              samples_add (&r->warm_bottom, t_bottom);
            }
          g_print ("  %s reopen:      rows painted %6.1f ms, newest in view %6.1f ms, %u rows\n",
                   warmup ? "warmup" : "run   ", t_rows, t_bottom, rows);
        }
      gtk_widget_destroy (window);
      tandem_manager_stop (manager);
    }
  r->ok = TRUE;
}

/* ---- the table ------------------------------------------------------------ */

/* printf's widths count bytes; "–" and "—" are three. */
static char *
pad (const char *text,
     guint       width)
{
  glong chars = g_utf8_strlen (text, -1);

  return g_strdup_printf ("%s%*s", text, (int) MAX ((glong) width - chars, 0), "");
}

static void
row (const char *figure,
     Samples    *tandem,
     Samples    *other,
     const char *fmt,
     const char *target,
     double      max_ratio,     /* > 0: met when tandem/other <= this */
     double      max_value)     /* > 0: met when tandem <= this */
{
  g_autofree char *a = samples_format (tandem, fmt);
  g_autofree char *b = other ? samples_format (other, fmt) : g_strdup ("—");
  g_autofree char *ratio = NULL;
  const char *verdict = "info";
  gboolean have_ratio = other != NULL && samples_n (tandem) > 0 && samples_n (other) > 0;

  if (have_ratio)
    ratio = g_strdup_printf ("%.2f", samples_median (tandem) / samples_median (other));
  else
    ratio = g_strdup ("—");
  if (max_ratio > 0)
    verdict = have_ratio ? (samples_median (tandem) / samples_median (other) <= max_ratio ? "met" : "MISSED")
                         : "not measured";
  else if (max_value > 0)
    verdict = samples_n (tandem) > 0 ? (samples_median (tandem) < max_value ? "met" : "MISSED")
                                     : "not measured";
  {
    g_autofree char *pa = pad (a, 26), *pb = pad (b, 26), *pr = pad (ratio, 6);

    g_print ("%-44s %s %s %s %-16s %s\n", figure, pa, pb, pr, target, verdict);
  }
}

static GOptionEntry entries[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Measured runs per figure (default 5)", "N" },
  { "idle", 0, 0, G_OPTION_ARG_INT, &opt_idle, "Seconds after launch for the memory reading (default 10)", "S" },
  { "messages", 0, 0, G_OPTION_ARG_INT, &opt_messages, "Messages in the long conversation (default 10000)", "N" },
  { "contacts", 0, 0, G_OPTION_ARG_INT, &opt_contacts, "Contacts for figure 3 (default 200)", "N" },
  { "history-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_history_dir,
    "Keep (and reuse) the generated history here", "DIR" },
  { "no-linphone", 0, 0, G_OPTION_ARG_NONE, &opt_no_linphone, "Skip linphone-desktop", NULL },
  { "only-open", 0, 0, G_OPTION_ARG_NONE, &opt_only_open, "Only figure 4 (the conversation)", NULL },
  { "no-open", 0, 0, G_OPTION_ARG_NONE, &opt_no_open, "Skip figure 4 (the conversation)", NULL },
  { "no-install", 0, 0, G_OPTION_ARG_NONE, &opt_no_install, "Never apt-get install linphone-desktop", NULL },
  G_OPTION_ENTRY_NULL
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- Tandem vs linphone-desktop");
  g_autoptr(GError) error = NULL;
  App *tandem, *tandem_many, *linphone = NULL;
  OpenResult open = { 0 };
  g_autofree char *cpu = NULL;

  /* Tandem is a GtkApplication: give the run its own session bus. */
  if (g_getenv ("TANDEM_BENCH_APP_BUS") == NULL)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_setenv ("TANDEM_BENCH_APP_BUS", "1", TRUE);
      g_ptr_array_add (args, "dbus-run-session");
      g_ptr_array_add (args, "--");
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, NULL);
      execvp ("dbus-run-session", (char **) args->pdata);
      g_printerr ("cannot run dbus-run-session: %s\n", g_strerror (errno));
      return 1;
    }

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt_runs = MAX (opt_runs, 1);

  work_dir = g_dir_make_tmp ("tandem-bench-app-XXXXXX", &error);
  g_assert_no_error (error);
  xvfb = tandem_test_xvfb_start (SCREEN_W, SCREEN_H, &error);
  if (xvfb == NULL)
    g_error ("%s", error->message);
  kamailio = tandem_test_kamailio_start (&error);
  if (kamailio == NULL)
    g_error ("%s", error->message);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  x_open ();

  g_file_get_contents ("/proc/loadavg", &cpu, NULL, NULL);
  g_print ("tandem-bench-app: %d runs per figure (+1 warm-up), Xvfb %s %dx%d, kamailio 127.0.0.1:%u, "
           "%d CPUs, load %s", opt_runs, tandem_test_xvfb_get_display (xvfb), SCREEN_W, SCREEN_H,
           tandem_test_kamailio_get_sip_port (kamailio), g_get_num_processors (), cpu ? cpu : "?\n");

  g_print ("\n1+2. startup and idle memory, one account (alice for Tandem, bob for linphone-desktop)\n");
  tandem = tandem_app_new ("Tandem", "alice", 0);
  if (opt_only_open)
    opt_no_linphone = TRUE;
  if (!opt_only_open && !app_measure (tandem))
    g_printerr ("Tandem could not be measured\n");
  if (!opt_no_linphone && ensure_linphone ())
    {
      linphone = linphone_app_new ("bob");
      if (!app_measure (linphone))
        g_printerr ("linphone-desktop could not be measured\n");
    }

  g_print ("\n3. Tandem with %d contacts (carol's account)\n", opt_contacts);
  tandem_many = tandem_app_new ("Tandem-contacts", "carol", opt_contacts);
  tandem_many->label = "Tandem+contacts";
  if (!opt_only_open && !app_measure (tandem_many))
    g_printerr ("Tandem with contacts could not be measured\n");

  /* In-process from here on. */
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  tandem_ui_init ();
  gtk_init (NULL, NULL);
  if (opt_no_open)
    open.skipped = g_strdup ("--no-open");
  else
    bench_open (&open);

  g_print ("\nTandem %s: %s (%dx%d); linphone-desktop: %s (%dx%d)\n",
           TANDEM_BENCH_TANDEM_EXE, tandem->title ? tandem->title : "?", tandem->width, tandem->height,
           linphone && linphone->title ? linphone->title : "n/a",
           linphone ? linphone->width : 0, linphone ? linphone->height : 0);
  g_print ("registered at %d s (OPTIONS to the AOR answered 200): Tandem %u/%u, linphone-desktop %u/%u, "
           "Tandem+%d contacts %u/%u\n", opt_idle, tandem->registered, tandem->runs,
           linphone ? linphone->registered : 0, linphone ? linphone->runs : 0, opt_contacts,
           tandem_many->registered, tandem_many->runs);
  if (tandem->extra_procs || (linphone && linphone->extra_procs))
    g_print ("note: other processes in the program's group (not counted): Tandem %u, linphone-desktop %u\n",
             tandem->extra_procs, linphone ? linphone->extra_procs : 0);
  g_print ("\nmedian [min–max] of %d runs\n", opt_runs);
  g_print ("%-44s %-26s %-26s %-6s %-16s %s\n", "figure", "Tandem", "linphone-desktop", "ratio", "target", "");
  {
    g_autofree char *f3 = g_strdup_printf ("startup, %d contacts (ms)", opt_contacts);
    g_autofree char *f4 = g_strdup_printf ("RSS idle %d s, %d contacts (MiB)", opt_idle, opt_contacts);
    g_autofree char *f5 = g_strdup_printf ("PSS idle %d s, %d contacts (MiB)", opt_idle, opt_contacts);
    g_autofree char *f1 = g_strdup_printf ("RSS idle %d s, 1 account (MiB)", opt_idle);
    g_autofree char *f2 = g_strdup_printf ("PSS idle %d s, 1 account (MiB)", opt_idle);
    g_autofree char *f6 = g_strdup_printf ("open %d-msg conversation, first (ms)", opt_messages);
    g_autofree char *f7 = g_strdup_printf ("open %d-msg conversation, again (ms)", opt_messages);
    g_autofree char *f8 = g_strdup_printf ("  rows painted, first open (ms)");
    g_autofree char *f9 = g_strdup_printf ("  rows painted, again (ms)");
    Samples none = { 0 };
    Samples *l_startup = linphone ? &linphone->startup : &none;
    Samples *l_rss = linphone ? &linphone->rss : &none;
    Samples *l_pss = linphone ? &linphone->pss : &none;

    row ("startup to painted window, 1 account (ms)", &tandem->startup, l_startup, "%.0f",
         "<= 0.5x linphone", 0.5, 0);
    row (f1, &tandem->rss, l_rss, "%.1f", "<= 0.5x linphone", 0.5, 0);
    row (f2, &tandem->pss, l_pss, "%.1f", "<= 0.5x linphone", 0.5, 0);
    row (f3, &tandem_many->startup, l_startup, "%.0f", "(vs 1-acct lin.)", 0, 0);
    row (f4, &tandem_many->rss, l_rss, "%.1f", "(vs 1-acct lin.)", 0, 0);
    row (f5, &tandem_many->pss, l_pss, "%.1f", "(vs 1-acct lin.)", 0, 0);
    row (f6, &open.cold_bottom, NULL, "%.1f", "< 200 ms", 0, 200);
    row (f7, &open.warm_bottom, NULL, "%.1f", "< 200 ms", 0, 200);
    row (f8, &open.cold_rows, NULL, "%.1f", "", 0, 0);
    row (f9, &open.warm_rows, NULL, "%.1f", "", 0, 0);
  }
  if (open.skipped)
    g_print ("conversation: not measured: %s\n", open.skipped);
  else
    g_print ("conversation: most rows in the list after an open: %u (the first page is %d)\n",
             open.max_rows_after, HISTORY_PAGE);

  XCloseDisplay (dpy);
  tandem_test_kamailio_stop (kamailio);
  tandem_test_xvfb_stop (xvfb);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", work_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", work_dir);
  }
  return 0;
}
