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
# Reviewer-corrected entries, one versioned batch per `collab retrain --add` (see labelled.py).
LABELLED_DIR = DATA_DIR / "labelled"
MODELS_DIR = PROJECT_ROOT / "models"
MLRUNS_DIR = PROJECT_ROOT / "mlruns"

RAW_REPORT = RAW_DIR / "krila_report.txt"
# sha256 of the report as shipped with the project brief; a changed copy is a different dataset.
RAW_REPORT_SHA256 = "eff13cb216b746a687b7d62e001a88845a28ec115775c60f72749554130caf22"
# Narratives of 263 other appendix cases, retold from news pages (see data/README.md); copied
# unchanged from the brief's narratives folder, labels joined by appendix id.
RAW_NARRATIVES = RAW_DIR / "appendix_narratives.jsonl"
RAW_NARRATIVES_SHA256 = "ae26631389507956bb111325b3b78736e63c8afb8f7179265801a3ff540890b2"
CASES_CSV = PROCESSED_DIR / "cases.csv"
NARRATIVES_CSV = PROCESSED_DIR / "narratives.csv"
# Narratives whose report label disagrees with what a simple model learns from the others.
NARRATIVE_LABEL_ISSUES_CSV = PROCESSED_DIR / "narrative_label_issues.csv"
CASE_STUDIES_JSONL = PROCESSED_DIR / "case_studies.jsonl"
VALIDATION_JSON = PROCESSED_DIR / "validation.json"
SUB_TYPES_JSON = PROCESSED_DIR / "sub_types.json"
DATA_CARD = DATA_DIR / "README.md"
LOCAL_GOVERNMENTS_CSV = REFERENCE_DIR / "local_governments.csv"
SAMPLE_ENTRIES = SAMPLES_DIR / "case_study_entries.csv"

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

# Two narratives whose character 2-4-gram TF-IDF vectors are at least this similar retell one
# project (partners filing it separately): they share a split group. Measured on the 263: every
# same-project set the narratives' README names is above 0.30, the nearest unrelated pair 0.23.
SAME_PROJECT_SIMILARITY = 0.28

# Cue counts above this carry no more information (titles rarely reach it; narratives do).
CUE_COUNT_CAP = 3

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
# Text the models read: "region title" as a head line, then the description (features.compose_text).
TEXT_COLUMNS: tuple[str, ...] = ("region", "title", "description")

CV_REPEATS = 3
CV_FOLDS = 5
INNER_FOLDS = 3
# Inverse regularisation strengths of the logistic regression, searched inside the training folds.
C_GRID: tuple[float, ...] = (1.0, 10.0)
# Offer USE sentence embeddings to the model's search. Measured: +0.03-0.04 macro-F1 on titles
# (service field, tech), but 5 s more cold start per process and scoring 10x slower on narratives
# (bench/bench_scoring.py), so off: the speed targets matter more to reviewers than 0.03.
SENTENCE_ENCODER_IN_SEARCH = False
# Outer cross-validation folds run in parallel processes (the machine has 2 cores).
N_JOBS = 2

# Fonts with Hangul for the figures logged to MLflow and drawn in the notebooks (Debian's
# fonts-noto-cjk; `make chromium` installs it), first found wins.
CJK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)

