"""The site check (analysis.checks.site) on tiny hand-made sites: a good one passes, and each
defect a published site could have is found and named. The tests that open Chromium are marked
slow. The real site (the rendered report, its Data Docs, its editions) is checked by
`make check-site` after `make site` in .ci/run, where a render exists."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from analysis.checks import site as sitecheck
from analysis.review import editions, pages

from conftest import CHROMIUM, needs_chromium

PDF = b"%PDF-1.7\n% a stand-in\n%%EOF\n"
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="  # a 1x1 PNG


def html(body: str, head: str = "", title: str = "page", lang: str = "ko") -> str:
    """A page as the site's pages are made: its language, a skip link first, a heading, the body in <main>."""
    skip = "본문으로 건너뛰기" if lang == "ko" else "Skip to the content"
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><a href='#main'>{skip}</a><main id='main'><h1>{title}</h1>{body}</main></body></html>")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def data_zip(path: Path, clean: Path, extra: dict[str, bytes] | None = None, skip: str | None = None,
             change: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("boston-report-data/README.md", "# data\n")
        for p in sorted(clean.iterdir()):
            if p.name != skip:
                z.writestr(f"boston-report-data/{p.name}", p.read_bytes() + (b"1" if p.name == change else b""))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    folder = tmp_path / "clean"
    write(folder / "claims.csv", "claim_id,verdict\nK1,supported\n")
    write(folder / "sources.csv", "source_id,title\ns1,하나\n")
    return folder


@pytest.fixture
def site(tmp_path: Path, clean: Path) -> Path:
    """The whole layout, small: landing, English page, report (with sections), PDF, data zip, Data
    Docs with a deeper page and a stylesheet, the editions index and one edition."""
    s = tmp_path / "site"
    write(s / pages.LANDING, html(
        f'<p><a href="{pages.REPORT}">보고서</a> <a href="{pages.REPORT}#sec-claims">주장</a> <a href="{pages.PDF}">PDF</a> '
        f'<a href="{pages.DATA_ZIP}">zip</a> <a href="{pages.DATA_DOCS}">검증</a> <a href="{pages.EDITIONS}">판 목록</a> '
        f'<a href="{pages.ENGLISH}">English</a> <a href="https://github.com/OWNER/REPO">source</a> '
        '<a href="mailto:someone@example.org">mail</a> <a href="#top">위로</a></p>'
        f'<img alt="" src="data:image/png;base64,{PIXEL}">'))
    write(s / pages.ENGLISH, html(f'<a href="{pages.LANDING}" lang="ko">한국어</a> <a href="{pages.REPORT}#sec-claims">claims</a>',
                                  lang="en"))
    write(s / pages.REPORT, html('<h2 id="sec-claims">주장</h2><p><a name="old-anchor"></a><a href="#sec-claims">here</a> '
                                 '<a href="../index.html">home</a></p><script>document.body.dataset.ok = "1";</script>'))
    write(s / pages.PDF, PDF)
    data_zip(s / pages.DATA_ZIP, clean)
    write(s / "data-docs" / "static" / "style.css", "body { color: #222 }")
    write(s / pages.DATA_DOCS, html('<a href="validations/run.html#results">run</a> <a href="../index.html">home</a>',
                                    head='<link rel="stylesheet" href="static/style.css">', lang="en"))
    write(s / "data-docs" / "validations" / "run.html", html('<div id="results">ok</div><a href="../index.html">back</a>',
                                                              head='<link rel="stylesheet" href="../static/style.css">', lang="en"))
    archive = s / "editions"
    edition = archive / "2026-12-03"
    write(edition / editions.REPORT, html('<a href="../index.html">판 목록</a>'))
    write(edition / editions.PDF, PDF)
    data_zip(edition / editions.DATA_ZIP, clean)
    write(edition / editions.RECORD, "{}")
    entry = {"id": "2026-12-03", "date": "2026-12-03", "commit": "0" * 40, "data_sha256": "f" * 64, "previous": None,
             "cutoffs": [], "verdicts": {}, "changes": None}
    editions.write_index(archive, [entry])
    return s


def static(site: Path) -> list[str]:
    return sitecheck.check_static(site).findings.problems


