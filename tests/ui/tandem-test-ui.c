/* tandem-test-ui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-ui"

#include "tandem-test-ui.h"

static void
collect_child (GtkWidget *child,
               gpointer   data)
{
  GList **list = data;

  *list = g_list_append (*list, child);
}

static GtkWidget *
find_label_in (GtkWidget  *widget,
               const char *text)
{
  GtkWidget *found = NULL;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = NULL;

      /* forall also reaches internal children (title bars, info bars). */
      gtk_container_forall (GTK_CONTAINER (widget), collect_child, &children);
      for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_label_in (l->data, text);
    }

  return found;
}

static GtkWidget *
find_widget_in (GtkWidget *widget,
                GType      type)
{
  g_autoptr(GList) children = NULL;
  GtkWidget *found = NULL;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  if (!GTK_IS_CONTAINER (widget))
    return NULL;

  gtk_container_forall (GTK_CONTAINER (widget), collect_child, &children);
  for (GList *l = children; l != NULL && found == NULL; l = l->next)
    found = find_widget_in (l->data, type);

  return found;
}

GtkWidget *
tandem_test_find_widget (GtkWidget *root,
                         GType      type)
{
  return find_widget_in (root, type);
}

/* By the id it has in its .ui template. */
GtkWidget *
tandem_test_find_named (GtkWidget  *root,
                        const char *id)
{
  g_autoptr(GList) children = NULL;
  GtkWidget *found = NULL;

  if (g_strcmp0 (gtk_buildable_get_name (GTK_BUILDABLE (root)), id) == 0)
    return root;
  if (!GTK_IS_CONTAINER (root))
    return NULL;

  gtk_container_forall (GTK_CONTAINER (root), collect_child, &children);
  for (GList *l = children; l != NULL && found == NULL; l = l->next)
    found = tandem_test_find_named (l->data, id);

  return found;
}

GtkWidget *
tandem_test_find_label (GtkWidget  *root,
                        const char *text)
{
  return find_label_in (root, text);
}

void
tandem_test_flush_events (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}


gboolean
tandem_test_save_screenshot (GtkWidget  *widget,
                             const char *name,
                             GError    **error)
{
  GdkWindow *window = gtk_widget_get_window (widget);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("TANDEM_BUILD_DIR") ? g_getenv ("TANDEM_BUILD_DIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *path = NULL;

  /* Let the frame clock paint what the test just changed. */
  gtk_widget_queue_draw (widget);
  {
    gint64 until = g_get_monotonic_time () + 300 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }

  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  pixbuf = gdk_pixbuf_get_from_window (window, 0, 0,
                                       gdk_window_get_width (window),
                                       gdk_window_get_height (window));
  if (pixbuf == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not read window %s", name);
      return FALSE;
    }

  g_test_message ("screenshot: %s", path);
  return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
}