MODEL_NAME = "collab-classifier"
MODEL_ALIAS = "champion"
# The latest retrained model, whether or not it was promoted: the registry keeps both.
CHALLENGER_ALIAS = "challenger"
# Promotion rule (retraining.decide): the primary metric is the mean over the title targets of
# macro-F1, compared fold by fold on the same grouped folds. The challenger is worse "beyond
# noise" when its mean paired difference is below -PROMOTION_Z standard errors of that mean.
PROMOTION_Z = 2.0
# Worse beyond noise refuses only a loss larger than this (mean macro-F1 for the title targets,
# mean accuracy for the narrative labels): a year's rows move few trusted predictions, so the
# paired differences are tiny and their standard error tinier. On a simulated half-reviewed
# year (51 kept-apart narratives returned, before retraining kept the champion's --exclude) the
# narrative side came out -0.0014 with SE 0.0009, 0.0003 from refusal: a seventh of one
# narrative in a hundred is not a loss to refuse a year's corrections for.
PROMOTION_MIN_DROP = 0.01
# ... or when it gets more than this many of the 23 case-study narratives wrong per label, on
# average, than the champion did (one narrative is 0.043 of accuracy).
PROMOTION_NARRATIVE_SLACK = 1
# ... or when the reviewed labels agree with the champion's out-of-fold probabilities no better
# than the same labels shuffled do (a permutation test, p above this): a sorted column, shifted
# rows or careless labels. Under shuffling p is uniform, so 1 shuffled file in 20 passes this
# check by chance and must then fail the others.
LABEL_SIGNAL_ALPHA = 0.05
LABEL_SIGNAL_PERMUTATIONS = 2000
# ... or when any one title target is worse beyond noise (as above, on that target's own paired
# differences) by more than this much macro-F1: with 2 to 5 folds one target's standard error is
# itself noisy, and a drop under 0.03 is within the fold-to-fold spread of the report's own CV.
PROMOTION_LABEL_MIN_DROP = 0.03
# ... or when a reviewed column disagrees with the champion's out-of-fold predictions far more
# often than the trusted labels do (one-sided binomial p below ALPHA and at least MIN_EXCESS more
# often): the sustainability column set to O on every row disagrees on ~90 % where the trusted
# rows disagree on ~10 %; a genuinely new year's entries disagree a little more, not that much.
COLUMN_RULE_ALPHA = 1e-4
COLUMN_RULE_MIN_EXCESS = 0.25
# The solver of every title and narrative logistic regression (and of their n-gram baselines).
# Newton-CG reaches the penalised optimum that lbfgs only approaches at sklearn's default
# tolerance (a 9-class narrative fit: the same objective to 1e-4 relative, 0.7 s against 2.1 s;
# the title search of three targets 2.3 s against 15.4 s), so fits are exact and cheaper.
LR_SOLVER = "newton-cg"
# Folds inside each training set whose out-of-fold probabilities calibrate a narrative model.
CALIBRATION_FOLDS = 5
# The feature recipes a narrative model may be built with: name -> (inverse regularisation of its
# logistic regression, feature blocks left out). Not searched over a grid: 286 narratives are too
# few to tune on without tuning on what is then reported. A two-class label chooses among these
# few inside its own training data only (`NARRATIVE_RECIPE_LABELS`); the others keep the first.
# Why these: sustainability turns on a few institutional words (조례, 전담, 예산) that the
# morpheme block spreads thin over thousands of topic features, so without it (and with less
# shrinkage for the cues that remain) it ranks better; the technology labels read words the
# character block duplicates.
NARRATIVE_RECIPES: dict[str, tuple[float, tuple[str, ...]]] = {
    "all_blocks": (1.0, ()),
    "no_morphemes": (3.0, ("morphemes",)),
    "no_chars": (1.0, ("chars",)),
}
NARRATIVE_DEFAULT_RECIPE = "all_blocks"
# Labels whose recipe is the one whose calibration folds rank O best (ROC-AUC of the out-of-fold
# P(O) on the training rows that have sentences). Service field and actor type keep the default:
# in trials, actor type's out-of-fold log-loss chose it in every fold, and service field lost
# accuracy with either text block left out.
NARRATIVE_RECIPE_LABELS: tuple[str, ...] = ("tech_applied", "tech_applicable", "sustainability")
# An n-gram must occur in this many training narratives to be a feature: one seen once cannot
# generalise, and dropping them cuts features from 109k to 34k and a 9-class fit from 8 s to 3 s.
NARRATIVE_MIN_DF = 2
# The narrative side also learns each training narrative cut to its first k sentences, for these k
# (a contest sheet's 사업내용 is often two sentences); `collab evaluate --narratives` reports every
# label at these lengths and whole (`by_length`).
CROP_SENTENCES: tuple[int, ...] = (2, 4)
# Inverse regularisation of the combiner of title and narrative probabilities (modeling.verdicts):
# sklearn's default, not searched, for the reason NARRATIVE_RECIPES are not.
STACK_C = 1.0
# `collab evaluate --narratives` and `collab train`: labels scored on the narratives, and those
# that also get ranking metrics (ROC-AUC, average precision) and flagged against true rates.
NARRATIVE_EVAL_LABELS: tuple[str, ...] = (
    "actor_type", "service_field", "tech_applied", "tech_applicable", "sustainability", "meets_criteria",
)
# `collab evaluate --narratives`: the headline figures' intervals, a case bootstrap of the
# out-of-fold predictions on the appendix narratives (modeling.intervals). 1000 resamples keep
# the Monte Carlo error of a 90% bound near 0.005 and cost about 5 s a criterion at 3 repeats.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_CONFIDENCE = 0.9
NARRATIVE_CRITERIA: tuple[str, ...] = ("tech_applied", "tech_applicable", "sustainability", "meets_criteria")
# Reliability diagrams: equal-width confidence bins.
CALIBRATION_BINS = 10
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

# --- Narrative reading ---------------------------------------------------------------------------
# The vocabularies (central bodies, firm markers, hedges, each criterion's cues) are data a domain
# expert edits: pipeline/reading/lexicons/*.csv, loaded and checked by pipeline.reading.lexicons.

# --- Scoring input and output ---------------------------------------------------------------------

