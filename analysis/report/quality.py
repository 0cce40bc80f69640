"""The data-quality appendix: the last build's validation summary, as tables for the report."""

from __future__ import annotations

import json

import pandas as pd

from analysis.report import markup as m
from analysis.report import provenance as prov
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


# The claims' verdicts as the report names them (the build's list is analysis.claims.VERDICTS),
# and the colour each has wherever it appears (table, legend).
VERDICT_LABELS = {"confirmed": "확인", "differs": "불일치", "outdated": "이후 변경", "partly reproducible": "일부 재현",
                  "not reproducible": "재현 불가", "unsourced": "출처 없음"}
VERDICT_COLORS = {"confirmed": "#2E7D32", "differs": "#C62828", "outdated": "#E65100", "partly reproducible": "#8D6E00",
                  "not reproducible": "#616161", "unsourced": "#6A1B9A"}


def verdict_badge(verdict: str) -> m.Markup:
    """The verdict's Korean label in its colour: an HTML span and Typst coloured text, both raw, so
    each format keeps its own and drops the other's."""
    label, color = VERDICT_LABELS[verdict], VERDICT_COLORS[verdict]
    return prov.Label(f'`<span class="verdict" style="color:{color}">{label}</span>`{{=html}}'
                      f'`#text(fill: rgb("{color}"), weight: "bold")[{label}]`{{=typst}}')


def evidence_rows(claim_row, tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The clean rows a verdict rests on ('table:source_id:line;…')."""
    out = []
    refs = claim_row.evidence_rows
    for ref in ("" if pd.isna(refs) else str(refs)).split(";"):
        if ref.count(":") != 2:
            continue
        table, sid, line = ref.split(":")
        df = tables.get(table)
        if df is not None:
            out.append(df[(df["source_id"] == sid) & (df["source_row"] == int(line))])
    return out


def claims_table(claims: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None) -> m.Markup:
    rows = []
    for r in claims.sort_values("claim_id").itertuples():
        evidence = evidence_rows(r, tables or {})
        has_rows = any(not e.empty for e in evidence)
        data = (prov.cite(r.data_value, evidence, how="판정의 근거가 된 자료", mark=False, kind="summary")
                if has_rows and r.data_value != "—" else r.data_value)
        rows.append({"id": r.claim_id, "claim": f"{r.claim}", "claimant": r.claimant, "verdict": verdict_badge(r.verdict),
                     "data": data, "detail": r.detail})
    return m.table(rows, [m.Column("번호", "id", "l", 0.8), m.Column("주장 (보도된 문장)", "claim", "l", 3), m.Column("주장한 곳", "claimant", "l", 1.6),
                          m.Column("판정", "verdict", "l", 0.9), m.Column("데이터", "data", "l", 3), m.Column("설명", "detail", "l", 3.4)])


def verdict_legend() -> prov.Label:
    return prov.Label(m.Markup(" · ").join(verdict_badge(v) for v in VERDICT_LABELS))
