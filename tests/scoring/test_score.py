import numpy as np
import pandas as pd

from pipeline import config
from pipeline.scoring.reasons import LABEL_NAMES
from pipeline.scoring.score import OUTPUT_COLUMNS, score_frame, summarise


def _frame(case_studies, numbers):
    return pd.DataFrame(
        {
            "번호": [str(n) for n in numbers],
            "지자체": [case_studies[n]["region"] for n in numbers],
            "사업명": [case_studies[n]["name"] for n in numbers],
            "사업내용": [case_studies[n]["narrative"] for n in numbers],
        }
    )


def test_scores_every_row_in_order_and_keeps_bad_ones(bundle, case_studies):
    frame = _frame(case_studies, [7, 4, 21])
    bad = pd.DataFrame(
        {
            "번호": ["90", "91", "92", "4"],
            "지자체": ["", "", "서울 중구", "광주 광산구"],
            "사업명": ["", "Open data portal", "도심 공원 조성", "병원아동보호사"],
            "사업내용": ["", "A platform in English only.", "- " + "공원을 조성함. " * 120_000, ""],
        }
    )
    frame = pd.concat([frame.iloc[:2], bad, frame.iloc[2:]], ignore_index=True)
    out = score_frame(frame, bundle)
    assert len(out) == len(frame)
    assert list(out.columns) == list(frame.columns) + list(OUTPUT_COLUMNS)
    assert out["번호"].tolist() == frame["번호"].tolist()
    errors = out["error"].tolist()
    assert errors[0] == errors[1] == "" and errors[-1] == ""
    codes = out["review_codes"].tolist()
    assert codes[2:5] == ["not_scored:empty", "not_scored:no_korean", "not_scored:too_long"]
    assert errors[2].startswith("비어 있음") and errors[3].startswith("한글 없음") and errors[4].startswith("너무 김")
    assert errors[5] == ""  # a title without a description is scored from the title alone
    title_only = out.iloc[5]
    assert title_only["resource_sharing"] == "" and title_only["meets_criteria"] == ""
    assert "no_description" in title_only["review_codes"].split("; ")
    assert "사업 내용이 없어 제목만으로 판단함" in title_only["review_reasons"]
    assert "판단하지 않음" not in title_only["review_reasons"].replace("충족 여부는 판단하지 않음", "")
    # Id 4 appears twice: both rows are scored and flagged.
    for i in (1, 5):
        assert "duplicate_id" in out.iloc[i]["review_codes"] and out.iloc[i]["needs_review"]
        assert "번호 4이(가) 다른 행에도 있음" in out.iloc[i]["review_reasons"]
    # Codes and sentences line up one to one.
    for codes, reasons in zip(out["review_codes"], out["review_reasons"]):
        assert len(codes.split("; ")) == len(reasons.split("; ")) if codes else reasons == ""


def _points_to(verdict: str, span: dict) -> bool:
    """Whether an evidence span backs `verdict`: its push goes that way, and under an X it does
    not read as the criterion done (the report would count that sentence for O)."""
    if verdict == "X":
        return span["push"] < 0 and span["status"] != "done"
    return span["push"] > 0


