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
