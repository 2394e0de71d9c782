/* tandem-viewer-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-viewer-error"

#include "config.h"

#include "tandem-viewer-error.h"

G_DEFINE_QUARK (tandem-viewer-error-quark, tandem_viewer_error)
