"""The gate end to end, on temporary copies of the project: bad input stops the build with a
message naming file, row and column, and data/clean/ stays byte-identical."""

import json
import os
import re
import subprocess
import sys

import pytest

from analysis.cli import main
from analysis.errors import CleaningError, SourceError, SuiteError, ValidationFailed
from analysis.build.pipeline import build, validate_published
from analysis.build.sources import update_checksum

from conftest import ROOT, build_refused, copy_documents, copy_project, edit, snapshot_dir

pytestmark = pytest.mark.slow
KVCA = "data/raw/yakup-2020-01-31-kvca-bio/figures.csv"
MASSBIO = "data/raw/massbio-2018-08-28-snapshot-pr/figures.csv"


def line_of(project, rel, needle):
    lines = (project.root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_a_unparseable_raw_value_names_file_row_column(project):
    edit(project, KVCA, '"8,417억원"', '"8,41 7억원"')
    err = build_refused(project, CleaningError)
    row = line_of(project, KVCA, "8,41 7억원")
    assert str(err).startswith(f"{KVCA}:{row}:value: cannot parse '8,41 7억원'")


def test_b_raw_file_changed_without_sidecar(project):
    edit(project, KVCA, '"8,417억원"', '"8,418억원"', rechecksum=False)
    assert f"{KVCA}.meta.yaml: sha256 does not match figures.csv" in str(build_refused(project, SourceError))


def test_b_missing_sidecar_field(project):
    edit(project, MASSBIO + ".meta.yaml", "evidence: primary\n", "", rechecksum=False)
    build_refused(project, SourceError, match=r"figures.csv.meta.yaml: missing field 'evidence'")


def test_c_negative_amount_is_refused_at_its_raw_cell_and_publishes_nothing(project):
    """Refused by the cleaning step where it was typed: file:row:column, the text as printed and the
    allowed range (the gate would only name the clean column and the source id, later)."""
    edit(project, MASSBIO, ',FY,$3.1 billion,', ',FY,-$3.1 billion,')
    err = build_refused(project, CleaningError)
    row = line_of(project, MASSBIO, "-$3.1 billion")
    assert str(err) == f"{MASSBIO}:{row}:value: '-$3.1 billion' is -3.1e+09 USD; allowed for an amount: 0 or more"


def test_c_share_above_100_is_refused_at_its_raw_cell(project):
    share_line = line_of(project, KVCA, ",share,2019,")
    edit(project, KVCA, ",25.8%,", ",125.8%,")
    with pytest.raises(CleaningError, match=rf"^{KVCA}:{share_line}:value: '125.8%' is 125.8 %; allowed for a share: 0 to 100$"):
        build(project, progress=lambda _: None)


def test_c_the_gate_still_stands_behind_the_cleaning_step(built_project, tmp_path):
    """A negative amount written into data/clean/ by hand (past the cleaning step) fails the gate."""
    project = copy_project(tmp_path, built_project.root)
    path = project.clean / "venture_investment.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",3100000000.0,exact,", ",-3100000000.0,exact,", 1), encoding="utf-8")
    assert ",-3100000000.0,exact," in path.read_text(encoding="utf-8")
    report = validate_published(project)
    assert not report.success
    assert any(line.startswith("[critical] venture_investment.amount: expect_column_values_to_be_between — 1 unexpected")
               and "at massbio-2018-08-28-snapshot-pr:2" in line for line in report.blocking), report.blocking


def test_c_duplicate_year_fails_the_gate(project):
    path = project.root / MASSBIO
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    update_checksum(path)
    err = build_refused(project, ValidationFailed)
    assert any("expect_compound_columns_to_be_unique" in line for line in err.lines)


def test_c_share_that_disagrees_with_total(project):
    edit(project, KVCA, '"4조2,777억원"', '"5조2,777억원"')
    build_refused(project, ValidationFailed, match="share equals amount / total")


def test_c_bad_share_is_reported_at_the_share_line(project):
    share_line = line_of(project, KVCA, ",share,2019,")
    amount_line = line_of(project, KVCA, '"1조1,033억원",,,')
    edit(project, KVCA, ",25.8%,", ",24.8%,")
    text = "\n".join(build_refused(project, ValidationFailed).lines)
    assert f"yakup-2020-01-31-kvca-bio:{share_line}" in text and f"yakup-2020-01-31-kvca-bio:{amount_line}" not in text


def test_c_dropped_expectation_is_caught(project):
    path = project.expectations / "fx_krw_usd.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["expectations"].append({"type": "expect_column_values_to_be_purple", "kwargs": {"column": "year"}})
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SuiteError, match=r"expectations/fx_krw_usd.json: 14 expectations in the file, 13 loaded"):
        build(project, progress=lambda _: None)


