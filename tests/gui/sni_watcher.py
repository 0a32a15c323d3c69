#!/usr/bin/python3
"""A minimal StatusNotifierWatcher for the tray's tests (Gio, Debian's python3-gi).

sni_watcher.py serve LOG
    Owns org.kde.StatusNotifierWatcher on the session bus, says a host is registered (so Qt's xcb
    platform puts QSystemTrayIcon on D-Bus as a StatusNotifierItem) and appends "<sender> <service>" to
    LOG for every RegisterStatusNotifierItem call. Runs until killed.
sni_watcher.py query BUS_NAME
    Prints the item's Status, ToolTip (title, text) and IconPixmap (sizes, SHA-256 of the largest) as one
    JSON object; BUS_NAME as it was registered (a name, or a name and an object path).
"""
import hashlib
import json
import sys

from gi.repository import Gio, GLib

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""


def serve(log_path):
    items = []
    loop = GLib.MainLoop()

    def on_call(conn, sender, path, iface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            service = params.unpack()[0]
            items.append(service)
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{sender} {service}\n")
            conn.emit_signal(None, path, WATCHER, "StatusNotifierItemRegistered", GLib.Variant("(s)", (service,)))
        invocation.return_value(None)

    def on_get(conn, sender, path, iface, prop):
        if prop == "RegisteredStatusNotifierItems":
            return GLib.Variant("as", items)
        if prop == "IsStatusNotifierHostRegistered":
            return GLib.Variant("b", True)
        return GLib.Variant("i", 0)

    node = Gio.DBusNodeInfo.new_for_xml(XML)

    def on_bus(conn, name):
        conn.register_object("/StatusNotifierWatcher", node.interfaces[0], on_call, on_get, None)

    Gio.bus_own_name(Gio.BusType.SESSION, WATCHER, Gio.BusNameOwnerFlags.NONE, on_bus, None,
                     lambda *a: loop.quit())
    loop.run()


def query(registered):
    # Qt registers its connection's unique name (or a well-known name); the item lives at /StatusNotifierItem.
    name, path = registered, "/StatusNotifierItem"
    if "/" in registered:
        name, path = registered[: registered.index("/")], registered[registered.index("/"):]
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    props = bus.call_sync(name, path, "org.freedesktop.DBus.Properties", "GetAll", GLib.Variant("(s)", (ITEM,)),
                          GLib.VariantType("(a{sv})"), Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
    pixmaps = props.get("IconPixmap", [])
    largest = max(pixmaps, key=lambda p: p[0] * p[1], default=None)
    tip = props.get("ToolTip", ("", [], "", ""))
    print(json.dumps({
        "Status": props.get("Status", ""),
        "Title": props.get("Title", ""),
        "ToolTipTitle": tip[2],
        "ToolTipText": tip[3],
        "IconSizes": [f"{p[0]}x{p[1]}" for p in pixmaps],
        "IconSha256": hashlib.sha256(bytes(largest[2])).hexdigest() if largest else "",
        "IconDistinctPixels": len({bytes(largest[2][i:i + 4]) for i in range(0, len(largest[2]), 4)})
        if largest else 0,
    }))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "query":
        query(sys.argv[2])
    else:
        sys.exit(__doc__)
