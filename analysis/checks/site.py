"""The check CI runs on the assembled site (``_site/``) before it is published.

GitHub Pages serves the site under a sub-path (https://OWNER.github.io/REPO/), and a reviewer may
also open it with no network at all; so the site is served here from 127.0.0.1 under ``/<prefix>/``
only (anything outside it is a 404, as another repository's site would be) and read three ways:

- statically, every HTML file (linked or not): each URL of an element (links, scripts, styles,
  images, frames, media…) resolved against its page must stay under the prefix, name a file of the
  site (a folder URL means its index.html, as on GitHub Pages) and, with a #fragment into an HTML
  page, an element of that page with that id (or an <a name>); no page loads anything remote
  (:func:`analysis.render.offline.remote_resources`); links out (<a href="https://…">) are fine.
  Pages no link from index.html reaches are noted.
- in headless Chromium with the network cut but for loopback, every page through the server, with
  the check_output probe injected under a policy that allows only the site itself: any JavaScript
  error, console error, refused load, WebRTC attempt or 404 from the server is a problem. The whole
  check runs in a network namespace of its own (:mod:`analysis.checks.netguard`) whose only way
  out is a device that catches every packet: a page that sends one is named, and nothing leaves.
- every entry of the site is a plain file or folder: a symbolic link would publish what it points
  at (the server does not follow one either).
- the downloads: every linked .pdf, .zip and .json answers 200 with a body of its kind; the data
  zip holds exactly data/clean/ (byte for byte) and its README under ``boston-report-data/``, and
  each edition's zip is a zip with a README.
- accessibility: every page, served the same way (without the probe), at desktop and phone width,
  through :mod:`analysis.checks.accessibility` (axe-core's WCAG 2.1 A/AA rules, the keyboard, the
  page's structure and language, the charts' text alternatives against ``data/clean/``). The
  Data Docs are GX's pages: what axe finds there that the list of known findings names is a note.
  An archived edition's report is never rewritten: what is found there is a note too.

The layout checked is :mod:`analysis.review.pages`'s and :mod:`analysis.review.editions`'s.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from analysis import folders
from analysis.checks import netguard
from analysis.checks.output import (LOOPBACK_FLAGS, Findings, _short, check_seen, find_chromium, insert_probe,
                                          print_findings, probe, read_seen)
from analysis.render.offline import REMOTE_URL, page_references, remote_resources
from analysis.review import editions, pages
from analysis.review.site import COMMAND, ZIP_FOLDER, ZIP_README

HOST = "127.0.0.1"
PREFIX = "REPO"
# What a page of the site may load in the browser pass: the site itself (served from 127.0.0.1,
# where nothing else is), inline scripts and styles, data: and blob: URLs.
SITE_POLICY = "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:"
SITE_PROBE = probe(SITE_POLICY)
SKIPPED_SCHEMES = {"mailto", "tel", "data", "blob", "about"}
DOWNLOADS = (".pdf", ".zip", ".json")
WIDTH = 1280
PAGE_TIMEOUT_S = 240  # a 3 MB report with its charts takes seconds; a hung page, not minutes
MAX_PER_PAGE = 10  # problems of one kind listed for one page; the rest are counted
DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)


# --------------------------------------------------------------------------- where a URL points

@dataclass(frozen=True)
class Target:
    """The file of the site (relative, posix) a URL path names, or None when the path is not in
    the site; ``folder``: the URL named a folder, which means its index.html."""

    file: str | None
    exists: bool
    why: str  # what was expected, for a problem or a 404
    folder: bool = False
    redirect: str | None = None  # a folder URL without its slash: GitHub Pages redirects there


def resolve(site: Path, prefix: str, url_path: str) -> Target:
    """A URL path (percent-encoded, as sent) mapped onto the site's files as GitHub Pages maps it."""
    path = unquote(url_path)
    root = f"/{prefix}"
    if path != root and not path.startswith(root + "/"):
        return Target(None, False, f"a path under {root}/ (GitHub Pages serves this site there only; {path} is not in it)")
    parts = [p for p in path[len(root) + 1:].split("/") if p]
    if any(p in (".", "..") or "\0" in p for p in parts):
        return Target(None, False, f"a path inside the site, not {path}")
    link = next((site.joinpath(*parts[:n]) for n in range(1, len(parts) + 1) if site.joinpath(*parts[:n]).is_symlink()), None)
    if link is not None:
        return Target("/".join(parts), False, f"a file of the site, not the symbolic link {link.relative_to(site).as_posix()}")
    candidate = site.joinpath(*parts)
    folder = path.endswith("/") or candidate.is_dir()
    name = "/".join([*parts, "index.html"] if folder else parts)
    exists = (site / name).is_file()
    redirect = quote(path + "/") if folder and not path.endswith("/") else None
    return Target(name, exists, f"the file {name}" + (" (the folder's index.html)" if folder else ""), folder, redirect)


