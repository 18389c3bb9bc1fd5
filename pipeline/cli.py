"""The `collab` command line: one subcommand per job, each a thin shell over a package function.

Each handler imports the stages it drives inside itself, so that `collab --help` or `collab score`
never loads MLflow, matplotlib or the training code they do not use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pipeline import config
from pipeline.signals import terminate_as_interrupt


def _build_dataset(args: argparse.Namespace) -> int:
    from pipeline.data import datacard
    from pipeline.data.dataset import build_dataset, read_report, write_dataset, write_sample
    from pipeline.data.label_noise import narrative_label_issues
    from pipeline.data.narrative_corpus import read_raw_narratives, same_project_sets

    dataset = build_dataset(read_report(args.report), read_raw_narratives(args.narratives))
    dataset.narrative_issues = narrative_label_issues(dataset.narratives)
    for path in write_dataset(dataset, args.out):
        print(f"wrote {path}")
    if args.out == config.PROCESSED_DIR:
        print(f"wrote {write_sample(dataset.case_studies)}")
    card = args.out.parent / config.DATA_CARD.name  # data/README.md beside data/processed/
    if card.exists() and datacard.update(dataset, card):
        print(f"updated the generated section of {card}")
    v = dataset.validation
    print(
        f"{v['n_cases']} cases, {v['n_title_groups']} title groups, "
        f"{len(dataset.case_studies)} case studies; "
        f"meeting both criteria: {v['meets_criteria_total']['sustainability_O_or_partial']} "
        f"(report: {v['meets_criteria_total']['report']})"
    )
    print(
        f"{len(dataset.narratives)} narratives; same-project sets {same_project_sets(dataset.narratives)}; "
        f"{len(dataset.narrative_issues)} suspect labels (cleanlab)"
    )
    for failure in v["failures"]:
        print(f"validation failed: {failure}", file=sys.stderr)
    return 1 if v["failures"] else 0


def _targets(value: str) -> list[str]:
    targets = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in targets if t not in config.TARGETS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown target(s) {unknown}; known: {list(config.TARGETS)}")
    return targets


def _at_least(minimum: int):
    """An argparse type: an integer no smaller than `minimum` (checked before any work starts)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{number} is too small: give {minimum} or more")
        return number

    return parse


