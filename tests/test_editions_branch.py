"""tools/editions-branch.sh, which keeps the editions archive on the `editions` branch between
deploys, run against a local bare repository standing in for GitHub."""

from __future__ import annotations

import json
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
    """Edition ``day`` added to the archive; ``index`` lists the editions' ids, comma-separated."""
    (archive / day).mkdir(parents=True)
    (archive / day / "index.html").write_text(f"report {day}\n")
    ids = [i.strip() for i in index.split(",")]
    (archive / "editions.json").write_text(json.dumps({"format": 1, "editions": [{"id": i} for i in ids]}))
    (archive / "index.html").write_text(f"list {index}")


def sh(work: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(work, "bash", str(SCRIPT), *args, check=check)


def test_first_fetch_is_empty_then_editions_accumulate_on_the_branch(clone: Path):
    out = sh(clone, "fetch", "_editions")
    assert "no branch editions yet" in out.stdout and list((clone / "_editions").iterdir()) == []
    edition(clone / "_editions", "2026-11-02", "2026-11-02")
    assert "pushed 2026-11-02" in sh(clone, "push", "_editions").stdout
    # A later run, on a fresh clone: it gets the archive back, adds an edition, pushes again.
    sh(clone, "fetch", "later")
    assert (clone / "later" / "2026-11-02" / "index.html").read_text() == "report 2026-11-02\n"
    edition(clone / "later", "2026-12-03", "2026-11-02, 2026-12-03")
    assert "pushed 2026-12-03" in sh(clone, "push", "later").stdout
    assert "nothing to push" in sh(clone, "push", "later").stdout
    files = run(clone, "git", "ls-tree", "-r", "--name-only", "origin/editions").stdout.split()
    assert files == ["2026-11-02/index.html", "2026-12-03/index.html", "editions.json", "index.html"]
    assert run(clone, "git", "log", "--format=%s", "origin/editions").stdout.split("\n")[0] == "Editions: add 2026-12-03"
    assert run(clone, "git", "merge-base", "origin/main", "origin/editions", check=False).returncode == 1  # no common history


def test_push_refuses_to_rewrite_or_delete_a_published_edition(clone: Path):
    sh(clone, "fetch", "_editions")
    edition(clone / "_editions", "2026-11-02", "2026-11-02")
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


# --------------------------------------------------------------------------- a hostile branch, a careless push

def push_raw(work: Path, folder: Path) -> None:
    """Commit ``folder`` as the editions branch as it is (links and all), past the script's checks:
    what anyone with push access, or a bug, could leave there."""
    index = work / ".raw-index"
    env = {"GIT_INDEX_FILE": str(index)}
    subprocess.run(["git", "--work-tree", str(folder), "add", "--all", "--force", "."], cwd=work, check=True, env={**env, "PATH": "/usr/bin:/bin", "HOME": str(work)})
    tree = subprocess.run(["git", "write-tree"], cwd=work, check=True, capture_output=True, text=True,
                          env={**env, "PATH": "/usr/bin:/bin", "HOME": str(work)}).stdout.strip()
    commit = run(work, "git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit-tree", tree, "-m", "raw").stdout.strip()
    run(work, "git", "push", "-q", "-f", "origin", f"{commit}:refs/heads/editions")
    index.unlink()


@pytest.mark.parametrize("attack", ["link to an absolute path", "link out of the archive", "link as an edition folder",
                                    "file outside the layout", "submodule"])
def test_fetch_refuses_a_branch_that_is_not_an_archive_and_unpacks_nothing(clone: Path, tmp_path: Path, attack: str):
    """On main `fetch` unpacked the branch's symbolic links; `site` then wrote through an index.html
    linking outside the archive and copied a linked index.pdf's target into _site/."""
    secret = tmp_path / "secret"
    secret.write_text("[credential] token\n")
    raw = tmp_path / "raw"
    edition(raw, "2026-11-02", "2026-11-02")
    if attack == "link to an absolute path":
        (raw / "2026-11-02" / "index.pdf").symlink_to(secret)
    elif attack == "link out of the archive":
        (raw / "index.html").unlink()
        (raw / "index.html").symlink_to("../../README")
    elif attack == "link as an edition folder":
        (raw / "2020-01-01").symlink_to(tmp_path)
    elif attack == "file outside the layout":
        (raw / ".github").mkdir()
        (raw / ".github" / "hook.sh").write_text("echo pwned\n")
    push_raw(clone, raw)
    if attack == "submodule":  # a gitlink entry (mode 160000) added to the branch's tree
        head = run(clone, "git", "rev-parse", "HEAD").stdout.strip()
        run(clone, "git", "fetch", "-q", "origin", "editions:refs/remotes/origin/editions")
        env_index = clone / ".sub-index"
        base = {"PATH": "/usr/bin:/bin", "HOME": str(clone), "GIT_INDEX_FILE": str(env_index)}
        subprocess.run(["git", "read-tree", "origin/editions"], cwd=clone, check=True, env=base)
        subprocess.run(["git", "update-index", "--add", "--cacheinfo", f"160000,{head},2026-11-02/sub"], cwd=clone, check=True, env=base)
        tree = subprocess.run(["git", "write-tree"], cwd=clone, check=True, env=base, capture_output=True, text=True).stdout.strip()
        commit = run(clone, "git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit-tree", tree, "-m", "sub").stdout.strip()
        run(clone, "git", "push", "-q", "-f", "origin", f"{commit}:refs/heads/editions")
    out = sh(clone, "fetch", "_editions", check=False)
    assert out.returncode == 1 and "refusing" in out.stderr, out.stderr
    found = list((clone / "_editions").rglob("*")) if (clone / "_editions").exists() else []
    assert found == [], found
    assert (clone / "README").read_text() == "main\n"


def test_push_refuses_an_edition_deleted_while_a_similar_one_is_added(clone: Path):
    """On main `git diff --diff-filter=DMT` took a deleted (or moved) edition folder plus a similar new
    one for a rename, and pushed: a link a reviewer shared would break."""
    sh(clone, "fetch", "_editions")
    edition(clone / "_editions", "2026-11-02", "2026-11-02")
    (clone / "_editions" / "2026-11-02" / "index.pdf").write_text("the November PDF, long enough to look alike " * 20)
    sh(clone, "push", "_editions")
    (clone / "_editions" / "2026-11-02").rename(clone / "_editions" / "2026-12-03")
    (clone / "_editions" / "editions.json").write_text(json.dumps({"format": 1, "editions": [{"id": "2026-12-03"}]}))
    refused = sh(clone, "push", "_editions", check=False)
    assert refused.returncode == 1 and "2026-11-02/index.pdf" in refused.stderr and "2026-11-02/index.html" in refused.stderr
    files = run(clone, "git", "ls-tree", "-r", "--name-only", "origin/editions").stdout.split()
    assert "2026-11-02/index.pdf" in files


@pytest.mark.parametrize("careless", ["a mode change", "a link", "an unlisted folder", "a file outside the layout"])
def test_push_refuses_what_would_not_be_an_archive(clone: Path, careless: str):
    sh(clone, "fetch", "_editions")
    edition(clone / "_editions", "2026-11-02", "2026-11-02")
    sh(clone, "push", "_editions")
    archive = clone / "_editions"
    if careless == "a mode change":
        (archive / "2026-11-02" / "index.html").chmod(0o755)
    elif careless == "a link":
        (archive / "2026-11-02" / "index.pdf").symlink_to("/etc/hostname")
    elif careless == "an unlisted folder":
        (archive / "2026-12-03").mkdir()
        (archive / "2026-12-03" / "index.html").write_text("half an edition\n")
    else:
        (archive / "notes.txt").write_text("x\n")
    refused = sh(clone, "push", "_editions", check=False)
    assert refused.returncode == 1 and "refusing" in refused.stderr, refused.stderr
    assert run(clone, "git", "ls-tree", "-r", "--name-only", "origin/editions").stdout.split() == \
        ["2026-11-02/index.html", "editions.json", "index.html"]
