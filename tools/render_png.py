#!/usr/bin/env python3
"""Render an HTML report to PNG with headless Chromium, then check that the PNG is not blank.

    python3 tools/render_png.py REPORT.html OUT.png [--width 1280] [--height N]

Without --height the screenshot covers the whole page: Chromium is driven over the DevTools
protocol on a pipe (--remote-debugging-pipe, no network port), the page's full height is read
after load (Page.getLayoutMetrics) and captured in one image (Page.captureScreenshot with
captureBeyondViewport). Chromium's command line has no full-page switch: --screenshot only
captures the window, so a fixed tall window either crops long reports or pads short ones.
With --height N the plain command line is used instead (--screenshot --window-size=W,N):
exactly W x N pixels, whatever the page's length.

The PNG is then decoded here (zlib, 8-bit grey/RGB/RGBA, non-interlaced, filters 0-4) and the
run fails if the file is missing, smaller than 200x200, or blank: fewer than --min-ink percent
of the pixels differ from the most common colour, or fewer than --min-colours distinct colours.

Notes (Debian 12, Chromium 156, as root in a container with no display, no D-Bus, no network):
- --no-sandbox is required as root; --disable-dev-shm-usage because /dev/shm is often tiny.
- Crashpad cannot be switched off in Debian's build and writes "Crash Reports" under
  $HOME/.config/chromium whatever --user-data-dir says: HOME and XDG dirs point into a temp dir.
- Chromium prints D-Bus errors on every run (silenced by --log-level=3); stderr goes to a log
  that is shown, less that noise, only when the render fails.
- With no font installed text is not drawn at all (no boxes): fc-list is checked first.
- Write <meta charset="utf-8"> in reports: Chromium guesses UTF-8 for file:// pages without it,
  but that is a guess, and other browsers do not make it.
- A short text-only page can fall under 1% ink: lower --min-ink for such pages.

Exit codes: 0 rendered and not blank; 1 render failed or the image is blank or invalid;
2 no Chromium found (`make deps-render` installs it) or bad arguments.
Python standard library only.
"""
import argparse
import base64
import collections
import json
import math
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from array import array

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MIN_SIDE = 200
MIN_AUTO_HEIGHT = 800       # window height in full-page mode: the shortest image it gives
MAX_AUTO_HEIGHT = 16384     # full-page screenshots are cut at this height (a warning says so)


class RenderError(Exception):
    pass


def log(msg):
    print(f"render: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- browser

def find_browser():
    env = os.environ.get("CHROMIUM")
    if env:
        path = shutil.which(env)
        if path is None:
            log(f"CHROMIUM={env} is not an executable")
            sys.exit(2)
        return path
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    print("render: chromium not found (make deps-render installs it)", file=sys.stderr)
    sys.exit(2)


def check_fonts():
    """Without any font Chromium draws no text at all (not even boxes), which the ink check can miss."""
    if shutil.which("fc-list") is None:
        return
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return
    if not out.strip():
        raise RenderError("no fonts installed, text would be invisible (make deps-render installs fonts-dejavu-core)")


def chromium_flags(profile, width, height):
    return [
        "--headless=new",
        "--no-sandbox",                 # the sandbox refuses to start as root
        "--disable-gpu",
        "--disable-dev-shm-usage",      # /dev/shm is small in many containers: use /tmp
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--force-color-profile=srgb",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-breakpad",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        "--metrics-recording-only",
        "--mute-audio",
        "--allow-file-access-from-files",  # a report may fetch() its own data files
        "--log-level=3",                # silences the D-Bus errors printed when no bus runs
    ]


def browser_env(tmp):
    # crashpad writes "Crash Reports" under $HOME/.config/chromium whatever --user-data-dir says,
    # and dconf its cache under $HOME/.cache: keep both in the temporary directory.
    env = dict(os.environ)
    env["HOME"] = tmp
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, ".config")
    env["XDG_CACHE_HOME"] = os.path.join(tmp, ".cache")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def stop(proc, grace=5.0):
    """End the browser we started: its process group (start_new_session), by id."""
    if proc.poll() is None:
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass


