"""Where things live. Every path is derived from one project root so that tests can run the whole
pipeline on a temporary copy of the project (``BOSTON_REPORT_ROOT`` or an explicit ``root``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# The PDF's chart images, written by an execution for the render that follows it: a folder beside
# the documents (report/_charts/<hash>.png), since an image inside Markdown output must be a file.
# Here, not in analysis.report.charts, so that the post-render can name it without importing Altair.
CHART_IMAGES = "_charts"


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @classmethod
    def from_env(cls, root: Path | str | None = None) -> "ProjectPaths":
        return cls(Path(root or os.environ.get("BOSTON_REPORT_ROOT") or PACKAGE_ROOT).resolve())

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def clean(self) -> Path:
        return self.root / "data" / "clean"

    @property
    def expectations(self) -> Path:
        return self.root / "expectations"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def validation_summary(self) -> Path:
        return self.build / "validation" / "summary.json"

    @property
    def data_docs(self) -> Path:
        return self.build / "data_docs"

    @property
    def report(self) -> Path:
        return self.root / "report"

    @property
    def output(self) -> Path:
        """Where a render is published (Quarto writes into build/render/; the post-render replaces this in one step)."""
        return self.root / "_output"

    @property
    def rendered(self) -> Path:
        """The rendered report: index.html and index.pdf (Quarto keeps the input's folder)."""
        return self.output / "report"

    @property
    def site(self) -> Path:
        """The published site, assembled from a render by `boston-report site`."""
        return self.root / "_site"

    def relative(self, path: Path) -> str:
        """Paths in messages are relative to the project, as an analyst would type them."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
