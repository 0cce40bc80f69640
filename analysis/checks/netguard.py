"""Keeping a page opened by a check off the network, and noticing when it tries.

The output and site checks open pages in headless Chromium "with the network cut". Chromium's proxy
and host-resolver flags (check_output.CHROMIUM_FLAGS) cover what goes through its network stack,
but not WebRTC: a page's ``RTCPeerConnection`` sent STUN packets to a public address and mDNS to
224.0.0.251 during such a check, and nothing noticed. Three layers now:

- **Flags** (:data:`FLAGS`). ``--webrtc-ip-handling-policy=disable_non_proxied_udp``: WebRTC may use
  UDP only through a proxy, and the only proxy is 127.0.0.1:9, where nothing listens; so it gathers
  no candidate and sends no STUN. It still joined the mDNS multicast group (an IGMP report), which
  ``--disable-features=WebRtcHideLocalIpsWithMdns`` stops (with no host candidate there is no
  address to hide). Measured on Chromium 156 in the namespace below, a page opening an
  ``RTCPeerConnection`` with a STUN server: without the flags STUN to the server, mDNS to
  224.0.0.251 and an IGMP report; with the first only the IGMP report; with both nothing
  (``--force-webrtc-ip-handling-policy`` changed nothing). Chromium keeps only the last
  ``--disable-features``: a check that needs another feature off adds it to that one.
- **A network namespace** (:func:`isolated_command`, :class:`Sink`): the check runs in a user and
  network namespace of its own (``unshare -rn``) whose only interfaces are loopback, where the
  site's server answers, and a TUN device every other route leads to. Nothing can leave the
  machine, whatever the page does, and every packet that tried is read from the device and named
  with the page that was open (:meth:`Sink.take`).
- **The page probe** (:data:`GUARD`): in the page, and in every frame of its origin as soon as it is
  in the document, ``RTCPeerConnection`` records the attempt (with its ICE servers) and refuses;
  a timer set to run after the check stops watching is recorded too; and a problem recorded after
  the probe reported is added to its report, so a late attempt is not missed.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import shutil
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass

FLAGS = ("--webrtc-ip-handling-policy=disable_non_proxied_udp", "--disable-features=WebRtcHideLocalIpsWithMdns")
ISOLATED_ENV = "BOSTON_REPORT_NETWORK_ISOLATED"  # set in the check re-run inside its namespace
SINK = "boston-sink"
SINK_V4, SINK_V6 = "192.0.2.1/32", "fd00:b057:0:1::1/128"  # documentation / unique-local: never routed anywhere
WATCHED_S = 60  # Chromium runs a page for this long (--virtual-time-budget); later timers never run in a check

GUARD = """<script>
(function () {
  const errors = window.__bostonErrors, WATCHED = %(watched)d;
  // A problem recorded after the probe reported (a late timer, a late connection) joins its report.
  const push = errors.push.bind(errors);
  errors.push = function () {
    const n = push.apply(null, arguments);
    const root = document.documentElement, seen = root && root.getAttribute("data-boston-check");
    if (seen) {
      const report = JSON.parse(seen);
      report.errors = errors.slice();
      const text = JSON.stringify(report);
      root.setAttribute("data-boston-check", text);
      if (window.parent !== window) window.parent.postMessage(text, "*");
    }
    return n;
  };
  const note = what => errors.push("network: " + what);
  function guard(win) {
    try { if (!win || win.__bostonGuarded) return; win.__bostonGuarded = true; } catch (e) { return; }
    for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection"]) {
      if (typeof win[name] !== "function") continue;
      const real = win[name];
      const refused = function (config) {
        const servers = [].concat(...((config && config.iceServers) || []).map(s => [].concat(s.urls || s.url || []))).join(" ");
        note(name + (servers ? " with ICE server(s) " + servers : "") + ": WebRTC, which no content security policy stops");
        throw new win.DOMException("refused by the check: " + name, "SecurityError");
      };
      refused.prototype = real.prototype;
      Object.defineProperty(win, name, {value: refused, writable: false, configurable: false});
    }
    for (const name of ["setTimeout", "setInterval"]) {
      const real = win[name];
      win[name] = function (code, delay) {
        if (win.performance.now() + Number(delay || 0) > WATCHED * 1000)
          note(name + "(…, " + delay + " ms): code set to run after the check stops watching the page");
        return real.apply(this, arguments);
      };
    }
    // A frame of this origin (about:blank, srcdoc) has a window of its own: guarded as soon as it is
    // in the document, before the next statement of the script that inserted it can use it.
    const frames = node => node && (/^(IFRAME|FRAME|OBJECT|EMBED)$/.test(node.nodeName) ||
                                    (node.querySelector && node.querySelector("iframe, frame, object, embed")));
    const guardFrames = () => {
      for (const f of win.document.querySelectorAll("iframe, frame, object, embed")) { try { guard(f.contentWindow); } catch (e) {} }
    };
    const after = (proto, method, test) => {
      const real = proto && proto[method];
      if (typeof real !== "function") return;
      proto[method] = function () { const r = real.apply(this, arguments); if (test(this, arguments)) guardFrames(); return r; };
    };
    const anyArg = (target, args) => Array.prototype.some.call(args, frames);
    for (const m of ["appendChild", "insertBefore", "replaceChild"]) after(win.Node && win.Node.prototype, m, anyArg);
    for (const m of ["append", "prepend", "before", "after", "replaceWith", "insertAdjacentElement"]) after(win.Element && win.Element.prototype, m, anyArg);
    after(win.Element && win.Element.prototype, "insertAdjacentHTML", () => true);
    after(win.Document && win.Document.prototype, "write", () => true);
    after(win.Document && win.Document.prototype, "writeln", () => true);
    for (const prop of ["innerHTML", "outerHTML"]) {
      const d = win.Element && Object.getOwnPropertyDescriptor(win.Element.prototype, prop);
      if (d && d.set) Object.defineProperty(win.Element.prototype, prop, {get: d.get, configurable: true,
        set(value) { d.set.call(this, value); guardFrames(); }});
    }
    const content = win.HTMLIFrameElement && Object.getOwnPropertyDescriptor(win.HTMLIFrameElement.prototype, "contentWindow");
    if (content && content.get) Object.defineProperty(win.HTMLIFrameElement.prototype, "contentWindow", {configurable: true,
      get() { const w = content.get.call(this); try { guard(w); } catch (e) {} return w; }});
    const open = win.open;
    win.open = function () { const w = open.apply(this, arguments); try { guard(w); } catch (e) {} return w; };
  }
  guard(window);
})();
</script>
""" % {"watched": WATCHED_S}


# --------------------------------------------------------------------------- the namespace

def isolated() -> bool:
    """True inside the namespace :func:`isolated_command` made: the marker is set and loopback is
    the only interface (so the marker alone, set by hand, never lets the check touch a real one)."""
    return os.environ.get(ISOLATED_ENV) == "1" and [name for _, name in socket.if_nameindex()] == ["lo"]


def isolated_command(cmd: list[str]) -> list[str] | None:
    """``cmd`` run in a user and network namespace of its own, or None where the system does not
    allow one (no unshare, or unprivileged user namespaces turned off)."""
    if shutil.which("unshare") is None:
        return None
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        return None
    return ["unshare", "-rn", "--", *cmd]


def run_isolated(args: list[str]) -> int | None:
    """Run ``python -m analysis.cli ARGS`` again inside its own network namespace and return its exit
    status; None where no namespace can be made."""
    cmd = isolated_command([sys.executable, "-m", "analysis.cli", *args])
    if cmd is None:
        return None
    return subprocess.run(cmd, env={**os.environ, ISOLATED_ENV: "1"}).returncode


_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_TUNSETIFF, _IFF_TUN, _IFF_NO_PI = 0x400454CA, 0x0001, 0x1000


def _ifreq(name: str, flags: int = 0) -> bytes:
    return struct.pack("16sH22x", name.encode(), flags)


def _up(name: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, _SIOCGIFFLAGS, _ifreq(name)))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, _ifreq(name, flags | _IFF_UP))


@dataclass(frozen=True)
class Packet:
    """One packet that tried to leave: protocol, destination address and port (None without one)."""

    protocol: str
    address: str
    port: int | None

    def __str__(self) -> str:
        where = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.protocol} {where}" + (f":{self.port}" if self.port is not None else "")


_PROTOCOLS = {1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 58: "icmpv6"}
# What the kernel itself sends on an interface that comes up (IPv6 router and neighbour discovery,
# multicast listener reports): not the page's doing.
_KERNEL_ICMPV6 = {130, 131, 132, 133, 134, 135, 136, 137, 143}


def parse(packet: bytes) -> Packet | None:
    """The destination of an IPv4 or IPv6 packet as the TUN device hands it over; None for what the
    kernel sends by itself or what is not IP."""
    if len(packet) >= 20 and packet[0] >> 4 == 4:
        proto, header = packet[9], (packet[0] & 0x0F) * 4
        address = str(ipaddress.IPv4Address(packet[16:20]))
        body = packet[header:]
    elif len(packet) >= 40 and packet[0] >> 4 == 6:
        proto, address, body = packet[6], str(ipaddress.IPv6Address(packet[24:40])), packet[40:]
        if proto == 58 and body and body[0] in _KERNEL_ICMPV6:
            return None
    else:
        return None
    port = int.from_bytes(body[2:4], "big") if proto in (6, 17) and len(body) >= 4 else None
    return Packet(_PROTOCOLS.get(proto, f"ip protocol {proto}"), address, port)


class Sink:
    """Inside the namespace: loopback up, and a TUN device that every route but loopback's leads to.
    What reaches the device went nowhere; :meth:`take` returns it, so the caller can name the page."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.notes: list[str] = []

    def open(self) -> "Sink":
        _up("lo")
        if shutil.which("ip") is None:
            self.notes.append("network: no `ip` command, so no catch-all device: a packet for elsewhere fails at once "
                              "(no route) and is not named")
            return self
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        fcntl.ioctl(fd, _TUNSETIFF, _ifreq(SINK, _IFF_TUN | _IFF_NO_PI))
        self.fd = fd
        steps = [["ip", "addr", "add", SINK_V4, "dev", SINK], ["ip", "link", "set", SINK, "up"],
                 ["ip", "route", "add", "default", "dev", SINK]]
        optional = [["ip", "-6", "addr", "add", SINK_V6, "dev", SINK, "nodad"], ["ip", "-6", "route", "add", "default", "dev", SINK]]
        for step in steps:
            subprocess.run(step, check=True, capture_output=True)
        for step in optional:  # IPv6 may be off in the namespace: then nothing IPv6 can leave either
            subprocess.run(step, capture_output=True)
        self.take()  # what the kernel sent as the device came up
        return self

    def take(self) -> list[Packet]:
        """Every packet sent towards the device since the last call (the page's, when a page was open)."""
        found: list[Packet] = []
        while self.fd is not None:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            packet = parse(data)
            if packet is not None:
                found.append(packet)
        return found

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