def _add_repeats_folds(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repeats", type=_at_least(1), default=config.CV_REPEATS, help="cross-validation repeats (1 or more)")
    # Two folds is the least that holds out anything.
    p.add_argument("--folds", type=_at_least(2), default=config.CV_FOLDS, help="cross-validation folds (2 or more)")
    p.add_argument("--seed", type=int, default=config.SEED)


def _add_input_options(p: argparse.ArgumentParser) -> None:
    """How a spreadsheet is read, the same for `score` and `retrain --add`."""
    p.add_argument("--encoding", help="CSV encoding (default: detected; e.g. cp949, utf-8)")
    p.add_argument("--columns", help="map fields to columns, e.g. title=과제명,description=요약")
    p.add_argument("--sheet", help=".xlsx: the sheet to read (default: the first with a title column in its first rows)")
    p.add_argument(
        "--header-row", type=_at_least(1), metavar="N",
        help=".xlsx: the row holding the column names, 1 = the first (default: found among the first rows)",
    )


def _add_models_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models-dir", type=config.Path, default=config.MODELS_DIR)
    p.add_argument("--trust", action="store_true", help="accept a --models-dir outside this project's models/ folder")


def _add_cv_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--targets", type=_targets, default=list(config.TARGETS), help="comma-separated")
    _add_repeats_folds(p)


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from pipeline.data.dataset import load_cases
    from pipeline.jobs.training import format_calibration, format_table, run_evaluation, summary_json

    if args.narratives:
        from pipeline.jobs.training import run_narrative_evaluation
        from pipeline.modeling.narrative_evaluation import format_table as format_narratives

        result = run_narrative_evaluation(args.repeats, args.folds, args.seed)
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(format_narratives(result))
            print("\nsub-types on the 23 case studies (prototypes built without the scored case):")
            for label, v in result["case_studies"].items():
                if label.startswith(("model_type", "sub_type")):
                    print(f"  {label:<28} accuracy {v['accuracy']:.3f}  n={v['n']}")
        return 0

    results = run_evaluation(load_cases(), args.targets, args.repeats, args.folds, args.seed)
    if args.json:
        print(json.dumps(summary_json(results), ensure_ascii=False, indent=2))
    else:
        print(f"{args.repeats} x {args.folds}-fold cross-validation grouped by title_group; macro-F1 mean ± sd")
        print(format_table(results))
        print("\ncalibration of the out-of-fold probabilities (multi-class Brier, expected calibration error; 0 is best)")
        print(format_calibration(results))
    return 0


def _train(args: argparse.Namespace) -> int:
    from pipeline.data.dataset import load_cases
    from pipeline.data.narrative_corpus import read_ids
    from pipeline.jobs.training import train

    exclude = read_ids(args.exclude) if args.exclude else None
    manifest = train(load_cases(), args.targets, args.models_dir, args.repeats, args.folds, args.seed, exclude_ids=exclude)
    if exclude:
        excluded = manifest["excluded"]
        print(f"excluded {excluded['ids']} ids ({len(excluded['title_groups'])} title groups; ids sha256 {excluded['ids_sha256'][:12]}…)")
    print(f"saved {args.models_dir} (bundle sha256 {next(iter(manifest['artifacts'].values()))['sha256'][:12]}…)")
    if "registered_version" in manifest:
        print(f"registered {config.MODEL_NAME} version {manifest['registered_version']} as @{config.MODEL_ALIAS}")
    for target, metrics in manifest["metrics"].items():
        print(f"{target:<16} macro-F1 {metrics['model']['macro_f1_mean']:.3f} "
              f"(char n-gram baseline {metrics['char_ngram_lr']['macro_f1_mean']:.3f}, "
              f"majority {metrics['majority']['macro_f1_mean']:.3f})")
    return 0


def _score_on_spark(args: argparse.Namespace) -> int:
    from pipeline.data.entries import InputError, default_output

    options = {"--report": args.report, "--rank-for-review": args.rank_for_review, "--sheet": args.sheet, "--header-row": args.header_row}
    given = [flag for flag, value in options.items() if value]
    if given:
        raise InputError(f"--spark does not take {', '.join(given)}: score the file without --spark for those")
    from pipeline.jobs.spark_scoring import score_file

    output = args.output or default_output(args.input)
    summary = score_file(args.input, output, args.model_uri, args.master, args.encoding, args.columns)
    print(f"wrote {output}", file=sys.stderr)
    print("\n".join(summary.lines()))
    return 0


def _score(args: argparse.Namespace) -> int:
    if args.spark:
        return _score_on_spark(args)
    import json
    from contextlib import nullcontext

    import pandas as pd

    from pipeline.artifacts import check_models_dir, load_bundle
    from pipeline.data.entries import (
        InputError,
        Limits,
        TableWriter,
        check_output_paths,
        check_xlsx_cells,
        default_output,
        read_entries,
    )
    from pipeline.io import atomic_path
    from pipeline.text.kiwi import build_in_background

    # A user error below goes to main's one error path.
    output = args.output or default_output(args.input)
    check_output_paths(args.input, output, args.report)
    check_models_dir(args.models_dir, args.trust)
    entries = read_entries(args.input, args.encoding, args.columns, args.sheet, Limits(args.max_rows, args.max_mb), args.header_row)
    if output.suffix.lower() == ".xlsx":
        check_xlsx_cells(entries.frame)  # before scoring, not after
    # The input is good: Kiwi loads its model on the other core while the models load.
    build_in_background()
    bundle, manifest = load_bundle(args.models_dir)
    # Imported once the input and the models have passed their checks (scikit-learn and the rest).
    from pipeline.scoring.report import render
    from pipeline.scoring.score import merge_summaries, rank_for_review, score_chunks, summarise

    print(
        f"read {len(entries.frame)} rows from {args.input} ({entries.encoding}); columns: "
        + ", ".join(f"{k}={v}" for k, v in entries.mapping.items()),
        file=sys.stderr,
    )
    for warning in entries.warnings:
        print(f"주의: {warning}", file=sys.stderr)
    print(
        f"model: {manifest['model_name']} trained {manifest['created']} "
        f"(MLflow run {manifest.get('mlflow_run_id', '?')})",
        file=sys.stderr,
    )
    for position, problem in entries.problems.items():
        print(f"  row {position + 1}: {problem.text} (not scored)", file=sys.stderr)
    chunks = score_chunks(entries.frame, bundle, entries.mapping, entries.problems, progress=True)
    workbook = output.suffix.lower() == ".xlsx"
    if args.rank_for_review:  # ordering needs every row first
        chunks = iter([rank_for_review(pd.concat(list(chunks)))])
    summary, kept, changes = None, [], []
    # Both outputs go to temporary files and are moved into place only when both are written: a
    # failure leaves neither behind. CSV and JSON Lines are written slice by slice as they are
    # scored, so a long file's scored rows are never held at once; the reviewer's workbook (its
    # 검토 순서 ranks every row) and the report, which show every row, hold them.
    try:
        with atomic_path(output) as table_tmp, (atomic_path(args.report) if args.report else nullcontext()) as page_tmp:
            writer = None if workbook else TableWriter(table_tmp, output.suffix.lower())
            try:
                for scored in chunks:
                    if writer is not None:
                        changes += writer.write(scored)
                    summary = merge_summaries(summary, summarise(scored))
                    if args.report or workbook:
                        kept.append(scored)
            finally:
                if writer is not None:
                    writer.close()
            if workbook:
                from pipeline.scoring.workbook import write_review_workbook

                changes = write_review_workbook(
                    pd.concat(kept), table_tmp, entries.mapping, str(args.input), entries.sheet, manifest
                )
            if args.report:
                page = render(pd.concat(kept), summary, entries.mapping, str(args.input))
                page_tmp.write_text(page, encoding="utf-8", newline="\n")
    except (InputError, OSError) as error:
        print(f"collab score: nothing written: {error}", file=sys.stderr)
        return 2
    for change in changes:
        print(f"  row {change.row}, column {change.column}: {change.change}", file=sys.stderr)
    print(f"wrote {output}" + (f" and {args.report}" if args.report else ""), file=sys.stderr)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print(format_summary(summary))
    return 0


def _retrain(args: argparse.Namespace) -> int:
    from pipeline.artifacts import check_models_dir
    from pipeline.data.dataset import load_cases
    from pipeline.data.reviewed import read_reviewed
    from pipeline.jobs.retraining import retrain

    # A user error below goes to main's one error path.
    check_models_dir(args.models_dir, args.trust)
    reviewed = read_reviewed(args.add, args.encoding, args.columns, args.sheet, args.header_row)
    print(
        f"read {reviewed.rows_read} rows from {args.add}: {len(reviewed.accepted)} usable, "
        f"{len(reviewed.rejected)} left out",
        file=sys.stderr,
    )
    for rejection in reviewed.rejected:
        print(f"  left out {rejection.describe(reviewed.unit)}", file=sys.stderr)
    outcome = retrain(
        reviewed,
        load_cases(),
        args.labelled_dir,
        args.models_dir,
        args.repeats,
        args.folds,
        args.seed,
        args.force,
    )
    print(outcome.format())
    return 0


def format_summary(summary: dict) -> str:
    lines = [
        f"rows {summary['rows']}, scored {summary['scored']}, errors {summary['errors']}, "
        f"needs review {summary['needs_review']}, meeting both criteria {summary['meets_criteria']}"
    ]
    for label, counts in summary["counts"].items():
        cells = ", ".join(f"{k or '(none)'} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        lines.append(f"  {label}: {cells}")
    for name, table in summary["cross_tables"].items():
        lines.append(f"  {name}:")
        columns = sorted({c for row in table.values() for c in row})
        lines.append("    " + f"{'':<14}" + "".join(f"{c or '(none)':>8}" for c in columns))
        for field, row in table.items():
            lines.append("    " + f"{field:<14}" + "".join(f"{row.get(c, 0):>8}" for c in columns))
    return "\n".join(lines)


# Each command's help: a Korean line for the reviewers and administrators who run it, and an example.
HELP: dict[str, tuple[str, str]] = {
    "score": (
        "접수된 사례 목록(.xlsx, .csv, .jsonl)을 보고서 기준으로 분류하고 근거 문장을 붙입니다.",
        "collab score 2026_접수목록.xlsx --rank-for-review -o 검토용.xlsx --report 검토.html",
    ),
    "retrain": (
        "검토완료로 표시한 행을 학습 자료에 더하고 새 모델을 지금 모델과 비교해 나쁘지 않을 때만 바꿉니다.",
        "collab retrain --add 검토용.xlsx",
    ),
    "train": (
        "보고서의 601개 사례와 본문으로 모델을 학습하고 models/와 MLflow에 등록합니다.",
        "collab train --repeats 3",
    ),
    "evaluate": (
        "같은 교차검증 구간에서 모델을 기준선(다수 분류, 문자 n-gram)과 비교합니다.",
        "collab evaluate --narratives --json",
    ),
    "build-dataset": (
        "보고서 원문(data/raw/)에서 학습 자료(data/processed/)를 다시 만듭니다.",
        "collab build-dataset",
    ),
}


def _help(command: str) -> dict[str, str]:
    line, example = HELP[command]
    headers = "; ".join(f"{field}: {', '.join(names)}" for field, names in config.INPUT_ALIASES.items())
    epilog = f"예: {example}"
    if command in ("score", "retrain"):
        epilog += f"\n\n알아보는 열 이름 (띄어쓰기·괄호 무시): {headers}"
    return {"help": line, "description": line, "epilog": epilog, "formatter_class": argparse.RawDescriptionHelpFormatter}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="collab",
        description="협업행정 사례 1차 분류 (first-pass classification of collaborative-administration cases)."
        " 검토자 안내: docs/guide_ko.md",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build-dataset", **_help("build-dataset"))
    p.add_argument("--report", type=config.Path, default=config.RAW_REPORT)
    p.add_argument("--narratives", type=config.Path, default=config.RAW_NARRATIVES)
    p.add_argument("--out", type=config.Path, default=config.PROCESSED_DIR)
    p.set_defaults(func=_build_dataset)

    p = sub.add_parser("evaluate", **_help("evaluate"))
    _add_cv_options(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--narratives", action="store_true",
        help="grouped cross-validation of the narrative models on the 263 + 23 labelled narratives",
    )
    p.set_defaults(func=_evaluate)

    p = sub.add_parser("train", **_help("train"))
    _add_cv_options(p)
    p.add_argument(
        "--exclude", type=config.Path, metavar="IDS",
        help="a file of appendix ids, one per line: train every part without them and their title groups",
    )
    p.add_argument("--models-dir", type=config.Path, default=config.MODELS_DIR)
    p.set_defaults(func=_train)

    p = sub.add_parser("retrain", **_help("retrain"))
    p.add_argument("--add", type=config.Path, required=True, metavar="REVIEWED", help="a scored file with corrected labels")
    p.add_argument("--force", action="store_true", help="promote even if the rule says no (logged as forced)")
    _add_input_options(p)
    _add_repeats_folds(p)
    _add_models_dir(p)
    p.add_argument("--labelled-dir", type=config.Path, default=config.LABELLED_DIR)
    p.set_defaults(func=_retrain)

    p = sub.add_parser("score", **_help("score"))
    p.add_argument("input", type=config.Path)
    p.add_argument("-o", "--output", type=config.Path, help="default: <input>.scored.<ext> beside the input")
    p.add_argument("--report", type=config.Path, help="also write a self-contained HTML report")
    _add_input_options(p)
    p.add_argument("--max-rows", type=_at_least(1), default=config.MAX_INPUT_ROWS, help="refuse a larger file before reading it")
    p.add_argument("--max-mb", type=_at_least(1), default=config.MAX_INPUT_MB, help="refuse a larger file (.xlsx: uncompressed) before reading it")
    _add_models_dir(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--rank-for-review",
        action="store_true",
        help="order rows so that the labels a reviewer gives first teach the models most (adds review_rank, input_row)",
    )
    spark = p.add_argument_group("on Spark (pip install -e '.[spark]')")
    spark.add_argument(
        "--spark", action="store_true",
        help="read (.csv, .parquet) and score through Spark with the registered model; write .parquet, .csv, .xlsx or .jsonl",
    )
    spark.add_argument("--master", default=config.SPARK_MASTER, help="Spark master (default: %(default)s)")
    spark.add_argument(
        "--model-uri",
        help=f"registered model to score with (default: models:/{config.MODEL_NAME}@{config.MODEL_ALIAS} "
        "in $MLFLOW_TRACKING_URI or mlruns/)",
    )
    p.set_defaults(func=_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand. A problem in the user's files or arguments (a `UserError`, or the
    system refusing a file) is one line on stderr and exit 2; `--debug` shows the traceback."""
    from pipeline.errors import UserError

    args = build_parser().parse_args(argv)
    try:
        with terminate_as_interrupt():
            return args.func(args)
    except (UserError, OSError, ValueError) as error:
        if args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"collab {args.command}: {message} (--debug shows the traceback)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"collab {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        from pipeline.tracking import store_problem

        problem = store_problem(error)
        if problem is None or args.debug:
            raise
        print(f"collab {args.command}: {problem} (--debug shows the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
