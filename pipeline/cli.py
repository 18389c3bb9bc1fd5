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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"collab {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
