/* tandem-peer-keys.c
 *
 * One group per peer address (lower case, without "sip:"/"sips:" and
 * without parameters), key "sha-256" = the fingerprint the user checked
 * with the security code.  Writes go through
 * g_file_replace_contents_bytes_async; a write asked while one runs is
 * made after it, with the state of that moment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-peer-keys"

#include <string.h>

#include <glib/gstdio.h>

#include "tandem-peer-keys.h"
#include "tandem-tls-identity.h"

#define GROUP_KEY "sha-256"

struct _TandemPeerKeys {
  GObject    parent_instance;

  char      *path;
  GKeyFile  *keyfile;
  GHashTable *cache;     /* address -> fingerprint (the keyfile's strings) */
  gboolean   saving;
  gboolean   dirty;
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TandemPeerKeys, tandem_peer_keys, G_TYPE_OBJECT)

static char *
normalize (const char *address)
{
  const char *start = address;
  const char *end;
  const char *lt = strchr (address, '<');

  if (lt != NULL)
    start = lt + 1;
  if (g_ascii_strncasecmp (start, "sips:", 5) == 0)
    start += 5;
  else if (g_ascii_strncasecmp (start, "sip:", 4) == 0)
    start += 4;
  end = start + strcspn (start, ";>? \t");
  return g_ascii_strdown (start, end - start);
}

static void save (TandemPeerKeys *self);

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TandemPeerKeys) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_message ("Cannot save the verified share keys to %s: %s", self->path, error->message);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, error);
  if (self->dirty)
    save (self);
}

static void
save (TandemPeerKeys *self)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->path);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  char *data;

  if (self->saving)
    {
      self->dirty = TRUE;
      return;
    }
  self->dirty = FALSE;
  self->saving = TRUE;
  data = g_key_file_to_data (self->keyfile, &len, NULL);
  bytes = g_bytes_new_take (data, len);
  if (parent != NULL)
    g_mkdir_with_parents (g_file_peek_path (parent), 0700);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       NULL, on_saved, g_object_ref (self));
}

TandemPeerKeys *
tandem_peer_keys_new (const char *path)
{
  TandemPeerKeys *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (TANDEM_TYPE_PEER_KEYS, NULL);
  self->path = g_strdup (path);
  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_NONE, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_autofree char *bad = g_strconcat (path, ".bad", NULL);

      g_message ("Cannot read the verified share keys %s (%s); kept as %s, starting empty",
                 path, error->message, bad);
      g_rename (path, bad);
      g_key_file_free (self->keyfile);
      self->keyfile = g_key_file_new ();
    }
  return self;
}

const char *
tandem_peer_keys_lookup (TandemPeerKeys *self,
                         const char     *address)
{
  g_autofree char *key = NULL;
  char *fp;

  g_return_val_if_fail (TANDEM_IS_PEER_KEYS (self), NULL);
  if (address == NULL)
    return NULL;
  key = normalize (address);
  fp = g_hash_table_lookup (self->cache, key);
  if (fp == NULL && (fp = g_key_file_get_string (self->keyfile, key, GROUP_KEY, NULL)) != NULL)
    g_hash_table_insert (self->cache, g_steal_pointer (&key), fp);
  return fp;
}

TandemPeerKeyState
tandem_peer_keys_check (TandemPeerKeys *self,
                        const char     *address,
                        const char     *fingerprint)
{
  const char *known = tandem_peer_keys_lookup (self, address);

  if (known == NULL)
    return TANDEM_PEER_KEY_UNVERIFIED;
  return tandem_tls_fingerprint_equal (known, fingerprint) ? TANDEM_PEER_KEY_VERIFIED
                                                           : TANDEM_PEER_KEY_CHANGED;
}

void
tandem_peer_keys_set_verified (TandemPeerKeys *self,
                               const char     *address,
                               const char     *fingerprint)
{
  g_autofree char *key = NULL;

  g_return_if_fail (TANDEM_IS_PEER_KEYS (self));
  g_return_if_fail (address != NULL);

  key = normalize (address);
  g_hash_table_remove (self->cache, key);
  if (fingerprint != NULL)
    {
      g_autofree char *up = g_ascii_strup (fingerprint, -1);

      g_key_file_set_string (self->keyfile, key, GROUP_KEY, up);
    }
  else
    g_key_file_remove_group (self->keyfile, key, NULL);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, key);
}

static void
tandem_peer_keys_finalize (GObject *object)
{
  TandemPeerKeys *self = TANDEM_PEER_KEYS (object);

  g_hash_table_unref (self->cache);
  g_key_file_free (self->keyfile);
  g_free (self->path);
  G_OBJECT_CLASS (tandem_peer_keys_parent_class)->finalize (object);
}

static void
tandem_peer_keys_class_init (TandemPeerKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_peer_keys_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
tandem_peer_keys_init (TandemPeerKeys *self)
{
  self->keyfile = g_key_file_new ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
