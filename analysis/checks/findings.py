"""What a check found: problems fail the build, notes say what was checked. Shared by every output
check (the rendered report, the site)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Findings:
    """What one check found; ``problems`` fail the build, ``notes`` describe what was checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: "Findings") -> None:
        self.problems += other.problems
        self.notes += other.notes


def print_findings(command: str, findings: Findings) -> int:
    """Notes, then problems, then the verdict, on stderr; the exit status (1 on any problem)."""
    for note in findings.notes:
        print(f"{command}: {note}", file=sys.stderr)
    for problem in findings.problems:
        print(f"{command}: FAIL {problem}", file=sys.stderr)
    print(f"{command}: {'FAILED' if findings.problems else 'ok'} ({len(findings.problems)} problem(s))", file=sys.stderr)
    return 1 if findings.problems else 0


