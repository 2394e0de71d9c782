/* tandem-provision.h: configure a profile from a keyfile, without the UI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-manager.h"

G_BEGIN_DECLS

GKeyFile *tandem_provision_load          (const char     *path,
                                         GError        **error);
void      tandem_provision_apply_network (GKeyFile       *keyfile,
                                         TandemManager  *manager);
gboolean  tandem_provision_apply        (GKeyFile       *keyfile,
                                         TandemManager  *manager,
                                         GError        **error);

G_END_DECLS