def one(problems: list[str], *words: str) -> str:
    """The one problem that names all the words."""
    found = [p for p in problems if all(w in p for w in words)]
    assert len(found) == 1, problems
    return found[0]


# --------------------------------------------------------------------------- static pass and layout

def test_the_good_site_has_no_static_or_layout_problem(site, clean):
    result = sitecheck.check_static(site)
    assert result.findings.problems == [] and sitecheck.check_layout(site).problems == []
    assert sitecheck.check_data_zip(site / pages.DATA_ZIP, clean, pages.DATA_ZIP).problems == []
    assert set(result.downloads) == {pages.PDF, pages.DATA_ZIP, "editions/editions.json", "editions/2026-12-03/index.pdf",
                                     "editions/2026-12-03/boston-report-data.zip"}  # the editions index links these
    assert not any("no link from" in n for n in result.findings.notes), result.findings.notes


def test_a_broken_relative_link_is_named_with_its_page_and_the_file_expected(site):
    write(site / pages.ENGLISH, html('<a href="report/indx.html">report</a>'))
    problem = one(static(site), "en.html", 'href="report/indx.html"')
    assert "does not exist" in problem and "report/indx.html" in problem


def test_a_root_absolute_link_breaks_under_the_sub_path(site):
    write(site / pages.ENGLISH, html(f'<a href="/{pages.REPORT}">report</a>'))
    problem = one(static(site), "en.html", f'href="/{pages.REPORT}"')
    assert "outside the site's sub-path /REPO/" in problem


def test_a_link_to_a_missing_fragment_is_named(site):
    write(site / pages.ENGLISH, html(f'<a href="{pages.REPORT}#sec-nowhere">x</a> <a href="{pages.REPORT}#old-anchor">y</a>'))
    problem = one(static(site), "en.html", "#sec-nowhere")
    assert 'report/index.html has no element with id="sec-nowhere"' in problem  # and <a name="old-anchor"> counts


def test_a_remote_script_and_a_javascript_url_are_problems_but_a_link_out_is_not(site):
    write(site / pages.ENGLISH, html('<a href="javascript:void(0)">x</a> <a href="https://example.org/">out</a>',
                                     head='<script src="https://cdn.example.org/lib.js"></script>'))
    problems = static(site)
    assert "cdn.example.org/lib.js" in one(problems, "en.html", "remote resource")
    assert "javascript: URL" in one(problems, "en.html", "javascript:void(0)")
    assert len(problems) == 2


def test_a_pdf_link_to_a_missing_file_is_named(site):
    (site / pages.PDF).unlink()
    problems = static(site)
    assert one(problems, "index.html", f'href="{pages.PDF}"', "does not exist")
    assert one(sitecheck.check_layout(site).problems, pages.PDF, "missing")


def test_every_html_file_is_checked_and_unlinked_ones_are_noted(site):
    write(site / "data-docs" / "orphan.html", html('<img src="missing.png" alt="">'))
    result = sitecheck.check_static(site)
    assert one(result.findings.problems, "data-docs/orphan.html", "missing.png")
    assert any("no link from index.html reaches" in n and "data-docs/orphan.html" in n for n in result.findings.notes)


def test_a_folder_link_means_its_index_html(site):
    write(site / pages.ENGLISH, html('<a href="data-docs/">docs</a> <a href="editions">editions</a> <a href="report/nothing/">x</a>'))
    (site / "report" / "nothing").mkdir()
    result = sitecheck.check_static(site)
    assert one(result.findings.problems, 'href="report/nothing/"', "report/nothing/index.html")
    assert len(result.findings.problems) == 1
    assert any("2 link(s) to a folder" in n for n in result.findings.notes), result.findings.notes


def test_an_edition_without_its_files_is_named(site):
    (site / "editions" / "2026-12-03" / editions.PDF).unlink()
    assert one(sitecheck.check_layout(site).problems, "edition 2026-12-03 lacks index.pdf")


# --------------------------------------------------------------------------- the data zip