def is_html(name: str) -> bool:
    return name.lower().endswith((".html", ".htm"))


# --------------------------------------------------------------------------- the server

class SiteServer(ThreadingHTTPServer):
    """The site under ``/<prefix>/`` on a free port of 127.0.0.1; HTML answers carry the probe when
    ``probed``. Every request is recorded (path, status, Referer) for the browser pass."""

    daemon_threads = True

    def __init__(self, site: Path, prefix: str = PREFIX, probed: bool = True) -> None:
        self.site, self.prefix, self.probed = site, prefix, probed
        self.requests: list[tuple[str, int, str]] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        super().__init__((HOST, 0), _Handler)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.server_port}/{self.prefix}/"

    def url(self, name: str) -> str:
        return self.base + quote(name)

    def record(self, path: str, status: int, referer: str) -> None:
        with self._lock:
            self.requests.append((path, status, referer))

    def __enter__(self) -> "SiteServer":
        self._thread = threading.Thread(target=self.serve_forever, name="sitecheck-server", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the server's own log stays quiet
        pass

    def _answer(self, body: bool) -> None:
        srv = self.server
        path = urlsplit(self.path).path
        target = resolve(srv.site, srv.prefix, path)
        if target.redirect:
            status, headers, data = 301, {"Location": target.redirect}, b""
        elif target.file is None or not target.exists:
            status, headers, data = 404, {"Content-Type": "text/plain; charset=utf-8"}, f"404: expected {target.why}\n".encode()
        else:
            data = (srv.site / target.file).read_bytes()
            status, headers = 200, {"Content-Type": _content_type(target.file)}
            if srv.probed and is_html(target.file):
                data = with_site_probe(data.decode("utf-8", errors="replace")).encode("utf-8")
        srv.record(path, status, self.headers.get("Referer", ""))
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(data)), "Cache-Control": "no-store"}.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _content_type(name: str) -> str:
    import mimetypes  # noqa: PLC0415

    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return kind + "; charset=utf-8" if kind.startswith("text/") or kind in ("application/javascript", "application/json") else kind


def with_site_probe(page: str) -> str:
    """The page with the probe first in its <head>; a page without a <head> tag gets one after its doctype."""
    probed = insert_probe(page, SITE_PROBE)
    if probed is not None:
        return probed
    doctype = DOCTYPE.match(page)
    at = doctype.end() if doctype else 0
    return page[:at] + "<head>" + SITE_PROBE + "</head>" + page[at:]


# --------------------------------------------------------------------------- the static pass

@dataclass
class Static:
    findings: Findings
    pages: list[str]  # every HTML file, relative to the site
    downloads: dict[str, str]  # linked .pdf/.zip/.json file -> the first page linking it


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and is_html(p.name))


