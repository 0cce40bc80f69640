"""Publishing ``data/clean/``: every table and the data dictionary written into a staging folder
and swapped in whole (:mod:`analysis.folders` says how a kill at any point leaves the last complete
folder), under ``data/.build.lock``; a ``data/`` or ``data/clean/`` that cannot be written fails the
build before anything moves."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from analysis.build.schema import TableSchema, dictionary_rows, write_csv
from analysis.folders import PublishError, hold_lock, replace

DICTIONARY_FILE = "data_dictionary.csv"
LOCK_FILE = ".build.lock"
STAGING_PREFIX = ".clean-staging-"
PREVIOUS_PREFIX = ".clean-previous-"


def build_lock(data_dir: Path) -> AbstractContextManager[None]:
    """Hold ``data/.build.lock`` for the whole build; a second build stops with a clear message."""
    path = data_dir / LOCK_FILE
    return hold_lock(path, f"{path.parent.name}/{path.name}: another build is running (process " + "{holder}); "
                           "wait for it to finish, then build again")


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
            raise PublishError(f"{folder.parent.name}/{folder.name}: cannot write ({exc.strerror}); the build replaces data/clean/ through a "
                               "staging folder in data/, so both must be writable. Nothing was changed.") from None


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
    replace(staging, clean_dir)
