/* tandem-test-fds.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tandem-test-fds.h"

#include <string.h>

int
tandem_test_count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  int n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/fd/%s", name);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && strcmp (target, "anon_inode:[pidfd]") != 0 && strcmp (target, "/dev/null") != 0)
        n++;
    }
  return n;
}
