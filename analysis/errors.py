"""Errors that stop the build. Each names the file (and row and column where there is one) and
says what was expected, because the reader of the message is an analyst fixing a raw file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BuildError(Exception):
    """Base class: the build stops, nothing is published."""


class SourceError(BuildError):
    """A raw file or its sidecar is missing, incomplete, or does not match its checksum."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) with raw sources:\n{lines}")


class CleaningError(BuildError):
    """A raw value could not be turned into clean data: ``file:row:column: what was expected``."""

    def __init__(self, path: Path | str, row: int | None, column: str | None, message: str) -> None:
        self.path, self.row, self.column, self.message = str(path), row, column, message
        where = ":".join(str(x) for x in (self.path, row, column) if x is not None)
        super().__init__(f"{where}: {message}")


class SuiteError(BuildError):
    """An expectation suite in expectations/ is missing, unreadable, or lost an expectation on load."""


class ValidationFailed(BuildError):
    """At least one critical expectation or cross-table check failed."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("validation failed:\n" + "\n".join(f"  {line}" for line in lines))


class UnexpectedError(BuildError):
    """Anything else that went wrong, named by the file or step it happened in: an analyst gets one
    line saying where, not a traceback (``BOSTON_REPORT_DEBUG=1`` shows the traceback)."""

    def __init__(self, where: str, exc: BaseException) -> None:
        self.where, self.original = where, exc
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        super().__init__(f"{where}: unexpected {type(exc).__name__}{': ' + detail if detail else ''}")


@contextmanager
def context(where: str) -> Iterator[None]:
    """Turn an unexpected exception inside the block into an UnexpectedError naming ``where``
    (a file such as ``data/raw/x/figures.csv`` or a step such as ``cleaning indicators``).
    The project's own errors pass through unchanged; the innermost context names the place."""
    try:
        yield
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - this is the one place that names what was not foreseen
        raise UnexpectedError(where, exc) from exc
