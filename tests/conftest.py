"""Shared fixtures: a throw-away copy of the project's data so that tests can corrupt raw files,
run the real pipeline on them, and check that the copy's data/clean/ is untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.paths import PACKAGE_ROOT, ProjectPaths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = PACKAGE_ROOT


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A copy of data/ and expectations/ (the code is the installed package)."""
    for name in ("data", "expectations"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns(".clean-*"))
    return ProjectPaths(tmp_path)


def snapshot_dir(path: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a folder did not change."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def nodes_where(tree, match) -> list[dict]:
    """Every mapping in a JSON-like tree (a Vega-Lite spec, a Pandoc AST) for which ``match`` is true."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if match(node):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(tree)
    return found
