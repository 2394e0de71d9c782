#!/usr/bin/python3
# tandem-test-portal-dialog.py MODE TIMEOUT_MS: answers xdg-desktop-portal-
# gnome's "Screen Share" / "Remote Desktop" dialog over AT-SPI, as a user
# would: MODE "share" selects the first monitor and presses Share,
# "allow-input" also ticks "Allow remote interaction" first, "cancel"
# presses Cancel, "window:TEXT" opens the Window page and picks the window
# whose row names TEXT (gnome-shell lists them; plain mutter does not),
# "allow-input,window:TEXT" does both.
# Exits 0 once it pressed, 1 (printing the accessible tree it saw) when no
# dialog came within TIMEOUT_MS.
import sys
import time

import pyatspi

mode = sys.argv[1]
allow_input = mode.startswith("allow-input")
window_title = mode.split("window:", 1)[1] if "window:" in mode else None
deadline = time.monotonic() + int(sys.argv[2]) / 1000.0


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def role(node):
    try:
        return node.getRoleName()
    except Exception:
        return ""


def name(node):
    try:
        return node.name or ""
    except Exception:
        return ""


def act(node):
    try:
        action = node.queryAction()
        for i in range(action.nActions):
            if action.getName(i) in ("click", "press", "activate", "toggle"):
                action.doAction(i)
                return True
        if action.nActions > 0:
            action.doAction(0)
            return True
    except NotImplementedError:
        pass
    return False


def checked(node):
    try:
        return node.getState().contains(pyatspi.STATE_CHECKED)
    except Exception:
        return False


def selected(node):
    try:
        return node.getState().contains(pyatspi.STATE_SELECTED)
    except Exception:
        return False


def select(node):
    """Selects @node in its list (GTK 4 rows have no action)."""
    try:
        parent = node.parent
        index = node.getIndexInParent()
        if parent.querySelection().selectChild(index):
            return True
    except Exception as e:
        print("portal-dialog: no selection interface: %s" % e, file=sys.stderr)
    return act(node)


def sensitive(node):
    try:
        return node.getState().contains(pyatspi.STATE_SENSITIVE)
    except Exception:
        return False


def portal_app():
    """The portal's application that shows a dialog now (it may be listed
    more than once, once without any window)."""
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and "portal" in name(app).lower() and button(app, ("Share",)) is not None:
            return app
    return None


def button(app, words):
    for node in walk(app):
        if role(node) in ("push button", "button") and any(w in name(node) for w in words):
            return node
    return None


def dump():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        print("app:", name(app), file=sys.stderr)
        for node in walk(app):
            print("  ", role(node), repr(name(node)), "sensitive" if sensitive(node) else "",
                  file=sys.stderr)


while time.monotonic() < deadline:
    try:
        app = portal_app()
    except Exception as e:
        print("portal-dialog: %s" % e, file=sys.stderr)
        time.sleep(0.2)
        continue
    share = button(app, ("Share",)) if app is not None else None
    if share is None:
        time.sleep(0.1)
        continue
    time.sleep(0.2)  # the dialog fills its monitor list
    if mode == "cancel":
        cancel = button(app, ("Cancel",))
        if cancel is not None and act(cancel):
            print("portal-dialog: pressed %r in %r" % (name(cancel), name(app)), file=sys.stderr)
            sys.exit(0)
        continue
    if window_title is not None:
        # the picker's Window page first (a stack switcher's tab)
        for tab in [n for n in walk(app) if role(n) in ("page tab", "toggle button", "radio button")
                    and "window" in name(n).lower()]:
            if not checked(tab) and not selected(tab):
                print("portal-dialog: opening the %r page" % name(tab), file=sys.stderr)
                select(tab)
                time.sleep(0.3)
        rows = [n for n in walk(app) if role(n) in ("list item", "row", "table row")
                and window_title in name(n)]
        if not rows:
            dump()
            print("portal-dialog: no window row names %r yet" % window_title, file=sys.stderr)
            time.sleep(0.3)
            continue
        print("portal-dialog: selecting %s %r" % (role(rows[0]), name(rows[0])), file=sys.stderr)
        select(rows[0])
        time.sleep(0.2)
        rows = []
    else:
        rows = [n for n in walk(app) if role(n) in ("list item", "row", "table row")
                and "remote" not in name(n).lower()]
    if allow_input:
        # only the check box itself: its row and label toggle it too
        boxes = [n for n in walk(app) if role(n) in ("check box", "toggle button", "switch")
                 and "remote interaction" in name(n).lower()]
        for box in boxes[:1]:
            if not checked(box):
                print("portal-dialog: ticking %s %r" % (role(box), name(box)), file=sys.stderr)
                act(box)
            for _ in range(50):
                if checked(box):
                    break
                time.sleep(0.02)
            if not checked(box):
                continue
    # Share stays insensitive until a monitor or window is selected.
    for row in rows:
        if sensitive(share):
            break
        print("portal-dialog: selecting %s %r" % (role(row), name(row)), file=sys.stderr)
        select(row)
        for _ in range(25):
            if sensitive(share):
                break
            time.sleep(0.02)
    if not sensitive(share):
        dump()
        print("portal-dialog: Share stays insensitive", file=sys.stderr)
        time.sleep(0.3)
        continue
    time.sleep(0.1)
    if act(share):
        print("portal-dialog: pressed %r in %r (%s)" % (name(share), name(app), mode), file=sys.stderr)
        sys.exit(0)

print("portal-dialog: no dialog within the time", file=sys.stderr)
dump()
sys.exit(1)
