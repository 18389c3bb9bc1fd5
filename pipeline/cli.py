"""The `collab` command line: one subcommand per job, each a thin shell over a package function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pipeline import config


def _build_dataset(args: argparse.Namespace) -> int:
    from pipeline import datacard
    from pipeline.dataset import build_dataset, read_report, write_dataset

    dataset = build_dataset(read_report(args.report))
    for path in write_dataset(dataset, args.out):
        print(f"wrote {path}")
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
    for failure in v["failures"]:
        print(f"validation failed: {failure}", file=sys.stderr)
    return 1 if v["failures"] else 0


def _targets(value: str) -> list[str]:
    targets = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in targets if t not in config.TARGETS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown target(s) {unknown}; known: {list(config.TARGETS)}")
    return targets


def _add_cv_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--targets", type=_targets, default=list(config.TARGETS), help="comma-separated")
    p.add_argument("--repeats", type=int, default=config.CV_REPEATS, help="cross-validation repeats")
    p.add_argument("--folds", type=int, default=config.CV_FOLDS, help="cross-validation folds")
    p.add_argument("--seed", type=int, default=config.SEED)


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from pipeline.dataset import load_cases
    from pipeline.training import format_table, run_evaluation, summary_json

    if args.narratives:
        from pipeline.training import run_narrative_evaluation

        result = run_narrative_evaluation(args.seed)
        if args.json:
            print(json.dumps({"targets": result["targets"]}, ensure_ascii=False, indent=2))
        else:
            print("23 case-study narratives against their own tables (title models trained without them;")
            print("combination weights and sub-type prototypes chosen leaving the scored case out)")
            print(f"{'label':<44}{'accuracy':>9}{'n':>5}")
            for label, v in result["targets"].items():
                print(f"{label:<44}{v['accuracy']:>9.3f}{v['n']:>5}")
            print("\nwithout combining (accuracy):")
            for label, d in result["diagnostics"].items():
                print(f"  {label:<18} title only {d['title_only']:.3f}   narrative only {d['narrative_only']:.3f}   weight on narrative {d['weight_all_cases']}")
        return 0

    results = run_evaluation(load_cases(), args.targets, args.repeats, args.folds, args.seed)
    if args.json:
        print(json.dumps(summary_json(results), ensure_ascii=False, indent=2))
    else:
        print(f"{args.repeats} x {args.folds}-fold cross-validation grouped by title_group; macro-F1 mean ± sd")
        print(format_table(results))
    return 0


def _train(args: argparse.Namespace) -> int:
    from pipeline.dataset import load_cases
    from pipeline.training import train

    manifest = train(load_cases(), args.targets, args.models_dir, args.repeats, args.folds, args.seed)
    print(f"saved {args.models_dir} (bundle sha256 {next(iter(manifest['artifacts'].values()))['sha256'][:12]}…)")
    if "registered_version" in manifest:
        print(f"registered {config.MODEL_NAME} version {manifest['registered_version']} as @{config.MODEL_ALIAS}")
    for target, metrics in manifest["metrics"].items():
        print(f"{target:<16} macro-F1 {metrics['model']['macro_f1_mean']:.3f} "
              f"(char n-gram baseline {metrics['char_ngram_lr']['macro_f1_mean']:.3f}, "
              f"majority {metrics['majority']['macro_f1_mean']:.3f})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="collab",
        description="First-pass classification of collaborative-administration (협업행정) cases.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build-dataset", help="parse the KRILA report into data/processed/")
    p.add_argument("--report", type=config.Path, default=config.RAW_REPORT)
    p.add_argument("--out", type=config.Path, default=config.PROCESSED_DIR)
    p.set_defaults(func=_build_dataset)

    p = sub.add_parser("evaluate", help="grouped cross-validation of model and baselines, logged to MLflow")
    _add_cv_options(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--narratives", action="store_true", help="evaluate on the 23 case-study narratives")
    p.set_defaults(func=_evaluate)

    p = sub.add_parser("train", help="evaluate, fit on all cases, save to models/, register in MLflow")
    _add_cv_options(p)
    p.add_argument("--models-dir", type=config.Path, default=config.MODELS_DIR)
    p.set_defaults(func=_train)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"collab {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
