"""The validation gate: every clean table against its Great Expectations suite, plus the
cross-table checks, in one process with one ephemeral GX context (the import alone costs seconds).

Severity: ``critical`` failures block publishing; ``warning`` failures are reported (in the
summary the report's data-quality appendix reads) but do not block.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from analysis.build.crosschecks import CheckResult, run_crosschecks
from analysis.errors import BuildError, SuiteError

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")


@dataclass
class ExpectationFailure:
    table: str
    column: str | None
    expectation: str
    severity: str
    unexpected_count: int | None
    examples: list
    rows: list = field(default_factory=list)

    def line(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        count = "" if self.unexpected_count is None else f" — {self.unexpected_count} unexpected"
        examples = f", e.g. {self.examples[:3]}" if self.examples else ""
        rows = f" at {', '.join(self.rows[:3])}" if self.rows else ""
        return f"[{self.severity}] {where}: {self.expectation}{count}{examples}{rows}"


# Columns whose value was written on another raw line than the row's figure (a share beside its amount).
OWN_LINE = {"share_pct": "share_source_row", "share_of": "share_source_row"}


def locate_rows(df: pd.DataFrame, column: str | None, examples: list, expectation: str) -> list[str]:
    """Where a failing value sits in the raw data (source_id:line), so the message leads to the file."""
    if not column or column not in df.columns or not {"source_id", "source_row"} <= set(df.columns):
        return []
    line = OWN_LINE.get(column, "source_row") if OWN_LINE.get(column) in df.columns else "source_row"
    if "not_be_null" in expectation:
        hit = df[df[column].isna()]
    else:
        values = [e for e in examples if not isinstance(e, (dict, list))]
        hit = df[df[column].isin(values)] if values else df.iloc[0:0]
    return [f"{sid}:{int(n)}" for sid, n in hit[["source_id", line]].dropna().head(3).itertuples(index=False)]


@dataclass
class TableResult:
    table: str
    rows: int
    expectations: int
    failures: list[ExpectationFailure] = field(default_factory=list)


@dataclass
class ValidationReport:
    tables: list[TableResult]
    crosschecks: list[CheckResult]

    @property
    def blocking(self) -> list[str]:
        lines = [f.line() for t in self.tables for f in t.failures if f.severity == "critical"]
        lines += [c.line() for c in self.crosschecks if not c.success and c.severity == "critical"]
        return lines

    @property
    def warnings(self) -> list[str]:
        lines = [f.line() for t in self.tables for f in t.failures if f.severity != "critical"]
        lines += [c.line() for c in self.crosschecks if not c.success and c.severity != "critical"]
        return lines

    @property
    def warning_texts(self) -> list[str]:
        """The warnings as the build prints them after 'warning:' (without a second '[warning]')."""
        return [line.removeprefix("[warning] ") for line in self.warnings]

    @property
    def success(self) -> bool:
        return not self.blocking

    def to_json(self) -> dict:
        return {
            "success": self.success,
            "tables": [
                {"table": t.table, "rows": t.rows, "expectations": t.expectations,
                 "failures": [asdict(f) for f in t.failures]}
                for t in self.tables
            ],
            "crosschecks": [asdict(c) for c in self.crosschecks],
            "blocking": self.blocking,
            "warnings": self.warnings,
        }


def load_suite_specs(expectations_dir: Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, dict]:
    """Every table needs a suite and every suite a table: a missing one would pass silently."""
    specs = {}
    for path in sorted(expectations_dir.glob("*.json")):
        try:
            specs[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SuiteError(f"expectations/{path.name}: not valid JSON ({exc})") from None
        if not isinstance(specs[path.stem], dict) or not isinstance(specs[path.stem].get("expectations"), list):
            raise SuiteError(f"expectations/{path.name}: expected an object with a list 'expectations'")
    missing = sorted(set(tables) - set(specs))
    extra = sorted(set(specs) - set(tables))
    if missing:
        raise SuiteError(f"no expectation suite for table(s) {missing} in {expectations_dir.name}/")
    if extra:
        raise SuiteError(f"expectation suite(s) {extra} in {expectations_dir.name}/ match no clean table")
    return specs


def _quiet_gx() -> None:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")


def run_gx(tables: Mapping[str, pd.DataFrame], specs: Mapping[str, dict], data_docs_dir: Path | None) -> list[TableResult]:
    _quiet_gx()
    import great_expectations as gx  # noqa: PLC0415 - heavy import, only when validating
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("clean")
    definitions = []
    suites = {}
    for name, spec in specs.items():
        suite = context.suites.add(gx.ExpectationSuite(**spec))
        # GX only *logs* an expectation it cannot build and drops it: count them back.
        if len(suite.expectations) != len(spec["expectations"]):
            raise SuiteError(f"expectations/{name}.json: {len(spec['expectations'])} expectations in the file, "
                             f"{len(suite.expectations)} loaded; check the expectation types and kwargs")
        batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("whole")
        definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite)))
        suites[name] = suite

    results: list[TableResult] = []
    for vd in definitions:
        df = tables[vd.name]
        # GX's pandas metrics do not understand pandas' nullable extension dtypes everywhere;
        # object columns with None keep the semantics (null is null) and are what it is tested on.
        plain = df.astype(object).where(df.notna(), None)
        run = vd.run(batch_parameters={"dataframe": plain}, result_format="SUMMARY")
        table = TableResult(vd.name, len(df), len(suites[vd.name].expectations))
        for r in run.results:
            if r.success:
                continue
            cfg = r.expectation_config
            res = r.result or {}
            examples = res.get("partial_unexpected_list") or ([res.get("observed_value")] if "observed_value" in res else [])
            if r.exception_info and r.exception_info.get("raised_exception"):
                examples = [r.exception_info.get("exception_message")]
            examples = [_plain(e) for e in examples]
            table.failures.append(ExpectationFailure(
                vd.name, cfg.kwargs.get("column"), cfg.type, str(getattr(cfg.severity, "value", cfg.severity)),
                res.get("unexpected_count"), examples, locate_rows(df, cfg.kwargs.get("column"), examples, cfg.type)))
        results.append(table)

    if data_docs_dir is not None:
        _write_data_docs(context, gx, definitions, tables, data_docs_dir)
    return results


def _write_data_docs(context, gx, definitions, tables, data_docs_dir: Path) -> None:
    """GX's Data Docs of this validation, drawn by views that write every data string as text
    (analysis.build.gx_views: GX's own write a rejected raw value into the page as markup), then made
    inert by a content security policy (analysis.build.gx_inert): what CI uploads for
    a failing build may hold any value a pull request brings."""
    from analysis.build import gx_inert, gx_views  # noqa: PLC0415 - imports GX

    view = lambda name: {"view": {"module_name": gx_views.MODULE, "class_name": name}}  # noqa: E731
    context.add_data_docs_site(site_name="report_site", site_config={
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", **view(gx_views.INDEX)},
        "site_section_builders": {section: view(name) for section, name in gx_views.SECTIONS.items()},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir.resolve())},
    })
    for vd in definitions:
        df = tables[vd.name]
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"docs_{vd.name}", validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["report_site"])],
            result_format={"result_format": "SUMMARY"}))
        checkpoint.run(batch_parameters={"dataframe": df.astype(object).where(df.notna(), None)})
    unfinished = {page: lines for page, lines in gx_inert.make_inert(data_docs_dir).items() if any("unfinished" in x for x in lines)}
    if unfinished:
        raise BuildError(f"Data Docs in {data_docs_dir}: Great Expectations left {', '.join(sorted(unfinished))} unfinished "
                         "(one of its page renderers failed, which GX only logs)")


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def validate_tables(tables: Mapping[str, pd.DataFrame], expectations_dir: Path,
                    data_docs_dir: Path | None = None) -> ValidationReport:
    specs = load_suite_specs(expectations_dir, tables)
    return ValidationReport(run_gx(tables, specs, data_docs_dir), run_crosschecks(tables))


def write_summary(report: ValidationReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
