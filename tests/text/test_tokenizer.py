import subprocess
import sys
import textwrap

import joblib

from pipeline.text.tokenizer import KiwiMorphemes, get_kiwi


def test_keeps_content_morphemes_only():
    tokens = KiwiMorphemes().tokenize(["서울 강남구 인터넷 수능방송(강남인강) 협약을 체결하였다"])[0]
    assert {"강남구", "인터넷", "수능", "방송", "강남인강", "협약", "체결"} <= set(tokens)
    assert "(" not in tokens and "을" not in tokens and "었" not in tokens


def test_tags_separate_homographs():
    text = "사회적협동조합과 업무협약 체결"
    tagged = KiwiMorphemes(with_tags=True).transform([text])[0]
    assert "체결/NNG" in tagged.split()


def test_kiwi_is_built_once_per_process():
    assert get_kiwi() is get_kiwi()


def test_pipeline_round_trips_through_joblib_in_a_fresh_process(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from pipeline.data.dataset import load_cases

    cases = load_cases()
    model = make_pipeline(
        KiwiMorphemes(),  # pickled by its settings: the Kiwi itself stays in the process
        TfidfVectorizer(token_pattern=r"[^ ]+", lowercase=False),
        LogisticRegression(max_iter=2000),
    ).fit(cases["title"], cases["service_field"])
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    probe = cases["title"].head(50).tolist()
    expected = model.predict_proba(probe)

    script = textwrap.dedent(
        f"""
        import joblib, json, sys
        model = joblib.load({str(path)!r})
        titles = json.loads(sys.stdin.read())
        print(json.dumps(model.predict_proba(titles).tolist()))
        """
    )
    import json

    result = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(probe), capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == expected.tolist()


def test_a_lines_morphemes_are_kiwis_tokens_with_their_offsets(case_studies):
    """form, tag, start and end (start + len) of every token Kiwi gives, contractions included."""
    from pipeline.text.tokenizer import analyse_lines, content_lines

    lines = [content for c in list(case_studies.values())[:6] for _, content in content_lines(c["narrative"])]
    expected = [
        tuple((t.form, t.tag, t.start, t.start + t.len) for sentence in sentences for t in sentence)
        for sentences in get_kiwi().tokenize(lines, split_sents=True)
    ]
    assert [a.morphemes for a in analyse_lines(lines)] == expected
    assert any(form == "었" for line in expected for form, *_ in line)  # 했다 = 하 + 었 + 다