def test_labels_are_the_reports_and_evidence_points_into_the_narrative(bundle, case_studies):
    frame = _frame(case_studies, [7, 11, 14])
    out = score_frame(frame, bundle)
    assert set(out["service_field"]) <= set(config.SERVICE_FIELDS)
    assert set(out["actor_type"]) <= set(config.ACTOR_TYPES)
    for c in ("tech_applied", "tech_applicable", "resource_sharing", "sustainability", "meets_criteria"):
        assert set(out[c]) <= set(config.MARKS)
    assert set(out["model_type"]) <= set(config.MODEL_TYPES)
    row = out.iloc[0]  # 빈집은행: IoT smart farming, a social cooperative
    assert row["tech_applied"] == "O" and "IoT" in row["evidence_tech_applied"]
    assert row["sustainability"] == "O" and "협동조합" in row["evidence_sustainability"]
    import json

    narrative, spans = frame.iloc[0]["사업내용"], json.loads(row["evidence_spans"])
    for span in spans:  # offsets point at the sentence, whose cue they name
        assert span["cue"].split("+")[0] in narrative[span["start"] : span["end"]]
    for label in ("tech_applied", "tech_applicable", "sustainability"):
        ours = [s for s in spans if s["label"] == label]
        pushes = [abs(s["push"]) for s in ours]
        assert pushes == sorted(pushes, reverse=True)  # strongest push first
        pushed = [narrative[s["start"] : s["end"]] for s in ours if _points_to(row[label], s)]
        assert " | ".join(pushed[:3]) == row[f"evidence_{label}"]
        # A sentence pointing the other way is marked so, never shown as evidence.
        assert all(s.get("against", False) == (not _points_to(row[label], s) and s["push"] != 0) for s in ours)
    # Resource sharing has no learned model: its evidence is the detector's, sentences saying it is done.
    done = [narrative[s["start"] : s["end"]] for s in spans if s["label"] == "resource_sharing" and s["status"] == "done"]
    assert " | ".join(done[:3]) == row["evidence_resource_sharing"]
    assert ((out["service_field_proba"] > 0) & (out["service_field_proba"] <= 1)).all()


def test_a_column_named_like_an_output_is_kept(bundle):
    frame = pd.DataFrame({"title": ["공동급식지원센터 운영"], "error": ["원래 값"]})
    out = score_frame(frame, bundle)
    assert out["input_error"].tolist() == ["원래 값"] and out["error"].tolist() == [""]


def test_summary_counts(bundle, case_studies):
    out = score_frame(_frame(case_studies, [1, 2, 3]), bundle)
    summary = summarise(out)
    assert summary["rows"] == summary["scored"] == 3
    assert sum(summary["counts"]["service_field"].values()) == 3
    assert summary["meets_criteria"] == int((out["meets_criteria"] == "O").sum())
    table = summary["cross_tables"]["service_field x tech_applied"]
    assert sum(sum(r.values()) for r in table.values()) == 3
    assert np.isnan(score_frame(pd.DataFrame({"title": [""]}), bundle)["service_field_proba"]).all()


def test_a_partial_bundle_is_refused(bundle):
    import pytest

    partial = {**bundle, "models": {"tech_applied": bundle["models"]["tech_applied"]}}
    with pytest.raises(ValueError, match="collab train"):
        score_frame(pd.DataFrame({"title": ["공동급식지원센터 운영"]}), partial)


def test_normalised_entropy_is_zero_when_certain_and_one_when_uniform():
    from pipeline.scoring.score import normalised_entropy

    values = normalised_entropy(np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0]]))
    np.testing.assert_allclose(values, [0.0, 1.0, np.log(2) / np.log(3)], atol=1e-9)


def test_ranking_for_review_puts_the_most_uncertain_first_and_keeps_every_row(bundle, case_studies):
    """One order (issue 21): flagged rows first, then the rest, unscorable rows last; within each,
    more uncertain labels first, then by review priority."""
    from pipeline.scoring.score import rank_for_review

    frame = _frame(case_studies, [3, 7, 11, 14, 20])
    frame.loc[2, "사업명"] = ""
    frame.loc[2, "사업내용"] = ""  # unscorable: must come back, last
    out = score_frame(frame, bundle)
    ranked = rank_for_review(out)
    assert list(ranked.columns[:2]) == ["review_rank", "input_row"]
    assert ranked["review_rank"].tolist() == [1, 2, 3, 4, 5]
    assert sorted(ranked["input_row"]) == [1, 2, 3, 4, 5]
    assert ranked.iloc[-1]["input_row"] == 3 and ranked.iloc[-1]["review_codes"] == "not_scored:empty"
    scored = ranked.iloc[:-1]
    key = list(zip(~scored["needs_review"].astype(bool), -scored["uncertain_labels"].map(lambda v: len([p for p in v.split("; ") if p])),
                   -scored["review_priority"].astype(float)))
    assert key == sorted(key)
    assert ((scored["review_priority"] > 0) & (scored["review_priority"] <= 1)).all()
    # Each row keeps its own scores: ranking reorders, never recombines.
    back = ranked.set_index("input_row").sort_index()
    assert back["사업명"].tolist() == frame["사업명"].tolist()
    assert back["review_priority"].fillna(-1).tolist() == out["review_priority"].fillna(-1).tolist()


