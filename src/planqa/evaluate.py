"""Evaluation against a gold Q&A set (shared/SPEC.md §4–5): ranking metrics, answer metrics,
per-kind breakdown, error analysis and a report folder with charts. Ranking metrics come from ir-measures
(pytrec_eval); the rest are defined in SPEC §5."""

from __future__ import annotations

import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .answer import Answer, Assistant
from .corpus import id_matches
from .errors import PlanqaError
from .results import json_safe

__all__ = ["GoldItem", "Record", "load_gold", "run_questions", "compute_metrics", "evaluate", "write_report",
           "paraphrase_share", "json_safe", "METRICS", "KINDS"]

KINDS = ("factoid", "definition", "ministry", "list", "yes_no", "multi_hop", "out_of_scope")
METRICS = ("n", "hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
           "key_fact_recall", "abstain_accuracy", "false_abstain_rate", "p50_ms", "p95_ms")


@dataclass(frozen=True)
class GoldItem:
    """One gold question (SPEC §4)."""

    id: str
    question: str
    answer: str
    citations: tuple[str, ...]
    key_facts: tuple[str | tuple[str, ...], ...]
    kind: str


@dataclass
class Record:
    """What the assistant did with one gold question."""

    gold: GoldItem
    retrieved: list[list[str]]
    answer: str
    cited: list[str]
    abstained: bool
    latency_ms: float
    route: str = ""
    error: str = ""
    facts_found: list[bool] = field(default_factory=list)
    fired: tuple[str, ...] = ()  # the query-stage rules that shaped the reading (Query.rules)

    @property
    def hit5(self) -> bool:
        """A gold place lies in (or contains) one of the first five retrieved chunks."""
        return any(id_matches(c, g) for ids in self.retrieved[:5] for c in ids for g in self.gold.citations)

    @property
    def precision(self) -> float | None:
        """Share of the cited places that match a gold place (None for no citations or an out-of-scope item)."""
        if not self.cited or self.gold.kind == "out_of_scope":
            return None
        return sum(any(id_matches(c, g) for g in self.gold.citations) for c in self.cited) / len(self.cited)

    @property
    def fact_recall(self) -> float | None:
        """Share of the key facts found in the answer (None when the item has none)."""
        return sum(self.facts_found) / len(self.facts_found) if self.facts_found else None


