"""Publishing ``data/clean/``: all tables at once, one build at a time, and recoverable after a kill.

Readers (the report, a reviewer's diff) must only ever see a complete set of tables from one build:

- the tables are written into a staging folder beside ``data/clean/`` and exchanged with it in one
  atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); where the system lacks it, two renames are
  used, and a build killed between them leaves the old folder aside, which the next build restores;
- folders left by a killed build (``data/.clean-staging-*``, ``data/.clean-previous-*``) are found
  and removed by the next build;
- a lock file (``data/.build.lock``) keeps two builds from interleaving;
- a ``data/`` or ``data/clean/`` that cannot be written fails the build before anything moves.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis.errors import BuildError
from analysis.schema import TableSchema, dictionary_rows, write_csv

DICTIONARY_FILE = "data_dictionary.csv"
LOCK_FILE = ".build.lock"
STAGING_PREFIX = ".clean-staging-"
PREVIOUS_PREFIX = ".clean-previous-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class PublishError(BuildError):
    """data/clean/ cannot be replaced (not writable, or another build holds the lock)."""


def _rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot (then the caller
    falls back to two renames). Any other failure is raised."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``data/.build.lock`` for the whole build; a second build stops with a clear message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise PublishError(f"{_rel(path)}: another build is running (process {holder}); wait for it to finish, "
                               "then build again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race a waiting build)


def check_writable(*folders: Path) -> None:
    """Fail before anything moves if a folder the build writes cannot be written."""
    for folder in folders:
        if not folder.exists():
            continue
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise PublishError(f"{_rel(folder)}: cannot write ({exc.strerror}); the build replaces data/clean/ through a "
                               "staging folder in data/, so both must be writable. Nothing was changed.") from None


def recover(clean_dir: Path, progress: Callable[[str], None]) -> None:
    """Undo what a killed build left: put an old data/clean/ moved aside back in place, and remove
    staging and previous folders. Call with the build lock held."""
    parent = clean_dir.parent
    previous = sorted(parent.glob(PREVIOUS_PREFIX + "*"), key=lambda p: p.stat().st_mtime)
    if not clean_dir.exists() and previous:
        os.rename(previous[-1], clean_dir)
        progress(f"restored {_rel(clean_dir)} from {previous[-1].name}: an interrupted build had moved it aside")
        previous = previous[:-1]
    for leftover in [*previous, *parent.glob(STAGING_PREFIX + "*")]:
        shutil.rmtree(leftover, ignore_errors=True)
        progress(f"removed {leftover.name}, left by an interrupted build")


def write_tables(tables: Mapping[str, pd.DataFrame], schemas: Mapping[str, TableSchema], folder: Path) -> None:
    folder.mkdir()
    for name, df in tables.items():
        write_csv(df, folder / f"{name}.csv")
    write_csv(dictionary_rows([schemas[n] for n in tables]), folder / DICTIONARY_FILE)
    for path in folder.iterdir():  # on disk before the swap makes them visible
        with path.open("rb") as fh:
            os.fsync(fh.fileno())


def publish(tables: Mapping[str, pd.DataFrame], schemas: Mapping[str, TableSchema], clean_dir: Path) -> None:
    """Write every table into a staging folder beside ``clean_dir``, then swap it in atomically."""
    staging = clean_dir.parent / f"{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        write_tables(tables, schemas, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not clean_dir.exists():
        os.rename(staging, clean_dir)
    elif exchange(staging, clean_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old tables
    else:
        previous = clean_dir.parent / f"{PREVIOUS_PREFIX}{os.getpid()}"
        os.rename(clean_dir, previous)  # a kill here leaves `previous`; recover() puts it back
        os.rename(staging, clean_dir)
        shutil.rmtree(previous, ignore_errors=True)
