"""Build order: raw -> clean -> validate -> publish.

``data/clean/`` is replaced only after every table passed the gate (see ``analysis.build.publish``); on any
failure before that, ``data/clean/`` is left exactly as it was.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.build.claims import verdict_changes
from analysis.build.cleaning import SCHEMAS, build_tables
from analysis.errors import ValidationFailed, context
from analysis.paths import ProjectPaths
from analysis.build import fingerprint
from analysis.build.publish import DICTIONARY_FILE, build_lock, check_writable, publish
from analysis.folders import recover
from analysis.build.sources import load_sources
from analysis.build.validate import ValidationReport, validate_tables, write_summary

def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Steps:
    """Numbered progress lines with timings, so a long step is never silent."""

    def __init__(self, total: int, progress: Callable[[str], None]) -> None:
        self.total, self.n, self.progress = total, 0, progress
        self.started = time.perf_counter()

    def start(self, label: str) -> None:
        self.n += 1
        self.t0 = time.perf_counter()
        self.progress(f"[{self.n}/{self.total}] {label} …")

    def done(self, detail: str = "") -> None:
        self.progress(f"      done in {time.perf_counter() - self.t0:.1f} s{': ' + detail if detail else ''}")


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    published: bool


def build(paths: ProjectPaths | None = None, *, data_docs: bool = False,
          progress: Callable[[str], None] = stderr_progress) -> BuildResult:
    """The whole build. Raises a :class:`~analysis.errors.BuildError` on any failure; the
    validation summary is written even when the gate fails, so the failure can be read."""
    paths = paths or ProjectPaths.from_env()
    with build_lock(paths.clean.parent):
        check_writable(paths.clean.parent, paths.clean, paths.build)
        recover(paths.clean, progress)
        return _build(paths, data_docs, progress)


def _build(paths: ProjectPaths, data_docs: bool, progress: Callable[[str], None]) -> BuildResult:
    steps = Steps(4, progress)
    steps.start("verifying raw sources and sidecars")
    sources = load_sources(paths.raw, paths.root)
    steps.done(f"{len(sources)} sources, checksums match")

    steps.start("cleaning raw data into tables")
    tables = build_tables(sources, paths.root, progress=lambda m: progress(f"      {m}"))
    for line in verdict_changes(tables["claims"], paths.clean / "claims.csv"):
        progress(f"      {line}")
    steps.done()

    steps.start("validating (Great Expectations suites + cross-table checks)")
    with context("validating"):
        report = validate_tables(tables, paths.expectations, paths.data_docs if data_docs else None)
        write_summary(report, paths.validation_summary)
    n_exp = sum(t.expectations for t in report.tables)
    steps.done(f"{n_exp} expectations on {len(tables)} tables, {len(report.crosschecks)} cross-table checks")
    for line in report.warning_texts:
        progress(f"      warning: {line}")
    if not report.success:
        raise ValidationFailed(report.blocking)

    steps.start(f"publishing to {paths.relative(paths.clean)}")
    with context(f"publishing {paths.relative(paths.clean)}"):
        publish(tables, SCHEMAS, paths.clean)
        fingerprint.record(paths)
    steps.done(f"{len(tables)} tables + {DICTIONARY_FILE}")
    return BuildResult(tables, report, True)


def read_published(paths: ProjectPaths | None = None) -> dict[str, pd.DataFrame]:
    paths = paths or ProjectPaths.from_env()
    return {name: schema.read_csv(paths.clean / f"{name}.csv") for name, schema in SCHEMAS.items()}


def validate_published(paths: ProjectPaths | None = None, *, data_docs: bool = False) -> ValidationReport:
    """Re-validate what is in ``data/clean/`` (e.g. after a hand edit, which the gate should catch)."""
    paths = paths or ProjectPaths.from_env()
    report = validate_tables(read_published(paths), paths.expectations, paths.data_docs if data_docs else None)
    write_summary(report, paths.validation_summary)
    return report
