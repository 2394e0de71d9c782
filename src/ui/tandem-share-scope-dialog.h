/* tandem-share-scope-dialog.h: what to share (whole screen, one monitor or
 * one window) and what the other side will see, before sharing starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_SCOPE_DIALOG (tandem_share_scope_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareScopeDialog, tandem_share_scope_dialog, TANDEM, SHARE_SCOPE_DIALOG, GtkDialog)

/* Share answers GTK_RESPONSE_OK, Cancel GTK_RESPONSE_CANCEL.
 * @initial_scope: a value of the share-scope setting ("screen",
 * "monitor:N", "window:XID"), or NULL; a monitor or window that no longer
 * exists selects the whole screen. */
TandemShareScopeDialog *tandem_share_scope_dialog_new       (GtkWindow              *parent,
                                                             const char             *peer_name,
                                                             const char             *initial_scope);
TandemShareScopeDialog *tandem_share_scope_dialog_new_for_portal (GtkWindow       *parent,
                                                                  const char      *peer_name);
/* The choice in the format of the share-scope setting: "screen",
 * "monitor:N" (the GdkMonitor index, which is the XRandR order) or
 * "window:XID" (decimal); "portal" from new_for_portal(). */
char                   *tandem_share_scope_dialog_dup_scope (TandemShareScopeDialog *self);

G_END_DECLS