def test_slices_score_and_summarise_as_the_whole_file(bundle, case_studies, monkeypatch):
    """A long file is scored and summarised slice by slice (score_chunks); nothing may change."""
    from pipeline.scoring.score import merge_summaries, score_chunks

    frame = _frame(case_studies, list(case_studies)[:9])
    titles_only = frame.assign(사업내용="", 번호=[str(100 + i) for i in range(len(frame))])
    frame = pd.concat([frame, titles_only, frame.head(2).assign(사업명="")], ignore_index=True)
    frame.loc[3, "번호"] = frame.loc[15, "번호"]  # a duplicate id in two different slices
    whole = score_frame(frame, bundle)
    monkeypatch.setattr(config, "SCORE_CHUNK", 4)
    monkeypatch.setattr(config, "SCORE_BATCH", 3)
    parts = list(score_chunks(frame, bundle))
    assert len(parts) == 5 and pd.concat(parts).equals(whole)
    assert "duplicate_id" in whole.loc[3, "review_codes"] and "duplicate_id" in whole.loc[15, "review_codes"]
    merged = None
    for part in parts:
        merged = merge_summaries(merged, summarise(part))
    assert merged == summarise(whole)


def _narrative_entries(count: int, sentences: int = 0) -> pd.DataFrame:
    """Real appendix narratives as a year's entries: whole, or cut to their first sentences."""
    from pipeline.data.narrative_corpus import load_narratives
    from pipeline.text.sentences import split_many

    narratives = load_narratives().iloc[::7].head(count)
    texts = narratives["description"].tolist()
    if sentences:
        texts = [" ".join(s.text for s in parts[:sentences]) for parts in split_many(texts)]
    return pd.DataFrame({"지자체": narratives["region"].tolist(), "사업명": narratives["title"].tolist(), "사업내용": texts})


def test_every_o_shows_evidence_and_no_evidence_pushes_against_its_verdict(bundle):
    import json

    from pipeline.reading.lexicons import lexicon

    institutions, done_under_x, noted, learned = lexicon("sustainability_criteria"), 0, 0, 0
    for sentences in (0, 2):
        frame = _narrative_entries(30, sentences)
        out = score_frame(frame, bundle)
        for i, row in out.iterrows():
            spans = json.loads(row["evidence_spans"]) if row["evidence_spans"] else []
            narrative = frame.loc[i, "사업내용"]
            for c in ("tech_applied", "tech_applicable", "resource_sharing", "sustainability"):
                shown = row[f"evidence_{c}"]
                if row[c] in ("O", "△"):
                    assert shown, (sentences, i, c)
                    # A sentence of the description, or the title; a title without a cue word is
                    # said to be the models' scores alone (resource sharing, learned by no model,
                    # has its own note: no sentence sharing resources).
                    unbacked = shown.startswith("[제목]") and "(단서:" not in shown and c != "resource_sharing"
                    assert unbacked == (f"{LABEL_NAMES[c]}: 뒷받침하는 문장이나 단서 단어 없이" in row["uncertain_labels"]), (sentences, i, c)
                    assert shown.startswith("[제목]") or all(
                        part.removeprefix("[모델 판단] ") in narrative for part in shown.split(" | ")
                    ), (sentences, i, c)
                # A sentence no cue found is evidence only for an O it pushed toward, and is shown
                # marked as such.
                for span in (s for s in spans if s["label"] == c and s["status"] == "learned"):
                    assert row[c] in ("O", "△") and span["push"] > 0
                    assert "[모델 판단] " + narrative[span["start"] : span["end"]] in shown.split(" | ")
                    learned += 1
                for span in (s for s in spans if s["label"] == c and "push" in s):
                    text = narrative[span["start"] : span["end"]]
                    if not _points_to(row[c], span):
                        assert text not in shown.split(" | "), (sentences, i, c, text)
                        assert span.get("against") is True or span["push"] == 0
                        done_under_x += row[c] == "X" and span["status"] == "done"
                # A sentence stating what the report asks, under an X, is named beside the row.
                if c == "sustainability":
                    stated = row[c] == "X" and any(
                        s["status"] == "done" and any(t in narrative[s["start"] : s["end"]] for t in institutions) for s in spans if s["label"] == c
                    )
                    assert ("지속가능성: 기준을 충족한다는 문장(" in row["uncertain_labels"]) == stated, (sentences, i)
                    noted += stated
    assert done_under_x and noted and learned  # the narratives hold such sentences: every rule is exercised


