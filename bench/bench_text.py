"""Seconds per 100,000 characters of the reading layer on prose and on the worst texts found.

Every regular expression the product runs on user text must take time linear in the text's length:
a pattern that backtracks over a long unspaced run is a way to stall `collab score` with one row.
This prints, for prose (the report's case-study narratives joined) and for pathological texts (a
run of one syllable without spaces, firm markers repeated, a firm marker before a long run), the
seconds `extract_actors` and the whole reading (`read_narratives`: Kiwi's analysis, sentences,
actors, criterion cues) take per 100,000 characters at two lengths. Linear means the two figures
of a row agree.

    .venv/bin/python bench/bench_text.py
"""

from __future__ import annotations

import time

import pandas as pd

from pipeline.data.dataset import load_case_studies
from pipeline.reading.actors import extract_actors
from pipeline.reading.narratives import read_narratives
from pipeline.text.tokenizer import forget

LENGTHS = (20_000, 80_000)


def texts(length: int) -> dict[str, str]:
    lines = [line for cs in load_case_studies() for line in cs["narrative"].splitlines() if line.strip()]
    # Every line distinct (numbered), so no cached analysis answers.
    prose, n = [], 0
    while sum(map(len, prose)) < length:
        prose.append(f"{n}. {lines[n % len(lines)]}")
        n += 1
    return {
        "prose (case-study narratives)": "\n".join(prose)[:length],
        "one syllable, no spaces": "가" * length,
        "firm markers repeated (㈜)": "㈜" * length,
        "firm marker, then a long run": ("㈜" + "가" * 999) * (length // 1000),
        "firm name word repeated (롯데)": "롯데" * (length // 2),
    }


def per_100k(seconds: float, length: int) -> float:
    return seconds * 100_000 / length


def main() -> None:
    read_narratives(pd.DataFrame({"region": [""], "title": ["제목"], "description": ["Kiwi를 불러 둡니다."]}))
    rows = []
    for length in LENGTHS:
        for name, text in texts(length).items():
            started = time.perf_counter()
            extract_actors(text)
            actors = time.perf_counter() - started
            forget()  # a cached analysis would answer the second reading
            started = time.perf_counter()
            read_narratives(pd.DataFrame({"region": [""], "title": ["제목"], "description": [text]}))
            reading = time.perf_counter() - started
            rows.append((name, length, per_100k(actors, length), per_100k(reading, length)))
    print(f"{'text':<34}{'chars':>9}{'actors s/100k':>15}{'reading s/100k':>16}")
    for name, length, actors, reading in rows:
        print(f"{name:<34}{length:>9,}{actors:>15.3f}{reading:>16.2f}")


if __name__ == "__main__":
    main()
