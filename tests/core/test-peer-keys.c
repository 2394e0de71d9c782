/* test-peer-keys.c: TandemPeerKeys: marks per normalized address, kept
 * in the keyfile across instances, a changed key, a broken file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "tandem-peer-keys.h"

#define FP1 "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define FP2 "00:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

static void
on_saved (TandemPeerKeys *keys, const GError *error, gpointer loop)
{
  g_assert_no_error ((GError *) error);
  g_main_loop_quit (loop);
}

static void
wait_saved (TandemPeerKeys *keys)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gulong id = g_signal_connect (keys, "saved", G_CALLBACK (on_saved), loop);

  g_main_loop_run (loop);
  g_signal_handler_disconnect (keys, id);
}

static void
test_keys (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-peer-keys-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "share-keys.ini", NULL);
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);
  g_autoptr(TandemPeerKeys) keys = tandem_peer_keys_new (path);
  g_autoptr(TandemPeerKeys) again = NULL;
  g_autoptr(TandemPeerKeys) broken = NULL;

  g_assert_cmpint (tandem_peer_keys_check (keys, "sip:bob@example.org", FP1), ==, TANDEM_PEER_KEY_UNVERIFIED);
  tandem_peer_keys_set_verified (keys, "\"Bob\" <sip:Bob@Example.org;transport=tls>", g_ascii_strdown (FP1, -1));
  wait_saved (keys);
  g_assert_cmpint (tandem_peer_keys_check (keys, "sip:bob@example.org", FP1), ==, TANDEM_PEER_KEY_VERIFIED);
  g_assert_cmpint (tandem_peer_keys_check (keys, "sips:bob@example.org", FP2), ==, TANDEM_PEER_KEY_CHANGED);
  g_assert_cmpint (tandem_peer_keys_check (keys, "sip:carol@example.org", FP1), ==, TANDEM_PEER_KEY_UNVERIFIED);

  /* kept in the file */
  again = tandem_peer_keys_new (path);
  g_assert_cmpstr (tandem_peer_keys_lookup (again, "bob@example.org"), ==, FP1);
  tandem_peer_keys_set_verified (again, "sip:bob@example.org", NULL);
  tandem_peer_keys_set_verified (again, "sip:carol@example.org", FP2);
  wait_saved (again);
  wait_saved (again);
  g_assert_null (tandem_peer_keys_lookup (again, "sip:bob@example.org"));
  g_clear_object (&again);
  again = tandem_peer_keys_new (path);
  g_assert_null (tandem_peer_keys_lookup (again, "sip:bob@example.org"));
  g_assert_cmpint (tandem_peer_keys_check (again, "sip:carol@example.org", FP2), ==, TANDEM_PEER_KEY_VERIFIED);

  /* a file that is not a keyfile: set aside, empty */
  g_assert_true (g_file_set_contents (path, "\x01garbage\n[[", -1, NULL));
  broken = tandem_peer_keys_new (path);
  g_assert_null (tandem_peer_keys_lookup (broken, "sip:carol@example.org"));
  g_assert_true (g_file_test (bad, G_FILE_TEST_EXISTS));

  g_unlink (bad);
  g_unlink (path);
  {
    g_autofree char *sub = g_path_get_dirname (path);
    g_rmdir (sub);
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/peer-keys/marks", test_keys);
  return g_test_run ();
}
