"""Measure a change as a per-question diff over many eval sets (how every change in README's change sets was measured).

Example usage:
    python eval/compare.py run before.json gold dev unseen32 unseen33     # sets by name (eval/<name>.jsonl) or path
    # … change the code …
    python eval/compare.py run after.json gold dev unseen32 unseen33
    python eval/compare.py diff before.json after.json                   # questions whose figures moved, and the sums
    python eval/compare.py classes after.json unseen33                   # by the set's classes (eval/<set>.classes.json)

`run` asks every question once with the default index and extractive answers and writes, per set, the SPEC §5
figures and one record per question (hit@5, key-fact recall, citation precision, abstained, cited IDs, answer, route).
Sums over sets add each set's figure (a set without out-of-scope questions adds nothing to abstain accuracy).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

EVAL = Path(__file__).resolve().parent
FIGURES = ("hit@5", "mrr@10", "key_fact_recall", "citation_precision", "abstain_accuracy")
MOVES = ("hit5", "kfr", "cp", "abstained")


def _set_path(name: str) -> Path:
    path = Path(name)
    return path if path.suffix == ".jsonl" else EVAL / f"{name}.jsonl"


def _record(rec) -> dict:
    gold = rec.gold
    return {"id": gold.id, "kind": gold.kind, "question": gold.question, "gold": list(gold.citations),
            "hit5": rec.hit5, "kfr": rec.fact_recall, "cp": rec.precision,
            "abstained": rec.abstained, "cited": rec.cited, "answer": rec.answer, "route": rec.route,
            "retrieved": [ids[0] for ids in rec.retrieved if ids]}  # each retrieved chunk's first place, in rank order


def run(out: Path, sets: list[str]) -> dict:
    """Ask every question of the sets; write and return {set: {"figures": …, "questions": […]}}."""
    from planqa.answer import Assistant
    from planqa.evaluate import compute_metrics, json_safe, load_gold, run_questions

    assistant, result = Assistant.load(), {}
    for name in sets:
        records = run_questions(assistant, load_gold(_set_path(name)))
        result[name] = {"figures": compute_metrics(records), "questions": [_record(r) for r in records]}
        print(_line(name, result[name]["figures"]), flush=True)
    out.write_text(json.dumps(json_safe(result), ensure_ascii=False), encoding="utf-8")
    print(_sum_line(result))
    return result


def _value(figures: dict, key: str) -> float:
    value = figures.get(key)
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _line(name: str, figures: dict) -> str:
    return f"{name:14s} n={figures['n']:4d} " + " ".join(f"{k}={_value(figures, k):.3f}" for k in FIGURES)


def _sum_line(result: dict) -> str:
    false_abstentions = sum(q["abstained"] for s in result.values() for q in s["questions"] if q["kind"] != "out_of_scope")
    in_scope = sum(q["kind"] != "out_of_scope" for s in result.values() for q in s["questions"])
    sums = " / ".join(f"{sum(_value(s['figures'], k) for s in result.values()):.3f}" for k in FIGURES)
    return f"sum over {len(result)} sets ({' / '.join(FIGURES)}): {sums}; false abstentions {false_abstentions}/{in_scope}"


def diff(before: dict, after: dict) -> list[str]:
    """One line per question whose figures moved, then both sums (sets in both runs only)."""
    lines, shared = [], [s for s in before if s in after]
    for name in shared:
        for a, b in zip(before[name]["questions"], after[name]["questions"]):
            moved = [f"{k} {a[k]}→{b[k]}" for k in MOVES if a[k] != b[k]]
            if moved:
                lines.append(f"{name} {a['id']} {a['kind']}: {', '.join(moved)} | {a['question'][:50]}")
    lines += ["before: " + _sum_line({s: before[s] for s in shared}), "after:  " + _sum_line({s: after[s] for s in shared})]
    return lines


def classes(result: dict, name: str) -> list[str]:
    """Figures of one set by the classes its helpers recorded (diet, casual, opinion, quiz, staff, oos) in
    ``<set>.classes.json`` beside it."""
    path = _set_path(name)
    labels = json.loads(path.with_name(f"{path.stem}.classes.json").read_text(encoding="utf-8"))
    groups = defaultdict(list)
    for q in result[name]["questions"]:
        groups[labels.get(q["id"], "?")].append(q)

    def mean(values: list) -> str:
        values = [v for v in values if v is not None]
        return f"{sum(values) / len(values):.2f}" if values else "  - "

    lines = []
    for label, qs in sorted(groups.items()):
        inside = [q for q in qs if q["kind"] != "out_of_scope"]
        outside = [q for q in qs if q["kind"] == "out_of_scope"]
        lines.append(f"{label:8s} n={len(qs):3d} hit@5={mean([float(q['hit5']) for q in inside])} "
                     f"kfr={mean([q['kfr'] for q in qs])} cp={mean([q['cp'] for q in inside])} "
                     f"false_abstentions={sum(q['abstained'] for q in inside)} "
                     f"declined={sum(q['abstained'] for q in outside)}/{len(outside)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="ask every question of the sets; write per-question records")
    p_run.add_argument("out", type=Path)
    p_run.add_argument("sets", nargs="+", help="set names (eval/<name>.jsonl) or .jsonl paths")
    p_diff = sub.add_parser("diff", help="questions whose figures moved between two runs, and the sums")
    p_diff.add_argument("before", type=Path)
    p_diff.add_argument("after", type=Path)
    p_cls = sub.add_parser("classes", help="one set's figures by its classes (eval/<set>.classes.json)")
    p_cls.add_argument("result", type=Path)
    p_cls.add_argument("set")
    args = ap.parse_args(argv)
    if args.command == "run":
        run(args.out, args.sets)
        return 0
    read = lambda path: json.loads(path.read_text(encoding="utf-8"))  # noqa: E731
    try:
        lines = diff(read(args.before), read(args.after)) if args.command == "diff" \
            else classes(read(args.result), args.set)
    except (OSError, ValueError, KeyError) as exc:  # a missing file, not a run's JSON, a set the run lacks
        print(f"compare.py: cannot read the runs ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
