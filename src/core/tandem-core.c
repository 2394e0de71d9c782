/* tandem-core.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-core"

#include "config.h"
#include "tandem-core.h"

const char *
tandem_core_version (void)
{
  return PACKAGE_VERSION;
}
