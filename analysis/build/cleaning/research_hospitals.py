"""Clean table ``research_hospitals``: Korea's 연구중심병원 by round (2013 designation, 2025
certification), each with its city, 시도 and a capital-region (수도권) flag.

Why: KERI's claim that research hospitals are "concentrated in the capital region" is checked
against this table. The articles print only names (in several spellings: 고대구로병원 = 고려대
구로병원); the locations are general knowledge about the hospitals, so they are held here as a
reviewed lookup table, and a name the lookup does not know stops the build.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource, read_named_tables

RAW_FILE = "hospitals.csv"
RAW_COLUMNS = ("round", "hospital", "quote", "location")
ROUNDS = {"2013 지정": "2013_designation", "2025 인증": "2025_certification"}
CAPITAL_REGION = {"서울", "인천", "경기"}
SIDO = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주")

# canonical name: (spellings seen in sources, city, 시도)
HOSPITALS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "가천대 길병원": (("가천의대길병원", "길병원", "가천대길병원"), "인천", "인천"),
    "경북대병원": (("경북대병원",), "대구", "대구"),
    "고려대 구로병원": (("고대구로병원", "고려대구로병원"), "서울", "서울"),
    "고려대 안암병원": (("고대안암병원", "고려대안암병원"), "서울", "서울"),
    "분당차병원": (("분당차병원",), "성남", "경기"),
    "삼성서울병원": (("삼성서울병원",), "서울", "서울"),
    "서울대병원": (("서울대병원",), "서울", "서울"),
    "서울아산병원": (("서울아산병원",), "서울", "서울"),
    "세브란스병원": (("연대세브란스병원", "세브란스병원", "연세대세브란스병원"), "서울", "서울"),
    "아주대병원": (("아주대병원",), "수원", "경기"),
    "강남세브란스병원": (("강남세브란스병원",), "서울", "서울"),
    "경희대병원": (("경희대병원",), "서울", "서울"),
    "계명대 동산병원": (("계명대동산병원",), "대구", "대구"),
    "고려대 안산병원": (("고려대안산병원", "고대안산병원"), "안산", "경기"),
    "분당서울대병원": (("분당서울대병원",), "성남", "경기"),
    "서울성모병원": (("서울성모병원",), "서울", "서울"),
    "양산부산대병원": (("양산부산대병원",), "양산", "경남"),
    "이대목동병원": (("이대목동병원",), "서울", "서울"),
    "인하대병원": (("인하대병원",), "인천", "인천"),
    "전남대병원": (("전남대병원",), "광주", "광주"),
    "한림대 춘천성심병원": (("한림대춘천성심병원",), "춘천", "강원"),
}
ALIASES = {alias: canonical for canonical, (aliases, _, _) in HOSPITALS.items() for alias in aliases}

SCHEMA = TableSchema(
    name="research_hospitals",
    description="연구중심병원 by round, with location and capital-region flag.",
    key=("round", "hospital"),
    columns=(
        Column("round", "string", "", "2013_designation (지정제) or 2025_certification (인증제 1기).", "raw: round"),
        Column("hospital", "string", "", "Canonical hospital name.", "analysis.build.cleaning.research_hospitals.HOSPITALS"),
        Column("name_as_published", "string", "", "The name as the source printed it.", "raw: hospital"),
        Column("city", "string", "", "City of the hospital.", "lookup (general knowledge, reviewed)"),
        Column("sido", "string", "", "시도 (short form).", "lookup (general knowledge, reviewed)"),
        Column("capital_region", "bool", "", "True for 서울·인천·경기 (수도권).", "derived: sido in CAPITAL_REGION"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)


def resolve_names(df: pd.DataFrame) -> pd.DataFrame:
    """Spelling -> canonical hospital; an unknown spelling is a new hospital to add (with its
    location) to the lookup after checking it, never guessed."""
    out = df.copy()
    for row in out.itertuples():
        if row.round not in ROUNDS:
            raise CleaningError(row.file, row.source_row, "round", f"expected one of {list(ROUNDS)}, found {row.round!r}")
        if row.hospital.replace(" ", "") not in ALIASES:
            raise CleaningError(row.file, row.source_row, "hospital",
                                f"unknown hospital {row.hospital!r}: add it with its city and 시도 to HOSPITALS")
    out["name_as_published"] = out["hospital"]
    out["hospital"] = out["hospital"].str.replace(" ", "").map(ALIASES)
    out["round"] = out["round"].map(ROUNDS)
    return out


def attach_location(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["city"] = out["hospital"].map(lambda h: HOSPITALS[h][1])
    out["sido"] = out["hospital"].map(lambda h: HOSPITALS[h][2])
    out["capital_region"] = out["sido"].isin(CAPITAL_REGION)
    return out


def clean_research_hospitals(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    raw = read_named_tables(sources, root, RAW_FILE, RAW_COLUMNS)
    if raw.empty:
        raise CleaningError("data/raw", None, None, f"no {RAW_FILE} source found for research_hospitals")
    return SCHEMA.enforce(attach_location(resolve_names(raw)))
