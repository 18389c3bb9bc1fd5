"""Project-wide configuration: paths, seeds and the report's label sets.

Every other module reads its constants from here, so a path, a seed or a label value is
defined exactly once. Label values are written exactly as the KRILA report writes them.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("COLLAB_ROOT", Path(__file__).resolve().parent.parent))

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
SAMPLES_DIR = DATA_DIR / "samples"
REFERENCE_DIR = DATA_DIR / "reference"
MODELS_DIR = PROJECT_ROOT / "models"
MLRUNS_DIR = PROJECT_ROOT / "mlruns"

RAW_REPORT = RAW_DIR / "krila_report.txt"
# sha256 of the report as shipped in ../shared/report; a changed copy is a different dataset.
RAW_REPORT_SHA256 = "eff13cb216b746a687b7d62e001a88845a28ec115775c60f72749554130caf22"
CASES_CSV = PROCESSED_DIR / "cases.csv"
CASE_STUDIES_JSONL = PROCESSED_DIR / "case_studies.jsonl"
VALIDATION_JSON = PROCESSED_DIR / "validation.json"
DATA_CARD = DATA_DIR / "README.md"
LOCAL_GOVERNMENTS_CSV = REFERENCE_DIR / "local_governments.csv"

SEED = 20201

# --- Label sets -------------------------------------------------------------------------------

# Actor types in the order the appendix lists its blocks.
ACTOR_TYPES: tuple[str, ...] = (
    "지자체-기타",
    "지자체-중앙",
    "지자체-중앙-민간",
    "지자체-지자체",
    "지자체-민간",
)

# Service fields in the order of [표 2-2].
SERVICE_FIELDS: tuple[str, ...] = (
    "교육",
    "마을공동체",
    "문화/관광",
    "사회복지",
    "생활/편의",
    "안전/치안",
    "지역개발/환경",
    "행정관리",
    "기타",
)

ATTRIBUTES: tuple[str, ...] = ("하드웨어", "소프트웨어")

MARK_YES = "O"
MARK_NO = "X"
MARK_PARTIAL = "△"
MARKS: tuple[str, ...] = (MARK_YES, MARK_NO, MARK_PARTIAL)

# OCR spellings of each mark. "0" and "○" are how the PDF extraction renders the report's O.
MARK_SPELLINGS: dict[str, str] = {
    "O": MARK_YES,
    "○": MARK_YES,
    "0": MARK_YES,
    "o": MARK_YES,
    "X": MARK_NO,
    "x": MARK_NO,
    "△": MARK_PARTIAL,
}

SOCIAL_MODEL = "사회혁신 협업모델"
ADMIN_MODEL = "행정혁신 협업모델"
MODEL_TYPES: tuple[str, ...] = (SOCIAL_MODEL, ADMIN_MODEL)

# Chapter 4 sub-types. The administrative model has two alternative partitions ("option 1" and
# "option 2"); the report offers both, so a case carries one sub-type from each option.
SUB_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    SOCIAL_MODEL: {"": ("환경개선형", "사회복지형", "일자리 창출형")},
    ADMIN_MODEL: {
        "option 1": ("Process 개선형", "Service 확대형"),
        "option 2": ("정보공유형", "자원통합형"),
    },
}

# --- The appendix table ---------------------------------------------------------------------

# Row label in the appendix -> column name in cases.csv.
APPENDIX_ROWS: dict[str, str] = {
    "구분": "raw_name",
    "주체 유형": "actor_type",
    "서비스 분야": "service_field",
    "과학기술 적용": "tech_applied",
    "과학기술 적용 가능성": "tech_applicable",
    "주체 간 자원공유": "resource_sharing",
    "지속가능성": "sustainability",
}
MARK_COLUMNS: tuple[str, ...] = (
    "tech_applied",
    "tech_applicable",
    "resource_sharing",
    "sustainability",
)
CASES_COLUMNS: tuple[str, ...] = (
    "id",
    "raw_name",
    "region",
    "region_raw",
    "title",
    "actor_type",
    "service_field",
    "tech_applied",
    "tech_applied_raw",
    "tech_applicable",
    "tech_applicable_raw",
    "resource_sharing",
    "resource_sharing_raw",
    "sustainability",
    "sustainability_raw",
    "meets_criteria",
    "title_norm",
    "title_group",
    "case_study",
    "source_line",
    "parse_notes",
)

# Two normalised titles at least this similar (difflib ratio) are the same project: above it every
# pair in the appendix is an OCR variant or one joint project reported by each partner; below it
# the pairs are different projects that share a stock phrase ("... 만들기 사업").
NEAR_DUPLICATE_RATIO = 0.80
# Within one local government a lower bar holds: its OCR variants of one title ("위취해소" /
# "약취해소", "지역화폐" / "지역회배") sit between 0.70 and 0.80, and no two of its distinct projects do.
SAME_REGION_NEAR_DUPLICATE_RATIO = 0.70
# A normalised title contained in another counts as the same project only if it is this long,
# so that short generic titles ("복지관") do not swallow unrelated ones.
CONTAINMENT_MIN_CHARS = 6

# Collaboration vocabulary added to Kiwi's user dictionary so that compounds stay whole.
COLLABORATION_TERMS: tuple[str, ...] = (
    "협업",
    "업무협약",
    "협약",
    "상생",
    "협의회",
    "행정협의회",
    "협의체",
    "협동조합",
    "사회적협동조합",
    "민관협력",
    "민관협치",
    "거버넌스",
    "공동이용",
    "공동운영",
    "공유",
    "MOU",
)

# Words that point at the kind of partner in a case title or narrative (cue features).
ACTOR_CUE_WORDS: dict[str, tuple[str, ...]] = {
    "local": ("공동", "광역", "협의회", "시·군", "시군", "상생", "연대", "인접", "권역"),
    "private": ("기업", "민간", "주식회사", "(주)", "협동조합", "주민", "시민", "단체", "상인"),
    "public_body": ("공사", "공단", "대학", "연구원", "재단", "센터", "교육청", "교육지원청", "경찰", "소방"),
}

# Technology vocabulary (과학기술): what the report's tables name as applied or applicable.
TECH_TERMS: tuple[str, ...] = (
    "빅데이터", "데이터", "ICT", "IoT", "AI", "인공지능", "플랫폼", "앱", "어플", "시스템", "스마트",
    "GPS", "드론", "CCTV", "온라인", "모바일", "전산", "정보화", "디지털", "3D", "3차원", "VR", "AR",
    "블록체인", "센서", "QR", "키오스크", "로봇", "자동화", "전자", "인터넷", "홈페이지", "SNS",
    "영상", "통합관제", "원격", "무인", "웹", "클라우드", "차세대통신", "GIS",
)

# --- Models -------------------------------------------------------------------------------------

# Prediction targets: name -> the cases.csv column it is learned from. The title models predict
# sustainability as O (O or △) against X: △ is too rare (8 cases) to learn on its own.
TARGETS: dict[str, str] = {
    "service_field": "service_field",
    "actor_type": "actor_type",
    "tech_applied": "tech_applied",
    "tech_applicable": "tech_applicable",
    "sustainability": "sustainability",
}
# Text the title models read: the columns joined with spaces, in this order.
TEXT_COLUMNS: tuple[str, ...] = ("region", "title", "description")

CV_REPEATS = 3
CV_FOLDS = 5
INNER_FOLDS = 3
CALIBRATION_FOLDS = 3
# Inverse regularisation strengths of the logistic regression, searched inside the training folds.
C_GRID: tuple[float, ...] = (1.0, 10.0)
# Outer cross-validation folds run in parallel processes (the machine has 2 cores).
N_JOBS = 2

MODEL_NAME = "collab-classifier"
MODEL_ALIAS = "champion"
EXPERIMENT_NAME = "collab-classifier"
MANIFEST = MODELS_DIR / "manifest.json"

# English names for plots only (the machine's fonts have no Hangul); tables keep the Korean.
LABEL_ALIASES: dict[str, str] = {
    "교육": "education",
    "마을공동체": "community",
    "문화/관광": "culture/tourism",
    "사회복지": "welfare",
    "생활/편의": "daily life",
    "안전/치안": "safety",
    "지역개발/환경": "development/env.",
    "행정관리": "administration",
    "기타": "other",
    "지자체-기타": "local-other",
    "지자체-중앙": "local-central",
    "지자체-중앙-민간": "local-central-private",
    "지자체-지자체": "local-local",
    "지자체-민간": "local-private",
    "△": "partial",
}