def test_d_rebuild_reproduces_committed_clean_data_byte_for_byte(built_project, tmp_path):
    committed = snapshot_dir(ROOT / "data" / "clean")
    assert snapshot_dir(built_project.clean) == committed  # the first build: the shared fixture's
    project = copy_project(tmp_path, built_project.root)
    build(project, progress=lambda _: None)
    assert snapshot_dir(project.clean) == committed


def test_cli_build_failure_message_and_exit_code(project, capsys):
    edit(project, KVCA, '"8,417억원"', '"8,41 7억원"')
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "BUILD FAILED — nothing was published; data/clean/ is unchanged." in err
    assert re.search(rf"{re.escape(KVCA)}:\d+:value: cannot parse", err)


def test_cli_validate_reads_back_published_tables(project, capsys):
    assert main(["--root", str(project.root), "validate"]) == 0
    assert "venture_investment:" in capsys.readouterr().out
    # a hand edit of a published table is caught by re-validation
    path = project.clean / "fx_krw_usd.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2019,1166.2775", "2019,11662.775"), encoding="utf-8")
    assert main(["--root", str(project.root), "validate"]) == 1
    assert "FAIL [critical] fx_krw_usd.krw_per_usd" in capsys.readouterr().out


def test_render_without_quarto_builds_then_explains(project, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["--root", str(project.root), "render"]) == 3
    err = capsys.readouterr().err
    assert "build ok" in err and "Quarto is not installed" in err and "pip install quarto-cli" in err


def test_data_docs_are_written(built_project):
    assert (built_project.data_docs / "index.html").exists()  # built with data_docs=True


HOSPITALS_2025 = "data/raw/kukinews-2025-03-26-research-hospitals/hospitals.csv"
NIH_FY16 = "data/raw/bmrb-2017-nih-fy16/figures.csv"


def test_a_dropped_research_hospital_fails_the_round_count(project):
    path = project.root / HOSPITALS_2025
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    update_checksum(path)
    build_refused(project, ValidationFailed, match=r"10 in 2013, 21 in 2025")


def test_an_unknown_hospital_name_is_refused(project):
    edit(project, HOSPITALS_2025, "2025 인증,전남대병원,", "2025 인증,부산대병원,")
    with pytest.raises(CleaningError, match=r"hospitals.csv:\d+:hospital: unknown hospital '부산대병원'"):
        build(project, progress=lambda _: None)


def test_a_hospital_nih_award_above_the_city_total_fails(project):
    edit(project, NIH_FY16, "$364.98,M", "$3649.80,M")
    build_refused(project, ValidationFailed, match="NIH by hospital within the city total")


def test_a_claim_verdict_change_is_reported_but_does_not_block(project):
    messages = []
    edit(project, "data/raw/kobenp-2023-12-kbic/figures.csv", ",363社,", ",390社,")
    build(project, progress=messages.append)
    assert any("claim S2: verdict changed from confirmed to differs" in m for m in messages)


def test_moving_the_anchor_figure_of_a_claim_is_stopped_by_the_pinned_value(project):
    edit(project, "data/raw/gen-2019-massbio-snapshot/figures.csv", ',FY,"74,256",', ',FY,"72,256",')
    with pytest.raises(CleaningError, match="pinned reference ma_biopharma_jobs_massbio"):
        build(project, progress=lambda _: None)


def test_quarto_prerender_script_prints_the_diagnosis_and_fails(project):
    """What Quarto runs before rendering: on a failing gate it must say why (Quarto prints nothing)."""
    copy_documents(project.root)
    edit(project, KVCA, '"8,417억원"', '"8,41 7억원"')
    result = subprocess.run([sys.executable, "report/_prerender.py"], cwd=project.root / "report" / "..", capture_output=True,
                            text=True, timeout=300, env={**os.environ, "BOSTON_REPORT_ROOT": str(project.root)})
    assert result.returncode == 1
    assert "BUILD FAILED" in result.stderr and "cannot parse '8,41 7억원'" in result.stderr
    assert "pre-render: the data gate failed" in result.stderr
    assert not (project.root / "report" / "_vega-bundle.html").exists()
    assert not (project.root / "report" / "_vega-placeholder.html").exists()


