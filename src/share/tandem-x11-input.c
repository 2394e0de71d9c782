/* tandem-x11-input.c: remote pointer and keyboard events replayed with
 * XTest.  Keysyms that the keymap lacks get a spare keycode remapped to
 * them for as long as they are needed; releases use the keycode the press
 * used, so a keymap change in between cannot leave a key stuck.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-x11-input"

#include "config.h"

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "tandem-x11-input.h"

#define N_SPARE 8

struct _TandemX11Input
{
  Display    *display;
  guint       buttons;
  GHashTable *down;              /* keysym -> keycode held down */
  KeyCode     spare[N_SPARE];    /* keycodes without symbols, ours to remap */
  KeySym      spare_sym[N_SPARE];
  guint       n_spare;
  guint       next_spare;
};

TandemX11Input *
tandem_x11_input_new (Display *display)
{
  TandemX11Input *input = g_new0 (TandemX11Input, 1);
  int min_kc, max_kc, per;
  KeySym *map;

  input->display = display;
  input->down = g_hash_table_new (NULL, NULL);

  XDisplayKeycodes (display, &min_kc, &max_kc);
  map = XGetKeyboardMapping (display, min_kc, max_kc - min_kc + 1, &per);
  /* Spare keycodes from the top: empty rows of the map. */
  for (int kc = max_kc; kc >= min_kc && input->n_spare < N_SPARE; kc--)
    {
      gboolean empty = TRUE;

      for (int i = 0; i < per && empty; i++)
        empty = map[(kc - min_kc) * per + i] == NoSymbol;
      if (empty)
        input->spare[input->n_spare++] = kc;
    }
  XFree (map);
  g_debug ("%u spare keycodes for keysyms missing from the keymap", input->n_spare);
  return input;
}

void
tandem_x11_input_release_all (TandemX11Input *input)
{
  GHashTableIter iter;
  gpointer key, value;

  for (int b = 0; b < 8; b++)
    if (input->buttons & (1u << b))
      XTestFakeButtonEvent (input->display, b + 1, False, CurrentTime);
  input->buttons = 0;

  g_hash_table_iter_init (&iter, input->down);
  while (g_hash_table_iter_next (&iter, &key, &value))
    XTestFakeKeyEvent (input->display, GPOINTER_TO_UINT (value), False, CurrentTime);
  g_hash_table_remove_all (input->down);
  XFlush (input->display);
}

void
tandem_x11_input_free (TandemX11Input *input)
{
  if (input == NULL)
    return;

  tandem_x11_input_release_all (input);
  /* Give the borrowed keycodes back. */
  for (guint i = 0; i < input->n_spare; i++)
    if (input->spare_sym[i] != NoSymbol)
      {
        KeySym none = NoSymbol;

        XChangeKeyboardMapping (input->display, input->spare[i], 1, &none, 1);
      }
  XFlush (input->display);
  g_hash_table_unref (input->down);
  g_free (input);
}

void
tandem_x11_input_pointer (TandemX11Input *input,
                          int             root_x,
                          int             root_y,
                          guint           button_mask)
{
  XTestFakeMotionEvent (input->display, -1, root_x, root_y, CurrentTime);
  for (int b = 0; b < 8; b++)
    {
      guint bit = 1u << b;

      if ((button_mask & bit) != (input->buttons & bit))
        XTestFakeButtonEvent (input->display, b + 1, (button_mask & bit) != 0, CurrentTime);
    }
  input->buttons = button_mask & 0xff;
  XFlush (input->display);
}

static KeyCode
remap_spare (TandemX11Input *input,
             KeySym          keysym)
{
  KeySym syms[2] = { keysym, keysym };
  KeyCode kc;

  for (guint i = 0; i < input->n_spare; i++)
    if (input->spare_sym[i] == keysym)
      return input->spare[i];
  if (input->n_spare == 0)
    return 0;

  /* Round robin, skipping a keycode that is still held. */
  for (guint tries = 0; tries < input->n_spare; tries++)
    {
      guint i = input->next_spare++ % input->n_spare;
      GHashTableIter iter;
      gpointer value;
      gboolean held = FALSE;

      kc = input->spare[i];
      g_hash_table_iter_init (&iter, input->down);
      while (g_hash_table_iter_next (&iter, NULL, &value) && !held)
        held = GPOINTER_TO_UINT (value) == kc;
      if (held)
        continue;

      XChangeKeyboardMapping (input->display, kc, 2, syms, 1);
      XSync (input->display, False);
      input->spare_sym[i] = keysym;
      g_debug ("keysym 0x%lx mapped to spare keycode %u", (unsigned long) keysym, kc);
      return kc;
    }
  return 0;
}

void
tandem_x11_input_key (TandemX11Input *input,
                      gboolean        down,
                      guint32         keysym)
{
  gpointer held;
  KeyCode kc;

  if (!down)
    {
      if (!g_hash_table_lookup_extended (input->down, GUINT_TO_POINTER (keysym), NULL, &held))
        return;
      XTestFakeKeyEvent (input->display, GPOINTER_TO_UINT (held), False, CurrentTime);
      g_hash_table_remove (input->down, GUINT_TO_POINTER (keysym));
      XFlush (input->display);
      return;
    }

  kc = XKeysymToKeycode (input->display, keysym);
  if (kc == 0)
    kc = remap_spare (input, keysym);
  if (kc == 0)
    {
      g_debug ("no keycode for keysym 0x%x", keysym);
      return;
    }
  g_hash_table_insert (input->down, GUINT_TO_POINTER (keysym), GUINT_TO_POINTER (kc));
  XTestFakeKeyEvent (input->display, kc, True, CurrentTime);
  XFlush (input->display);
}