@pytest.mark.parametrize("defect, words", [
    (dict(extra={"boston-report-data/notes.txt": b"x"}), ("not in clean/", "notes.txt")),
    (dict(extra={"other/claims.csv": b"x"}), ("not in clean/", "other/claims.csv")),
    (dict(change="sources.csv"), ("bytes differ", "sources.csv")),
    (dict(skip="claims.csv"), ("missing", "claims.csv")),
])
def test_the_data_zip_must_be_exactly_the_clean_data(site, clean, defect, words):
    data_zip(site / pages.DATA_ZIP, clean, **defect)
    problems = sitecheck.check_data_zip(site / pages.DATA_ZIP, clean, pages.DATA_ZIP).problems
    assert one(problems, pages.DATA_ZIP, *words)


def test_an_editions_zip_needs_only_its_readme(site, clean, tmp_path):
    old = write(tmp_path / "other-clean" / "old.csv", "a\n1\n").parent
    path = data_zip(site / "editions" / "2026-12-03" / editions.DATA_ZIP, old)
    assert sitecheck.check_data_zip(path, None, "e.zip").problems == []
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("boston-report-data/old.csv", "a\n")
    assert one(sitecheck.check_data_zip(path, None, "e.zip").problems, "no boston-report-data/README.md")
    write(path, b"not a zip")
    assert one(sitecheck.check_data_zip(path, None, "e.zip").problems, "not a zip")


# --------------------------------------------------------------------------- the server and the downloads

def test_the_server_serves_the_sub_path_only_and_probes_html(site):
    with sitecheck.SiteServer(site) as server:
        assert server.base.startswith("http://127.0.0.1:") and server.base.endswith("/REPO/")
        status, body = sitecheck.fetch(server.url(pages.LANDING))
        assert status == 200 and b"data-boston-check" in body and b"default-src 'self'" in body
        assert sitecheck.fetch(server.base) == (200, body)  # a folder is its index.html
        assert sitecheck.fetch(server.base[: -len("REPO/")] + pages.LANDING)[0] == 404
        assert sitecheck.fetch(server.url("data-docs"))[0] == 200  # redirected to data-docs/
        assert sitecheck.fetch(server.url(pages.PDF)) == (200, PDF)
        assert sitecheck.fetch(server.url("no/such.html"))[0] == 404
    assert (f"/REPO/{pages.PDF}", 200, "") in server.requests


def test_downloads_answer_with_a_body_of_their_kind(site):
    write(site / pages.PDF, b"<html>not a pdf</html>")
    write(site / "editions" / "editions.json", b"")
    with sitecheck.SiteServer(site) as server:
        problems = sitecheck.check_downloads(server, {pages.PDF: pages.LANDING, "editions/editions.json": pages.EDITIONS,
                                                      pages.DATA_ZIP: pages.LANDING, "gone.zip": pages.LANDING}).problems
    assert one(problems, pages.PDF, "linked from index.html", "not a PDF")
    assert one(problems, "editions/editions.json", "expected 200 with a body")
    assert one(problems, "gone.zip", "HTTP 404")
    assert len(problems) == 3


def test_main_says_to_build_the_site_first(tmp_path, capsys):
    assert sitecheck.main(tmp_path) == 1
    assert "run `make site` first" in capsys.readouterr().err


# --------------------------------------------------------------------------- the browser pass

def browse(site: Path, *names: str) -> list[str]:
    with sitecheck.SiteServer(site) as server:
        return sitecheck.check_browser(server, list(names), CHROMIUM).problems


@pytest.mark.slow
def test_the_good_site_passes_whole(site, clean, capfd):
    needs_chromium()
    shutil.copytree(clean, site.parent / "data" / "clean")  # main() reads root/data/clean
    status, err = sitecheck.main(site.parent, site), capfd.readouterr().err
    assert status == 0 and err.rstrip().endswith("sitecheck: ok (0 problem(s))"), err
    assert "sitecheck: browser: 7 page(s) opened through http://127.0.0.1:" in err, err


@pytest.mark.slow
def test_a_script_that_throws_is_found_in_the_browser(site):
    needs_chromium()
    write(site / pages.ENGLISH, html("<p>x</p><script>undefinedFunction();</script>"))
    problem = one(browse(site, pages.ENGLISH, pages.LANDING), "en.html", "undefinedFunction is not defined")
    assert problem.startswith("en.html at 1280 px: error:")


