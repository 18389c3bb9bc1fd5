import shutil

import pytest

from pipeline.reading.lexicons import LEXICON_DIR, LISTS, LexiconError, lexicon, load_lexicons


def test_every_list_loads_with_its_terms_in_file_order():
    lists = load_lexicons()
    assert set(lists) == set(LISTS) and all(lists.values())
    assert lexicon("marker_nouns") == ("지속가능",)
    assert lexicon("plan_markers")[:2] == ("예정", "계획")
    assert "㈜" in lexicon("private_markers") and "수 있" in lexicon("possibility_markers")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("tech_terms,메타버스,tech_aplied,\n", "line 3: unknown criterion 'tech_aplied'"),
        ("tech_terms,,tech_applied,\n", "line 3: empty term"),
        ("tech_terms,드론,tech_applied,\n", "line 3: '드론' is already in list 'tech_terms'"),
        ("tech_term,메타버스,tech_applied,\n", "line 3: unknown list 'tech_term'"),
    ],
)
def test_a_bad_row_fails_with_its_file_and_line(tmp_path, row, message):
    for path in LEXICON_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    extra = tmp_path / "zz_added.csv"
    extra.write_text("list,term,criterion,why\ntech_terms,메타버스2,tech_applied,a new term\n" + row, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as error:
        load_lexicons(tmp_path)
    assert str(extra) in str(error.value)


def test_a_file_without_the_header_is_refused(tmp_path):
    (tmp_path / "bad.csv").write_text("term,list\n드론,tech_terms\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="line 1: the header must be list,term,criterion,why"):
        load_lexicons(tmp_path)
