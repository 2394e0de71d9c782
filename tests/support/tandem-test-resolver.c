/* tandem-test-resolver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-resolver"

#include "tandem-test-resolver.h"

struct _TandemTestResolver
{
  GResolver   parent_instance;

  GHashTable *srv;   /* rrname -> GSrvTarget */
};

G_DEFINE_FINAL_TYPE (TandemTestResolver, tandem_test_resolver, G_TYPE_RESOLVER)

static void
on_free_targets (gpointer targets)
{
  g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);
}

static void
on_lookup_service (GResolver           *resolver,
                   const char          *rrname,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TandemTestResolver *self = TANDEM_TEST_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GSrvTarget *target = g_hash_table_lookup (self->srv, rrname);

  if (target != NULL)
    g_task_return_pointer (task, g_list_append (NULL, g_srv_target_copy (target)), on_free_targets);
  else
    g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no %s", rrname);
}

static GList *
on_lookup_service_finish (GResolver     *resolver,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

TandemTestResolver *
tandem_test_resolver_new (void)
{
  return g_object_new (TANDEM_TYPE_TEST_RESOLVER, NULL);
}

void
tandem_test_resolver_add_srv (TandemTestResolver *self,
                              const char         *rrname,
                              const char         *host,
                              guint16             port)
{
  g_return_if_fail (TANDEM_IS_TEST_RESOLVER (self));

  g_hash_table_replace (self->srv, g_strdup (rrname), g_srv_target_new (host, port, 0, 0));
}

static void
tandem_test_resolver_finalize (GObject *object)
{
  TandemTestResolver *self = TANDEM_TEST_RESOLVER (object);

  g_hash_table_unref (self->srv);

  G_OBJECT_CLASS (tandem_test_resolver_parent_class)->finalize (object);
}

static void
tandem_test_resolver_class_init (TandemTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tandem_test_resolver_finalize;
  resolver_class->lookup_service_async = on_lookup_service;
  resolver_class->lookup_service_finish = on_lookup_service_finish;
}

static void
tandem_test_resolver_init (TandemTestResolver *self)
{
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_srv_target_free);
}
