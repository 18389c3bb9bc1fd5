from pipeline.text.sentences import split_many, split_sentences


def test_offsets_point_at_the_sentence_text(case_studies):
    text = case_studies[2]["narrative"]
    sentences = split_sentences(text)
    assert len(sentences) > 20
    for s in sentences:
        assert text[s.start : s.end] == s.text
    assert sentences[0].text.startswith("지역 내(감천2동) 공·폐가")  # the bullet is not part of it


def test_bullet_lines_are_boundaries_and_empty_texts_are_fine():
    text = "- 조례를 제정함\n- 협동조합을 설립하였음. 전담 인력을 배치함"
    got = [s.text for s in split_sentences(text)]
    assert got[0] == "조례를 제정함"
    assert "협동조합을 설립하였음." in got[1]
    assert split_many(["", "  \n - "]) == [[], []]
