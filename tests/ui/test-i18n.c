/* test-i18n.c: under LANGUAGE=nl the real window and the command line
 * speak Dutch, from the translation compiled in the build tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>

#include "tandem-manager.h"
#include "tandem-presence-label.h"
#include "tandem-test-ui.h"
#include "tandem-test-xvfb.h"
#include "tandem-ui.h"
#include "tandem-window.h"

static void
test_i18n_labels (void)
{
  g_assert_cmpstr (tandem_presence_get_label (TANDEM_PRESENCE_AVAILABLE), ==, "Beschikbaar");
  g_assert_cmpstr (tandem_presence_get_label (TANDEM_PRESENCE_DND), ==, "Niet storen");
}

static void
test_i18n_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemManager) manager = tandem_manager_new ("/nonexistent");
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.tandemphone.Tandem.TestI18n",
                                                       G_APPLICATION_NON_UNIQUE);
  TandemWindow *window;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = tandem_window_new (app, manager, NULL);
  gtk_widget_show (GTK_WIDGET (window));
  tandem_test_flush_events ();

  g_assert_nonnull (tandem_test_find_label (GTK_WIDGET (window), "Geen gesprek geselecteerd"));
  g_assert_nonnull (tandem_test_find_label (GTK_WIDGET (window), "Geen account"));
  g_assert_null (tandem_test_find_label (GTK_WIDGET (window), "No Conversation Selected"));

  g_assert_true (tandem_test_save_screenshot (GTK_WIDGET (window), "window-nl", &error));
  g_assert_no_error (error);
  gtk_widget_destroy (GTK_WIDGET (window));
}

static void
test_i18n_command_line (void)
{
  g_autofree char *exe = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "src", "tandem", NULL);
  const char *argv[] = { exe, "--help", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "Bewaar alles wat Tandem opslaat in MAP"));
}

/* gettext ignores LANGUAGE in the "C" locale; C.UTF-8 always exists. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;

  xvfb = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  /* g_test_init() puts the process in the C locale; choose Dutch after. */
  gtk_test_init (&argc, &argv, NULL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "nl", TRUE);
  tandem_ui_init ();

  g_test_add_func ("/ui/i18n/labels", test_i18n_labels);
  g_test_add_func ("/ui/i18n/window", test_i18n_window);
  g_test_add_func ("/ui/i18n/command-line", test_i18n_command_line);

  return g_test_run ();
}
