import joblib
import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import config
from pipeline.text import term_counts
from pipeline.text.vectorizers import TermTfidf

# The two recipes the models fit: character n-grams of the text, and morpheme uni- and bigrams.
SETTINGS = [
    {"analyzer": "char_wb", "ngram_range": (1, 3), "sublinear_tf": True, "min_df": 2},
    {"token_pattern": r"[^ ]+", "lowercase": False, "ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2},
]


def _same(got, expected) -> None:
    """Equal array for array: the same floats in the same order, so a model fitted on either
    is the same model."""
    assert got.shape == expected.shape and got.dtype == expected.dtype and type(got) is type(expected)
    for part in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(got, part), getattr(expected, part)), part
        assert getattr(got, part).dtype == getattr(expected, part).dtype, part


@pytest.fixture
def lines(report_text):
    # Real report prose with what a store must not confuse: case, runs of spaces and tabs, a
    # text seen twice in one fit.
    found = [line for line in report_text.splitlines() if line.strip()][300:1100]
    return found + ["  ABC  abc\tAbc\n가나 ", found[0], found[5].upper()]


@pytest.mark.parametrize("settings", SETTINGS, ids=["char_wb", "morphemes"])
def test_every_fit_and_transform_is_scikit_learns_to_the_last_bit(lines, settings, monkeypatch):
    term_counts.forget()
    # Overlapping rows, as calibration folds are: the later fits read stored counts.
    parts = [lines[:500], lines[250:803], lines[:803], lines[100:400] + lines[600:]]
    for rows in parts:
        ours, plain = TermTfidf(**settings), TfidfVectorizer(**settings)
        _same(ours.fit_transform(rows), plain.fit_transform(rows))
        assert ours.vocabulary_ == plain.vocabulary_ and list(ours.vocabulary_) == list(plain.vocabulary_)
        assert np.array_equal(ours.idf_, plain.idf_)
        # Stored texts, texts no fit has seen, and both mixed.
        for batch in (lines[:50], ["처음 보는 문장입니다", "공동 급식 센터"], lines[700:] + ["처음 보는 문장"]):
            _same(ours.transform(batch), plain.transform(batch))
        # What a saved bundle holds (and modeling.shared_features digests) is the same.
        with monkeypatch.context() as m:
            m.setattr(config, "TERM_COUNT_TEXTS", 0)  # nothing stored: scikit-learn counts
            unstored = TermTfidf(**settings).fit(rows)
        assert joblib.hash(ours.__getstate__()) == joblib.hash(unstored.__getstate__())


def test_a_transform_never_stores_and_a_full_store_starts_afresh(lines, monkeypatch):
    term_counts.forget()
    lines = list(dict.fromkeys(lines))  # a store holds each text once
    settings = SETTINGS[0]
    fitted = TermTfidf(**settings).fit(lines[:100])
    assert term_counts.stored_texts(fitted) == 100
    fitted.transform(lines[:50])  # from the store: its columns are looked up now
    fitted.transform(lines[100:300])
    assert term_counts.stored_texts(fitted) == 100
    monkeypatch.setattr(config, "TERM_COUNT_TEXTS", 150)
    again = TermTfidf(**settings)
    _same(again.fit_transform(lines[100:200]), TfidfVectorizer(**settings).fit_transform(lines[100:200]))
    assert term_counts.stored_texts(again) == 100  # 200 would not fit: only this fit's texts
    # The first vectorizer's columns were built for the old store: it must not read them now.
    _same(fitted.transform(lines[100:200]), TfidfVectorizer(**settings).fit(lines[:100]).transform(lines[100:200]))
    # A fit on more texts than a store holds is counted as scikit-learn counts, and not stored.
    big = TermTfidf(**settings)
    _same(big.fit_transform(lines[:300]), TfidfVectorizer(**settings).fit_transform(lines[:300]))
    assert term_counts.stored_texts(big) == 100


def test_settings_it_cannot_store_are_counted_by_scikit_learn(lines):
    term_counts.forget()
    for settings in ({"analyzer": "char_wb", "preprocessor": str.upper}, {"stop_words": ["사업"]}, {"vocabulary": ["사업", "운영"]}):
        ours = TermTfidf(**settings)
        _same(ours.fit_transform(lines[:200]), TfidfVectorizer(**settings).fit_transform(lines[:200]))
        assert term_counts.stored_texts(ours) == 0
    with pytest.raises(ValueError, match="empty vocabulary"):
        TermTfidf().fit(["", " "])