def load_gold(path: Path | str) -> list[GoldItem]:
    """Read a JSON Lines gold set, checking each line's fields and kind."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            facts = tuple(tuple(f) if isinstance(f, list) else f for f in obj["key_facts"])
            item = GoldItem(obj["id"], obj["question"], obj["answer"], tuple(obj["citations"]), facts, obj["kind"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise PlanqaError(f"{path}:{n}: not a SPEC §4 gold line ({exc})") from exc
        if item.kind not in KINDS:
            raise PlanqaError(f"{path}:{n}: unknown kind {item.kind!r}")
        items.append(item)
    return items


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _fact_found(fact: str | tuple[str, ...], answer: str) -> bool:
    options = (fact,) if isinstance(fact, str) else fact
    return any(_nfkc(o) in _nfkc(answer) for o in options)


def run_questions(assistant: Assistant, gold: list[GoldItem], progress=None) -> list[Record]:
    """Ask every gold question once (after one warm-up question) and record the outcome."""
    assistant.ask("AI法の目的は？")  # warm caches so latency is the warm figure
    records = []
    for item in gold:
        try:
            ans: Answer = assistant.ask(item.question)
        except PlanqaError as exc:
            records.append(Record(item, [], "", [], False, 0.0, error=str(exc)))
            continue
        records.append(Record(
            item, [list(h.chunk.ids) for h in ans.retrieved[:10]], ans.answer, [c.id for c in ans.citations],
            ans.abstained, ans.latency_ms, ans.route, facts_found=[_fact_found(f, ans.answer) for f in item.key_facts],
            fired=assistant.read(item.question).rules()))
        if progress:
            progress()
    return records


def _ir_run(records: list[Record]) -> tuple[dict, dict]:
    """Qrels and run as ir-measures takes them: a retrieved chunk counts as the gold IDs it matches."""
    qrels, run = {}, {}
    for rec in records:
        gold = rec.gold.citations
        qrels[rec.gold.id] = {g: 1 for g in gold}
        scores, seen = {}, set()
        for rank, ids in enumerate(rec.retrieved):
            matched = [g for g in gold if g not in seen and any(id_matches(c, g) for c in ids)]
            for j, g in enumerate(matched):
                scores[g] = 1.0 / (rank + 1) - j * 1e-6
                seen.add(g)
            if not matched:
                scores[f"other:{rank}"] = 1.0 / (rank + 1)
        run[rec.gold.id] = scores or {"none": 0.0}
    return qrels, run


def _ranking(records: list[Record]) -> dict[str, float]:
    import ir_measures
    from ir_measures import RR, R, Success, nDCG

    measures = {"hit@1": Success@1, "hit@5": Success@5, "recall@5": R@5, "mrr@10": RR@10, "ndcg@10": nDCG@10}
    scored = [r for r in records if r.gold.citations]
    if not scored:
        return {k: float("nan") for k in measures}
    qrels, run = _ir_run(scored)
    values = ir_measures.calc_aggregate(list(measures.values()), qrels, run)
    return {k: float(values[m]) for k, m in measures.items()}


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def compute_metrics(records: list[Record]) -> dict[str, float]:
    """The SPEC §5 figures for a set of records."""
    in_scope = [r for r in records if r.gold.kind != "out_of_scope"]
    oos = [r for r in records if r.gold.kind == "out_of_scope"]
    precision, recall = [r.precision for r in in_scope if r.cited], []
    for r in in_scope:
        if r.gold.citations:
            recall.append(sum(any(id_matches(c, g) for c in r.cited) for g in r.gold.citations)
                          / len(r.gold.citations))
    latencies = [r.latency_ms for r in records if not r.error]
    out = {"n": len(records)} | _ranking(records) | {
        "citation_precision": _mean(precision),
        "citation_recall": _mean(recall),
        "key_fact_recall": _mean([r.fact_recall for r in records if r.facts_found]),
        "abstain_accuracy": _mean([float(r.abstained) for r in oos]),
        "false_abstain_rate": _mean([float(r.abstained) for r in in_scope]),
        "p50_ms": float(np.percentile(latencies, 50)) if latencies else float("nan"),
        "p95_ms": float(np.percentile(latencies, 95)) if latencies else float("nan"),
    }
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def failures(records: list[Record]) -> list[dict]:
    """Questions that went wrong, with gold IDs, retrieved IDs and the answer."""
    out = []
    for r in records:
        oos = r.gold.kind == "out_of_scope"
        reasons = []
        if r.error:
            reasons.append("error")
        if oos and not r.abstained:
            reasons.append("answered out-of-scope")
        if not oos and r.abstained:
            reasons.append("false abstention")
        if not oos and r.gold.citations and not r.hit5:
            reasons.append("gold not in top 5")
        if r.facts_found and not all(r.facts_found):
            reasons.append("key facts missing")
        if reasons:
            out.append({"id": r.gold.id, "kind": r.gold.kind, "question": r.gold.question, "reasons": reasons,
                        "gold": list(r.gold.citations), "retrieved": [ids for ids in r.retrieved[:5]],
                        "cited": r.cited, "answer": r.answer, "route": r.route, "fired": list(r.fired),
                        "missing_facts": [f for f, ok in zip(r.gold.key_facts, r.facts_found) if not ok]})
    return out


def evaluate(records: list[Record]) -> dict:
    """Overall and per-kind figures (SPEC §5), with per_kind as a nested object."""
    report = compute_metrics(records)
    report["per_kind"] = {k: compute_metrics([r for r in records if r.gold.kind == k])
                          for k in KINDS if any(r.gold.kind == k for r in records)}
    return report


def paraphrase_share(gold: list[GoldItem], corpus) -> float:
    """Share of in-scope questions whose content words overlap their gold passages by less than half."""
    from .text import tokenizer

    tok = tokenizer("lemma")
    low, total = 0, 0
    for item in gold:
        if not item.citations:
            continue
        words = set(tok(item.question))
        passage = set(tok("\n".join(corpus.full_text(c) for c in item.citations if c in corpus)))
        if words:
            total += 1
            low += len(words & passage) / len(words) < 0.5
    return round(low / total, 4) if total else float("nan")


def write_report(results: dict[str, tuple[dict, list[Record]]], out_root: Path | str,
                 gold_stats: dict | None = None) -> Path:
    """Write report.md, report.json and PNG charts for one or more configs; return the folder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(out_root) / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    names = list(results)
    payload = {name: {"metrics": rep, "failures": failures(recs)} for name, (rep, recs) in results.items()}
    payload["gold_stats"] = gold_stats or {}
    (folder / "report.json").write_text(json.dumps(json_safe(payload), ensure_ascii=False, indent=1, allow_nan=False),
                                        encoding="utf-8")

    kinds = [k for k in KINDS if k in results[names[0]][0]["per_kind"]]
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / (2 * len(names))
    for i, name in enumerate(names):
        per = results[name][0]["per_kind"]
        x = np.arange(len(kinds))
        ax.bar(x + (2 * i) * width, [per[k]["hit@5"] for k in kinds], width, label=f"{name} hit@5")
        ax.bar(x + (2 * i + 1) * width, [per[k]["key_fact_recall"] for k in kinds], width,
               label=f"{name} key_fact_recall")
    ax.set_xticks(np.arange(len(kinds)) + 0.4 - width / 2, kinds, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    ax.set_title("per kind")
    fig.tight_layout()
    fig.savefig(folder / "per_kind.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name in names:
        ax.hist([r.latency_ms for r in results[name][1]], bins=30, alpha=0.6, label=name)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=100)
    plt.close(fig)

    stats = "".join(f"- {k}: {v}\n" for k, v in (gold_stats or {}).items())
    (folder / "report.md").write_text(_markdown(results) + ("\n## gold set\n\n" + stats if stats else ""),
                                      encoding="utf-8")
    return folder


def _markdown(results: dict[str, tuple[dict, list[Record]]]) -> str:
    names = list(results)
    lines = ["# planqa eval report", "", "| metric | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]
    for m in METRICS:
        lines.append(f"| {m} | " + " | ".join(str(results[n][0][m]) for n in names) + " |")
    for name in names:
        rep, recs = results[name]
        lines += ["", f"## {name}: per kind", "", "| kind | " + " | ".join(METRICS) + " |",
                  "|---|" + "---|" * len(METRICS)]
        for kind, figs in rep["per_kind"].items():
            lines.append(f"| {kind} | " + " | ".join(str(figs[m]) for m in METRICS) + " |")
        fails = failures(recs)
        lines += ["", f"## {name}: failures ({len(fails)})", ""]
        for f in fails:
            lines.append(f"- **{f['id']}** ({f['kind']}; {', '.join(f['reasons'])}) {f['question']}  \n"
                         f"  gold {f['gold']} · retrieved {[ids[0] for ids in f['retrieved']]} · cited {f['cited']}"
                         f"  \n  rules: {' '.join(f['fired'])}"
                         f"  \n  answer: {f['answer'][:160].replace(chr(10), ' ')}")
        lines += ["", f"## {name}: rules that fired (questions: failed / all)", "", "| rule | failed | all |",
                  "|---|---|---|"]
        failed_ids = {f["id"] for f in fails}
        tally: dict[str, list[int]] = {}
        for r in recs:
            for rule in dict.fromkeys(rule.split(":")[0] if rule.startswith(("ref:", "asks:", "quiz:")) else rule
                                      for rule in r.fired):
                counts = tally.setdefault(rule, [0, 0])
                counts[0] += r.gold.id in failed_ids
                counts[1] += 1
        for rule, (bad, total) in sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[0])):
            lines.append(f"| {rule} | {bad} | {total} |")
    lines += ["", "![per kind](per_kind.png)", "", "![latency](latency.png)", ""]
    return "\n".join(lines)