def test_a_title_only_row_shows_the_title_cue_behind_an_o(bundle):
    frame = pd.DataFrame({"사업명": ["IoT 기반 스마트 가로등 빅데이터 플랫폼 구축"], "지자체": ["서울 중구"], "사업내용": [""]})
    row = score_frame(frame, bundle).iloc[0]
    assert row["resource_sharing"] == "" and "제목만으로" in row["review_reasons"]
    for c in ("tech_applied", "tech_applicable", "sustainability"):
        assert bool(row[f"evidence_{c}"]) == (row[c] in ("O", "△")), c
        if row[c] == "O":
            assert row[f"evidence_{c}"].startswith("[제목]")
            unbacked = "(단서:" not in row[f"evidence_{c}"]
            assert unbacked == (f"{LABEL_NAMES[c]}: 뒷받침하는 문장이나 단서 단어 없이" in row["uncertain_labels"]), c


def test_a_partner_the_actor_type_leaves_out_is_named(bundle):
    frame = pd.DataFrame(
        {
            "지자체": ["경기 안양시"],
            "사업명": ["인접 시 공동 돌봄 서비스"],
            "사업내용": [
                "안양시와 군포시, 의왕시가 공동으로 돌봄 서비스를 운영하였습니다. "
                "㈜케이티와 협약을 맺어 AI 스피커를 독거노인 가정에 설치하고 이상 징후를 함께 살폈습니다."
            ],
        }
    )
    row = score_frame(frame, bundle).iloc[0]
    if "민간" not in row["actor_type"]:
        assert "협력 문장에 민간(㈜케이티) 참여자가 있으나" in row["uncertain_labels"]
    else:
        assert "민간(" not in row["uncertain_labels"]


def test_partner_kinds_left_out_of_an_actor_type():
    from pipeline.reading.narratives import read_narratives
    from pipeline.scoring.score import _partner_kinds_left_out

    frame = pd.DataFrame(
        {
            "region": ["경기 안양시"],
            "title": ["공동 돌봄"],
            "description": ["㈜케이티와 협약을 맺어 AI 스피커를 설치하였습니다. 행정안전부 공모에 선정되었습니다."],
        }
    )
    reading = read_narratives(frame)[0]
    assert _partner_kinds_left_out(reading, "지자체-지자체") == ["민간(㈜케이티)"]
    assert _partner_kinds_left_out(reading, "지자체-민간") == []
    # 행정안전부 stands in a sentence that presents no partner: not counted.
    assert _partner_kinds_left_out(reading, "지자체-기타") == ["민간(㈜케이티)"]


def test_evidence_offsets_point_into_the_description_as_written(bundle, case_studies):
    """Issue 23, item 8: blank lines in front of a description shifted every highlighted sentence."""
    import json

    frame = _frame(case_studies, [7])
    frame.loc[0, "사업내용"] = "\n\n   " + frame.loc[0, "사업내용"]
    row = score_frame(frame, bundle).iloc[0]
    written = frame.loc[0, "사업내용"]
    spans = json.loads(row["evidence_spans"])
    assert spans
    for span in spans:
        assert span["cue"].split("+")[0] in written[span["start"] : span["end"]]