# --------------------------------------------------------------------------- what a careless or hostile contributor does

MB_DIR = "data/raw/massbio-2018-08-28-snapshot-pr"
MB_META = f"{MB_DIR}/figures.csv.meta.yaml"


def set_meta_line(project, key, raw_value):
    path = project.root / MB_META
    text = re.sub(rf"^{key}:.*$", f"{key}: {raw_value}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def rewrite(project, rel, transform, *, rechecksum=True):
    path = project.root / rel
    path.write_bytes(transform(path.read_bytes()))
    if rechecksum:
        update_checksum(path)


ATTACKS = {
    "symlinked raw file": (lambda p: ((p.root / "outside.csv").write_text("series\nsecret-value\n"),
                                      (p.root / MASSBIO).unlink(), (p.root / MASSBIO).symlink_to(p.root / "outside.csv")),
                           f"{MASSBIO}: is a symbolic link"),
    "sidecar alias bomb": (lambda p: (p.root / MB_META).write_text("a: &a [x, x]\nb: [*a, *a]\n" + (p.root / MB_META).read_text()),
                           f"{MB_META}: line 1: YAML anchors and aliases are not allowed"),
    "unquoted zero checksum": (lambda p: set_meta_line(p, "sha256", "0" * 64), f"{MB_META}: field 'sha256' must be 64"),
    "impossible unquoted date": (lambda p: set_meta_line(p, "date_published", "2018-13-45"),
                                 f"{MB_META}: field 'date_published' is '2018-13-45'"),
    "published after accessed": (lambda p: set_meta_line(p, "date_published", "'2026-11-30'"),
                                 f"{MB_META}: date_published 2026-11-30 is after date_accessed 2026-11-24"),
    "producer as a list": (lambda p: set_meta_line(p, "producer", "[a, b]"), f"{MB_META}: field 'producer' must be text, found a list"),
    "link injection in url_main": (lambda p: set_meta_line(p, "url_main", "'https://a.example/x) [y](https://evil.example'"),
                                   f"{MB_META}: field 'url_main': URL contains whitespace"),
    "header without rows": (lambda p: rewrite(p, MASSBIO, lambda b: b.split(b"\n")[0] + b"\n"), f"{MASSBIO}: the file has a header and no rows"),
    "cp949 file": (lambda p: rewrite(p, MASSBIO, lambda b: b.decode("utf-8").replace("paragraph 2", "2문단").encode("cp949")),
                   f"{MASSBIO}:2: not UTF-8 text"),
    "truncated file": (lambda p: rewrite(p, MASSBIO, lambda b: b[: b.index(b",37%")]), f"{MASSBIO}:3:"),
    "stray file": (lambda p: (p.root / MB_DIR / "figures (copy).csv").write_text("x"), f"{MB_DIR}/figures (copy).csv: stray file"),
    "implausible count": (lambda p: edit(p, "data/raw/gen-2019-massbio-snapshot/figures.csv", "74,256", "74,256,000"),
                          "data/raw/gen-2019-massbio-snapshot/figures.csv:"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attacks_end_in_one_clear_line_and_change_nothing(project, capsys, attack):
    do, expected = ATTACKS[attack]
    before = snapshot_dir(project.clean)
    do(project)
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err
    assert expected in err, err[-1500:]
    assert "Traceback" not in err and "secret-value" not in err
    assert snapshot_dir(project.clean) == before


def test_bom_and_crlf_give_identical_clean_data(project, capsys):
    before = snapshot_dir(project.clean)
    rewrite(project, MASSBIO, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))
    rewrite(project, KVCA, lambda b: b.replace(b"\n", b"\r\n"))
    assert main(["--root", str(project.root), "build"]) == 0
    after = snapshot_dir(project.clean)
    changed = [name for name in before if before[name] != after[name]]
    # Only the sources table changes: it records the raw files' new checksums.
    assert changed == ["sources.csv"]


def test_an_unexpected_error_is_one_line_naming_the_step(project, capsys, monkeypatch):
    from analysis.build.cleaning import indicators

    def broken(df):
        raise KeyError("boom")

    monkeypatch.setattr(indicators, "check_plausible", broken)
    before = snapshot_dir(project.clean)
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "cleaning indicators: unexpected KeyError: 'boom'" in err and "Traceback" not in err
    assert snapshot_dir(project.clean) == before