def check_static(site: Path, prefix: str = PREFIX) -> Static:
    f = Findings()
    origin = f"http://{HOST}"
    names = html_files(site)
    parsed = {name: page_references((site / name).read_text(encoding="utf-8", errors="replace")) for name in names}
    links: dict[str, set[str]] = {name: set() for name in names}
    downloads: dict[str, str] = {}
    folder_links: list[str] = []
    external = 0
    for name in names:
        page = parsed[name]
        page_url = f"{origin}/{prefix}/{quote(name)}"
        base = urljoin(page_url, page.base) if page.base else page_url
        found: list[str] = []
        for ref in page.references:
            what = f'<{ref.tag} {ref.attribute}="{_short(ref.url, 120)}">'
            scheme = urlsplit(ref.url).scheme.lower()
            if scheme in SKIPPED_SCHEMES:
                continue
            if scheme == "javascript":
                found.append(f"{name}: {what}: a javascript: URL (a link must name a page or a file)")
                continue
            absolute = urljoin(base, ref.url)
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                if ref.is_link and parts.scheme in ("http", "https"):
                    external += 1
                elif not (REMOTE_URL.match(ref.url) and not ref.is_link):  # remote loads: reported below
                    found.append(f"{name}: {what} is not a web address of the site or a link out")
                continue
            target = resolve(site, prefix, parts.path)
            if target.file is None:
                found.append(f"{name}: {what} resolves to {unquote(parts.path)}, outside the site's sub-path /{prefix}/ "
                             "(a root-absolute link breaks on GitHub Pages): write it relative to the page")
                continue
            if not target.exists:
                found.append(f"{name}: {what} names a file that does not exist: expected {target.why}")
                continue
            file = target.file
            if target.folder:
                folder_links.append(f"{name}: {ref.url}")
            if parts.fragment and is_html(file):
                fragment = unquote(parts.fragment)
                ids = parsed[file].ids if file in parsed else set()
                if fragment not in ids and fragment.lower() != "top":
                    found.append(f'{name}: {what}: {file} has no element with id="{fragment}" (nor <a name>)')
            if is_html(file) and (ref.is_link or ref.tag in ("iframe", "frame")):
                links[name].add(file)
            if file.lower().endswith(DOWNLOADS):
                downloads.setdefault(file, name)
        for url in remote_resources((site / name).read_text(encoding="utf-8", errors="replace")):
            found.append(f"{name}: loads the remote resource {_short(url, 120)} (the page must work offline)")
        f.problems += found[:MAX_PER_PAGE]
        if len(found) > MAX_PER_PAGE:
            f.problems.append(f"{name}: … and {len(found) - MAX_PER_PAGE} more broken or remote URL(s)")
    f.notes.append(f"static: {len(names)} HTML page(s), {sum(len(p.references) for p in parsed.values())} URL(s) read, "
                   f"{external} link(s) out, {len(downloads)} download(s) linked")
    if folder_links:
        f.notes.append(f"static: {len(folder_links)} link(s) to a folder (GitHub Pages serves its index.html; opened from disk "
                       f"they show a listing), e.g. {folder_links[:3]}")
    unreached = sorted(set(names) - reachable(links, pages.LANDING))
    if unreached:
        f.notes.append(f"static: {len(unreached)} page(s) no link from {pages.LANDING} reaches: {_short(str(unreached), 400)}")
    return Static(f, names, downloads)


def reachable(links: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start} if start in links else set(), deque([start] if start in links else [])
    while todo:
        for nxt in links.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_layout(site: Path) -> Findings:
    """The files pages.py and editions.py promise, each edition's own, and editions.json readable."""
    f = Findings()
    edition_index = posixpath.join(posixpath.dirname(pages.EDITIONS), editions.INDEX_JSON)
    for name in (pages.LANDING, pages.ENGLISH, pages.REPORT, pages.PDF, pages.DATA_ZIP, pages.DATA_DOCS, pages.EDITIONS,
                 edition_index):
        if not (site / name).is_file():
            f.problems.append(f"layout: {name} is missing")
    archive = site / posixpath.dirname(pages.EDITIONS)
    try:
        entries = editions.load(archive) if archive.is_dir() else []
    except editions.EditionsError as exc:
        f.problems.append(f"layout: {exc}")
        entries = []
    for entry in entries:
        wanted = [editions.REPORT, editions.PDF, editions.DATA_ZIP, editions.RECORD] + ([editions.CHANGES] if entry["previous"] else [])
        missing = [w for w in wanted if not (archive / entry["id"] / w).is_file()]
        if missing:
            f.problems.append(f"layout: edition {entry['id']} lacks {', '.join(missing)}")
    listed = {e["id"] for e in entries}
    for folder in sorted(p for p in archive.iterdir() if p.is_dir() and p.name not in listed) if entries else []:
        f.problems.append(f"layout: {folder.relative_to(site).as_posix()}/ is not in {edition_index} (no page lists it)")
    f.notes.append(f"layout: {len(entries)} edition(s) in {edition_index}")
    return f


def check_files(site: Path) -> Findings:
    """Every entry of the site a plain file or folder, read without following links: a symbolic
    link would be published as the file it points at (anywhere on the machine that built it)."""
    f = Findings()
    count = 0
    for folder, dirs, files in os.walk(site):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            mode = os.lstat(path).st_mode
            count += 1
            if stat.S_ISLNK(mode):
                f.problems.append(f"files: {path.relative_to(site).as_posix()} is a symbolic link to {os.readlink(path)}: the site "
                                  "holds only files and folders (a link publishes what it points at)")
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                f.problems.append(f"files: {path.relative_to(site).as_posix()} is a special file (device, pipe or socket)")
    f.notes.append(f"files: {count} entries, every one a plain file or folder" if not f.problems else f"files: {count} entries")
    return f


