"""Sidecar verification: every missing field, checksum or size mismatch is named."""

import shutil

import pytest
import yaml

from analysis.errors import CleaningError, SourceError
from analysis.sources import load_sources, read_raw_table, update_checksum

GOOD_META = {
    "title": "t", "producer": "p", "citation_full": "c", "url_main": "https://example.org/a",
    "date_published": "2020-01-31", "date_accessed": "2026-11-24",
    "license": {"name": "n", "url": "https://example.org/l"}, "evidence": "secondary", "notes": "n",
}


def make_source(raw, name="src-a", body="series,measure\nx,amount\n", **overrides):
    folder = raw / name
    folder.mkdir(parents=True)
    data = folder / "figures.csv"
    data.write_text(body, encoding="utf-8")
    meta = {**GOOD_META, **overrides}
    meta.setdefault("sha256", __import__("hashlib").sha256(data.read_bytes()).hexdigest())
    meta.setdefault("size", data.stat().st_size)
    meta = {k: v for k, v in meta.items() if v is not ...}
    (folder / "figures.csv.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return data


def problems_for(tmp_path, **overrides):
    raw = tmp_path / "data" / "raw"
    make_source(raw, **overrides)
    with pytest.raises(SourceError) as err:
        load_sources(raw, tmp_path)
    return err.value.problems


def test_good_source_loads(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw)
    sources = load_sources(raw, tmp_path)
    assert list(sources) == ["src-a"]
    assert sources["src-a"].evidence == "secondary"


@pytest.mark.parametrize("field", ["title", "producer", "citation_full", "url_main", "date_published",
                                   "date_accessed", "license", "sha256", "size", "evidence", "notes"])
def test_missing_field_is_named(tmp_path, field):
    problems = problems_for(tmp_path, **{field: ...})
    assert any(f"missing field '{field}'" in p and "data/raw/src-a/figures.csv.meta.yaml" in p for p in problems)


def test_empty_field_and_license_parts(tmp_path):
    problems = problems_for(tmp_path, title="", license={"name": "n"})
    assert any("field 'title' is empty" in p for p in problems)
    assert any("missing field 'license.url'" in p for p in problems)


def test_checksum_mismatch_names_file_and_fix(tmp_path):
    problems = problems_for(tmp_path, sha256="0" * 64)
    assert len(problems) == 1
    assert "sha256 does not match figures.csv" in problems[0]
    assert "boston-report checksum" in problems[0]


def test_size_mismatch(tmp_path):
    problems = problems_for(tmp_path, size=1)
    assert any("size is 1 but figures.csv has" in p for p in problems)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("date_published", "31.01.2020", "expected a date"),
    ("evidence", "tertiary", "expected one of"),
    ("url_main", "www.example.org", "expected an http(s) address"),
])
def test_bad_values(tmp_path, field, value, expected):
    assert any(expected in p for p in problems_for(tmp_path, **{field: value}))


@pytest.mark.parametrize("date", ["2020", "2020-01", "2020-01-31"])
def test_partial_dates_are_accepted(tmp_path, date):
    raw = tmp_path / "data" / "raw"
    make_source(raw, date_published=date)
    assert load_sources(raw, tmp_path)


def test_missing_sidecar_orphan_sidecar_and_two_files(tmp_path):
    raw = tmp_path / "data" / "raw"
    data = make_source(raw, name="a")
    (data.parent / "figures.csv.meta.yaml").unlink()
    other = make_source(raw, name="b")
    shutil.copy(other, other.parent / "extra.csv")
    orphan = make_source(raw, name="c")
    orphan.unlink()
    with pytest.raises(SourceError) as err:
        load_sources(raw, tmp_path)
    text = str(err.value)
    assert "data/raw/a/figures.csv: no sidecar figures.csv.meta.yaml" in text
    assert "data/raw/b: expected exactly one data file per source folder, found 2" in text
    assert "data/raw/c/figures.csv.meta.yaml: sidecar without its data file" in text


def test_all_problems_reported_at_once(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw, name="a", title=...)
    make_source(raw, name="b", sha256="1" * 64)
    with pytest.raises(SourceError) as err:
        load_sources(raw, tmp_path)
    assert len(err.value.problems) == 2


def test_update_checksum_records_new_file(tmp_path):
    raw = tmp_path / "data" / "raw"
    data = make_source(raw)
    data.write_text("series,measure\ny,amount\nz,share\n", encoding="utf-8")
    with pytest.raises(SourceError):
        load_sources(raw, tmp_path)
    update_checksum(data)
    assert load_sources(raw, tmp_path)


def test_read_raw_table_keeps_text_and_line_numbers(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw, body="series,measure\n x ,0012\ny,amount\n")
    src = load_sources(raw, tmp_path)["src-a"]
    df = read_raw_table(src, ("series", "measure"), "label")
    assert df["measure"].tolist() == ["0012", "amount"]  # never parsed as a number here
    assert df["series"].tolist() == ["x", "y"]
    assert df["source_row"].tolist() == [2, 3]


def test_read_raw_table_names_missing_column(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw)
    src = load_sources(raw, tmp_path)["src-a"]
    with pytest.raises(CleaningError, match=r"^label:1:value: missing column"):
        read_raw_table(src, ("series", "value"), "label")
