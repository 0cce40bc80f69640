"""The no-op build: a fingerprint that misses a relevant change is a bug, so every kind of input
(and every output) is changed here once and must make the build run again."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from analysis.build import fingerprint as fp

from conftest import ROOT


@pytest.fixture
def setup(project, tmp_path):
    """A project copy with a recorded fingerprint, and a copy of the code root (package + lock)."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "analysis", code / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.lock", code / "requirements.lock")
    project.validation_summary.parent.mkdir(parents=True)
    project.validation_summary.write_text('{"success": true}', encoding="utf-8")
    fp.record(project, code)
    assert fp.stale(project, code) is None
    return project, code


def append(path, text="\n"):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda p, c: append(p.raw / "yakup-2020-01-31-kvca-bio" / "figures.csv"), "raw data and sidecars changed"),
    (lambda p, c: append(p.raw / "yakup-2020-01-31-kvca-bio" / "figures.csv.meta.yaml", "# note\n"), "raw data and sidecars changed"),
    (lambda p, c: (p.raw / "new-source").mkdir() or (p.raw / "new-source" / "figures.csv").write_text("x"), "raw data and sidecars changed"),
    (lambda p, c: append(p.expectations / "claims.json", " "), "expectation suites changed"),
    (lambda p, c: append(c / "analysis" / "build" / "cleaning" / "venture.py", "# changed\n"), "build code changed"),
    (lambda p, c: append(c / "analysis" / "build" / "units.py", "# changed\n"), "build code changed"),
    (lambda p, c: append(c / "requirements.lock", "# bump\n"), "locked dependencies changed"),
    (lambda p, c: append(p.clean / "indicators.csv", "x\n"), "data/clean/indicators.csv changed or is missing"),
    (lambda p, c: (p.clean / "claims.csv").unlink(), "data/clean/claims.csv changed or is missing"),
    (lambda p, c: (p.clean / "stray.csv").write_text("x"), "data/clean/stray.csv changed or is missing"),
    (lambda p, c: append(p.validation_summary, " "), "build/validation/summary.json changed or is missing"),
    (lambda p, c: p.validation_summary.unlink(), "build/validation/summary.json changed or is missing"),
    (lambda p, c: fp.path(p).unlink(), "no record of a previous build"),
])
def test_every_input_and_output_kind_triggers_a_rebuild(setup, change, reason):
    project, code = setup
    change(project, code)
    assert fp.stale(project, code) == reason


def test_report_code_and_timestamps_do_not(setup):
    project, code = setup
    append(code / "analysis" / "report" / "charts.py", "# a chart tweak\n")
    (project.raw / "yakup-2020-01-31-kvca-bio" / "figures.csv").touch()
    assert fp.stale(project, code) is None


def test_force_flag_ci_and_env(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(fp.FORCE_ENV, raising=False)
    assert not fp.forced(False) and fp.forced(True)
    monkeypatch.setenv("CI", "true")
    assert fp.forced(False)
    monkeypatch.delenv("CI")
    monkeypatch.setenv(fp.FORCE_ENV, "1")
    assert fp.forced(False)


@pytest.mark.slow
def test_a_no_op_build_skips_without_importing_pandas_or_gx(project):
    code = ("import sys; from analysis.cli import main; rc = main(['--root', sys.argv[1], 'build']); "
            "print(rc, 'pandas' in sys.modules, 'great_expectations' in sys.modules)")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("CI", fp.FORCE_ENV)}
    first = subprocess.run([sys.executable, "-c", code, str(project.root)], capture_output=True, text=True, env=env, timeout=300)
    assert first.stdout.split() == ["0", "True", "True"], first.stderr[-800:]
    second = subprocess.run([sys.executable, "-c", code, str(project.root)], capture_output=True, text=True, env=env, timeout=300)
    assert second.stdout.split() == ["0", "False", "False"], second.stderr[-800:]
    assert "nothing changed since the last build" in second.stderr
    forced = subprocess.run([sys.executable, "-c", code.replace("'build']", "'build', '--force']"), str(project.root)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert forced.stdout.split() == ["0", "True", "True"]
