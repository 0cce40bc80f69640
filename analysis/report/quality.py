"""The data-quality appendix: the last build's validation summary, as tables for the report."""

from __future__ import annotations

import json

import pandas as pd

from analysis.report import text as t
from analysis.paths import ProjectPaths


def load_summary(root=None) -> dict:
    path = ProjectPaths.from_env(root).validation_summary
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `boston-report build` (Quarto's pre-render does) before rendering")
    return json.loads(path.read_text(encoding="utf-8"))


def tables_overview(summary: dict) -> str:
    rows = []
    for tbl in summary["tables"]:
        crit = sum(1 for f in tbl["failures"] if f["severity"] == "critical")
        warn = sum(1 for f in tbl["failures"] if f["severity"] != "critical")
        rows.append({"table": f"`{tbl['table']}`", "rows": t.num(tbl["rows"]), "exp": t.num(tbl["expectations"]),
                     "crit": t.num(crit), "warn": t.num(warn)})
    return t.markdown_table(rows, [("표", "table", "l"), ("행", "rows", "r"), ("기대조건", "exp", "r"), ("차단 실패", "crit", "r"), ("경고", "warn", "r")])


def crosschecks_table(summary: dict) -> str:
    rows = [{"table": f"`{c['table']}`", "name": c["name"], "severity": c["severity"], "result": "통과" if c["success"] else "실패",
             "message": c["message"]} for c in summary["crosschecks"]]
    return t.markdown_table(rows, [("표", "table", "l"), ("검사", "name", "l"), ("등급", "severity", "l"), ("결과", "result", "l"), ("내용", "message", "l")])


def counts(summary: dict) -> dict:
    return {"tables": len(summary["tables"]), "expectations": sum(tb["expectations"] for tb in summary["tables"]),
            "crosschecks": len(summary["crosschecks"]), "warnings": len(summary["warnings"]), "blocking": len(summary["blocking"])}


def claims_table(claims: pd.DataFrame) -> str:
    labels = {"confirmed": "확인", "differs": "불일치", "unsourced": "출처 없음", "not reproducible": "재현 불가"}
    rows = [{"id": r.claim_id, "claim": f"{r.claim}", "claimant": r.claimant, "verdict": f"**{labels[r.verdict]}**",
             "data": r.data_value, "detail": r.detail} for r in claims.sort_values("claim_id").itertuples()]
    return t.markdown_table(rows, [("번호", "id", "l"), ("주장 (보도된 문장)", "claim", "l"), ("주장한 곳", "claimant", "l"),
                                   ("판정", "verdict", "l"), ("데이터", "data", "l"), ("설명", "detail", "l")])