# --------------------------------------------------------------------------- the browser pass

def open_page(chromium: str, url: str, timeout: float = PAGE_TIMEOUT_S) -> tuple[dict | None, str]:
    """Open one page in headless Chromium with the network cut but for 127.0.0.1; what the probe
    saw (None if it never reported) and why not. Returns once every process Chromium started has
    ended, so that whatever the page sent has been sent."""
    with tempfile.TemporaryDirectory(prefix="sitecheck-chromium-") as tmp:
        cmd = [chromium, *LOOPBACK_FLAGS, f"--window-size={WIDTH},1000", f"--user-data-dir={tmp}", url]
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        timed_out = False
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            out, err, timed_out = "", "", True
        finally:
            _end_group(process)
        if timed_out:
            return None, f"Chromium did not finish in {timeout:.0f} s"
    seen = read_seen(out)
    return seen, "" if seen else f"the probe never reported (Chromium exit {process.returncode}: {_short(err.strip()[-300:], 300)})"


def _end_group(process: subprocess.Popen, grace_s: float = 10) -> None:
    """Wait until every process of Chromium's group has ended (its helpers outlive it by moments),
    then kill what is left; Chromium itself is killed if it is still running."""
    if process.poll() is None:
        process.kill()
        process.wait()
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def check_browser(server: SiteServer, names: list[str], chromium: str, sink: netguard.Sink | None = None) -> Findings:
    """Every page in Chromium. With ``sink`` (the check's namespace), each packet that tried to
    leave while a page was open is a problem of that page."""
    f = Findings()
    started = time.monotonic()
    for name in names:
        before = sink.take() if sink else []
        if before:
            f.problems.append(f"network: {len(before)} packet(s) sent while no page was open: {_packets(before)}")
        first = len(server.requests)
        seen, why = open_page(chromium, server.url(name))
        for path, status, _referer in server.requests[first:]:
            if status == 404 and path != "/favicon.ico":  # Chromium asks the origin's root for an icon by itself
                f.problems.append(f"{name}: the browser asked for {unquote(path)}: 404 (expected {resolve(server.site, server.prefix, path).why})")
        sent = sink.take() if sink else []
        if sent:
            f.problems.append(f"{name}: tried to reach the network: {len(sent)} packet(s), caught in the check's namespace "
                              f"(nothing left the machine): {_packets(sent)}")
        if seen is None:
            f.problems.append(f"{name}: {why}")
            continue
        f.extend(check_seen(name, seen, charts=0, width=WIDTH))
    f.notes.append(f"browser: {len(names)} page(s) opened through {server.base} in {time.monotonic() - started:.1f} s")
    return f


def _packets(packets: list[netguard.Packet]) -> str:
    kinds = sorted({str(p) for p in packets})
    return ", ".join(kinds[:10]) + (f" … and {len(kinds) - 10} more destinations" if len(kinds) > 10 else "")


# --------------------------------------------------------------------------- the downloads

