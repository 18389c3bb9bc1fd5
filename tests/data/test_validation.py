from pipeline.data.validation import report_actor_counts, report_criteria_counts, report_field_counts


def test_reads_the_reports_summary_tables(report_text):
    lines = report_text.split("\n")
    assert report_actor_counts(lines) == {
        "지자체-중앙": 21,
        "중앙-민간": 4,
        "지자체-중앙-민간": 10,
        "지자체-지자체": 115,
        "지자체-민간": 184,
        "지자체-기타": 271,
        "단독": 24,
    }
    assert report_criteria_counts(lines)["계"] == 73
    fields = report_field_counts(lines)
    assert fields["지역개발/환경"] == {"하드웨어": 79, "소프트웨어": 70, "계": 149}
    assert sum(f["계"] for f in fields.values()) == 629


def test_dataset_passes_validation(dataset):
    v = dataset.validation
    assert v["failures"] == []
    assert v["n_cases"] == 601
    assert all(r["report"] == r["dataset"] for r in v["actor_types"])
    assert sum(r["difference"] for r in v["service_fields"]) == 28


def test_criteria_count_against_table_3_2(dataset):
    total = dataset.validation["meets_criteria_total"]
    assert total == {"report": 73, "sustainability_O": 64, "sustainability_O_or_partial": 72}
    # Counting △ as met matches [표 3-2] for every actor type but 지자체-기타 (33 of 34).
    off = [r for r in dataset.validation["meets_criteria"] if r["report"] != r["sustainability_O_or_partial"]]
    assert [(r["actor_type"], r["report"], r["sustainability_O_or_partial"]) for r in off] == [
        ("지자체-기타", 34, 33)
    ]


def test_validation_fails_loudly_when_a_row_is_lost(dataset, report_text):
    from pipeline.data.validation import validate

    broken = dataset.cases.iloc[1:]
    failures = validate(broken, dataset.case_studies, report_text)["failures"]
    assert any("600 appendix cases" in f for f in failures)
    assert any("지자체-기타" in f for f in failures)


def test_case_study_disagreements_are_found(dataset):
    got = {(d["case_study"], d["label"]) for d in dataset.validation["case_study_disagreements"]}
    assert got == {(1, "sustainability"), (16, "sustainability"), (23, "tech_applied")}