@pytest.mark.slow
def test_a_remote_fetch_is_refused_and_named(site):
    needs_chromium()
    write(site / pages.ENGLISH, html('<script>fetch("https://example.org/data.json").catch(() => {});</script>'))
    assert static(site) == []  # script text is not read statically: the browser pass is what sees it
    assert one(browse(site, pages.ENGLISH), "en.html", "blocked load: https://example.org/data.json")


@pytest.mark.slow
def test_a_load_the_server_does_not_have_is_a_404(site):
    needs_chromium()
    write(site / pages.ENGLISH, html('<script>const s = document.createElement("script"); s.src = "gone.js"; '
                                     'document.head.appendChild(s);</script>'))
    problems = browse(site, pages.ENGLISH)
    assert one(problems, "en.html", "asked for /REPO/gone.js: 404")


def test_a_site_over_the_pages_limit_is_refused_and_one_near_it_is_flagged(tmp_path: Path):
    write(tmp_path / "a.bin", b"x" * 900)
    assert sitecheck.check_size(tmp_path, limit=10_000).problems == []
    assert "WARNING" in sitecheck.check_size(tmp_path, limit=1_000).notes[0]
    assert "too large" in sitecheck.check_size(tmp_path, limit=800).problems[0]


# --------------------------------------------------------------------------- the network, links, the lock

from analysis import folders  # noqa: E402
from analysis.checks import netguard  # noqa: E402

# The page: an RTCPeerConnection with a STUN server on a public address sent STUN there and
# mDNS to 224.0.0.251 during the "offline" check, and the check did not name the page.
STUN = "stun:198.51.100.7:3478"
WEBRTC = ('<script>const pc = new RTCPeerConnection({iceServers: [{urls: "%s"}]}); pc.createDataChannel("x"); '
          'pc.createOffer().then(o => pc.setLocalDescription(o));</script>' % STUN)


def needs_namespace():
    if netguard.isolated_command(["true"]) is None:
        if os.environ.get("CI"):
            pytest.fail("CI must allow a user and network namespace (unshare -rn): the site check relies on it")
        pytest.skip("no user namespaces here (unshare -rn is not permitted): the namespace was not tried")


@pytest.mark.slow
def test_a_webrtc_attempt_fails_the_check_and_names_the_page(tmp_path, clean, capfd):
    """The whole check (its own namespace, every pass) on a site of that one page: the page is what
    is being tried, and each page costs a browser (the whole site passing is the test above)."""
    needs_chromium()
    needs_namespace()
    shutil.copytree(clean, tmp_path / "data" / "clean")
    site = tmp_path / "one-page"
    write(site / pages.ENGLISH, html("<p>English</p>" + WEBRTC))
    status, err = sitecheck.main(tmp_path, site), capfd.readouterr().err
    assert status == 1, err
    assert f"sitecheck: FAIL en.html at 1280 px: network: RTCPeerConnection with ICE server(s) {STUN}" in err, err
    assert "sitecheck: network: own namespace" in err and "tried to reach the network" not in err, err


@pytest.mark.slow
@pytest.mark.parametrize("how", ["a frame of its own", "a frame by index", "a late timer", "innerHTML"])
def test_webrtc_by_a_way_round_the_probe_is_still_named(site, how):
    needs_chromium()
    make = f'new w.RTCPeerConnection({{iceServers: [{{urls: "{STUN}"}}]}})'
    script = {
        "a frame of its own": f'const f = document.createElement("iframe"); document.body.appendChild(f); const w = f.contentWindow; {make};',
        "a frame by index": f'document.body.appendChild(document.createElement("iframe")); const w = window.frames[0]; {make};',
        "a late timer": f'setTimeout(() => {{ const w = window; {make}; }}, 5000);',
        "innerHTML": f'document.body.innerHTML += "<iframe></iframe>"; const w = frames[0]; {make};',
    }[how]
    write(site / pages.ENGLISH, html(f"<p>x</p><script>try {{ {script} }} catch (e) {{}}</script>"))
    assert one(browse(site, pages.ENGLISH), "en.html", f"network: RTCPeerConnection with ICE server(s) {STUN}")


