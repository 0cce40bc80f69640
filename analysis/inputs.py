"""What a step's output was made from, hashed: the one helper the build's no-op check
(:mod:`analysis.build.fingerprint`) and the render's execution (:mod:`analysis.render.execute`) use
to decide whether their output is still current. Standard library only: the check costs almost
nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path


def files(folder: Path, pattern: str = "*") -> list[Path]:
    """Every file under ``folder`` matching ``pattern`` (no byte-code caches); none if it is missing."""
    return [p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts] if folder.is_dir() else []


def hash_files(paths: list[Path], root: Path) -> str:
    """One hash of the files' names (relative to ``root``) and contents, in a fixed order."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed(recorded: dict, now: dict[str, str]) -> str | None:
    """Which kinds of input hash otherwise than recorded ('raw data, build code changed'), or None."""
    kinds = [kind for kind, digest in now.items() if recorded.get(kind) != digest]
    return ", ".join(kinds) + " changed" if kinds else None