# Lines Chromium prints on every run in a container, which say nothing about a failure: no D-Bus
# (system or session bus), and Debian's /usr/bin/chromium wrapper choking on two /dev/shm mounts.
NOISE = ("dbus/", "unexpected operator", "Fontconfig error")


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f if l.strip() and not any(k in l for k in NOISE)]
    except OSError:
        return ""
    return "\n".join("    " + l for l in lines[-n:])


def render_cli(browser, url, out, width, height, timeout, tmp):
    """Plain command line: a W x H window, screenshot of what it shows."""
    cmd = [browser] + chromium_flags(os.path.join(tmp, "profile"), width, height) + [f"--screenshot={out}", url]
    errlog = os.path.join(tmp, "chromium.log")
    with open(errlog, "w") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                env=browser_env(tmp), start_new_session=True)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            stop(proc, grace=0)
            raise RenderError(f"chromium timed out after {timeout:g} s\n{tail(errlog)}".rstrip())
    if rc != 0:
        raise RenderError(f"chromium exited with status {rc}\n{tail(errlog)}".rstrip())


class DevTools:
    """The DevTools protocol over --remote-debugging-pipe: JSON messages ending in NUL, commands on
    the browser's fd 3, replies and events on its fd 4."""

    def __init__(self, cmd, env, errlog, deadline):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def child_fds():
            # dup first: a pipe end may already be numbered 3 or 4
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.err = open(errlog, "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.err, stderr=self.err, env=env,
                                     close_fds=False, preexec_fn=child_fds, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.deadline = deadline
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.step = "starting chromium"

    def close(self):
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self.err.close()

    def _read_message(self):
        while b"\0" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                raise TimeoutError
            data = os.read(self.from_browser, 1 << 20)
            if not data:
                raise RenderError("chromium closed the DevTools pipe (crashed or exited)")
            self.buf += data
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self.to_browser, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError:
            raise RenderError("chromium closed the DevTools pipe (crashed or exited)")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RenderError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method, **params):
        def match(ev):
            return ev.get("method") == method and all(ev.get("params", {}).get(k) == v for k, v in params.items())
        while True:
            for i, ev in enumerate(self.events):
                if match(ev):
                    return self.events.pop(i)
            msg = self._read_message()
            if "method" in msg:
                self.events.append(msg)


def page_warnings(events):
    out = []
    for ev in events:
        p = ev.get("params", {})
        if ev.get("method") == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description") or d.get("text", "")
            out.append(f"JavaScript exception: {text.splitlines()[0] if text else '?'}")
        elif ev.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            out.append(f"{e.get('text', '')} {e.get('url', '')}".strip())
        elif ev.get("method") == "Runtime.consoleAPICalled" and p.get("type") == "error":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append(f"console.error: {args}")
    return out


