#!/usr/bin/python3
"""Close an X window the way a window manager's close button does: send it
WM_DELETE_WINDOW (xdotool's windowclose destroys the window instead, which
no program sees as a request to close).

usage: closewin.py WINDOW_ID   (decimal, as xdotool prints it)
Needs: python3-xlib.
"""
import sys

from Xlib import X, display
from Xlib.protocol import event


def main():
    d = display.Display()
    win = d.create_resource_object("window", int(sys.argv[1]))
    protocols = d.intern_atom("WM_PROTOCOLS")
    delete = d.intern_atom("WM_DELETE_WINDOW")
    ev = event.ClientMessage(window=win, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    win.send_event(ev, event_mask=X.NoEventMask)
    d.sync()


if __name__ == "__main__":
    main()
