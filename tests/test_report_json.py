"""Eval output is strict JSON: a figure with nothing to average is null, never NaN."""

from __future__ import annotations

import json
import subprocess


def _strict(text: str):
    def refuse(constant: str):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def test_figures_with_nothing_to_average_are_null_in_eval_json(tmp_path):
    gold = tmp_path / "inscope.jsonl"  # no out-of-scope question: abstain_accuracy has nothing to average
    gold.write_text(json.dumps({"id": "t-1", "question": "人工知能戦略本部のトップにはだれが就くの？",
                                "answer": "内閣総理大臣", "citations": ["ai_act:22.1"], "key_facts": ["内閣総理大臣"],
                                "kind": "factoid"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = subprocess.run(["planqa", "eval", "--gold", str(gold), "--json", "--report-dir", str(tmp_path / "r")],
                         capture_output=True, text=True, check=True)
    report = _strict(out.stdout.strip().splitlines()[-1])
    assert report["abstain_accuracy"] is None and report["per_kind"]["factoid"]["abstain_accuracy"] is None
    assert report["key_fact_recall"] == 1.0
    saved = _strict(next((tmp_path / "r").iterdir()).joinpath("report.json").read_text(encoding="utf-8"))
    assert saved["hybrid"]["metrics"]["abstain_accuracy"] is None
