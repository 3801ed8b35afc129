"""Smoke tests for the eval scripts: they start, and the bench maps baseline nodes to citation IDs."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planqa.chunk import Unit

EVAL = Path(__file__).resolve().parents[1] / "eval"


def _load_bench():
    spec = importlib.util.spec_from_file_location("planqa_eval_bench", EVAL / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["bench.py", "load.py"])
def test_script_help_exits_zero(script):
    proc = subprocess.run([sys.executable, str(EVAL / script), "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: ")


UNITS = [
    Unit("ai_act:18.1", "AI法 第18条第1項", "政府は、人工知能関連技術の研究開発及び活用の推進に関する基本的な計画を定めなければならない。"),
    Unit("ai_act:18.2.1", "AI法 第18条第2項第1号", "一 人工知能関連技術の研究開発及び活用の推進に関する施策についての基本的な方針"),
    Unit("ai_act:19.1", "AI法 第19条第1項", "人工知能関連技術の研究開発及び活用の推進に関する施策を総合的かつ計画的に推進するため、"
         "内閣に、人工知能戦略本部(以下「本部」という。)を置く。"),
    Unit("plan:3.1.1.1", "骨子 第3章第1節(1)①", "① AIの社会実装の実現のための規制・制度の点検・見直し【◎内閣府(規制室)】"),
    Unit("plan:3.1.1.2", "骨子 第3章第1節(1)②", "① AIの社会実装の実現のための規制・制度の点検・評価の仕組み【◎経済産業省】"),
]


def test_node_ids_maps_whole_units_and_units_cut_at_the_node_end():
    bench = _load_bench()
    # 18.1 whole; 18.2.1 cut after its head; the last measure starts in the node but is cut.
    node = ("第十八条 政府は、人工知能関連技術の研究開発及び活用の推進に関する基本的な計画を定めなければならない。\n"
            "一 人工知能関連技術の研究開発及び活用の推進に関する施策")
    assert bench.node_ids(node, UNITS) == ("ai_act:18.1", "ai_act:18.2.1")


def test_node_ids_tells_apart_units_sharing_their_first_25_characters():
    bench = _load_bench()
    node = "(1) 規制\n① AIの社会実装の実現のための規制・制度の点検・評価の仕組み【◎経済"
    assert bench.node_ids(node, UNITS) == ("plan:3.1.1.2",)


def test_node_ids_lengthens_a_head_that_recurs_in_another_unit():
    bench = _load_bench()
    # 19.1's first 25 characters lie inside 18.2.1, so only 18.2.1 is placed here.
    node = "一 人工知能関連技術の研究開発及び活用の推進に関する施策についての基本的な方針"
    assert bench.node_ids(node, UNITS) == ("ai_act:18.2.1",)


def test_rule_coverage_lists_the_alternatives_no_question_reaches(tmp_path):
    """Asked only about penalties, the penalty cue's 「罰則」 is reached and its 「過料」 is not."""
    gold = tmp_path / "one.jsonl"
    gold.write_text('{"id": "t-1", "question": "AI法に罰則はありますか", "answer": "", "citations": [], '
                    '"key_facts": [], "kind": "yes_no"}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, str(EVAL / "rule_coverage.py"), str(gold), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    dead = json.loads(proc.stdout.splitlines()[-1])
    penalty = next(alts for pattern, alts in dead.items() if pattern.startswith("罰則|罰金"))
    assert "過料" in penalty and "罰則" not in penalty


def test_rule_ablation_lists_what_can_go_and_keeps_what_an_answer_needs(tmp_path):
    """Asked only about penalties, the penalty cue can lose 「過料」 but not 「罰則」, which the answer needs."""
    gold = tmp_path / "one.jsonl"
    gold.write_text('{"id": "t-1", "question": "AI法に罰則はありますか", "answer": "", "citations": ["ai_act:title"], '
                    '"key_facts": ["罰則の規定はありません"], "kind": "yes_no"}\n', encoding="utf-8")
    out = tmp_path / "removable.json"
    proc = subprocess.run([sys.executable, str(EVAL / "rule_ablation.py"), str(out), str(gold)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    penalty = [r["alternative"] for r in json.loads(out.read_text(encoding="utf-8"))["removable"]
               if r["pattern"].startswith("罰則|罰金")]
    assert "過料" in penalty and "罰則" not in penalty
    assert {r["module"] for r in json.loads(out.read_text(encoding="utf-8"))["removable"]} >= {"routes"}
    proc = subprocess.run([sys.executable, str(EVAL / "rule_ablation.py"), str(out), str(gold), "--module", "scope"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert {r["module"] for r in json.loads(out.read_text(encoding="utf-8"))["removable"]} == {"scope"}  # --module: its patterns only


def test_rule_ablation_cuts_alternatives_inside_groups_but_not_inside_negative_lookarounds():
    sys.path.insert(0, str(EVAL))
    from rule_ablation import units, without

    pattern = r"(?:担当|所管)の(?:省|庁)|(?!だれ|誰)どこ"
    found = units(pattern)
    assert [pattern[start:end] for _, start, end in found] == [
        "(?:担当|所管)の(?:省|庁)", "(?!だれ|誰)どこ", "担当", "所管", "省", "庁"]  # outer groups first
    second = found[3]
    assert without(pattern, {second}) == r"(?:担当)の(?:省|庁)|(?!だれ|誰)どこ"
    assert without(pattern, {found[1], found[5]}) == r"(?:担当|所管)の(?:省)"
    assert without(pattern, {found[4], found[5]}) is None  # a group keeps one alternative


def test_compare_runs_sets_and_diffs_two_runs_question_by_question(tmp_path):
    gold = tmp_path / "mine.jsonl"
    rows = [
        {"id": "m-001", "question": "AI法で国民に求められていることは？", "answer": "国民は施策に協力するよう努める。",
         "citations": ["ai_act:8"], "key_facts": ["協力するよう努める"], "kind": "factoid"},
        {"id": "m-002", "question": "基本計画の来年度の予算額はいくら？", "answer": "文書には書かれていません。", "citations": [],
         "key_facts": [], "kind": "out_of_scope"},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    (tmp_path / "mine.classes.json").write_text('{"m-001": "casual", "m-002": "oos"}', encoding="utf-8")
    out = tmp_path / "run.json"
    proc = subprocess.run([sys.executable, str(EVAL / "compare.py"), "run", str(out), str(gold)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))[str(gold)]
    first, second = result["questions"]
    assert first["hit5"] and "ai_act:8.1" in first["cited"] and first["kfr"] == 1.0 and not first["abstained"]
    assert second["abstained"] and second["cp"] is None
    assert result["figures"]["false_abstain_rate"] == 0.0 and "sum over 1 sets" in proc.stdout
    # a changed run: the moved figures are listed per question
    moved = json.loads(out.read_text(encoding="utf-8"))
    moved[str(gold)]["questions"][0]["kfr"] = 0.0
    (tmp_path / "moved.json").write_text(json.dumps(moved, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(EVAL / "compare.py"), "diff", str(out), str(tmp_path / "moved.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(f"{gold} m-001 factoid: kfr 1.0→0.0")
    proc = subprocess.run([sys.executable, str(EVAL / "compare.py"), "classes", str(out), str(gold)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "casual" in proc.stdout and "declined=1/1" in proc.stdout
