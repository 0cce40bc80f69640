"""Publishing data/clean/: one atomic step, one build at a time, recoverable after a kill at the
exact point between steps, and refused cleanly when data/clean/ cannot be written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from analysis import folders
from analysis.build import publish as pub
from analysis.build.cleaning import SCHEMAS
from analysis.errors import BuildError
from analysis.folders import PublishError

from conftest import copy_project, snapshot_dir


def tiny_tables(value: str) -> tuple[dict, dict]:
    """One table with its schema (the sources schema, filled minimally) so publish can write it."""
    schema = SCHEMAS["sources"]
    row = {c: value for c in schema.names}
    row["n_rows"] = 1
    return {"sources": pd.DataFrame([row], columns=schema.names)}, {"sources": schema}


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("from a"), (b / "x").write_text("from b")
    assert folders.exchange(a, b), "renameat2(RENAME_EXCHANGE) should exist on this Linux"
    assert (a / "x").read_text() == "from b" and (b / "x").read_text() == "from a"
    with pytest.raises(FileNotFoundError):
        folders.exchange(a, tmp_path / "missing")


def test_publish_replaces_the_folder_and_leaves_nothing_behind(tmp_path):
    clean = tmp_path / "data" / "clean"
    clean.parent.mkdir()
    for value in ("first", "second"):
        tables, schemas = tiny_tables(value)
        pub.publish(tables, schemas, clean)
        assert value in (clean / "sources.csv").read_text()
    assert sorted(p.name for p in clean.parent.iterdir()) == ["clean"]
    assert sorted(p.name for p in clean.iterdir()) == ["data_dictionary.csv", "sources.csv"]


def test_publish_without_exchange_uses_two_renames(tmp_path, monkeypatch):
    monkeypatch.setattr(folders, "exchange", lambda a, b: False)
    clean = tmp_path / "data" / "clean"
    clean.parent.mkdir()
    for value in ("first", "second"):
        pub.publish(*tiny_tables(value), clean)
    assert "second" in (clean / "sources.csv").read_text()
    assert sorted(p.name for p in clean.parent.iterdir()) == ["clean"]


def test_recover_puts_an_old_folder_moved_aside_back_and_removes_leftovers(tmp_path):
    data = tmp_path / "data"
    (data / ".clean-previous-123").mkdir(parents=True)
    (data / ".clean-previous-123" / "sources.csv").write_text("old")
    (data / ".clean-staging-456").mkdir()
    said = []
    folders.recover(data / "clean", said.append)
    assert (data / "clean" / "sources.csv").read_text() == "old"
    assert sorted(p.name for p in data.iterdir()) == ["clean"]
    assert any("restored data/clean" in s for s in said) and any(".clean-staging-456" in s for s in said)


def test_a_second_build_is_refused_while_the_lock_is_held(tmp_path):
    data = tmp_path / "data"
    with pub.build_lock(data):
        with pytest.raises(PublishError, match=rf"data/.build.lock: another build is running \(process {os.getpid()}\)"):
            with pub.build_lock(data):
                pass
    with pub.build_lock(data):  # released: the next build goes ahead
        pass


def test_writable_check_passes_on_writable_and_missing_folders(tmp_path):
    # The refusal itself is tested on a real build under a read-only data/clean below.
    folder = tmp_path / "data"
    folder.mkdir()
    pub.check_writable(folder, tmp_path / "missing-is-fine")
    assert list(folder.iterdir()) == [], "the write probe must not leave a file behind"


# --------------------------------------------------------------------------- the swap, killed

# The publish step as the build runs it (under the build lock, the tables it cleaned), in a process
# of its own that kills itself at the point named: inside the real publish() and its swap.
DRIVER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from analysis import folders
    from analysis.build import publish as pub
    from analysis.build.cleaning import SCHEMAS

    clean, cleaned, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    real_exchange, real_rename = folders.exchange, os.rename

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def exchange(a, b):
        if point == "before-exchange":
            die()
        done = real_exchange(a, b)
        if point == "after-exchange":
            die()
        return done

    def no_exchange(a, b):
        return False

    def rename(a, b, *rest, **kw):
        real_rename(a, b, *rest, **kw)
        if point == "between-renames" and ".clean-previous-" in str(b):
            die()

    folders.exchange = no_exchange if point == "between-renames" else exchange
    os.rename = rename
    tables = {name: schema.read_csv(cleaned / f"{name}.csv") for name, schema in SCHEMAS.items()}
    with pub.build_lock(clean.parent):
        pub.publish(tables, SCHEMAS, clean)
""")


