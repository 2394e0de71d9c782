/* tandem-x11-input.h: XTest input on one Display (TandemX11Capture's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <X11/Xlib.h>

G_BEGIN_DECLS

/* XTest input on one Display, used from the capture's thread only. */
typedef struct _TandemX11Input TandemX11Input;

TandemX11Input *tandem_x11_input_new     (Display        *display);
void            tandem_x11_input_free    (TandemX11Input *input);
void            tandem_x11_input_pointer (TandemX11Input *input,
                                          int             root_x,
                                          int             root_y,
                                          guint           button_mask);
void            tandem_x11_input_key     (TandemX11Input *input,
                                          gboolean        down,
                                          guint32         keysym);
void            tandem_x11_input_release_all (TandemX11Input *input);

G_END_DECLS
