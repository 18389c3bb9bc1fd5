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
