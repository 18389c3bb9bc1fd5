import zipfile

import numpy as np
import skops.io

from pipeline.text.vectorizers import TermTfidf

DOCS = ["공동급식지원센터 운영", "도심 공원 조성 사업", "공동 급식 센터를 함께 운영함"]


def test_saved_as_arrays_and_rebuilt_exactly(tmp_path):
    tfidf = TermTfidf(analyzer="char_wb", ngram_range=(1, 3), min_df=1).fit(DOCS)
    before = dict(tfidf.vocabulary_)
    state = tfidf.__getstate__()
    assert "vocabulary_" not in state and state["terms_"].dtype.kind == "U"
    assert tfidf.vocabulary_ == before  # saving never touches the fitted object
    path = tmp_path / "tfidf.skops"
    skops.io.dump(tfidf, path, compression=zipfile.ZIP_DEFLATED)
    loaded = skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
    assert loaded.vocabulary_ == before
    assert np.array_equal(loaded.transform(DOCS).toarray(), tfidf.transform(DOCS).toarray())
    with zipfile.ZipFile(path) as archive:  # the vocabulary is an array file, not JSON entries
        assert archive.getinfo("schema.json").file_size < 20_000


def test_char_wb_counts_are_scikit_learns_counts(report_text):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from pipeline.text.vectorizers import char_wb_counts

    def expected_counts(vectorizer, texts):
        # scikit-learn's own counting, past TermTfidf's stored counts (text.term_counts).
        return CountVectorizer._count_vocab(vectorizer, texts, fixed_vocab=True)[1]

    # Real report prose, with what the cache must not confuse: case, runs of spaces, tabs and line
    # breaks between words, an empty text, words seen before.
    lines = [line for line in report_text.splitlines() if line.strip()][200:900]
    texts = lines + ["", "  ABC  abc\tAbc\n가나 ", lines[0], lines[0].upper()]
    tfidf = TermTfidf(analyzer="char_wb", ngram_range=(1, 3), min_df=2).fit(lines[:400] + ["abc"])
    for _ in range(2):  # the second time from the word cache
        got = char_wb_counts(tfidf, texts)
        expected = expected_counts(tfidf, texts)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        assert (got != expected).nnz == 0
        assert got.has_sorted_indices
    # ... and so is the TF-IDF the models see.
    weighted = TfidfVectorizer(**tfidf.get_params()).fit(lines[:400] + ["abc"]).transform(texts)
    assert abs(tfidf.transform(texts) - weighted).max() == 0
    # The same object refitted, or set to other settings, never answers from the old lookups.
    tfidf.fit(lines[400:700])
    assert (char_wb_counts(tfidf, texts) != expected_counts(tfidf, texts)).nnz == 0
    tfidf.set_params(lowercase=False)
    assert (char_wb_counts(tfidf, texts) != expected_counts(tfidf, texts)).nnz == 0
