/* tandem-presence-label.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-presence-label"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-presence-label.h"

const char *
tandem_presence_get_label (TandemPresence presence)
{
  switch (presence)
    {
    case TANDEM_PRESENCE_AVAILABLE:
      return _("Available");
    case TANDEM_PRESENCE_AWAY:
      return _("Away");
    case TANDEM_PRESENCE_BUSY:
      return _("Busy");
    case TANDEM_PRESENCE_DND:
      return _("Do not disturb");
    case TANDEM_PRESENCE_OFFLINE:
    default:
      return _("Offline");
    }
}

const char *
tandem_presence_get_icon_name (TandemPresence presence)
{
  switch (presence)
    {
    case TANDEM_PRESENCE_AVAILABLE:
      return "user-available-symbolic";
    case TANDEM_PRESENCE_AWAY:
      return "user-away-symbolic";
    case TANDEM_PRESENCE_BUSY:
    case TANDEM_PRESENCE_DND:
      return "user-busy-symbolic";
    case TANDEM_PRESENCE_OFFLINE:
    default:
      return "user-offline-symbolic";
    }
}
