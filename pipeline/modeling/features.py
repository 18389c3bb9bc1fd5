"""Feature extraction for the title (and narrative) classifiers.

Input is a DataFrame with the columns in config.TEXT_COLUMNS (missing ones count as empty);
`text.compose.compose_text` joins them into the one string every feature reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from pipeline import config
from pipeline.data.regions import name_forms
from pipeline.modeling.encoder import SentenceEmbedding
from pipeline.reading.lexicons import lexicon
from pipeline.text.compose import compose_text
from pipeline.text.tokenizer import KiwiMorphemes
from pipeline.text.vectorizers import TermTfidf

# Lexicons whose words hint at the kind of partner a title names (reading/lexicons/title_cues.csv).
TITLE_CUE_LISTS: tuple[str, ...] = ("title_cues_local", "title_cues_private", "title_cues_public_body")
# A word ending in 부/청/처 names a central body: 교육부, 국세청, 법제처.
_CENTRAL_BODY = re.compile(r"[가-힣]{1,8}(?:부|청|처)(?=$|[\s,·)])")


def text_input() -> FunctionTransformer:
    """A pipeline step turning the input DataFrame into texts."""
    return FunctionTransformer(compose_text)


@lru_cache(maxsize=1)
def government_names() -> tuple[str, ...]:
    return tuple(sorted(name_forms(short_province=True), key=len, reverse=True))


class DomainCues(BaseEstimator, TransformerMixin):
    """Counts that hint at who collaborates and what technology is used, which n-grams miss.

    Per entry head (the first line of the composed text: region and title): how many distinct local-government names it mentions, how many list separators it
    has, how many central bodies (…부/청/처) it names, how many inter-government, private and
    public-body words (the `title_cues_*` lexicons) and technology terms (`tech_terms`) it
    contains, and whether it has any technology term; each capped at config.CUE_COUNT_CAP and
    log1p-scaled.
    """

    def fit(self, X: Iterable[str], y: object = None) -> "DomainCues":
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        rows = []
        # Only the head (region and title): in a narrative these words recur so often that the
        # counts say more about its length than about its partners.
        for text in (str(x).split("\n", 1)[0] for x in X):
            found, rest = set(), text
            for name in government_names():  # longest first, so 서울특별시 hides 서울
                if name in rest:
                    found.add(name)
                    rest = rest.replace(name, " ")
            row = [len(found), text.count(",") + text.count("·"), len(_CENTRAL_BODY.findall(text))]
            row += [sum(text.count(w) for w in lexicon(name)) for name in TITLE_CUE_LISTS]
            tech = sum(text.count(w) for w in lexicon("tech_terms"))
            rows.append(row + [tech, int(tech > 0)])
        width = 5 + len(TITLE_CUE_LISTS)
        counts = np.array(rows, dtype=float).reshape(len(rows), width)
        # Capped, so that a long narrative does not outweigh its TF-IDF blocks (each of norm 1).
        return np.log1p(np.minimum(counts, config.CUE_COUNT_CAP))


def char_ngrams(ngram_range: tuple[int, int] = (1, 3), min_df: int = 1) -> TermTfidf:
    """TF-IDF over character n-grams inside word boundaries: robust to OCR typos and spacing."""
    return TermTfidf(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=min_df)


def morpheme_features(with_tags: bool = False) -> Pipeline:
    """TF-IDF over Kiwi content morphemes (unigrams and bigrams)."""
    return Pipeline(
        [
            ("kiwi", KiwiMorphemes(with_tags=with_tags)),
            (
                "tfidf",
                TermTfidf(
                    token_pattern=r"[^ ]+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True
                ),
            ),
        ]
    )


def title_features(use_encoder: bool = False) -> FeatureUnion:
    """Morphemes, character n-grams and domain cues side by side; sentence embeddings optional.

    The embedding block can also be switched on or off later by setting the `use` step to a
    `SentenceEmbedding()` or to "drop" (that is how the model's grid search chooses it).
    """
    return FeatureUnion(
        [
            ("morphemes", morpheme_features()),
            ("chars", char_ngrams((1, 3))),
            ("cues", DomainCues()),
            ("use", SentenceEmbedding() if use_encoder else "drop"),
        ]
    )
