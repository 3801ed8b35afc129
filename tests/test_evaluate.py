"""Eval metrics against hand-computed values, and the `planqa eval` command end to end."""

from __future__ import annotations

import json
import math
import subprocess

import pytest

from planqa.evaluate import GoldItem, Record, compute_metrics, evaluate, failures, load_gold


def record(gid, kind, gold, retrieved, cited=(), facts=(), answer="", abstained=False, latency=10.0):
    item = GoldItem(gid, "q", "a", tuple(gold), tuple(facts), kind)
    from planqa.evaluate import _fact_found

    return Record(item, [list(r) for r in retrieved], answer, list(cited), abstained, latency,
                  facts_found=[_fact_found(f, answer) for f in facts])


@pytest.fixture()
def records():
    return [
        record("q1", "factoid", ["plan:3.1"], [["x:1"], ["plan:3.1"], ["x:2"]], cited=["plan:3.1.2", "x:9"],
               facts=["目的", ("経産省", "経済産業省")], answer="目的は経済産業省", latency=10.0),
        record("q2", "ministry", ["ai_act:18", "ai_act:19"], [["ai_act:18.1"], ["x:3"], ["ai_act:19.2", "x:4"]],
               cited=["ai_act:18.1"], facts=["罰則"], answer="なし", latency=30.0),
        record("q3", "out_of_scope", [], [["x:5"]], abstained=True, latency=20.0),
        record("q4", "out_of_scope", [], [["x:6"]], answer="…", latency=40.0),
    ]


def test_ranking_metrics_match_hand_computed_values(records):
    m = compute_metrics(records)
    assert m["n"] == 4
    assert m["hit@1"] == 0.5 and m["hit@5"] == 1.0 and m["recall@5"] == 1.0
    assert m["mrr@10"] == 0.75
    ndcg_q1 = 1 / math.log2(3)
    ndcg_q2 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert m["ndcg@10"] == pytest.approx((ndcg_q1 + ndcg_q2) / 2, abs=1e-4)


def test_answer_metrics_match_hand_computed_values(records):
    m = compute_metrics(records)
    assert m["citation_precision"] == 0.75  # q1: 1 of 2 cited IDs inside gold; q2: 1 of 1
    assert m["citation_recall"] == 0.75  # q1: 1 of 1 gold IDs cited; q2: 1 of 2
    assert m["key_fact_recall"] == 0.5  # q1 both facts (one via an alternative), q2 none
    assert m["abstain_accuracy"] == 0.5 and m["false_abstain_rate"] == 0.0
    assert m["p50_ms"] == 25.0 and m["p95_ms"] == pytest.approx(38.5)


def test_key_facts_match_after_nfkc():
    r = record("q", "factoid", ["a"], [["a"]], facts=["AI法"], answer="ＡＩ法の目的")
    assert r.facts_found == [True]


def test_false_abstention_and_per_kind(records):
    records.append(record("q5", "factoid", ["plan:4.2"], [["plan:4.2"]], abstained=True))
    report = evaluate(records)
    assert report["false_abstain_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(report["per_kind"]) == {"factoid", "ministry", "out_of_scope"}
    assert report["per_kind"]["ministry"]["hit@1"] == 1.0 and report["per_kind"]["ministry"]["n"] == 1
    reasons = {f["id"]: f["reasons"] for f in failures(records)}
    assert reasons["q2"] == ["key facts missing"] and reasons["q4"] == ["answered out-of-scope"]
    assert reasons["q5"] == ["false abstention"]


def test_gold_files_follow_spec_section_4():
    for path in ("eval/gold.jsonl", "eval/dev.jsonl"):
        items = load_gold(path)
        assert len({i.id for i in items}) == len(items)
    gold = load_gold("eval/gold.jsonl")
    assert len(gold) >= 200 and sum(i.kind == "out_of_scope" for i in gold) >= 20


def test_gold_citations_name_real_places(corpus):
    for item in load_gold("eval/gold.jsonl") + load_gold("eval/dev.jsonl"):
        for cid in item.citations:
            assert cid in corpus, (item.id, cid)


def test_eval_command_ends_with_spec_json_and_writes_report(tmp_path):
    small = tmp_path / "small.jsonl"
    lines = open("eval/dev.jsonl", encoding="utf-8").read().splitlines()[:6]
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run(["planqa", "eval", "--gold", str(small), "--json", "--report-dir", str(tmp_path / "r")],
                         capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("n", "hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
                "key_fact_recall", "abstain_accuracy", "false_abstain_rate", "p50_ms", "p95_ms", "per_kind"):
        assert key in report
    assert report["n"] == 6
    folder = next((tmp_path / "r").iterdir())
    assert {p.name for p in folder.iterdir()} >= {"report.md", "report.json", "per_kind.png", "latency.png"}
    assert "rules that fired (questions: failed / all)" in (folder / "report.md").read_text(encoding="utf-8")
    failed = subprocess.run(["planqa", "eval", "--gold", str(small), "--no-report", "--fail-under", "hit@5=1.01"],
                            capture_output=True, text=True)
    assert failed.returncode == 1 and "below threshold: hit@5" in failed.stderr
