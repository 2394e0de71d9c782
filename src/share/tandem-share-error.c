/* tandem-share-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-share-error"

#include "tandem-share-error.h"

G_DEFINE_QUARK (tandem-share-error-quark, tandem_share_error)
