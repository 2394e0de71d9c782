/* tandem-tls-identity.c
 *
 * GIO can load but not create certificates, and core links GLib only, so
 * the key pair and self-signed certificate are made once per profile by
 * running `openssl req` (openssl is a dependency of the package for this
 * reason). The files are <directory>/msrp-tls.pem (certificate) and
 * <directory>/msrp-tls.key (EC P-256 key, mode 0600).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-tls-identity"

#include <glib/gstdio.h>

#include "tandem-msrp-error.h"
#include "tandem-tls-identity.h"

/* "AB:CD:..." of the DER encoding, as a=fingerprint:sha-256 writes it. */
char *
tandem_tls_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GString *s = g_string_sized_new (96);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (s, FALSE);
}

gboolean
tandem_tls_fingerprint_equal (const char *a,
                              const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

static GTlsCertificate *
load (const char *cert_path,
      const char *key_path,
      GError    **error)
{
  GError *local = NULL;
  GTlsCertificate *cert = g_tls_certificate_new_from_files (cert_path, key_path, &local);

  if (cert == NULL)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CERTIFICATE,
                   "Cannot load the TLS identity %s: %s", cert_path, local->message);
      g_error_free (local);
    }
  return cert;
}

static GSubprocess *
spawn_openssl (const char *directory,
               char      **cert_path,
               char      **key_path,
               GError    **error)
{
  g_autofree char *tmp_key = NULL;
  g_autofree char *tmp_cert = NULL;

  *cert_path = g_build_filename (directory, "msrp-tls.pem", NULL);
  *key_path = g_build_filename (directory, "msrp-tls.key", NULL);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CERTIFICATE,
                   "Cannot create %s", directory);
      return NULL;
    }
  tmp_key = g_strconcat (*key_path, ".new", NULL);
  tmp_cert = g_strconcat (*cert_path, ".new", NULL);
  return g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           error, "openssl", "req", "-x509", "-newkey", "ec",
                           "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                           "-keyout", tmp_key, "-out", tmp_cert, "-days", "3650",
                           "-subj", "/CN=Tandem MSRP", "-batch", NULL);
}

static gboolean
install (const char *cert_path,
         const char *key_path,
         GError    **error)
{
  g_autofree char *tmp_key = g_strconcat (key_path, ".new", NULL);
  g_autofree char *tmp_cert = g_strconcat (cert_path, ".new", NULL);

  g_chmod (tmp_key, 0600);
  if (g_rename (tmp_key, key_path) != 0 || g_rename (tmp_cert, cert_path) != 0)
    {
      g_set_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_CERTIFICATE,
                   "Cannot store the TLS identity in %s", cert_path);
      return FALSE;
    }
  return TRUE;
}

/* Loads the profile's identity, creating it first if needed (blocks for
 * the openssl run, ~50 ms, once per profile). */
GTlsCertificate *
tandem_tls_identity_ensure (const char   *directory,
                            GCancellable *cancellable,
                            GError      **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  cert_path = g_build_filename (directory, "msrp-tls.pem", NULL);
  key_path = g_build_filename (directory, "msrp-tls.key", NULL);
  if (g_file_test (cert_path, G_FILE_TEST_EXISTS) && g_file_test (key_path, G_FILE_TEST_EXISTS))
    return load (cert_path, key_path, error);
  g_clear_pointer (&cert_path, g_free);
  g_clear_pointer (&key_path, g_free);

  proc = spawn_openssl (directory, &cert_path, &key_path, error);
  if (proc == NULL || !g_subprocess_wait_check (proc, cancellable, error))
    return NULL;
  if (!install (cert_path, key_path, error))
    return NULL;
  return load (cert_path, key_path, error);
}

typedef struct {
  char *cert_path;
  char *key_path;
} EnsureData;

static void
ensure_data_free (gpointer data)
{
  EnsureData *d = data;

  g_free (d->cert_path);
  g_free (d->key_path);
  g_free (d);
}

static void
on_openssl_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnsureData *d = g_task_get_task_data (task);
  GError *error = NULL;
  GTlsCertificate *cert;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error) ||
      !install (d->cert_path, d->key_path, &error) ||
      (cert = load (d->cert_path, d->key_path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, cert, g_object_unref);
}

void
tandem_tls_identity_ensure_async (const char          *directory,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  EnsureData *d = g_new0 (EnsureData, 1);
  g_autoptr(GSubprocess) proc = NULL;
  GError *error = NULL;

  g_task_set_task_data (task, d, ensure_data_free);
  d->cert_path = g_build_filename (directory, "msrp-tls.pem", NULL);
  d->key_path = g_build_filename (directory, "msrp-tls.key", NULL);
  if (g_file_test (d->cert_path, G_FILE_TEST_EXISTS) && g_file_test (d->key_path, G_FILE_TEST_EXISTS))
    {
      GTlsCertificate *cert = load (d->cert_path, d->key_path, &error);

      if (cert == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, cert, g_object_unref);
      return;
    }
  g_clear_pointer (&d->cert_path, g_free);
  g_clear_pointer (&d->key_path, g_free);
  proc = spawn_openssl (directory, &d->cert_path, &d->key_path, &error);
  if (proc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_subprocess_wait_check_async (proc, cancellable, on_openssl_done, g_steal_pointer (&task));
}

GTlsCertificate *
tandem_tls_identity_ensure_finish (GAsyncResult *result,
                                   GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
