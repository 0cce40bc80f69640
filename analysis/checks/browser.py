"""Pages opened the way a reader opens them, offline, in the real browser (Debian's Chromium, driven
by Playwright), and what their charts draw read back (``chart-read.js``).

Offline three times over: the browser context is set offline and every request other than the
page's own file or the loopback site being checked is refused and recorded; Chromium gets a proxy
that is not there, a resolver that resolves nothing and WebRTC kept off the network (the flags of
:mod:`analysis.checks.netguard`); and where
the system allows it (root in CI) the whole reading runs in a network namespace of its own with only
loopback up, so nothing can leave the machine even through a path the other two miss.

A phone is a viewport 390 CSS px wide (Playwright emulates it; a headless window cannot be made
narrower than 500 px).

With ``axe`` (the path of axe-core's script) each page is also audited for accessibility once its
charts are drawn (:func:`analysis.checks.accessibility.audit`: axe-core's WCAG 2.1 A/AA rules, the
probe's reading and the keyboard walk); the page's own content security policy is set aside for
that, so that the script can be injected into pages that allow no other script (the Data Docs).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis.checks.netguard import FLAGS as NETWORK_FLAGS  # WebRTC kept off the network

READER = Path(__file__).with_name("chart-read.js")
WIDTHS = (1280, 390)  # a desktop browser and a phone (390 CSS px, as an iPhone 14)
CHART_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions", "--proxy-server=127.0.0.1:9",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", *NETWORK_FLAGS)
# Every chart has finished drawing (chart-fit.js marks it done, or failed).
CHARTS_SETTLED = ("() => Array.from(document.querySelectorAll('.boston-chart'))"
                  ".every(c => ['done', 'failed'].includes(c.getAttribute('data-boston-fit')))")


class BrowserError(RuntimeError):
    """The browser could not be started or a page could not be read; the message says which."""


@dataclass(frozen=True)
class Reading:
    """What one page drew at one width: its charts' scenes, and what the page tried to load from
    outside or logged as an error."""

    page: str
    width: int
    charts: list[dict]
    blocked: list[str]
    errors: list[str]
    audit: dict | None = None


def find_chromium() -> str | None:
    import os  # noqa: PLC0415

    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _allowed(url: str, site: str | None) -> bool:
    return url.startswith(("file:", "data:", "blob:", "about:")) or bool(site and url.startswith(site))


def read_pages(urls: list[str], widths: tuple[int, ...] = WIDTHS, *, chromium: str, site: str | None = None,
               axe: str | None = None) -> list[Reading]:
    """Open every page at every width in one browser and read back its charts (in this process);
    with ``axe``, audit each for accessibility too."""
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    reader = READER.read_text(encoding="utf-8")
    axe_js = Path(axe).read_text(encoding="utf-8") if axe else None
    out: list[Reading] = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        except PlaywrightError as exc:
            raise BrowserError(f"Chromium ({chromium}) did not start: {str(exc).splitlines()[0]}") from None
        try:
            for url in urls:
                for width in widths:
                    out.append(_read(browser, url, width, reader, site, axe_js))
        finally:
            browser.close()
    return out


def _read(browser, url: str, width: int, reader: str, site: str | None, axe_js: str | None = None) -> Reading:
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415

    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block", bypass_csp=bool(axe_js))
    blocked: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        if _allowed(r.request.url, site):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console.error: {msg.text}") if msg.type == "error" else None)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(CHARTS_SETTLED, timeout=CHART_TIMEOUT_MS)
        page.add_script_tag(content=reader)
        charts = page.evaluate("bostonReadCharts()")
        found = None
        if axe_js is not None:
            from analysis.checks.accessibility import audit  # noqa: PLC0415

            found = audit(page, axe_js, keyboard=True)
    except PlaywrightError as exc:
        raise BrowserError(f"{url} at {width} px: {str(exc).splitlines()[0]}") from None
    finally:
        context.close()
    return Reading(url, width, charts, blocked, errors, found)


# --------------------------------------------------------------------------- in a namespace of its own

def isolated() -> list[str]:
    """The command prefix that runs a program with no network but loopback, or [] where the system
    does not allow it (an unprivileged user without user namespaces)."""
    if not shutil.which("unshare"):
        return []
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up 2>/dev/null || true; true"], capture_output=True)
    if probe.returncode != 0:
        return []
    return ["unshare", "-rn", "sh", "-c", 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"']


def read_pages_isolated(urls: list[str], widths: tuple[int, ...] = WIDTHS, *, chromium: str, axe: str | None = None) -> list[Reading]:
    """:func:`read_pages` in a child process, in a network namespace of its own where possible (the
    pages are files: loopback is all they could need)."""
    job = json.dumps({"urls": urls, "widths": list(widths), "chromium": chromium, "axe": axe})
    cmd = [*isolated(), sys.executable, "-m", "analysis.checks.browser"]
    run = subprocess.run(cmd, input=job, capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise BrowserError(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"the page reader exited {run.returncode}")
    return [Reading(**r) for r in json.loads(run.stdout)]


def main() -> int:
    job = json.loads(sys.stdin.read())
    try:
        readings = read_pages(job["urls"], tuple(job["widths"]), chromium=job["chromium"], site=job.get("site"), axe=job.get("axe"))
    except BrowserError as exc:
        print(f"browser: {exc}", file=sys.stderr)
        return 1
    json.dump([r.__dict__ for r in readings], sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