@pytest.mark.slow
def test_code_set_to_run_after_the_check_stops_watching_is_named(site):
    needs_chromium()
    write(site / pages.ENGLISH, html(f"<script>setTimeout(() => {{ {WEBRTC[8:-9]} }}, 120000);</script>"))
    assert one(browse(site, pages.ENGLISH), "en.html", "setTimeout(…, 120000 ms): code set to run after the check stops watching")


NAMESPACE_DRIVER = """
import json, socket, sys
from pathlib import Path
from analysis.checks import output as co, netguard
from analysis.checks import site as sitecheck
site, case = Path(sys.argv[1]), sys.argv[2]
sitecheck.SITE_PROBE = sitecheck.SITE_PROBE.replace(netguard.GUARD, "")  # the page probe out of the way
if case == "a packet while the page is open":  # what a page would send, sent for it while it is open
    real_open = sitecheck.open_page
    def open_page(chromium, url, *rest):
        seen = real_open(chromium, url, *rest)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"stun", ("198.51.100.7", 3478))
        return seen
    sitecheck.open_page = open_page
assert netguard.isolated()
sink = netguard.Sink().open()
with sitecheck.SiteServer(site) as server:
    print(json.dumps(sitecheck.check_browser(server, ["index.html", "en.html"], co.find_chromium(), sink).problems))
"""


