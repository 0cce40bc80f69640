"""The data-quality appendix: the last build's validation summary, as tables for the report."""

from __future__ import annotations

import json

import pandas as pd

from analysis.build.claims import claim_order
from analysis.build.crosschecks import example_text
from analysis import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.paths import ProjectPaths


def load_summary(root=None) -> dict:
    path = ProjectPaths.from_env(root).validation_summary
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `boston-report build` (Quarto's pre-render does) before rendering")
    return json.loads(path.read_text(encoding="utf-8"))


SEVERITY_LABELS = {"critical": "차단", "warning": "경고"}
# What each cross-table check verifies (analysis/build/crosschecks.py names them in English for the build
# log). A check without a line here stops the render: the Korean report never shows the English name.
CHECK_LABELS = {
    "source_id exists in sources": "모든 행의 출처(source_id)에 메타데이터 파일(사이드카)이 있다",
    "source_row is a line of the raw file": "모든 행이 원자료 파일의 실제 줄을 가리킨다",
    "one basis per series": "한 계열은 한 가지 정의(기준)만 쓴다",
    "exactly one preferred row per series, year and period": "계열·연도·기간마다 우선 수치가 정확히 하나다",
    "share equals amount / total": "출처가 인쇄한 비중이 금액 ÷ 합계와 반올림 범위 안에서 같다",
    "sources agree on repeated figures": "여러 출처가 실은 같은 수치가 각 출처의 인쇄 자릿수 안에서 일치한다",
    "KRW converted at the same year's complete-year ECB rate": "원화 금액은 같은 해의 ECB 연평균 환율(완전한 연도)로 환산했다",
    "every raw source feeds a table": "모든 원자료가 정제 표에 쓰인다",
    "NIH by hospital within the city total": "병원별 NIH 연구비가 같은 해 보스턴 전체와 병원 부문 합계를 넘지 않는다",
    "NIH sector share equals amount / total": "NIH 부문별 비중이 금액 ÷ 합계와 반올림 범위 안에서 같다",
    "research hospital rounds: 10 in 2013, 21 in 2025; 수도권 flag matches 시도": "연구중심병원은 2013년 10곳, 2025년 21곳이고 수도권 표시가 시도와 맞다",
    "claim evidence rows exist": "판정이 근거로 든 행이 모두 정제 표에 있다",
}


def check_label(name: str) -> str:
    try:
        return CHECK_LABELS[name]
    except KeyError:
        raise KeyError(f"cross-table check {name!r} has no Korean description: add it to CHECK_LABELS in "
                       "analysis/report/quality.py") from None


def _failed_checks(summary: dict, table: str, severity: str) -> int:
    """Failed expectations and failed cross-table checks of one table at one severity (a check
    of severity 'warning' counts as a warning, like the build's list of warnings)."""
    tbl = next((tb for tb in summary["tables"] if tb["table"] == table), {"failures": []})
    expectations = sum(1 for f in tbl["failures"] if (f["severity"] == "critical") == (severity == "critical"))
    checks = sum(1 for c in summary["crosschecks"]
                 if c["table"] == table and not c["success"] and (c["severity"] == "critical") == (severity == "critical"))
    return expectations + checks


def tables_overview(summary: dict) -> m.Markup:
    """One row per table: its rows, its expectations, and what failed on it (expectations and
    cross-table checks together), so the 경고 column adds up to the warnings the text counts."""
    rows = []
    for tbl in summary["tables"]:
        rows.append({"table": m.code(tbl["table"]), "rows": t.num(tbl["rows"]), "exp": t.num(tbl["expectations"]),
                     "crit": t.num(_failed_checks(summary, tbl["table"], "critical")),
                     "warn": t.num(_failed_checks(summary, tbl["table"], "warning"))})
    return m.table(rows, [m.Column("표", "table", "l", 2), m.Column("행", "rows", "r"), m.Column("기대조건", "exp", "r"),
                          m.Column("차단 실패", "crit", "r"), m.Column("경고", "warn", "r")])


def _example(example) -> str:
    """A failing row's values, without the English keys: 'ma_biopharma_jobs_massbio · 매사추세츠 · 2008 · FY ·
    54,280 (gen-2018-massbio-snapshot:4) vs 54,829 (gen-2019-massbio-snapshot:4)'."""
    if not isinstance(example, dict):
        return example_text(example)
    return " · ".join(example_text(value) for value in example.values())


def _outcome(results: list[dict]) -> str:
    failed = [c for c in results if not c["success"]]
    if not failed:
        return "통과"
    parts = []
    for c in failed:
        n = c.get("failed") or len(c["examples"])
        shown = "; ".join(_example(e) for e in c["examples"][:3])
        parts.append(f"{c['table']} {n}건" + (f" ({shown})" if shown else ""))
    return f"{'실패' if failed[0]['severity'] == 'critical' else '경고'}: " + "; ".join(parts)


def crosschecks_table(summary: dict) -> m.Markup:
    """One row per check (a check that runs on every table is one row naming the tables), in
    Korean; a failure names its table and the rows that failed."""
    grouped: dict[str, list[dict]] = {}
    for c in summary["crosschecks"]:
        grouped.setdefault(c["name"], []).append(c)
    rows = []
    for name, results in grouped.items():
        severity = results[0]["severity"]
        rows.append({"check": check_label(name), "severity": SEVERITY_LABELS.get(severity, severity),
                     "tables": m.Markup(", ").join(m.code(c["table"]) for c in results), "result": _outcome(results)})
    return m.table(rows, [m.Column("검사", "check", "l", 3.2), m.Column("등급", "severity", "l", 0.7),
                          m.Column("대상 표", "tables", "l", 2.4), m.Column("결과", "result", "l", 2.6)])


def counts(summary: dict) -> dict:
    return {"tables": len(summary["tables"]), "expectations": sum(tb["expectations"] for tb in summary["tables"]),
            "crosschecks": len(summary["crosschecks"]), "crosscheck_kinds": len({c["name"] for c in summary["crosschecks"]}),
            "warnings": len(summary["warnings"]), "blocking": len(summary["blocking"])}


# The claims' verdicts as the report names them (the build's list is analysis.build.claims.VERDICTS),
# and the colour each has wherever it appears (table, legend).
VERDICT_LABELS = {"confirmed": "확인", "differs": "불일치", "outdated": "이후 변경", "partly reproducible": "일부 재현",
                  "not reproducible": "재현 불가", "unsourced": "출처 없음"}
# Text colours: each 4.5:1 or more against the white page (checked by analysis.checks.contrast); the
# verdict is always written, so the colour is never its only cue.
VERDICT_COLORS = {"confirmed": "#2E7D32", "differs": "#C62828", "outdated": "#C24000", "partly reproducible": "#8D6E00",
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
    for r in claims.sort_values("claim_id", key=lambda ids: ids.map(claim_order)).itertuples():
        evidence = evidence_rows(r, tables or {})
        has_rows = any(not e.empty for e in evidence)
        data = (prov.cite(r.data_value, evidence, how="판정의 근거가 된 자료", mark=False, kind="summary")
                if has_rows and r.data_value != "—" else r.data_value)
        rows.append({"id": r.claim_id, "claim": f"{r.claim}", "claimant": r.claimant, "verdict": verdict_badge(r.verdict),
                     "data": data, "detail": r.detail})
    # 주장한 곳 holds "한국경제연구원" on one line of the PDF: Korean never breaks inside a word.
    return m.table(rows, [m.Column("번호", "id", "l", 0.8), m.Column("주장 (보도된 문장)", "claim", "l", 2.9), m.Column("주장한 곳", "claimant", "l", 1.9),
                          m.Column("판정", "verdict", "l", 0.9), m.Column("데이터", "data", "l", 3), m.Column("설명", "detail", "l", 3.25)])


def verdict_legend() -> prov.Label:
    return prov.Label(m.Markup(" · ").join(verdict_badge(v) for v in VERDICT_LABELS))
