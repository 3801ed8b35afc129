"""The web app: chat with citations, the ministry table and the source reader (Gradio Blocks).

Handlers are plain functions of the assistant and their inputs, testable without a browser;
``build_app`` wires them to components and ``main`` serves the app. Every piece of document or
user text is escaped before it reaches HTML or Markdown.

Public API endpoints (gradio_client): ``/ask`` (the SPEC §5 object), ``/ministries``, ``/section``.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio reads it: no usage analytics by default
os.environ.setdefault("FORWARDED_ALLOW_IPS", "")  # uvicorn trusts no X-Forwarded-For: PLANQA_TRUSTED_PROXIES decides

import gradio as gr  # noqa: E402

from .answer import Answer, AnswerConfig, Assistant
from .api import api_router
from .errors import PlanqaError
from .feedback import DEFAULT_DATA_DIR, FeedbackBackend, SQLiteFeedbackStore, csv_safe, open_feedback_store
from .guard import BUSY, Guard, RateLimiter, ServerSettings
from .index import DEFAULT_INDEX_DIR
from .ministries import Measure, find_measures

__all__ = ["Reply", "ask", "answer_markdown", "citation_html", "section_html", "deep_link_target", "measure_rows",
           "write_csv", "record_feedback", "build_app", "launch", "main"]

EXAMPLES = ["AI法に罰則はある？", "AI法の目的は？", "医療・ヘルスケア分野のAI活用の担当省庁は？", "外務省が主担当の施策は？",
            "それの担当は？"]
TABLE_HEADERS = ["ラベル", "施策", "主担当◎", "担当府省庁"]
HISTORY_TURNS = 10
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]~|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\->]|\d+[.)])")
_QUOTE = re.compile(r"「([^「」]{6,})」")
_READER_SKIP = ("paragraph", "item")  # shown inside their article, not as pages of their own
_HINT = '<div class="planqa-cite">出典のボタンを押すと、根拠になった原文がここに表示されます。</div>'
CSS = """
.planqa-cite { font-size: 1rem; line-height: 1.9; max-height: 34rem; overflow-y: auto; padding: .2rem .4rem; }
.planqa-cite mark { background: #fff1a8; color: inherit; padding: .05em .1em; border-radius: 3px; }
.planqa-label { font-weight: 700; font-size: 1.05rem; margin-bottom: .4rem; }
.planqa-crumbs { opacity: .7; font-size: .9rem; }
.planqa-chips label { border-radius: 999px !important; }
.planqa-chips input[type=radio] { display: none; }
"""


@dataclass(frozen=True)
class Reply:
    """One chat turn: the answer (None on invalid input), its Markdown and citation chips."""

    answer: Answer | None
    markdown: str
    chips: tuple[tuple[str, str], ...]  # (label, citation ID)
    error: str | None = None


def md_escape(text: str) -> str:
    """Text that a Markdown renderer shows literally (HTML and Markdown syntax made inert)."""
    text = "\n".join(_MD_LINE_START.sub(r"\1\\\2", line) for line in _MD_ANYWHERE.sub(r"\\\1", text).split("\n"))
    return html.escape(text, quote=False)


def deep_link(section_id: str) -> str:
    """Relative URL that opens a place in the 「原文を読む」 tab."""
    return "?id=" + quote(section_id, safe=":.-")


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown: each line's words, then a link to each place that backs it."""
    return "\n".join(md_escape(line.text) + "、".join(f" [{md_escape(f'[{label}]')}]({deep_link(place)})"
                                                     for place, label in line.places) for line in answer.lines)


def ask(assistant: Assistant, question: str, history: list[Answer] | tuple = (), document: str = "") -> Reply:
    """Answer one chat question (``document``: only that document's places); invalid input gives a Reply with the
    polite Japanese message."""
    try:
        answer = assistant.ask(question, history=list(history), documents=[document] if document else None)
    except PlanqaError as exc:
        return Reply(None, md_escape(exc.user_message), (), exc.user_message)
    return Reply(answer, answer_markdown(answer), tuple((c.label, c.id) for c in answer.citations))


def _snippets(answer: Answer, section_id: str) -> list[str]:
    """Sentences of the answer backed by the place ``section_id``, in the forms they may take in its text."""
    found = []
    for line in answer.lines:
        if any(place == section_id for place, _ in line.places):
            body = line.text.lstrip("・◎").strip()
            found += [body, *body.split("。"), *_QUOTE.findall(body)]
    return [s.strip() for s in found if len(s.strip()) >= 6]


def highlight_html(text: str, snippets: list[str], fallback: str = "") -> str:
    """Escaped text (line breaks kept) with each found snippet — else ``fallback`` — in <mark>."""
    spans = [(i, i + len(s)) for s in snippets if s and (i := text.find(s)) >= 0]
    if not spans and fallback and (i := text.find(fallback)) >= 0:
        spans = [(i, i + len(fallback))]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _panel(label: str, body_html: str, link_id: str, link_text: str, head: str = "") -> str:
    link = f'<a href="{html.escape(deep_link(link_id))}" target="_blank" rel="noopener">{link_text}</a>'
    return (f'<div class="planqa-cite">{head}<div class="planqa-label">{html.escape(label)}</div>'
            f"<div>{body_html}</div><p>{link}</p></div>")


def citation_html(assistant: Assistant, answer: Answer | None, section_id: str | None) -> str:
    """The cited place's full text with the sentences the answer took from it highlighted."""
    if not section_id:
        return _HINT
    try:
        label, text = assistant.section_text(section_id)
    except PlanqaError as exc:
        return f'<div class="planqa-cite">{html.escape(exc.user_message)}</div>'
    snippets = _snippets(answer, section_id) if answer else []
    body = highlight_html(text, snippets, fallback=assistant.corpus[section_id].text)
    return _panel(label, body, section_id, "前後の条文・本文を「原文を読む」で開く ↗")


def section_html(assistant: Assistant, page_id: str, focus_id: str | None = None) -> str:
    """A reader page: the section's full text with ``focus_id`` (a place inside it) highlighted."""
    corpus = assistant.corpus
    snippets = [ln for ln in corpus.full_text(focus_id).splitlines() if ln] if focus_id not in (None, page_id) else []
    crumbs = " › ".join(html.escape(s.label) for s in corpus.ancestors(page_id))
    doc = corpus.document(corpus[page_id].doc)
    status = html.escape(f"{doc.version} {doc.status}".strip())
    if doc.status_url:
        status += f' <a href="{html.escape(doc.status_url)}" target="_blank" rel="noopener">公式ページ</a>'
    head = (f'<div class="planqa-crumbs">{crumbs}</div>' if crumbs else "") + \
        (f'<div class="planqa-version">{status}</div>' if status else "")
    if gap := corpus.gap_note(page_id):  # 民法・刑法: paragraphs whose items the source lacks
        head += f'<div class="planqa-version">{html.escape(gap)}</div>'
    body = highlight_html(corpus.full_text(page_id), snippets)
    return _panel(corpus[page_id].label, body, focus_id or page_id, "この箇所へのリンク（共有用）", head)


def documents_markdown(assistant: Assistant) -> str:
    """One line per document: its version and standing (the plan is an outline, not the adopted plan)."""
    lines = []
    for doc in assistant.corpus.documents:
        line = f"- **{doc.label}**: {doc.version or doc.title}"
        line += f"　※ {doc.status}" if doc.status else ""
        line += f" [公式ページ]({doc.status_url})" if doc.status_url else ""
        lines.append(line)
    return "収録文書:\n" + "\n".join(lines)


def reader_pages(assistant: Assistant) -> list[tuple[str, str]]:
    """(indented title, ID) of every page of the reader, in document order."""
    out = []
    for s in assistant.corpus:
        if s.kind not in _READER_SKIP:
            depth = len(assistant.corpus.ancestors(s.id))
            title = s.title if s.title.startswith(("第", "附則")) else f"{s.label} {s.title}"
            out.append((f"{'　' * depth}{title[:60]}", s.id))
    return out


def deep_link_target(assistant: Assistant, params: dict) -> tuple[str, str] | None:
    """(reader page, focus ID) for a ``?id=`` query, None without one; unknown IDs raise.

    Paragraphs and items open their article, with the cited place highlighted.
    """
    section_id = (params.get("id") or "").strip()
    if not section_id:
        return None
    section = assistant.corpus[section_id]  # UnknownSectionError carries the Japanese message
    while section.kind in _READER_SKIP and section.parent:
        section = assistant.corpus[section.parent]
    return section.id, section_id


def chapter_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """Choices of the table's 章・節 filter: every section and group of 第3章."""
    return [("すべて", "")] + [(f"{'　' * (s.kind == 'group')}{s.label.removeprefix('骨子 ')} {s.title[:30]}", s.id)
                             for s in assistant.corpus.descendants("plan:3") if s.kind in ("section", "group")]


def measure_rows(table: list[Measure], ministry: str = "", chapter: str = "", keyword: str = "",
                 lead_only: bool = False) -> list[list[str]]:
    """Rows of the ministry table (label, measure, lead ◎, all bodies) after the filters."""
    ministry, keyword = (ministry or "").strip(), (keyword or "").strip()
    found = find_measures(table, lead=ministry if lead_only and ministry else None,
                          ministry=ministry or None, keyword=keyword or None)
    return [[m.label, m.text, "、".join(m.lead) or "(指定なし)", "、".join(m.ministries)]
            for m in found if not chapter or m.id.startswith(chapter + ".")]


def write_csv(rows: list[list[str]], data_dir: Path) -> Path:
    """Write rows as UTF-8 CSV (BOM for Excel) to ``data_dir/exports``, named by content; returns the file."""
    out = io.StringIO()
    csv.writer(out).writerows([TABLE_HEADERS, *([csv_safe(v) for v in row] for row in rows)])
    data = ("\ufeff" + out.getvalue()).encode("utf-8")
    folder = Path(data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"measures-{hashlib.sha256(data).hexdigest()[:16]}.csv"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def record_feedback(store: FeedbackBackend, answer: Answer | None, rating: int, comment: str = "") -> str:
    """Store a 👍 (+1) / 👎 (-1) on an answer; returns the Japanese status line."""
    if answer is None:
        return "評価する回答がまだありません。先に質問してください。"
    store.add(answer.question, answer.answer, [c.id for c in answer.citations], rating, comment)
    return "ご意見ありがとうございました。今後の改善に役立てます。"


def _analytics() -> bool:
    """Gradio's usage analytics stay off unless the operator sets GRADIO_ANALYTICS_ENABLED=True."""
    return os.environ.get("GRADIO_ANALYTICS_ENABLED", "False").lower() in ("1", "true", "yes")


def _refused(message: str) -> gr.Error:
    """The error an API client gets for input it must change: the message only, no traceback in the server log
    (rejected input is the client's, not a fault of the server)."""
    return gr.Error(message, print_exception=False)


def _client(request: gr.Request | None) -> tuple[str | None, str | None]:
    """(direct peer, X-Forwarded-For) of a request; the rate limiter believes the header only from a trusted proxy."""
    if request is None:
        return None, None
    return request.client.host if request.client is not None else None, request.headers.get("x-forwarded-for")


def build_app(assistant: Assistant, data_dir: Path | str = DEFAULT_DATA_DIR,
              settings: ServerSettings | None = None, feedback: FeedbackBackend | None = None) -> gr.Blocks:
    """The Gradio Blocks app over a loaded assistant; CSV files go under ``data_dir``, feedback to ``feedback``
    (default: SQLite under ``data_dir``); questions beyond a client's rate (``settings.rate``) get the
    「混み合っています」 reply at once."""
    data_dir, private, settings = Path(data_dir), {"api_visibility": "private"}, settings or ServerSettings()
    limiter = RateLimiter(settings.rate, settings.trusted_proxies)  # one count per client for the chat and the APIs
    store, pages = feedback or SQLiteFeedbackStore(data_dir), reader_pages(assistant)
    page_ids = [v for _, v in pages]

    def on_ask(question: str, chat: list, answers: list, document: str, request: gr.Request):
        if limiter.allow(*_client(request)):
            reply = ask(assistant, question, [a for a in answers if a][-HISTORY_TURNS:], document or "")
        else:
            reply = Reply(None, BUSY, (), BUSY)
        shown = reply.answer.question if reply.answer else (question or "")[:200]
        chat = [*chat, {"role": "user", "content": md_escape(shown)}, {"role": "assistant", "content": ""}]
        answers = [*answers, replace(reply.answer, retrieved=()) if reply.answer else None]  # one per turn
        lines = reply.markdown.split("\n")
        for n in range(1, len(lines)):  # stream line by line; the box, the answer state and the feedback status
            chat[-1] = {"role": "assistant", "content": "\n".join(lines[:n])}  # are set at once, so a question
            first = n == 1  # typed meanwhile stays and a 👍 given while the answer streams counts (and its thanks stay)
            yield chat, "" if first else gr.skip(), answers if first else gr.skip(), gr.skip(), gr.skip(), \
                "" if first else gr.skip()
            time.sleep(0.04)
        chat[-1] = {"role": "assistant", "content": reply.markdown}
        chips = gr.Radio(choices=list(reply.chips), value=None, visible=bool(reply.chips))
        once = len(lines) == 1
        yield chat, "" if once else gr.skip(), answers, chips, _HINT, "" if once else gr.skip()

    def on_chip(section_id: str | None, answers: list) -> str:
        return citation_html(assistant, answers[-1] if answers else None, section_id)

    def on_rate(rating: int):
        def handler(answers: list, comment: str):
            return record_feedback(store, next((a for a in reversed(answers) if a), None), rating, comment), ""
        return handler

    def on_like(data: gr.LikeData, answers: list, comment: str):
        turn = (data.index[0] if isinstance(data.index, (list, tuple)) else data.index) // 2
        if data.liked not in (True, False) or not 0 <= turn < len(answers):
            return gr.skip(), gr.skip()
        return record_feedback(store, answers[turn], 1 if data.liked else -1, comment), ""

    def on_filter(ministry: str, chapter: str, keyword: str, lead_only: bool):
        import pandas as pd

        rows = measure_rows(assistant.table, ministry, chapter, keyword, lead_only)
        return pd.DataFrame(rows, columns=TABLE_HEADERS), f"**{len(rows)}件**", str(write_csv(rows, data_dir))

    def on_step(page_id: str, step: int):
        new = page_ids[max(0, min(len(page_ids) - 1, page_ids.index(page_id) + step))] if page_id in page_ids \
            else page_ids[0]
        return new, section_html(assistant, new)

    def on_load(request: gr.Request):
        try:
            target = deep_link_target(assistant, dict(request.query_params))
        except PlanqaError as exc:
            message = f'<div class="planqa-cite">{html.escape(exc.user_message)}</div>'
            return gr.Tabs(selected="read"), gr.skip(), message
        if target is None:
            return gr.skip(), gr.skip(), gr.skip()
        return gr.Tabs(selected="read"), target[0], section_html(assistant, *target)

    def api_ask(question: str, request: gr.Request) -> dict:
        """Answer a question; returns the SPEC §5 object (answer, abstained, citations, retrieved, latency_ms)."""
        if not limiter.allow(*_client(request)):
            raise _refused(BUSY)
        try:
            return assistant.ask(question).to_json()
        except PlanqaError as exc:
            raise _refused(exc.user_message) from None

    def api_ministries(ministry: str = "", lead: str = "", keyword: str = "") -> list[dict]:
        """Measures with their ministries (SPEC §5), filtered; names may be short (経産省) or full."""
        return [m.to_json() for m in find_measures(assistant.table, lead=lead or None, ministry=ministry or None,
                                                   keyword=keyword or None)]

    def api_section(section_id: str) -> dict:
        """Full text of a place by citation ID (e.g. ai_act:18.1): id, label, title, text."""
        if not isinstance(section_id, str):
            raise _refused("箇所のID（例: ai_act:18.1）を文字で指定してください。")
        try:
            sec = assistant.corpus[section_id]
        except PlanqaError as exc:
            raise _refused(exc.user_message) from None
        return {"id": sec.id, "label": sec.label, "title": sec.title, "text": assistant.corpus.full_text(sec.id)}

    with gr.Blocks(title="AI基本計画・AI法 質問応答", analytics_enabled=_analytics()) as demo:
        gr.Markdown("## AI基本計画(骨子)・AI法 質問応答\n人工知能基本計画骨子(案)とAI法の原文だけを根拠に答えます。"
                    "回答の文末の [出典] を押すと、根拠になった原文を確認できます。\n\n" + documents_markdown(assistant),
                    elem_id="planqa-header")
        with gr.Tabs() as tabs:
            with gr.Tab("質問する", id="ask"):
                answers = gr.State([])
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(show_label=False, height=480, buttons=["copy"], elem_id="planqa-chat",
                                          placeholder="下の欄に質問を入力するか、質問の例を押してください。")
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder="例: AI法の目的は？", scale=5,
                                                  min_width=240, elem_id="planqa-question", autofocus=True)
                            send = gr.Button("質問する", variant="primary", scale=1, elem_id="planqa-send")
                        document = gr.Radio([("すべての文書", "")] + [(d.name or d.label, d.id)
                                                                   for d in assistant.corpus.documents],
                                            value="", label="さがす文書", elem_id="planqa-document")
                        gr.Examples(EXAMPLES, inputs=question, label="質問の例（押すと入力されます）")
                    with gr.Column(scale=2):
                        chips = gr.Radio(label="出典（押すと原文が開きます）", choices=[], visible=False,
                                         elem_classes="planqa-chips", elem_id="planqa-chips")
                        cited = gr.HTML(_HINT, elem_id="planqa-cited")
                        with gr.Group():
                            comment = gr.Textbox(label="この回答へのご意見（任意）", lines=2, max_length=2000)
                            with gr.Row():
                                up = gr.Button("👍 役に立った", size="sm", elem_id="planqa-up")
                                down = gr.Button("👎 役に立たなかった", size="sm", elem_id="planqa-down")
                        status = gr.Markdown(elem_id="planqa-feedback-status")
            with gr.Tab("担当府省庁をさがす", id="table"):
                with gr.Row():
                    ministry = gr.Dropdown(sorted(assistant.known_ministries), value=None, allow_custom_value=True,
                                           label="府省庁（略称も可: 経産省、文科省 など）", elem_id="planqa-ministry")
                    chapter = gr.Dropdown(chapter_choices(assistant), value="", label="章・節")
                    keyword = gr.Textbox(label="キーワード", placeholder="例: 医療")
                    lead_only = gr.Checkbox(label="主担当(◎)の施策のみ")
                count = gr.Markdown(elem_id="planqa-count")
                table = gr.Dataframe(headers=TABLE_HEADERS, interactive=False, wrap=True, elem_id="planqa-table",
                                     column_widths=["16%", "48%", "14%", "22%"])
                download = gr.DownloadButton("この表をCSVでダウンロード", elem_id="planqa-csv")
            with gr.Tab("原文を読む", id="read"):
                with gr.Row():
                    page = gr.Dropdown(pages, value=page_ids[0], label="箇所をえらぶ", scale=4, elem_id="planqa-page")
                    prev_btn = gr.Button("← 前へ", scale=1)
                    next_btn = gr.Button("次へ →", scale=1)
                reader = gr.HTML(section_html(assistant, page_ids[0]), elem_id="planqa-reader")

        gr.on([question.submit, send.click], on_ask, [question, chat, answers, document],
              [chat, question, answers, chips, cited, status], **private)
        chips.change(on_chip, [chips, answers], cited, **private)
        chat.clear(lambda: ([], gr.Radio(choices=[], visible=False), _HINT), None, [answers, chips, cited], **private)
        up.click(on_rate(1), [answers, comment], [status, comment], **private)
        down.click(on_rate(-1), [answers, comment], [status, comment], **private)
        chat.like(on_like, [answers, comment], [status, comment], **private)
        filters = [ministry, chapter, keyword, lead_only]
        gr.on([f.change for f in filters], on_filter, filters, [table, count, download], **private)
        page.input(lambda p: section_html(assistant, p), page, reader, **private)  # .input: not on load
        prev_btn.click(lambda p: on_step(p, -1), page, [page, reader], **private)
        next_btn.click(lambda p: on_step(p, 1), page, [page, reader], **private)
        demo.load(on_load, None, [tabs, page, reader], **private)
        demo.load(on_filter, filters, [table, count, download], **private)
        gr.api(api_ask, api_name="ask")
        gr.api(api_ministries, api_name="ministries")
        gr.api(api_section, api_name="section")
    demo.planqa_routes = api_router(assistant, limiter).routes  # mounted by launch(): /api/v1/…, /healthz
    return demo


def launch(demo: gr.Blocks, data_dir: Path | str, host: str = "127.0.0.1", port: int | None = 7860,
           settings: ServerSettings | None = None, **kwargs):
    """Launch with the app's CSS behind the Guard middleware (body limit, no uploads, security headers); of the
    data folder only ``exports/`` (the CSV files) is served. Internal exception text never reaches clients."""
    from starlette.middleware import Middleware

    settings = settings or ServerSettings()
    folder = Path(data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    guard = Middleware(Guard, max_body_bytes=settings.max_body_bytes)
    routes = getattr(demo, "planqa_routes", [])  # the REST API (api.py), ahead of Gradio's own routes
    return demo.launch(server_name=host, server_port=port, allowed_paths=[str(folder.resolve())], css=CSS,
                       theme=gr.themes.Soft(), footer_links=["api"], show_error=False, max_file_size="1kb",
                       app_kwargs={"middleware": [guard], "routes": routes}, **kwargs)


def main(host: str | None = None, port: int | None = None, data_dir: str | Path | None = None,
         concurrency: int | None = None, database_url: str | None = None, **limits) -> None:
    """Load the assistant once and serve.

    Defaults: GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, else 127.0.0.1:7860; PLANQA_DATA_DIR, else ./data;
    feedback in PLANQA_DATABASE_URL (PostgreSQL), else SQLite in the data dir.
    """
    from .llm import LLMConfig

    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = int(port or os.environ.get("GRADIO_SERVER_PORT") or 7860)
    data_dir = Path(data_dir or os.environ.get("PLANQA_DATA_DIR") or DEFAULT_DATA_DIR)
    started = time.perf_counter()
    try:
        settings = ServerSettings.from_env(concurrency=concurrency, **limits)
    except ValueError as exc:
        raise SystemExit(f"planqa: 設定が正しくありません (invalid setting): {exc}") from None
    config = AnswerConfig(log_questions=os.environ.get("PLANQA_LOG_QUESTIONS", "") == "1",
                          max_asks=settings.max_asks, time_budget_s=settings.time_budget_s)
    index_dir = os.environ.get("PLANQA_INDEX_DIR") or DEFAULT_INDEX_DIR
    try:
        assistant = Assistant.load(index_dir=index_dir, config=config, llm=LLMConfig.from_env())
    except PlanqaError as exc:  # for the operator: what is wrong and how to fix it, not a traceback
        said = "" if exc.user_message == PlanqaError.user_message else f"{exc.user_message}\n"  # a corpus error's line
        raise SystemExit(f"planqa: cannot start: {said}{exc}\n(index: {index_dir}; rebuild it with `planqa build`)") from None
    try:
        feedback = open_feedback_store(data_dir, database_url or os.environ.get("PLANQA_DATABASE_URL"))
    except (ConnectionError, ImportError, ValueError) as exc:
        raise SystemExit(f"planqa: cannot start: {exc}") from None
    demo = build_app(assistant, data_dir, settings, feedback)
    print(f"planqa: ready in {time.perf_counter() - started:.1f} s → http://{host}:{port}", flush=True)
    demo.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
    launch(demo, data_dir, host=host, port=port, settings=settings)
