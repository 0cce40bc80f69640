"""The data-quality appendix: the last build's validation summary, as tables for the report."""

from __future__ import annotations

import json

import pandas as pd

from analysis.report import markup as m
from analysis.report import text as t
from analysis.paths import ProjectPaths


def load_summary(root=None) -> dict:
    path = ProjectPaths.from_env(root).validation_summary
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `boston-report build` (Quarto's pre-render does) before rendering")
    return json.loads(path.read_text(encoding="utf-8"))


def tables_overview(summary: dict) -> m.Markup:
    rows = []
    for tbl in summary["tables"]:
        crit = sum(1 for f in tbl["failures"] if f["severity"] == "critical")
        warn = sum(1 for f in tbl["failures"] if f["severity"] != "critical")
        rows.append({"table": m.code(tbl["table"]), "rows": t.num(tbl["rows"]), "exp": t.num(tbl["expectations"]),
                     "crit": t.num(crit), "warn": t.num(warn)})
    return m.table(rows, [m.Column("표", "table", "l", 2), m.Column("행", "rows", "r"), m.Column("기대조건", "exp", "r"),
                          m.Column("차단 실패", "crit", "r"), m.Column("경고", "warn", "r")])


def crosschecks_table(summary: dict) -> m.Markup:
    rows = [{"table": m.code(c["table"]), "name": c["name"], "severity": c["severity"], "result": "통과" if c["success"] else "실패",
             "message": c["message"]} for c in summary["crosschecks"]]
    return m.table(rows, [m.Column("표", "table", "l", 1.6), m.Column("검사", "name", "l", 2), m.Column("등급", "severity", "l", 0.9),
                          m.Column("결과", "result", "l", 0.7), m.Column("내용", "message", "l", 4)])


def counts(summary: dict) -> dict:
    return {"tables": len(summary["tables"]), "expectations": sum(tb["expectations"] for tb in summary["tables"]),
            "crosschecks": len(summary["crosschecks"]), "warnings": len(summary["warnings"]), "blocking": len(summary["blocking"])}


# The claims' verdicts as the report names them (the build's list is analysis.claims.VERDICTS).
VERDICT_LABELS = {"confirmed": "확인", "differs": "불일치", "outdated": "이후 변경", "partly reproducible": "일부 재현",
                  "not reproducible": "재현 불가", "unsourced": "출처 없음"}


def claims_table(claims: pd.DataFrame) -> m.Markup:
    labels = VERDICT_LABELS
    rows = [{"id": r.claim_id, "claim": f"{r.claim}", "claimant": r.claimant, "verdict": m.strong(labels[r.verdict]),
             "data": r.data_value, "detail": r.detail} for r in claims.sort_values("claim_id").itertuples()]
    return m.table(rows, [m.Column("번호", "id", "l", 0.6), m.Column("주장 (보도된 문장)", "claim", "l", 3), m.Column("주장한 곳", "claimant", "l", 1.6),
                          m.Column("판정", "verdict", "l", 0.9), m.Column("데이터", "data", "l", 3), m.Column("설명", "detail", "l", 3.4)])
