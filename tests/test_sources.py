"""Sidecar verification: every missing field, checksum or size mismatch is named."""

import re
import shutil

import pytest
import yaml

from analysis.errors import CleaningError, SourceError
from analysis.build.sources import load_sources, read_raw_table, update_checksum

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
    ("url_main", "www.example.org", "must start with http:// or https://"),
    ("url_main", "javascript:alert(1)", "must start with http:// or https://"),
    ("url_main", "https://example.org/a b", "whitespace or control characters"),
    ("url_main", "https://example.org/a)\n[x](https://evil.example)", "whitespace or control characters"),
    ("url_main", "https:///no-host", "has no host"),
    ("license", {"name": "n", "url": "ftp://example.org/l"}, "field 'license.url': URL must start with http"),
    ("title", ["a", "list"], "field 'title' must be text, found a list"),
    ("producer", {"nested": "mapping"}, "field 'producer' must be text, found a mapping"),
    ("notes", 12, "field 'notes' must be text, found a number"),
    ("size", "120", "field 'size' must be a whole number of bytes"),
    ("size", True, "field 'size' must be a whole number of bytes"),
    ("sha256", "ABC", "field 'sha256' must be 64 lowercase hexadecimal characters"),
    ("sha256", "A" * 64, "field 'sha256' must be 64 lowercase hexadecimal characters"),
    ("date_published", "2020-02-30", "expected a date"),
    ("date_published", "2099-01", "date_published 2099-01 is after today"),
    ("date_published", "2026-11-25", "is after date_accessed 2026-11-24"),
    ("date_accessed", "2099-01-01", "date_accessed 2099-01-01 is after today"),
    ("next_expected", "soon", "field 'next_expected' is 'soon', expected a date"),
    ("package", "currencyconverter", "field 'package' must be a mapping with exactly"),
    ("colour", "blue", "unknown field(s) ['colour']"),
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
    assert "data/raw/b/extra.csv: stray file" in text
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


def test_same_month_publication_counts_as_not_after_access(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw, date_published="2026-11", date_accessed="2026-11-02")
    assert load_sources(raw, tmp_path)


def sidecar_text(tmp_path, text: str) -> list[str]:
    """Load a source whose sidecar is exactly this YAML text (for what safe_dump would never write)."""
    raw = tmp_path / "data" / "raw"
    data = make_source(raw)
    (data.parent / "figures.csv.meta.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources(raw, tmp_path)
    assert all("data/raw/src-a/figures.csv.meta.yaml" in p for p in err.value.problems), err.value.problems
    return err.value.problems


def good_yaml(data_sha: str = "", **lines: str) -> str:
    fields = {"title": "t", "producer": "p", "citation_full": "c", "url_main": "https://example.org/a",
              "date_published": "2020-01-31", "date_accessed": "2026-11-24", "evidence": "secondary", "notes": "n",
              "size": "20", "sha256": data_sha or "'" + "a" * 64 + "'"}
    fields.update(lines)
    return "".join(f"{k}: {v}\n" for k, v in fields.items()) + "license:\n  name: n\n  url: https://example.org/l\n"


def test_unquoted_zero_checksum_is_a_number_and_refused(tmp_path):
    problems = sidecar_text(tmp_path, good_yaml(sha256="0" * 64))
    assert any("field 'sha256' must be 64 lowercase hexadecimal characters in quotes, found a number" in p for p in problems)


def test_unquoted_impossible_date_is_a_clear_problem(tmp_path):
    problems = sidecar_text(tmp_path, good_yaml(date_published="2018-13-45"))
    assert any("field 'date_published' is '2018-13-45', expected a date" in p for p in problems)


def test_unquoted_year_is_refused_with_a_hint(tmp_path):
    problems = sidecar_text(tmp_path, good_yaml(date_published="2020"))
    assert any("field 'date_published' is a number (2020), expected a date" in p and "in quotes" in p for p in problems)


def test_anchors_and_aliases_are_refused_before_expansion(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20))
    problems = sidecar_text(tmp_path, bomb + good_yaml())
    assert problems == ["data/raw/src-a/figures.csv.meta.yaml: line 1: YAML anchors and aliases are not allowed in a sidecar"]


