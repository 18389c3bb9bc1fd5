import json
import subprocess
import sys

import numpy as np

from pipeline.narratives import choose_weight, combine, read_narratives, sub_type_scores
from pipeline.subtypes import Ranking


def test_combine_and_choose_weight():
    title = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]])
    narrative = np.array([[0.1, 0.9], [0.2, 0.8], [0.4, 0.6]])
    np.testing.assert_allclose(combine(title, narrative, 0.5), [[0.5, 0.5], [0.5, 0.5], [0.35, 0.65]])
    # The narrative is right on all three, the title on one: 0.5 ties rows 1-2, so the first
    # weight in the grid's order (0.5, 0.25, 0.75, 0, 1) that gets all three right is 0.75.
    assert choose_weight(title, narrative, ["O", "X"], ["X", "X", "X"]) == 0.75
    # The title is right on all three; 0.25 is the first weight that keeps all three right.
    title_right = np.array([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9]])
    narrative_wrong = np.array([[0.0, 1.0], [0.2, 0.8], [0.4, 0.6]])
    assert choose_weight(title_right, narrative_wrong, ["O", "X"], ["O", "O", "X"]) == 0.25


def test_read_narratives_on_a_case_study(case_studies):
    reading = read_narratives([case_studies[7]["narrative"]])[0]
    assert reading.findings["tech_applied"].decision == "O"
    assert reading.findings["sustainability"].decision == "O"
    assert any("IoT" in e.text for e in reading.findings["tech_applied"].evidence)


def test_sub_type_scores_top1_top2():
    cases = [
        {"model_types": ["A"], "sub_types": {"A": ["a1"]}},
        {"model_types": ["A"], "sub_types": {"A": ["a2"]}},
        {"model_types": [], "sub_types": {}},
    ]
    ranking = Ranking({"A": [("a1", 0.9), ("a2", 0.5), ("a3", 0.1)]}, {"A": 0.9, "B": 0.2})
    scores = sub_type_scores(cases, [ranking, ranking, ranking])
    assert scores["model_type"] == {"accuracy": 1.0, "n": 2}
    assert scores["sub_type_top1"] == {"accuracy": 0.5, "n": 2}
    assert scores["sub_type_top2"] == {"accuracy": 1.0, "n": 2}


def test_cli_evaluates_the_narratives(tmp_path):
    env = {"MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "evaluate", "--narratives", "--json"],
        capture_output=True, text=True, check=False, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    targets = json.loads(result.stdout)["targets"]
    for label in ("actor_type", "tech_applied", "sustainability", "service_field", "model_type",
                  "sub_type_top1", "sub_type_top2", "resource_sharing", "tech_applicable"):
        assert 0.0 <= targets[label]["accuracy"] <= 1.0
    assert targets["actor_type"]["n"] == 23 and targets["model_type"]["n"] == 22
    # Reading narratives beats reading titles for the criteria the report defines by narrative.
    assert targets["sustainability"]["accuracy"] >= 0.8
    assert targets["tech_applied"]["accuracy"] >= 0.8