def killed_publish(project, cleaned, point: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, str(project.clean), str(cleaned), point], capture_output=True, text=True,
                          timeout=300)


def change_a_raw_figure(project) -> None:
    from analysis.build.sources import update_checksum

    path = project.root / "data/raw/yakup-2020-01-31-kvca-bio/figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2015년 3,170억원에서", "2015년, 3,170억원에서"), encoding="utf-8")
    update_checksum(path)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """The tables the build cleans from the changed raw figure (the cleaning step itself, run once
    here): what the killed publish step was writing."""
    from analysis.build.cleaning import build_tables
    from analysis.build.sources import load_sources

    project = copy_project(tmp_path_factory.mktemp("changed"))
    change_a_raw_figure(project)
    folder = tmp_path_factory.mktemp("cleaned") / "tables"
    pub.write_tables(build_tables(load_sources(project.raw, project.root), project.root), SCHEMAS, folder)
    assert "2015년, 3,170억원에서" in (folder / "venture_investment.csv").read_text(encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-exchange", "after-exchange", "between-renames"])
def test_a_build_killed_at_the_swap_leaves_a_complete_data_clean(project, cleaned, point):
    change_a_raw_figure(project)
    old = snapshot_dir(project.clean)
    run = killed_publish(project, cleaned, point)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    leftovers = sorted(p.name for p in project.clean.parent.iterdir() if p.name.startswith(".clean-"))
    assert leftovers, "the kill should have left a staging or previous folder"
    if point == "between-renames":
        assert not project.clean.exists()  # the window the exchange closes; recover() reopens it
        said = []
        folders.recover(project.clean, said.append)
        assert snapshot_dir(project.clean) == old and said
    else:
        now = snapshot_dir(project.clean)
        assert set(now) == set(old), "data/clean/ must hold a complete set of tables"
        assert (now == old) == (point == "before-exchange")
    # The next build finds the leftovers, removes them and publishes.
    from analysis.build.pipeline import build

    said = []
    build(project, progress=said.append)
    assert sorted(p.name for p in project.clean.parent.iterdir() if p.name.startswith(".clean-")) == []
    assert "2015년, 3,170억원에서" in (project.clean / "venture_investment.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_unwritable_data_clean_fails_before_anything_moves(project):
    before = snapshot_dir(project.clean)
    change_a_raw_figure(project)
    code = "import sys; from analysis.cli import main; sys.exit(main(['--root', sys.argv[1], 'build']))"
    if os.geteuid() == 0:
        if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
            pytest.skip("needs a mount namespace (unshare -m) to make data/clean read-only for root")
        shell = f'mount --bind -o ro "{project.clean}" "{project.clean}" && exec "{sys.executable}" -c "$0" "$1"'
        cmd = ["unshare", "-m", "sh", "-c", shell, code, str(project.root)]
    else:
        project.clean.chmod(0o555)
        cmd = [sys.executable, "-c", code, str(project.root)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "data/clean: cannot write" in run.stderr and "Nothing was changed" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot_dir(project.clean) == before
    assert not [p for p in project.clean.parent.iterdir() if p.name.startswith(".clean-")]


@pytest.mark.slow
def test_a_second_build_stops_with_a_clear_message(project):
    with pub.build_lock(project.clean.parent):
        with pytest.raises(BuildError, match="another build is running"):
            from analysis.build.pipeline import build

            build(project, progress=lambda m: None)
