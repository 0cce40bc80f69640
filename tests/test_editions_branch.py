"""tools/editions-branch.sh, which keeps the editions archive on the `editions` branch between
deploys, run against a local bare repository standing in for GitHub."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPT = ROOT / "tools" / "editions-branch.sh"


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=check, env=env)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    run(tmp_path, "git", "init", "-q", "--bare", "-b", "main", "remote.git")
    run(tmp_path, "git", "clone", "-q", str(tmp_path / "remote.git"), "work")
    work = tmp_path / "work"
    (work / "README").write_text("main\n")
    run(work, "git", "add", "README")
    run(work, "git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "main")
    run(work, "git", "push", "-q", "origin", "main")
    return work


def edition(archive: Path, day: str, index: str) -> None:
    (archive / day).mkdir(parents=True)
    (archive / day / "index.html").write_text(f"report {day}\n")
    (archive / "editions.json").write_text(index)
    (archive / "index.html").write_text(f"list {index}")


def sh(work: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(work, "bash", str(SCRIPT), *args, check=check)


def test_first_fetch_is_empty_then_editions_accumulate_on_the_branch(clone: Path):
    out = sh(clone, "fetch", "_editions")
    assert "no branch editions yet" in out.stdout and list((clone / "_editions").iterdir()) == []
    edition(clone / "_editions", "2026-11-02", "[1]")
    assert "pushed 2026-11-02" in sh(clone, "push", "_editions").stdout
    # A later run, on a fresh clone: it gets the archive back, adds an edition, pushes again.
    sh(clone, "fetch", "later")
    assert (clone / "later" / "2026-11-02" / "index.html").read_text() == "report 2026-11-02\n"
    edition(clone / "later", "2026-12-03", "[1, 2]")
    assert "pushed 2026-12-03" in sh(clone, "push", "later").stdout
    assert "nothing to push" in sh(clone, "push", "later").stdout
    files = run(clone, "git", "ls-tree", "-r", "--name-only", "origin/editions").stdout.split()
    assert files == ["2026-11-02/index.html", "2026-12-03/index.html", "editions.json", "index.html"]
    assert run(clone, "git", "log", "--format=%s", "origin/editions").stdout.split("\n")[0] == "Editions: add 2026-12-03"
    assert run(clone, "git", "merge-base", "origin/main", "origin/editions", check=False).returncode == 1  # no common history


def test_push_refuses_to_rewrite_or_delete_a_published_edition(clone: Path):
    sh(clone, "fetch", "_editions")
    edition(clone / "_editions", "2026-11-02", "[1]")
    sh(clone, "push", "_editions")
    (clone / "_editions" / "2026-11-02" / "index.html").write_text("rewritten\n")
    refused = sh(clone, "push", "_editions", check=False)
    assert refused.returncode == 1 and "2026-11-02/index.html" in refused.stderr
    (clone / "_editions" / "2026-11-02" / "index.html").unlink()
    assert sh(clone, "push", "_editions", check=False).returncode == 1


def test_push_without_a_built_archive_says_what_to_run(clone: Path):
    (clone / "empty").mkdir()
    out = sh(clone, "push", "empty", check=False)
    assert out.returncode == 1 and "make site" in out.stderr


@pytest.mark.parametrize("folder", [".", "..", "/", "../elsewhere"])
def test_fetch_refuses_to_replace_a_folder_outside_the_archive(clone: Path, folder: str):
    out = sh(clone, "fetch", folder, check=False)
    assert out.returncode == 2 and "not a folder this script may replace" in out.stderr
    assert (clone / "README").read_text() == "main\n"  # the checkout is still there
