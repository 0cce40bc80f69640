"""Replacing a published folder whole: ``data/clean/``, ``_output/``, ``_site/`` and ``_editions/``.
Readers only ever see a complete folder of one run, and a run killed at any point leaves the last
complete folder, which the next run finds:

- the new contents are written into a staging folder beside the published one
  (``.<name>-staging-<pid>``, e.g. ``data/.clean-staging-*``) and exchanged with it in one atomic
  step (Linux ``renameat2(RENAME_EXCHANGE)``); where the system lacks it, two renames are used, and
  a run killed between them leaves the old folder aside (``.<name>-previous-<pid>``), which the
  next run restores (:func:`recover`);
- staging and previous folders left by a killed run are found and removed by the next run, which
  holds the folder's lock while it does (a running one's staging folder is never touched);
- a lock file (``data/.build.lock``; ``.site.lock``, ``.editions.lock``, ``.output.lock`` beside the
  others) keeps two runs from interleaving.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from analysis.errors import BuildError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class PublishError(BuildError):
    """A published folder cannot be replaced (not writable, or another run holds its lock)."""


def _rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _stem(folder: Path) -> str:
    """What a published folder's staging, previous and lock files are named after: ``clean``,
    ``site`` (for ``_site``), ``editions`` (for ``_editions``)."""
    return folder.name.lstrip("._") or "folder"


def staging_prefix(folder: Path) -> str:
    return f".{_stem(folder)}-staging-"


def previous_prefix(folder: Path) -> str:
    return f".{_stem(folder)}-previous-"


def lock_path(folder: Path) -> Path:
    """The lock file of a published folder, beside it (``data/clean`` has the build's lock instead)."""
    return folder.parent / f".{_stem(folder)}.lock"


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
def hold_lock(path: Path, busy: str, *, shared: bool = False) -> Iterator[None]:
    """Hold the lock file ``path`` while the block runs; when another process holds it, stop with
    ``busy``, in which ``{holder}`` becomes the process id the holder wrote. ``shared``: a reader
    that may run beside other readers but not while a writer holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise PublishError(busy.replace("{holder}", holder)) from None
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race a waiting run)


def folder_lock(folder: Path, command: str, *, shared: bool = False) -> AbstractContextManager[None]:
    """The lock of a published folder other than data/clean (``_site/``, ``_editions/``): ``command``
    names what writes it, for the message a second run gets."""
    path = lock_path(folder)
    return hold_lock(path, f"{path}: `{command}` is writing {folder.name}/ (process " + "{holder}); wait for it to finish, "
                           "then run again", shared=shared)


def recover(folder: Path, progress: Callable[[str], None], legacy: tuple[Path, ...] = ()) -> None:
    """Undo what a killed run left beside ``folder``: put an old folder moved aside back in place,
    and remove staging and previous folders. Call with the folder's lock held. ``legacy``: folders
    an older version moved aside under other names (restored, or removed, like previous ones)."""
    parent = folder.parent
    if not parent.is_dir():
        return
    previous = sorted([*parent.glob(previous_prefix(folder) + "*"), *(p for p in legacy if p.is_dir())],
                      key=lambda p: p.stat().st_mtime)
    if not folder.exists() and previous:
        os.rename(previous[-1], folder)
        progress(f"restored {_rel(folder)} from {previous[-1].name}: an interrupted run had moved it aside")
        previous = previous[:-1]
    for leftover in [*previous, *parent.glob(staging_prefix(folder) + "*")]:
        shutil.rmtree(leftover, ignore_errors=True)
        progress(f"removed {leftover.name}, left by an interrupted run")


def new_staging(folder: Path) -> Path:
    """An empty staging folder beside ``folder``, named so that :func:`recover` finds it if this
    run is killed."""
    staging = folder.parent / f"{staging_prefix(folder)}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def replace(staging: Path, folder: Path) -> None:
    """Put the finished ``staging`` folder in the place of ``folder`` in one atomic step (two renames
    where the system cannot exchange two paths; :func:`recover` mends a kill between them)."""
    if not folder.exists():
        os.rename(staging, folder)
    elif exchange(staging, folder):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old contents
    else:
        previous = folder.parent / f"{previous_prefix(folder)}{os.getpid()}"
        os.rename(folder, previous)  # a kill here leaves `previous`; recover() puts it back
        os.rename(staging, folder)
        shutil.rmtree(previous, ignore_errors=True)


def overlay(folder: Path, base: Path, files: list[Path], command: str, progress: Callable[[str], None]) -> None:
    """Replace ``folder`` whole by its previous contents with ``files`` (from under ``base``) over them."""
    with folder_lock(folder, command):
        recover(folder, progress)
        staging = new_staging(folder)
        try:
            if folder.is_dir():
                shutil.copytree(folder, staging, dirs_exist_ok=True)
            for path in files:
                target = staging / path.relative_to(base)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            replace(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