# Column names reviewers use, by the field each one means. Matching ignores spaces, brackets,
# middle dots and case ("시·군·구", "사업명(과제명)" -> "사업명과제명" is not matched: only whole names).
INPUT_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "사업명", "사례명", "과제명", "제목", "사업 제목", "사례 제목", "사업명칭", "과제명칭", "사례명칭", "name"),
    "region": (
        "region", "지자체", "지자체명", "기관명", "지역", "자치단체", "자치단체명", "지방자치단체", "지방자치단체명",
        "기관", "시군구", "시군구명", "시도", "제출기관", "주관기관",
    ),
    "description": (
        "description", "사업내용", "내용", "주요 내용", "주요내용", "개요", "사업개요", "사례내용", "추진내용", "사업 설명",
        "사업설명", "설명", "요약", "사업요약", "narrative",
    ),
    "id": ("id", "번호", "연번", "순번", "일련번호", "no"),
}
INPUT_FORMATS: tuple[str, ...] = (".csv", ".xlsx", ".jsonl")
# A workbook's header is looked for in its first rows: government sheets often carry a title
# ("2026년 협업행정 우수사례 접수 목록") and a blank row above it. `--header-row N` says where it is.
HEADER_SCAN_ROWS = 10
# An unrecognised column whose Korean cells average this many characters reads as a description:
# when no description column was found, the reviewer is told to map it (a title is 10-30).
PROSE_CHARS = 40
# Excel's limit on the characters of one cell: .xlsx output refuses a longer one up front.
XLSX_MAX_CELL_CHARS = 32_767
# ... and columns per sheet (XFD).
XLSX_MAX_COLUMNS = 16_384
# Limits checked before a file is parsed, so that a runaway export or an .xlsx "zip bomb" (a few
# MB that expand to millions of rows) stops at once; `--max-rows` and `--max-mb` raise them. The
# size is the file's bytes for CSV/JSONL and every member of an .xlsx uncompressed (wherever it
# is stored). A CSV's rows are counted as its lines (LF, CRLF or CR; a narrative may span several),
# so the limit errs on the safe side; a workbook's rows are counted by streaming them, stopping one
# past the limit, never taken from the row count the file claims.
MAX_INPUT_ROWS = 1_000_000
MAX_INPUT_MB = 512
# A row longer than this is refused rather than tokenised (a pasted document, not an entry).
MAX_TEXT_CHARS = 200_000
# `collab score` writes this column empty; a reviewer who has checked a row's labels writes one of
# the marks in it, and only marked rows become training data (`collab retrain`).
REVIEW_MARK_COLUMN = "review_mark"
REVIEW_MARKS: tuple[str, ...] = ("검토완료", "O")
# The reviewer's workbook (`collab score -o FILE.xlsx`): its sheets, and the Korean header of each
# column of the 검토 sheet, in order after the input's own columns. `collab retrain` reads these
# headers back to the columns they stand for; "evidence" gathers the evidence_* columns.
REVIEW_SHEET = "검토"
OUTPUT_SHEET = "모델 출력"
ABOUT_SHEET = "안내"
REVIEW_HEADERS: dict[str, str] = {
    "review_order": "검토 순서",
    "service_field": "서비스 분야",
    "actor_type": "주체 유형",
    "tech_applied": "과학기술 적용",
    "tech_applicable": "과학기술 적용 가능성",
    "resource_sharing": "자원공유",
    "sustainability": "지속가능성",
    "meets_criteria": "자원공유·지속가능성 충족",
    "model_type": "협업모델",
    "sub_type": "하위유형",
    "needs_review": "검토 필요",
    "review_reasons": "검토 사유",
    "uncertain_labels": "불확실한 항목",
    "evidence": "근거",
    "error": "처리하지 못한 이유",
    REVIEW_MARK_COLUMN: "검토 표시",
    "input_row": "입력 행",
}
# Below this probability a label counts as uncertain (scoring.FLAGGING_LABELS flag the row).
REVIEW_PROBABILITY = 0.6
# Rows whose lines go to Kiwi in one call (its threads stay busy); the line cache is emptied after
# each such chunk, so memory does not grow with the file.
SCORE_CHUNK = 2048
# ... or this many characters, whichever comes first: a narrative's analysis takes far more memory
# than a title's (about 250 narratives of 2,000 characters).
SCORE_CHUNK_CHARS = 500_000
# Rows the models score at once within a chunk, or this many characters: each call's overhead is
# shared by many short titles, and about 60 narratives' left-out variants are held at a time.
SCORE_BATCH = 1024
SCORE_BATCH_CHARS = 128_000
# Words whose character n-gram columns are remembered per vectorizer (text.vectorizers): a few
# tens of MB at most, and a year's narratives repeat most of their words.
CHAR_WB_WORD_CACHE = 200_000
# Training texts whose term counts a process keeps per analyzer setting (text.term_counts): a
# training fits on under 2,000 distinct texts; beyond this many a store starts afresh.
TERM_COUNT_TEXTS = 20_000

# Scoring on Spark (`collab score --spark`, pipeline.scoring.spark). This machine's two cores.
SPARK_MASTER = "local[2]"
# Rows per Arrow batch, i.e. per `score_frame` call in a Spark worker: one Kiwi chunk's worth.
SPARK_BATCH_ROWS = SCORE_CHUNK
# `collab score --spark` spreads the input over this many partitions per core: enough to even out
# slow and fast partitions, few enough that each Arrow batch keeps Kiwi's threads busy.
SPARK_PARTITIONS_PER_CORE = 2
