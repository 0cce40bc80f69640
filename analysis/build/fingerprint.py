"""Is a build needed? A fingerprint of everything that determines ``data/clean/``.

The inputs are the raw files and their sidecars, the expectation suites, the code of the build
(every module of ``analysis`` but the stages downstream of ``data/clean/``: ``report``, ``render``, ``checks``, ``review``), the locked dependency versions and the
Python version. After a successful build the fingerprint is written to ``build/fingerprint.json``
with the checksums of what the build wrote (every file in ``data/clean/`` and the validation
summary the report reads). A later build whose inputs hash the same, and whose outputs are still
those files byte for byte, has nothing to do: it says so in one line and imports neither pandas
nor Great Expectations. Standard library only, so that the check itself costs almost nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from analysis.inputs import changed, files, hash_files, sha256
from analysis.paths import PACKAGE_ROOT, ProjectPaths

FINGERPRINT_FILE = "fingerprint.json"
FORCE_ENV = "BOSTON_REPORT_FORCE"
VERSION = 1


READERS = {"report", "render", "checks", "review"}  # subpackages downstream of data/clean/


def build_codefiles(code_root: Path = PACKAGE_ROOT) -> list[Path]:
    """The modules that produce data/clean/: all of ``analysis`` except the stages that read it afterwards."""
    package = code_root / "analysis"
    return [p for p in files(package, "*.py") if not set(p.relative_to(package).parts[:1]) & READERS]


def inputs(paths: ProjectPaths, code_root: Path = PACKAGE_ROOT) -> dict[str, str]:
    """One hash per kind of input, so a mismatch can say which kind changed."""
    lock = code_root / "requirements.lock"
    return {
        "raw data and sidecars": hash_files(files(paths.raw), paths.root),
        "expectation suites": hash_files(files(paths.expectations, "*.json"), paths.root),
        "build code": hash_files(build_codefiles(code_root), code_root),
        "locked dependencies": sha256(lock) if lock.exists() else "none",
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


def outputs(paths: ProjectPaths) -> dict[str, str]:
    written = files(paths.clean) + ([paths.validation_summary] if paths.validation_summary.exists() else [])
    return {str(p.relative_to(paths.root)): sha256(p) for p in written}


def path(paths: ProjectPaths) -> Path:
    return paths.build / FINGERPRINT_FILE


def record(paths: ProjectPaths, code_root: Path = PACKAGE_ROOT) -> None:
    """After a successful build: what went in and what came out."""
    paths.build.mkdir(parents=True, exist_ok=True)
    data = {"version": VERSION, "inputs": inputs(paths, code_root), "outputs": outputs(paths)}
    tmp = path(paths).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path(paths))


def stale(paths: ProjectPaths, code_root: Path = PACKAGE_ROOT) -> str | None:
    """Why a build is needed ('raw data and sidecars changed', 'data/clean/x.csv changed', …), or
    None when the last build's inputs and outputs are exactly what is on disk now."""
    try:
        last = json.loads(path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no record of a previous build"
    if last.get("version") != VERSION:
        return "the fingerprint format changed"
    why = changed(last.get("inputs", {}), inputs(paths, code_root))
    if why:
        return why
    recorded, present = last.get("outputs", {}), outputs(paths)
    if recorded != present:
        differ = sorted(set(recorded) ^ set(present) | {f for f in recorded if present.get(f) not in (None, recorded[f])})
        return f"{differ[0]} changed or is missing" if differ else "outputs changed"
    if not paths.validation_summary.exists():
        return "no validation summary"
    return None


def forced(flag: bool) -> bool:
    """--force, or CI (which always rebuilds), or BOSTON_REPORT_FORCE=1."""
    return flag or os.environ.get(FORCE_ENV) == "1" or os.environ.get("CI", "").lower() in ("1", "true", "yes")
