/* tandem-share-prompt.h: the window's question when someone offers their
 * screen or asks to see ours: "bob asks to see your screen." with Decline
 * and Share… (or Accept), which activate the application's share actions
 * (decline-share, choose-accept-share, accept-share).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_PROMPT (tandem_share_prompt_get_type ())
G_DECLARE_FINAL_TYPE (TandemSharePrompt, tandem_share_prompt, TANDEM, SHARE_PROMPT, GtkInfoBar)

/* @asks_to_see: the peer wants our screen (else it offers its own);
 * @on_call: the peer is on the current call; @with_audio: accepting also
 * calls them for the audio. */
GtkWidget  *tandem_share_prompt_new      (const char        *peer_name,
                                          gboolean           asks_to_see,
                                          gboolean           on_call,
                                          gboolean           with_audio);
const char *tandem_share_prompt_get_text (TandemSharePrompt *self);

G_END_DECLS