def fetch(url: str) -> tuple[int, bytes]:
    """GET from the local server, past any proxy the environment names."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def check_downloads(server: SiteServer, downloads: dict[str, str]) -> Findings:
    f = Findings()
    for name, page in sorted(downloads.items()):
        status, body = fetch(server.url(name))
        at = f"{name} (linked from {page})"
        if status != 200 or not body:
            f.problems.append(f"{at}: HTTP {status}, {len(body)} byte(s): expected 200 with a body")
        elif name.lower().endswith(".pdf") and not body.startswith(b"%PDF"):
            f.problems.append(f"{at}: not a PDF (starts {body[:8]!r})")
        elif name.lower().endswith(".zip") and _zip_problem(body):
            f.problems.append(f"{at}: {_zip_problem(body)}")
        elif name.lower().endswith(".json"):
            try:
                json.loads(body)
            except ValueError as exc:
                f.problems.append(f"{at}: not JSON ({exc})")
    f.notes.append(f"downloads: {len(downloads)} linked file(s) fetched")
    return f


def _zip_problem(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            bad = z.testzip()
    except zipfile.BadZipFile as exc:
        return f"not a zip ({exc})"
    return f"{bad} is corrupt in the zip" if bad else None


def check_data_zip(path: Path, clean: Path | None, name: str) -> Findings:
    """``clean`` given: the zip holds exactly its files, byte for byte, and the README, under
    boston-report-data/. Without: a readable zip with the README (an edition's, of older data)."""
    f = Findings()
    if not path.is_file():
        f.problems.append(f"{name}: missing")
        return f
    problem = _zip_problem(path.read_bytes())
    if problem:
        f.problems.append(f"{name}: {problem}")
        return f
    readme = f"{ZIP_FOLDER}/{ZIP_README}"
    with zipfile.ZipFile(path) as z:
        inside = {i.filename: i for i in z.infolist()}
        if readme not in inside:
            f.problems.append(f"{name}: no {readme}")
        if clean is None:
            return f
        wanted = {f"{ZIP_FOLDER}/{p.name}": p for p in sorted(clean.iterdir()) if p.is_file()}
        extra = sorted(set(inside) - set(wanted) - {readme})
        missing = sorted(set(wanted) - set(inside))
        changed = sorted(n for n in set(wanted) & set(inside) if z.read(n) != wanted[n].read_bytes())
    if extra:
        f.problems.append(f"{name}: file(s) that are not in {clean.name}/: {extra[:10]}")
    if missing:
        f.problems.append(f"{name}: file(s) of {clean.name}/ missing: {missing[:10]}")
    if changed:
        f.problems.append(f"{name}: file(s) whose bytes differ from {clean.name}/: {changed[:10]}")
    if not (extra or missing or changed):
        f.notes.append(f"{name}: the {len(wanted)} file(s) of {clean.name}/ byte for byte, and {ZIP_README}")
    return f


# --------------------------------------------------------------------------- the command

PAGES_LIMIT = 1_000_000_000  # GitHub Pages: a published site may be at most 1 GB
PAGES_WARNING = 0.8


def check_size(site: Path, limit: int = PAGES_LIMIT) -> Findings:
    """The archive only grows (each edition adds its report and PDF); say so before Pages refuses it."""
    f = Findings()
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    line = f"size: {total / 1e6:.1f} MB of GitHub Pages' {limit / 1e6:.0f} MB"
    if total > limit:
        f.problems.append(f"{line}: the site is too large to publish; move older editions' files elsewhere (docs/publishing.md)")
    elif total > PAGES_WARNING * limit:
        f.notes.append(f"{line}: WARNING, over {PAGES_WARNING:.0%}; plan where older editions' files go (docs/publishing.md)")
    else:
        f.notes.append(line)
    return f


# --------------------------------------------------------------------------- accessibility

DATA_DOCS_FOLDER = posixpath.dirname(pages.DATA_DOCS) + "/"
ARCHIVE_FOLDER = posixpath.dirname(pages.EDITIONS) + "/"
PAGE_LANG = {pages.ENGLISH: "en"}  # every other page of ours is Korean; the Data Docs are English


def page_kind(site: Path, name: str) -> str:
    """'ours', 'data-docs', 'archived' (an edition's report, never rewritten) or 'same' (an
    edition's report that is the report itself, byte for byte: audited once, as the report)."""
    if name.startswith(DATA_DOCS_FOLDER):
        return "data-docs"
    parts = name.split("/")
    if name.startswith(ARCHIVE_FOLDER) and len(parts) == 3 and parts[2] == editions.REPORT:
        report = site / pages.REPORT
        return "same" if report.is_file() and report.read_bytes() == (site / name).read_bytes() else "archived"
    return "ours"


def check_accessibility(site: Path, names: list[str], chromium: str, axe: str, clean: Path, prefix: str = PREFIX) -> Findings:
    """Every page of the site audited in the browser, as served (see the module's docstring)."""
    from analysis.checks.accessibility import DATA_DOCS_KNOWN, check_audit  # noqa: PLC0415
    from analysis.checks.browser import BrowserError, read_pages  # noqa: PLC0415
    from analysis.checks.chart_expectations import Tables  # noqa: PLC0415

    f = Findings()
    kinds = {name: page_kind(site, name) for name in names}
    audited = [n for n in names if kinds[n] != "same"]
    started = time.monotonic()
    with SiteServer(site, prefix, probed=False) as server:
        urls = {server.url(n): n for n in audited}
        try:
            readings = read_pages(list(urls), chromium=chromium, site=server.base, axe=axe)
        except BrowserError as exc:
            f.problems.append(f"accessibility: the pages could not be audited: {exc}")
            return f
    tables = Tables(clean)
    for reading in readings:
        name = urls[reading.page]
        kind = kinds[name]
        if kind == "data-docs":
            f.extend(check_audit(name, reading.width, reading.audit, lang="en", known=DATA_DOCS_KNOWN))
        elif kind == "archived":
            past = check_audit(name, reading.width, reading.audit, lang="ko", tables=None)
            f.notes += past.notes + [f"archived, never rewritten: {p}" for p in past.problems]
        else:
            f.extend(check_audit(name, reading.width, reading.audit, lang=PAGE_LANG.get(name, "ko"), tables=tables))
    same = [n for n in names if kinds[n] == "same"]
    f.notes.append(f"accessibility: {len(audited)} page(s) audited at {len(readings) // max(len(audited), 1)} width(s) in "
                   f"{time.monotonic() - started:.1f} s" + (f"; {', '.join(same)} is the report itself, byte for byte" if same else ""))
    return f


def check_site(site: Path, clean: Path, chromium: str | None, prefix: str = PREFIX, axe: str | None = None) -> Findings:
    f = Findings()
    f.extend(check_files(site))
    f.extend(check_layout(site))
    f.extend(check_size(site))
    static = check_static(site, prefix)
    f.extend(static.findings)
    f.extend(check_data_zip(site / pages.DATA_ZIP, clean, pages.DATA_ZIP))
    for path in sorted(site.glob(f"{posixpath.dirname(pages.EDITIONS)}/*/{editions.DATA_ZIP}")):
        f.extend(check_data_zip(path, None, path.relative_to(site).as_posix()))
    sink = _open_sink(f)
    try:
        with SiteServer(site, prefix) as server:
            f.extend(check_downloads(server, static.downloads))
            if chromium is None:
                f.problems.append("Chromium not found (set CHROMIUM or install Debian's chromium): the pages were not opened")
            else:
                f.extend(check_browser(server, static.pages, chromium, sink))
    finally:
        if sink is not None:
            sink.close()
    if chromium is not None:
        from analysis.checks.site_charts import check_site_charts  # noqa: PLC0415

        f.extend(check_site_charts(site, clean, chromium))
        if axe is None:
            f.problems.append("accessibility: axe-core is not installed (`make axe-core`): the pages were not audited")
        else:
            f.extend(check_accessibility(site, static.pages, chromium, axe, clean, prefix))
    return f


def _open_sink(f: Findings) -> netguard.Sink | None:
    """The catch-all device, inside the check's own network namespace; outside one, say so (a
    problem in CI, where the check must be able to promise that nothing left)."""
    if netguard.isolated():
        try:
            sink = netguard.Sink().open()
        except OSError as exc:
            f.problems.append(f"network: the catch-all device could not be set up in the check's namespace ({exc})")
            return None
        f.notes += sink.notes or ["network: own namespace (loopback and a device catching every other packet)"]
        return sink
    line = ("network: not in a network namespace of its own (`unshare -rn` is not permitted here): Chromium's flags and the "
            "page probe still stop and name WebRTC, but a packet that got past them would not be caught")
    (f.problems if os.environ.get("CI") else f.notes).append(line)
    return None


def main(root: Path, site: Path | None = None) -> int:
    site = site or root / "_site"
    if not site.is_dir():
        print(f"sitecheck: FAIL {site} does not exist: run `make site` first", file=sys.stderr)
        return 1
    if not netguard.isolated():
        code = netguard.run_isolated(["--root", str(root), "check-site", "--site", str(site)])
        if code is not None:
            return code
    from analysis.checks.accessibility import AccessibilityError, axe_script  # noqa: PLC0415

    try:
        axe = str(axe_script(root))
    except AccessibilityError:
        axe = None
    try:
        with folders.folder_lock(site, COMMAND, shared=True):  # not while `site` replaces it
            return print_findings("sitecheck", check_site(site, root / "data" / "clean", find_chromium(), axe=axe))
    except folders.PublishError as exc:
        print(f"sitecheck: FAIL {exc}", file=sys.stderr)
        return 1
