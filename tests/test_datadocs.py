"""The Data Docs as published: every CDN load served from the site by a link relative to its page,
nothing remote left, an unknown remote load refused by page and URL, the same bytes every time.

Most tests use small hand-made Data Docs and a fake node_modules of tiny files; one publishes the
Data Docs Great Expectations wrote for the project's data (conftest's built_project) with the real
assets (``make datadocs-assets``, a prerequisite of ``make test``)."""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from analysis.render.offline import css_remote, remote_resources
from analysis.review import datadocs
from analysis.review.datadocs import ASSETS, DataDocsError, publish_data_docs

from conftest import ROOT, snapshot_dir

BOOTSTRAP_CSS = "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"
BOOTSTRAP_JS = "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"
JQUERY = "https://code.jquery.com/jquery-3.7.1.min.js"
POPPER = "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js"
FONT_AWESOME = "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css"
VEGA = "https://cdn.jsdelivr.net/npm/vega@5"
VEGA_LITE = "https://cdn.jsdelivr.net/npm/vega-lite@5"
LOGO = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png"
DARK_LOGO = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png"
POPPER_BYTES = b"window.Popper = function () {};\n"
DEEP = "validations/suite/run/page.html"  # three folders deep, as GX's validation pages are (at four)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def page(head: str, body: str = "") -> str:
    return f"<!DOCTYPE html>\n<html>\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"


def fake_assets(tmp_path: Path) -> Path:
    """node_modules with a tiny file at each path ASSETS names; Font Awesome's CSS loads a webfont."""
    assets = tmp_path / "node_modules"
    for rel in ASSETS.values():
        (assets / rel).parent.mkdir(parents=True, exist_ok=True)
        (assets / rel).write_text(f"/* {rel} */\n", encoding="utf-8")
    (assets / "popper.js/dist/umd/popper.min.js").write_bytes(POPPER_BYTES)
    (assets / "@fortawesome/fontawesome-free/css/all.min.css").write_text(
        '@font-face{src:url(../webfonts/fa-solid-900.woff2) format("woff2"),url("../webfonts/fa-solid-900.ttf?v=6") format("truetype")}'
        '.x{background:url("data:image/svg+xml,%3csvg xmlns=\'http://www.w3.org/2000/svg\'%3e")}\n', encoding="utf-8")
    (assets / "@fortawesome/fontawesome-free/webfonts").mkdir(parents=True)
    for name in ("fa-solid-900.woff2", "fa-solid-900.ttf", "fa-brands-400.woff2"):
        (assets / "@fortawesome/fontawesome-free/webfonts" / name).write_bytes(b"font " + name.encode())
    return assets


def fake_data_docs(tmp_path: Path) -> Path:
    """An index at the root and a validation page three folders deep, with GX's kinds of loads:
    <link>, <script> (one with SRI), <img> with a query, a <style> background, a stylesheet in static/."""
    docs = tmp_path / "data_docs"
    (docs / "static/images").mkdir(parents=True)
    (docs / "static/images/logo-long.png").write_bytes(b"\x89PNG logo")
    (docs / "static/images/favicon.ico").write_bytes(b"icon")
    (docs / "static/styles").mkdir()
    (docs / "static/styles/default.css").write_text(f".brand {{ background: url('{DARK_LOGO}') no-repeat; }}\n", encoding="utf-8")
    (docs / "index.html").write_text(page(
        f'<link rel="stylesheet" href="{BOOTSTRAP_CSS}"/>\n<link rel="stylesheet" href="{FONT_AWESOME}">\n'
        f'<link rel="stylesheet" href="./static/styles/default.css">\n'
        f'<style>\n.navbar-brand a {{ background: url(\'{DARK_LOGO}\') 0 0 no-repeat; }}\n</style>\n'
        f'<script src="{VEGA}"></script>\n<script src="{VEGA_LITE}"></script>\n<script src="{JQUERY}"></script>\n'
        f'<script src="{POPPER}" integrity="{sri(POPPER_BYTES)}" crossorigin="anonymous"></script>\n'
        '<link rel="shortcut icon" href="./static/images/favicon.ico" type="image/x-icon"/>',
        f'<img src="{LOGO}?d=20261203T124451.163825Z" alt="logo">\n<a href="{DEEP}">run</a>\n'
        '<a href="https://greatexpectations.io/newsletter?utm_source=datadocs&amp;utm_content=form">Subscribe</a>'),
        encoding="utf-8")
    (docs / DEEP).parent.mkdir(parents=True)
    (docs / DEEP).write_text(page(
        f'<link rel="stylesheet" href="{BOOTSTRAP_CSS}"/>\n<script src="{BOOTSTRAP_JS}"></script>\n'
        f'<script src="{JQUERY}"></script>\n<script src="{VEGA}"></script>\n'
        # GX 1.24's validation pages link the favicon one folder short
        '<link rel="shortcut icon" href="../../static/images/favicon.ico" type="image/x-icon"/>',
        f'<img src="{LOGO}?d=1"/>\n<a href="../../../index.html">Home</a>'), encoding="utf-8")
    return docs


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.refs += [(tag, v) for n, v in attrs if n in ("src", "href") and v]


