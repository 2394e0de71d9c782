#!/usr/bin/python3
# tandem-bench-wayland-client.py: what tandem-bench-share shows on the
# headless GNOME session (GDK_BACKEND=wayland).  One undecorated window:
#   - a 16x16 marker of colour 0x12ab34 at its top left (the bench finds
#     the window with it), then a grey background;
#   - a 100x100 probe at (PROBE_X, PROBE_Y), filled with the colour read
#     from stdin ("probe RRGGBB");
#   - a 640x480 region at (REGION_X, REGION_Y) redrawn at 60 Hz with a
#     moving gradient between "animate" and "still" on stdin.
# Prints "ready" once drawn, and on "still" "drawn N": the region frames
# it drew since "animate".
import sys

import gi
gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402
import cairo  # noqa: E402

W, H = int(sys.argv[1]), int(sys.argv[2])
PROBE_X, PROBE_Y, REGION_X, REGION_Y = 20, 40, 140, 20
state = {"probe": 0x203040, "animate": False, "phase": 0, "ready": False, "drawn": 0}


def rgb(c):
    return ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0


def on_draw(widget, cr):
    cr.set_source_rgb(*rgb(0x404040))
    cr.paint()
    cr.set_source_rgb(*rgb(0x12AB34))
    cr.rectangle(0, 0, 16, 16)
    cr.fill()
    cr.set_source_rgb(*rgb(state["probe"]))
    cr.rectangle(PROBE_X, PROBE_Y, 100, 100)
    cr.fill()
    p = state["phase"]
    g = cairo.LinearGradient(REGION_X + (p * 7) % 640, REGION_Y, REGION_X + 640 + (p * 7) % 640, REGION_Y + 480)
    g.set_extend(cairo.EXTEND_REFLECT)
    g.add_color_stop_rgb(0, 1, (p % 50) / 50.0, 0)
    g.add_color_stop_rgb(0.5, 0, 0.5, 1)
    g.add_color_stop_rgb(1, 0.2, 1, (p % 30) / 30.0)
    cr.set_source(g)
    cr.rectangle(REGION_X, REGION_Y, 640, 480)
    cr.fill()
    if state["animate"]:
        state["drawn"] += 1
    if not state["ready"]:
        state["ready"] = True
        print("ready", flush=True)
    return True


def on_tick(widget, clock):
    if state["animate"]:
        state["phase"] += 1
        widget.queue_draw_area(REGION_X, REGION_Y, 640, 480)
    return True


def on_stdin(channel, condition):
    line = sys.stdin.readline()
    if not line:
        Gtk.main_quit()
        return False
    words = line.split()
    if words and words[0] == "probe":
        state["probe"] = int(words[1], 16)
        area.queue_draw_area(PROBE_X, PROBE_Y, 100, 100)
    elif words and words[0] == "animate":
        state["animate"] = True
    elif words and words[0] == "still":
        state["animate"] = False
        print("drawn %d" % state["drawn"], flush=True)
        state["drawn"] = 0
    return True


window = Gtk.Window(title="tandem-bench")
window.set_decorated(False)
area = Gtk.DrawingArea()
area.set_size_request(W, H)
area.connect("draw", on_draw)
area.add_tick_callback(on_tick)
window.add(area)
window.show_all()
GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.IO_IN | GLib.IO_HUP, on_stdin)
Gtk.main()