def render_full_page(browser, url, out, width, timeout, tmp):
    """DevTools over a pipe: load, wait for fonts and two frames, measure, capture the whole page."""
    cmd = [browser] + chromium_flags(os.path.join(tmp, "profile"), width, MIN_AUTO_HEIGHT) + \
        ["--remote-debugging-pipe", "about:blank"]
    errlog = os.path.join(tmp, "chromium.log")
    dt = DevTools(cmd, browser_env(tmp), errlog, time.monotonic() + timeout)
    try:
        targets = dt.call("Target.getTargets")["targetInfos"]
        dt.step = "opening the page"
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            target = pages[0]["targetId"]
        else:
            target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            dt.call(domain, session=s)
        dt.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session=s)
        # the window's viewport is smaller than --window-size (headless keeps room for a toolbar):
        # make it exactly W x MIN_AUTO_HEIGHT so that 100vh means the same in both modes
        dt.call("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": MIN_AUTO_HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=s)
        dt.step = "loading the page"
        nav = dt.call("Page.navigate", {"url": url}, session=s)
        if nav.get("errorText"):
            raise RenderError(f"cannot load {url}: {nav['errorText']}")
        # the load event of this navigation, not a late one from the initial about:blank
        dt.wait_event("Page.lifecycleEvent", name="load", loaderId=nav.get("loaderId"))
        dt.step = "waiting for fonts and the first frames"
        dt.call("Runtime.evaluate", {
            "expression": "document.fonts.ready.then(() => new Promise(r =>"
                          " requestAnimationFrame(() => requestAnimationFrame(() => r(1)))))",
            "awaitPromise": True}, session=s)
        dt.step = "taking the screenshot"
        metrics = dt.call("Page.getLayoutMetrics", session=s)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = max(MIN_AUTO_HEIGHT, math.ceil(size["height"]))
        if height > MAX_AUTO_HEIGHT:
            log(f"warning: page is {height} px tall, screenshot cut at {MAX_AUTO_HEIGHT} px")
            height = MAX_AUTO_HEIGHT
        shot = dt.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "fromSurface": True, "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session=s)
        with open(out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        warnings = page_warnings(dt.events)
        dt.step = "closing chromium"
        try:
            dt.call("Browser.close")
        except (RenderError, TimeoutError):
            pass
    except TimeoutError:
        stop(dt.proc, grace=0)
        raise RenderError(f"chromium timed out after {timeout:g} s while {dt.step}\n{tail(errlog)}".rstrip())
    except RenderError as e:
        stop(dt.proc, grace=0)
        raise RenderError(f"{e}\n{tail(errlog)}".rstrip())
    finally:
        stop(dt.proc)
        dt.close()
    for w in warnings[:10]:
        log(f"warning: {w}")
    return height


# --------------------------------------------------------------------------- PNG

def _paeth_row(cur, prev, bpp):
    out = bytearray(cur)
    n = len(out)
    for i in range(bpp):                      # a = c = 0: Paeth picks b
        out[i] = (out[i] + prev[i]) & 0xFF
    for i in range(bpp, n):
        a = out[i - bpp]
        b = prev[i]
        c = prev[i - bpp]
        pa = b - c
        pb = a - c
        pc = pa + pb
        if pa < 0: pa = -pa
        if pb < 0: pb = -pb
        if pc < 0: pc = -pc
        if pa <= pb and pa <= pc:
            out[i] = (out[i] + a) & 0xFF
        elif pb <= pc:
            out[i] = (out[i] + b) & 0xFF
        else:
            out[i] = (out[i] + c) & 0xFF
    return out


def _average_row(cur, prev, bpp):
    out = bytearray(cur)
    for i in range(bpp):
        out[i] = (out[i] + (prev[i] >> 1)) & 0xFF
    for i in range(bpp, len(out)):
        out[i] = (out[i] + ((out[i - bpp] + prev[i]) >> 1)) & 0xFF
    return out


def decode_png(path):
    """Returns (width, height, channels, pixels) with pixels as bytes, rows packed, no filter bytes."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RenderError(f"cannot read {path}: {e.strerror}")
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RenderError(f"{path} is not a PNG file")
    pos, ihdr, idat = 8, None, []
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise RenderError(f"{path}: truncated PNG chunk {ctype!r}")
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
        pos += 12 + length
    if ihdr is None or not idat:
        raise RenderError(f"{path}: PNG without IHDR or IDAT")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise RenderError(f"{path}: unsupported PNG (bit depth {depth}, colour type {colour}, "
                          f"interlace {interlace}); expected 8-bit grey/RGB/RGBA, not interlaced")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise RenderError(f"{path}: corrupt image data ({e})")
    bpp, stride = channels, width * channels
    if len(raw) < height * (stride + 1):
        raise RenderError(f"{path}: image data too short")

    # Filters None and Up, and Sub, are done on whole rows as big integers, 8-bit lanes added
    # without carries between lanes; Average and Paeth go byte by byte.
    nbits = stride * 8
    full = (1 << nbits) - 1
    low7 = int.from_bytes(b"\x7f" * stride, "little")
    high = int.from_bytes(b"\x80" * stride, "little")

    def add_lanes(x, y):
        return ((x & low7) + (y & low7)) ^ ((x ^ y) & high)

    out = bytearray(height * stride)
    prev = bytes(stride)
    prev_int = 0
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        cur = raw[start + 1:start + 1 + stride]
        if ftype == 0:
            row = cur
            row_int = None
        elif ftype == 2:
            row_int = add_lanes(int.from_bytes(cur, "little"), prev_int)
            row = row_int.to_bytes(stride, "little")
        elif ftype == 1:
            x = int.from_bytes(cur, "little")
            shift = bpp * 8
            while shift < nbits:            # prefix sum over pixels: log2(width) steps
                x = add_lanes(x, (x << shift) & full)
                shift *= 2
            row_int = x
            row = x.to_bytes(stride, "little")
        elif ftype == 3:
            row = bytes(_average_row(cur, prev, bpp))
            row_int = None
        elif ftype == 4:
            row = bytes(_paeth_row(cur, prev, bpp))
            row_int = None
        else:
            raise RenderError(f"{path}: bad filter type {ftype} on row {y}")
        out[y * stride:(y + 1) * stride] = row
        prev = row
        prev_int = row_int if row_int is not None else int.from_bytes(row, "little")
    return width, height, channels, bytes(out)


def ink_stats(width, height, channels, pixels):
    """(share of pixels not of the most common colour, number of distinct colours)."""
    n = width * height
    if channels == 4:
        packed = pixels
    else:
        packed = bytearray(n * 4)
        for c in range(channels):
            packed[c::4] = pixels[c::channels]
    counts = collections.Counter(array("I", bytes(packed)))
    top = counts.most_common(1)[0][1]
    return (n - top) / n, len(counts)


# --------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description="Render an HTML report to PNG with headless Chromium and "
                                             "fail if rendering fails or the page is blank.")
    ap.add_argument("html")
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=None,
                    help="window height; without it the whole page is captured (at least "
                         f"{MIN_AUTO_HEIGHT}, at most {MAX_AUTO_HEIGHT} px)")
    ap.add_argument("--timeout", type=float, default=90.0, help="seconds (default 90)")
    ap.add_argument("--min-ink", type=float, default=1.0,
                    help="least percent of pixels not of the background colour (default 1)")
    ap.add_argument("--min-colours", type=int, default=3, help="least distinct colours (default 3)")
    args = ap.parse_args(argv)
    if args.width < MIN_SIDE or (args.height is not None and args.height < MIN_SIDE):
        ap.error(f"--width and --height must be at least {MIN_SIDE}")

    browser = find_browser()
    html = os.path.abspath(args.html)
    out = os.path.abspath(args.out)
    name = os.path.basename(args.html)
    outname = os.path.basename(args.out)
    try:
        if not os.path.isfile(html):
            raise RenderError(f"{args.html}: no such file")
        check_fonts()
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if os.path.exists(out):
            os.remove(out)            # never check a stale image from an earlier run
        url = "file://" + html.replace("%", "%25").replace("#", "%23").replace("?", "%3F").replace(" ", "%20")
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="render_png-") as tmp:
            if args.height is None:
                render_full_page(browser, url, out, args.width, args.timeout, tmp)
            else:
                render_cli(browser, url, out, args.width, args.height, args.timeout, tmp)
        seconds = time.monotonic() - t0
        if not os.path.isfile(out) or os.path.getsize(out) == 0:
            raise RenderError(f"chromium wrote no image to {args.out}")
        w, h, ch, px = decode_png(out)
        if w < MIN_SIDE or h < MIN_SIDE:
            raise RenderError(f"{args.out} is {w}×{h}, smaller than {MIN_SIDE}×{MIN_SIDE}")
        ink, colours = ink_stats(w, h, ch, px)
    except RenderError as e:
        print(f"render: {name}: FAILED: {e}", file=sys.stderr)
        return 1
    line = f"render: {name} → {outname} {w}×{h}, {ink * 100:.1f}% ink, {colours} colours, {seconds:.1f} s"
    if ink * 100 < args.min_ink or colours < args.min_colours:
        print(f"{line}: FAILED: the page is blank (needs ≥ {args.min_ink:g}% ink and "
              f"≥ {args.min_colours} colours)", file=sys.stderr)
        return 1
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