def in_namespace(site: Path, case: str) -> list[str]:
    import json
    import subprocess
    import sys

    needs_chromium()
    needs_namespace()
    run = subprocess.run(netguard.isolated_command([sys.executable, "-c", NAMESPACE_DRIVER, str(site), case]), capture_output=True,
                         text=True, timeout=600, env={**os.environ, netguard.ISOLATED_ENV: "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    return [p for p in json.loads(run.stdout) if "network" in p]


@pytest.mark.slow
def test_with_chromium_s_flags_a_webrtc_page_sends_nothing_even_without_the_probe(site):
    """Measured without the flags (netguard's docstring): STUN to the server, mDNS to 224.0.0.251 and
    an IGMP report, each caught by the namespace and named with the page."""
    write(site / pages.ENGLISH, html("<p>x</p>" + WEBRTC))
    assert in_namespace(site, "webrtc") == []


@pytest.mark.slow
def test_a_packet_sent_while_a_page_is_open_is_named_with_the_page(site):
    problems = in_namespace(site, "a packet while the page is open")
    assert one(problems, "en.html: tried to reach the network: 1 packet(s)", "udp 198.51.100.7:3478", "nothing left the machine")
    assert one(problems, "index.html: tried to reach the network")


NAMESPACE_SENDER = """
import json, socket
from analysis.checks import netguard
assert netguard.isolated()
sink = netguard.Sink().open()
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.sendto(b"stun", ("198.51.100.7", 3478))
    s.sendto(b"mdns", ("224.0.0.251", 5353))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setblocking(False)
t.connect_ex(("203.0.113.9", 443))
print(json.dumps(sorted({str(p) for p in sink.take()})))
"""


def test_the_namespace_lets_nothing_leave_and_names_every_packet():
    """The catch-all device on its own, without a browser: whatever tries to leave is read back."""
    import json
    import subprocess
    import sys

    needs_namespace()
    run = subprocess.run(netguard.isolated_command([sys.executable, "-c", NAMESPACE_SENDER]), capture_output=True, text=True,
                         timeout=120, env={**os.environ, netguard.ISOLATED_ENV: "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == ["tcp 203.0.113.9:443", "udp 198.51.100.7:3478", "udp 224.0.0.251:5353"]


def test_packets_are_named_by_destination_and_the_kernel_s_own_are_left_out():
    import ipaddress
    import struct

    udp4 = bytes([0x45, 0, 0, 48, 0, 0, 0, 0, 64, 17, 0, 0]) + ipaddress.IPv4Address("192.0.2.1").packed \
        + ipaddress.IPv4Address("198.51.100.7").packed + struct.pack(">HHHH", 50000, 3478, 28, 0) + b"\0" * 20
    assert str(netguard.parse(udp4)) == "udp 198.51.100.7:3478"
    tcp6 = bytes([0x60, 0, 0, 0, 0, 20, 6, 64]) + ipaddress.IPv6Address("fd00::1").packed \
        + ipaddress.IPv6Address("2001:db8::1").packed + struct.pack(">HH", 40000, 443) + b"\0" * 16
    assert str(netguard.parse(tcp6)) == "tcp [2001:db8::1]:443"
    solicit = bytes([0x60, 0, 0, 0, 0, 8, 58, 255]) + b"\0" * 16 + ipaddress.IPv6Address("ff02::2").packed + bytes([133, 0, 0, 0]) + b"\0" * 4
    assert netguard.parse(solicit) is None  # router solicitation: the kernel's, as the device comes up


def test_the_namespace_marker_alone_does_not_count(monkeypatch):
    """Set by hand outside a namespace, the marker must not let the check touch real interfaces."""
    monkeypatch.setenv(netguard.ISOLATED_ENV, "1")
    import socket

    assert netguard.isolated() == ([n for _, n in socket.if_nameindex()] == ["lo"])


def test_a_symbolic_link_in_the_site_is_a_problem_and_is_not_served(site, tmp_path):
    """On main a `2020-01-01/index.pdf -> /abs/path` link reached _site/editions/ and check-site passed it."""
    secret = write(tmp_path / "secret", "[credential] token\n")
    pdf = site / "editions" / "2026-12-03" / editions.PDF
    pdf.unlink()
    pdf.symlink_to(secret)
    assert one(sitecheck.check_files(site).problems, "editions/2026-12-03/index.pdf is a symbolic link to", str(secret))
    assert one(sitecheck.check_layout(site).problems, "a symbolic link")
    with sitecheck.SiteServer(site) as server:
        status, body = sitecheck.fetch(server.url("editions/2026-12-03/index.pdf"))
    assert status == 404 and b"credential" not in body


def test_an_edition_folder_the_index_does_not_list_is_a_problem(site):
    write(site / "editions" / "2026-12-04" / editions.REPORT, html("half"))
    assert one(sitecheck.check_layout(site).problems, "editions/2026-12-04/ is not in editions/editions.json")


def test_the_check_waits_for_no_site_run_but_refuses_to_read_one_being_written(site, clean, capfd):
    shutil.copytree(clean, site.parent / "data" / "clean")
    with folders.folder_lock(site, "boston-report site"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(netguard, "run_isolated", lambda args: None)  # in this process, so that it meets the lock
            status = sitecheck.main(site.parent, site)
    assert status == 1 and "`boston-report site` is writing site/" in capfd.readouterr().err


# --------------------------------------------------------------------------- accessibility

@pytest.mark.slow
def test_accessibility_findings_fail_our_pages_and_are_listed_for_gx_s_and_archived_ones(site, clean):
    """Every page audited as served: a violation on a page of ours fails, named; on the Data Docs
    (GX's pages) a known finding is a note and any other fails; an archived edition is a note."""
    from analysis.checks.accessibility import axe_script

    needs_chromium()
    image = f"<img src='data:image/png;base64,{PIXEL}'>"
    write(site / pages.ENGLISH, html(image, lang="en"))
    write(site / "data-docs" / "validations" / "run.html", html(image, lang="en"))
    write(site / pages.DATA_DOCS, html("<input type='text'>", lang="en"))
    write(site / "editions" / "2026-12-03" / editions.REPORT, html(image))
    names = [pages.ENGLISH, pages.DATA_DOCS, "data-docs/validations/run.html", "editions/2026-12-03/index.html"]
    f = sitecheck.check_accessibility(site, names, CHROMIUM, str(axe_script()), clean)
    rules = sorted({(p.split(" at ")[0], p.split(": axe ")[1].split(" ")[0]) for p in f.problems if ": axe " in p})
    assert rules == [("data-docs/validations/run.html", "image-alt"), ("en.html", "image-alt")], f.problems
    assert len(f.problems) == 4, "\n".join(f.problems)  # each at both widths
    assert any(n.startswith("data-docs/index.html at 1280 px: axe label (critical)") for n in f.notes), f.notes
    assert any(n.startswith("archived, never rewritten: editions/2026-12-03/index.html at 1280 px: axe image-alt") for n in f.notes)
