/* tandem-share-key-dialog.h: "The security code of bob changed": asked
 * before a share to a peer whose verified key changed serves a pixel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-share.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_KEY_DIALOG (tandem_share_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareKeyDialog, tandem_share_key_dialog, TANDEM, SHARE_KEY_DIALOG, GtkMessageDialog)

/* Stop Sharing stops @share; Share Anyway emits "share-anyway"; either
 * way the dialog destroys itself, and also when @share ends. */
GtkWidget *tandem_share_key_dialog_new (GtkWindow   *parent,
                                        TandemShare *share,
                                        const char  *peer_name);

/* Signals:
 *   "share-anyway" (TandemShare *share): the user chose to share. */

G_END_DECLS