def local_refs(html: str) -> list[tuple[str, str]]:
    """Every src/href that is a path (not a scheme, not a bare fragment), links included."""
    parser = _Refs()
    parser.feed(html)
    return [(tag, v) for tag, v in parser.refs if not re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", v, re.IGNORECASE)]


def unresolved(site: Path) -> list[str]:
    """Local links and loads of every page, and url()s of every stylesheet, that name no file."""
    missing = []
    for file in sorted(site.rglob("*")):
        if file.suffix == ".html":
            refs = [v for _, v in local_refs(file.read_text(encoding="utf-8"))]
        elif file.suffix == ".css":
            refs = [r for r in re.findall(r"""url\(\s*["']?([^)"'\s]+)""", file.read_text(encoding="utf-8"))
                    if not r.startswith(("data:", "#"))]
        else:
            continue
        for ref in refs:
            path = unquote(re.split(r"[?#]", ref)[0])
            if path and not (file.parent / path).resolve().is_file():
                missing.append(f"{file.relative_to(site)}: {ref}")
    return missing


def remote_left(site: Path) -> list[str]:
    found = []
    for file in sorted(site.rglob("*")):
        if file.suffix in (".html", ".css"):
            text = file.read_text(encoding="utf-8")
            found += [f"{file.relative_to(site)}: {u}" for u in (remote_resources(text) if file.suffix == ".html"
                                                                   else css_remote(text))]
    return found


@pytest.fixture
def published(tmp_path: Path) -> Path:
    dest = tmp_path / "site" / "data-docs"
    publish_data_docs(fake_data_docs(tmp_path), dest, fake_assets(tmp_path))
    return dest


def test_every_load_becomes_a_relative_link_to_a_file_that_is_there(published: Path):
    index = (published / "index.html").read_text(encoding="utf-8")
    deep = (published / DEEP).read_text(encoding="utf-8")
    assert 'href="vendor/bootstrap/dist/css/bootstrap.min.css"' in index
    assert 'src="vendor/vega/build/vega.min.js"' in index and 'src="static/images/logo-long.png"' in index
    assert "url('static/images/logo-long.png')" in index
    assert 'href="../../../vendor/bootstrap/dist/css/bootstrap.min.css"' in deep
    assert 'src="../../../vendor/jquery/dist/jquery.min.js"' in deep and 'src="../../../static/images/logo-long.png"' in deep
    assert "url('../images/logo-long.png')" in (published / "static/styles/default.css").read_text(encoding="utf-8")
    for name in ("index.html", DEEP):
        loads = [v for tag, v in local_refs((published / name).read_text(encoding="utf-8")) if tag != "a"]
        assert len(loads) >= 5, name
    assert unresolved(published) == []
    assert remote_left(published) == []


def test_fonts_and_only_the_files_the_pages_load_are_vendored(published: Path):
    vendored = sorted(p.relative_to(published / "vendor").as_posix() for p in (published / "vendor").rglob("*") if p.is_file())
    assert vendored == sorted([
        "@fortawesome/fontawesome-free/css/all.min.css", "@fortawesome/fontawesome-free/webfonts/fa-solid-900.ttf",
        "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2", "bootstrap/dist/css/bootstrap.min.css",
        "bootstrap/dist/js/bootstrap.min.js", "jquery/dist/jquery.min.js", "popper.js/dist/umd/popper.min.js",
        "vega-lite/build/vega-lite.min.js", "vega/build/vega.min.js"])
    assert (published / "vendor/popper.js/dist/umd/popper.min.js").read_bytes() == POPPER_BYTES


def test_links_stay_and_gx_favicon_link_is_mended(published: Path):
    index = (published / "index.html").read_text(encoding="utf-8")
    assert 'href="https://greatexpectations.io/newsletter?utm_source=datadocs&amp;utm_content=form"' in index
    assert f'<a href="{DEEP}">' in index
    assert 'href="../../../static/images/favicon.ico"' in (published / DEEP).read_text(encoding="utf-8")


def test_integrity_is_checked_then_dropped_for_file_urls(published: Path, tmp_path: Path):
    tag = next(line for line in (published / "index.html").read_text(encoding="utf-8").splitlines() if "popper" in line)
    assert tag == '<script src="vendor/popper.js/dist/umd/popper.min.js"></script>'
    assets = tmp_path / "node_modules"
    (assets / "popper.js/dist/umd/popper.min.js").write_bytes(b"something else")
    with pytest.raises(DataDocsError, match=re.escape(f"index.html: {POPPER} is pinned by integrity")):
        publish_data_docs(tmp_path / "data_docs", tmp_path / "again", assets)
    assert not (tmp_path / "again").exists()


def test_an_unknown_remote_load_is_refused_naming_page_and_url(tmp_path: Path):
    docs = fake_data_docs(tmp_path)
    text = (docs / DEEP).read_text(encoding="utf-8")
    (docs / DEEP).write_text(text.replace("</head>", '<script src="https://cdn.example.org/new.js"></script>\n</head>'),
                             encoding="utf-8")
    (docs / "index.html").write_text((docs / "index.html").read_text(encoding="utf-8").replace(
        "</body>", '<form action="https://greatexpectations.io/subscribe"><input name="e"></form>\n</body>'), encoding="utf-8")
    dest = tmp_path / "out"
    with pytest.raises(DataDocsError) as caught:
        publish_data_docs(docs, dest, fake_assets(tmp_path))
    message = str(caught.value)
    assert f"{DEEP}: unknown remote resource https://cdn.example.org/new.js" in message
    assert "index.html: unknown remote resource https://greatexpectations.io/subscribe" in message
    assert "ASSETS" in message
    assert not dest.exists()


def test_an_unknown_remote_import_in_a_stylesheet_is_refused(tmp_path: Path):
    docs = fake_data_docs(tmp_path)
    (docs / "static/styles/default.css").write_text('@import "https://fonts.example.org/x.css";\n', encoding="utf-8")
    with pytest.raises(DataDocsError, match=re.escape("static/styles/default.css: unknown remote resource https://fonts.example.org/x.css")):
        publish_data_docs(docs, tmp_path / "out", fake_assets(tmp_path))


def test_missing_assets_say_to_run_make(tmp_path: Path):
    docs = fake_data_docs(tmp_path)
    with pytest.raises(DataDocsError, match="run `make datadocs-assets`"):
        publish_data_docs(docs, tmp_path / "out", tmp_path / "no-node_modules")
    assets = fake_assets(tmp_path)
    (assets / "jquery/dist/jquery.min.js").unlink()
    with pytest.raises(DataDocsError, match=r"jquery/dist/jquery.min.js is missing: run `make datadocs-assets`"):
        publish_data_docs(docs, tmp_path / "out", assets)
    (assets / "@fortawesome/fontawesome-free/webfonts/fa-solid-900.ttf").unlink()
    with pytest.raises(DataDocsError, match=r"loads \.\./webfonts/fa-solid-900\.ttf\?v=6, which is not in"):
        publish_data_docs(docs, tmp_path / "out", assets)
    assert not (tmp_path / "out").exists()


def test_the_same_data_docs_give_the_same_bytes_and_replace_the_old_copy(tmp_path: Path):
    docs, assets = fake_data_docs(tmp_path), fake_assets(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    publish_data_docs(docs, first, assets)
    second.mkdir()
    (second / "stale.html").write_text("old", encoding="utf-8")
    publish_data_docs(docs, second, assets)
    assert snapshot_dir(first) == snapshot_dir(second)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left behind


def test_every_asset_comes_from_a_package_the_lock_pins():
    """ASSETS names files of packages that tools/datadocs-assets installs at exact versions."""
    folder = ROOT / "tools" / "datadocs-assets"
    declared = json.loads((folder / "package.json").read_text(encoding="utf-8"))["dependencies"]
    locked = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for url, rel in ASSETS.items():
        package = "/".join(rel.split("/")[:2]) if rel.startswith("@") else rel.split("/")[0]
        assert package in declared, url
        assert re.fullmatch(r"(npm:[\w.-]+@)?\d+\.\d+\.\d+", declared[package]), (package, declared[package])
        assert f"node_modules/{package}" in locked, package
        version = re.search(r"[@/-](\d+\.\d+\.\d+)", url)  # "vega@5" is a range: package.json pins it
        if version:
            assert locked[f"node_modules/{package}"]["version"] == version.group(1), url


@pytest.mark.slow
def test_real_data_docs_are_published_offline(built_project, tmp_path: Path):
    """Great Expectations on the project's data (the Data Docs of the session's build, which passed
    the gate), then the real assets: no page or stylesheet loads anything remote, every local load
    and link names a file, and the SRI-pinned files are GX's."""
    built = built_project.data_docs
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    assert "index.html" in pages and any(p.startswith("validations/") and p.count("/") >= 4 for p in pages)
    assert any(remote_resources((built / "index.html").read_text(encoding="utf-8")))

    dest = tmp_path / "site" / "data-docs"
    publish_data_docs(built, dest, ROOT / "tools" / "datadocs-assets" / "node_modules")
    assert remote_left(dest) == []
    assert unresolved(dest) == []
    assert (dest / "vendor/@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2").stat().st_size > 10_000
    for name in pages:
        text = (dest / name).read_text(encoding="utf-8")
        assert "integrity=" not in text and "crossorigin=" not in text, name
        depth = "../" * name.count("/")
        assert f'src="{depth}vendor/jquery/dist/jquery.min.js"' in text, name
        assert f'href="{depth}vendor/bootstrap/dist/css/bootstrap.min.css"' in text, name
    assert posixpath.basename(datadocs.ASSETS[VEGA]) == "vega.min.js"


# --------------------------------------------------------------------------- a failing build's Data Docs stay inert

from analysis.build import gx_inert  # noqa: E402

# Raw values a pull request could bring; the gate rejects each (a pledge id must be an id, a verdict one
# of the known ones), so Great Expectations shows them on the failing build's pages.
PWNED = "document.documentElement.setAttribute(`data-pwned`, 1)"
HOSTILE_VALUES = {
    ("pledges", "pledge_id"): f"X<img src=x onerror={PWNED}>",
    ("claims", "verdict"): f'"><svg onload="{PWNED}"></svg><script>{PWNED}</script>',
    ("events", "category"): f"</td></tr></table><iframe srcdoc='<script>parent.{PWNED}</script>'></iframe>",
}
GX_HANDLERS = {"showAllValidations()", "hideSucceededValidations()"}


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [v or "" for n, v in attrs if n.startswith("on")]


@pytest.fixture(scope="module")
def failing_docs(tmp_path_factory) -> Path:
    """Great Expectations' Data Docs of clean tables holding the hostile values (three tables, as
    the validation step writes them for a failing build)."""
    from analysis.build.pipeline import read_published
    from analysis.paths import ProjectPaths
    from analysis.build.validate import load_suite_specs, run_gx

    tables = read_published(ProjectPaths(ROOT))
    for (table, column), value in HOSTILE_VALUES.items():
        tables[table] = tables[table].copy()
        tables[table].loc[tables[table].index[0], column] = value
    names = sorted({t for t, _ in HOSTILE_VALUES})
    specs = {n: s for n, s in load_suite_specs(ROOT / "expectations", tables).items() if n in names}
    docs = tmp_path_factory.mktemp("failing") / "data_docs"
    results = run_gx({n: tables[n] for n in names}, specs, docs)
    assert all(any(f.severity == "critical" for f in r.failures) for r in results), "each table should fail its gate"
    return docs


@pytest.mark.slow
def test_a_rejected_raw_value_is_text_on_the_failing_build_s_pages(failing_docs: Path):
    """The issue's reproduction: on main GX wrote `X<img src=x onerror=…>` into the validation page
    as markup, and the handler ran when the page was opened."""
    pages = sorted(failing_docs.rglob("*.html"))
    assert len(pages) >= 7
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        markup = _Markup()
        markup.feed(text)
        assert not {"svg", "iframe"} & set(markup.tags), page
        assert set(markup.handlers) <= GX_HANDLERS | {h for h in markup.handlers if h.startswith("clearTableFilters('")}, page
        shown += sum(html_lib.escape(v, quote=True) in text for v in HOSTILE_VALUES.values())
        assert 'http-equiv="Content-Security-Policy" data-boston="inert"' in text, page
    assert shown >= len(HOSTILE_VALUES), "each hostile value should be on a page, as text"


@pytest.mark.slow
def test_the_escaping_views_change_nothing_but_how_data_characters_are_written(tmp_path: Path, monkeypatch):
    """The same validation drawn by GX's own views and by the escaping ones: the pages read the same
    (entities decoded), but for the run times and the random ids GX puts in every page."""
    from analysis.build import gx_views
    from analysis.build.pipeline import read_published
    from analysis.paths import ProjectPaths
    from analysis.build.validate import load_suite_specs, run_gx

    tables = read_published(ProjectPaths(ROOT))
    names = ["claims", "pledges"]
    specs = {n: s for n, s in load_suite_specs(ROOT / "expectations", tables).items() if n in names}
    run_gx({n: tables[n] for n in names}, specs, tmp_path / "escaping")
    monkeypatch.setattr(gx_views, "SECTIONS", {s: "DefaultJinjaPageView" for s in gx_views.SECTIONS})
    monkeypatch.setattr(gx_views, "INDEX", "DefaultJinjaIndexPageView")
    monkeypatch.setattr(gx_views, "MODULE", "great_expectations.render.view")
    run_gx({n: tables[n] for n in names}, specs, tmp_path / "plain")

    def read(folder: Path) -> dict[str, str]:
        out = {}
        for p in folder.rglob("*.html"):
            text = html_lib.unescape(gx_inert.without_policy(p.read_text(encoding="utf-8")))
            text = re.sub(r"\?d=[\w.]+|\d{8}T\d{6}\.\d{6}Z|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                          r"[0-9a-f]{4}-[0-9a-f]{12}|'_run_time_sort': [\d.]+", "#", text)
            out[re.sub(r"\d{8}T\d{6}\.\d{6}Z", "#", p.relative_to(folder).as_posix())] = text
        return out

    plain, escaping = read(tmp_path / "plain"), read(tmp_path / "escaping")
    assert sorted(plain) == sorted(escaping) and len(plain) >= 5
    for name in plain:
        assert escaping[name] == plain[name], name


def chromium_sees(page: Path) -> dict:
    """Open a page as a reviewer opens a downloaded artifact (file://, no network), with a reporter
    placed before the page's own policy; what ran, and what the policy refused."""
    import subprocess
    import tempfile

    from analysis.checks import netguard
    from analysis.checks.output import find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.fail("Chromium is required for the Data Docs test (Debian's chromium)")
    reporter = ("<script>window.__v = []; document.addEventListener('securitypolicyviolation', e => __v.push(e.violatedDirective));"
                "window.addEventListener('load', () => setTimeout(() => document.documentElement.setAttribute('data-seen', "
                "JSON.stringify({refused: __v, pwned: document.documentElement.getAttribute('data-pwned')})), 500));</script>")
    text = page.read_text(encoding="utf-8")
    head = re.search(r"<head\b[^>]*>", text)
    with tempfile.TemporaryDirectory() as tmp:
        probed = Path(tmp) / page.name
        probed.write_text(text[:head.end()] + reporter + text[head.end():], encoding="utf-8")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}", "--virtual-time-budget=5000",
               "--dump-dom", probed.as_uri()]
        run = subprocess.run(netguard.isolated_command(cmd) or cmd, capture_output=True, text=True, timeout=180)
    seen = re.search(r'data-seen="([^"]*)"', run.stdout)
    assert seen, run.stderr[-500:]
    return json.loads(html_lib.unescape(seen.group(1)))


@pytest.mark.slow
def test_opened_in_a_browser_the_failing_build_s_page_runs_no_data(failing_docs: Path):
    page = next(failing_docs.glob("validations/pledges/*/*/clean-pledges.html"))
    assert chromium_sees(page)["pwned"] is None


@pytest.mark.slow
def test_the_policy_alone_stops_markup_that_got_past_the_escaping(failing_docs: Path, tmp_path: Path):
    """The second layer: a page whose data went in as markup (as GX's own views write it), under the
    policy computed for the page as it was: the handler, the inline script and the javascript: URL
    are refused; without the policy the same page runs them."""
    page = next(failing_docs.glob("validations/pledges/*/*/clean-pledges.html"))
    injected = (f"<img src=x onerror=\"{PWNED}\"><script>{PWNED}</script>"
                f"<a id=go href=\"javascript:{PWNED}\">x</a><script>document.getElementById('go').click()</script>")
    text = page.read_text(encoding="utf-8").replace("<body>", "<body>" + injected, 1)
    guarded = write_page(tmp_path / "guarded.html", text)
    bare = write_page(tmp_path / "bare.html", gx_inert.without_policy(text))
    seen = chromium_sees(guarded)
    assert seen["pwned"] is None and {"script-src-attr", "script-src-elem"} <= set(seen["refused"]), seen
    assert chromium_sees(bare)["pwned"] == "1"
    _, blocked = gx_inert.policy(gx_inert.without_policy(text), vendored=True)
    assert sorted(b.split(":")[0] for b in blocked) == ["an inline event handler GX's templates do not write"] + \
        ["an inline script GX's templates do not write"] * 2, blocked


def write_page(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_publishing_refuses_a_page_with_code_gx_does_not_write(tmp_path: Path):
    docs = fake_data_docs(tmp_path)
    (docs / DEEP).write_text((docs / DEEP).read_text(encoding="utf-8").replace(
        "</body>", '<div onmouseover="steal()">x</div><script>steal()</script>\n</body>'), encoding="utf-8")
    with pytest.raises(DataDocsError) as caught:
        publish_data_docs(docs, tmp_path / "out", fake_assets(tmp_path))
    assert f"{DEEP}: an inline event handler GX's templates do not write: 'steal()'" in str(caught.value)
    assert f"{DEEP}: an inline script GX's templates do not write: 'steal()'" in str(caught.value)
    assert not (tmp_path / "out").exists()