def test_oversized_sidecar_is_refused_unread(tmp_path):
    problems = sidecar_text(tmp_path, good_yaml(notes="'" + "x" * 70_000 + "'"))
    assert any("a sidecar is at most 65,536" in p for p in problems)


@pytest.mark.parametrize(("text", "expected"), [
    ("title: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "expected a YAML mapping of fields, found list"),
    ("title: a\ntitle: b\n", "duplicate key 'title'"),
    ("", "expected a YAML mapping of fields, found NoneType"),
])
def test_unusable_yaml_is_one_line_naming_the_file(tmp_path, text, expected):
    problems = sidecar_text(tmp_path, text)
    assert len(problems) == 1 and expected in problems[0]


def test_non_utf8_sidecar(tmp_path):
    raw = tmp_path / "data" / "raw"
    data = make_source(raw)
    (data.parent / "figures.csv.meta.yaml").write_bytes(good_yaml(title="한국").encode("cp949"))
    with pytest.raises(SourceError, match="figures.csv.meta.yaml: not UTF-8 text"):
        load_sources(raw, tmp_path)


@pytest.mark.parametrize(("body", "expected"), [
    ("series,measure\n", "figures.csv: the file has a header and no rows"),
    ("", "figures.csv: the file is empty"),
    ("series,measure\n\n  \n", "figures.csv: the file has a header and no rows"),
    ("series,measure\nx,am\x00ount\n", "figures.csv:2: contains a NUL byte"),
])
def test_empty_or_damaged_data_files_are_refused_by_name(tmp_path, body, expected):
    problems = problems_for(tmp_path, body=body)
    assert any(expected in p for p in problems), problems


def test_cp949_data_file_names_the_line(tmp_path):
    raw = tmp_path / "data" / "raw"
    data = make_source(raw)
    data.write_bytes("series,measure\nx,amount\ny,금액\n".encode("cp949"))
    update_checksum(data)
    with pytest.raises(SourceError, match=r"figures.csv:3: not UTF-8 text .*CP949"):
        load_sources(raw, tmp_path)


def test_bom_and_crlf_are_read_as_the_same_table(tmp_path):
    raw = tmp_path / "data" / "raw"
    plain = make_source(raw, name="plain", body="series,measure\nx,amount\n")
    bom = make_source(raw, name="bom", body="\ufeffseries,measure\r\nx,amount\r\n")
    sources = load_sources(raw, tmp_path)
    a = read_raw_table(sources["plain"], ("series", "measure"), "a").drop(columns="source_id")
    b = read_raw_table(sources["bom"], ("series", "measure"), "b").drop(columns="source_id")
    assert a.equals(b) and plain != bom


def test_symlinks_and_stray_entries_are_named(tmp_path):
    raw = tmp_path / "data" / "raw"
    make_source(raw, name="good")
    outside = tmp_path / "secret.csv"
    outside.write_text("series,measure\nPASSWORD,hunter2\n", encoding="utf-8")
    linked = make_source(raw, name="linked")
    linked.unlink()
    linked.symlink_to(outside)
    (raw / "whole-folder").symlink_to(tmp_path, target_is_directory=True)
    (raw / "loose.csv").write_text("a\n1\n", encoding="utf-8")
    (raw / "good" / "notes.txt").write_text("x", encoding="utf-8")
    (raw / "good" / "sub").mkdir()
    (raw / "Bad Name").mkdir()
    with pytest.raises(SourceError) as err:
        load_sources(raw, tmp_path)
    text = str(err.value)
    assert "data/raw/linked/figures.csv: is a symbolic link" in text
    assert "data/raw/whole-folder: is a symbolic link" in text
    assert "data/raw/loose.csv: stray file" in text
    assert "data/raw/good/notes.txt: stray file" in text
    assert "data/raw/good/sub: stray folder" in text
    assert "data/raw/Bad Name: folder name is not a source id" in text
    assert "hunter2" not in text and "PASSWORD" not in text


def test_checksum_command_writes_a_quoted_checksum(tmp_path):
    raw = tmp_path / "data" / "raw"
    data = make_source(raw)
    data.write_text("series,measure\ny,amount\n", encoding="utf-8")
    update_checksum(data)
    text = (data.parent / "figures.csv.meta.yaml").read_text(encoding="utf-8")
    assert re.search(r"^sha256: '[0-9a-f]{64}'$", text, re.M)
    assert load_sources(raw, tmp_path)
