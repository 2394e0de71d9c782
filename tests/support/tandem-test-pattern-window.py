#!/usr/bin/python3
# tandem-test-pattern-window.py WIDTH HEIGHT LOG [XOR]: a GTK3 window (on
# whatever GDK_BACKEND says) showing a known pattern, pixel for pixel:
#   pixel (i, j) = PALETTE[(bi * 7 + bj * 3 + bi * bj) % 16] ^ XOR,
#   bi = i // 10, bj = j // 10
# (blocks of 16 colours: a VNC encoder keeps them lossless, as it does a
# desktop, where a photo-like gradient would go out as JPEG)
# It appends to LOG: "drawn XOR" after each draw, "button B X Y" for each
# button press on it, "key NAME" for each key press.  A button press also
# flips XOR (^ 0xffffff) and redraws, so a viewer can see damage arrive.
import sys

import gi
gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402
import cairo  # noqa: E402

width, height = int(sys.argv[1]), int(sys.argv[2])
log = open(sys.argv[3], "a", buffering=1)
state = {"xor": int(sys.argv[4], 0) if len(sys.argv) > 4 else 0}


PALETTE = [0x000000, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF, 0xFFFFFF,
           0x804020, 0x208040, 0x402080, 0xC0C0C0, 0x808080, 0x123456, 0x654321, 0xABCDEF]


def pixel(i, j, xor):
    bi, bj = i // 10, j // 10
    return PALETTE[(bi * 7 + bj * 3 + bi * bj) % 16] ^ xor


def make_surface(xor):
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, width, height)
    stride = surface.get_stride()
    data = bytearray(stride * height)
    for j in range(height):
        row = j * stride
        for i in range(width):
            p = pixel(i, j, xor)
            o = row + i * 4
            data[o] = p & 255
            data[o + 1] = (p >> 8) & 255
            data[o + 2] = (p >> 16) & 255
    surface.get_data()[:] = data
    surface.mark_dirty()
    return surface


state["surface"] = make_surface(state["xor"])


def on_draw(widget, cr):
    cr.set_operator(cairo.OPERATOR_SOURCE)
    cr.set_source_surface(state["surface"], 0, 0)
    cr.paint()
    log.write("drawn %d\n" % state["xor"])
    return True


def on_button(widget, event):
    widget.grab_focus()
    log.write("button %d %d %d\n" % (event.button, event.x, event.y))
    state["xor"] ^= 0xFFFFFF
    state["surface"] = make_surface(state["xor"])
    widget.queue_draw()
    return True


def on_key(widget, event):
    log.write("key %s\n" % Gdk.keyval_name(event.keyval))
    return True


window = Gtk.Window(title="Tandem test pattern")
window.set_decorated(False)
window.set_resizable(False)
area = Gtk.DrawingArea()
area.set_size_request(width, height)
area.set_can_focus(True)
area.add_events(Gdk.EventMask.BUTTON_PRESS_MASK | Gdk.EventMask.KEY_PRESS_MASK)
area.connect("draw", on_draw)
area.connect("button-press-event", on_button)
area.connect("key-press-event", on_key)
window.add(area)
window.connect("destroy", Gtk.main_quit)
window.show_all()
area.grab_focus()
Gtk.main()
