"""Web app handlers, called directly (no browser), and the app's API endpoints through gradio_client."""

from __future__ import annotations

import csv

import pytest

from planqa import web
from planqa.feedback import FeedbackStore


def test_ask_returns_answer_markdown_and_chips(assistant):
    reply = web.ask(assistant, "AI法の目的は？")
    assert reply.error is None and not reply.answer.abstained
    assert reply.chips[0] == ("AI法 第1条第1項", "ai_act:1.1")
    assert "[\\[AI法 第1条第1項\\]](?id=ai_act:1.1)" in reply.markdown


def test_followup_uses_history(assistant):
    first = web.ask(assistant, "医療・ヘルスケア分野のAI活用の担当省庁は？")
    follow = web.ask(assistant, "それの担当は？", [first.answer])
    assert follow.chips and follow.chips[0][1] == "plan:3.1.2.1"


@pytest.mark.parametrize("question, message", [
    ("", "質問を入力してください。"),
    ("   \n\t ", "質問を入力してください。"),
    ("\x00\x07\x1b", "質問を入力してください。"),
    ("x" * 20_000, "質問が長すぎます（20000文字）。500文字以内で、要点をしぼって入力してください。"),
])
def test_bad_questions_give_the_japanese_message(assistant, question, message):
    reply = web.ask(assistant, question)
    assert (reply.answer, reply.error, reply.chips) == (None, message, ())
    assert "Traceback" not in reply.markdown


def test_lone_surrogate_is_refused_alone_and_ignored_inside_a_question(assistant):
    assert web.ask(assistant, "\ud800").error == "質問を入力してください。"
    reply = web.ask(assistant, "AI法の目的は？\ud800")
    assert reply.error is None and reply.chips[0][1] == "ai_act:1.1"


def test_links_come_from_each_lines_places_not_from_brackets_in_its_words(assistant):
    from planqa.results import Answer, Line
    answer = Answer((Line("「[AI法 第1条第1項]」と書いた利用者の文"),
                     Line("この法律は、…目的とする。", (("ai_act:1.1", "AI法 第1条第1項"),))), False, (), (), 0.0)
    markdown = web.answer_markdown(answer).splitlines()
    assert "?id=" not in markdown[0]  # a label-like text in the words is text, not a citation
    assert markdown[1].endswith("[\\[AI法 第1条第1項\\]](?id=ai_act:1.1)")
    assert answer.answer.splitlines()[1] == "この法律は、…目的とする。[AI法 第1条第1項]"


def test_every_quoted_line_names_a_real_place_with_its_label(assistant):
    for question in ("AI法に罰則はある？", "経産省が主担当の施策は？", "AI戦略本部の本部長は誰？", "骨子の第4章には何が書いてある？"):
        answer = assistant.ask(question)
        placed = [line for line in answer.lines if line.places]
        assert placed, question
        for line in placed:
            for place, label in line.places:
                assert assistant.corpus[place].label == label
        assert {place for line in placed for place, _ in line.places} <= {c.id for c in answer.citations}, question


def test_user_html_is_escaped_in_markdown():
    assert web.md_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert web.md_escape("[a](javascript:x) *b*") == "\\[a\\](javascript:x) \\*b\\*"


def test_citation_html_highlights_the_supporting_sentence(assistant):
    reply = web.ask(assistant, "AI法の目的は？")
    page = web.citation_html(assistant, reply.answer, "ai_act:1.1")
    assert "<mark>この法律は、人工知能関連技術が" in page and "目的とする。</mark>" in page
    assert 'href="?id=ai_act:1.1"' in page


def test_citation_html_escapes_document_text(assistant):
    page = web.highlight_html("a<b>&c\nd", ["<b>"])
    assert page == "a<mark>&lt;b&gt;</mark>&amp;c<br>d"
    assert "出典のボタン" in web.citation_html(assistant, None, None)
    assert "見つかりませんでした" in web.citation_html(assistant, None, "ai_act:999")


def test_deep_link_to_a_paragraph_opens_its_article(assistant):
    assert web.deep_link_target(assistant, {"id": "ai_act:18.1"}) == ("ai_act:18", "ai_act:18.1")
    page = web.section_html(assistant, "ai_act:18", "ai_act:18.1")
    assert "AI法 第18条" in page and "<mark>政府は、基本理念にのっとり" in page
    assert web.deep_link_target(assistant, {}) is None
    assert web.deep_link_target(assistant, {"id": "plan:3.1"}) == ("plan:3.1", "plan:3.1")


def test_deep_link_to_an_unknown_id_raises_with_japanese_message(assistant):
    from planqa.errors import UnknownSectionError

    with pytest.raises(UnknownSectionError) as exc:
        web.deep_link_target(assistant, {"id": "<script>"})
    assert exc.value.user_message == "「<script>」という箇所は見つかりませんでした。"


def test_ministry_filter_short_name_equals_full_name(assistant):
    short = web.measure_rows(assistant.table, ministry="経産省")
    assert short == web.measure_rows(assistant.table, ministry="経済産業省")
    assert len(short) == 33 and all("経済産業省" in row[3] for row in short)


def test_ministry_filter_by_chapter_keyword_and_lead(assistant):
    rows = web.measure_rows(assistant.table, ministry="外務省", lead_only=True)
    assert [r[0] for r in rows] == ["骨子 第3章第2節(1)⑥", "骨子 第3章第3節(2)④", "骨子 第3章第3節(2)⑥"]
    assert all(r[0].startswith("骨子 第3章第3節") for r in web.measure_rows(assistant.table, chapter="plan:3.3"))
    assert all("医療" in r[1] for r in web.measure_rows(assistant.table, keyword="医療"))
    assert ("すべて", "") in web.chapter_choices(assistant)


def test_csv_is_written_under_the_data_dir(assistant, tmp_path):
    rows = web.measure_rows(assistant.table, ministry="経産省")
    path = web.write_csv(rows, tmp_path)
    assert path.parent == tmp_path / "exports" and path == web.write_csv(rows, tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == web.TABLE_HEADERS and table[1:] == rows


def test_record_feedback_stores_question_answer_and_citations(assistant, tmp_path):
    store = FeedbackStore(tmp_path)
    reply = web.ask(assistant, "AI法の目的は？")
    assert "ありがとうございました" in web.record_feedback(store, reply.answer, 1, "役に立った")
    assert "先に質問" in web.record_feedback(store, None, -1)
    [row] = store.export()
    assert (row.question, row.rating, row.comment) == ("AI法の目的は？", 1, "役に立った")
    assert row.citation_ids == tuple(c.id for c in reply.answer.citations)


@pytest.fixture(scope="module")
def client(assistant, tmp_path_factory):
    from gradio_client import Client

    data_dir = tmp_path_factory.mktemp("api")
    demo = web.build_app(assistant, data_dir)
    demo.queue()
    _, url, _ = web.launch(demo, data_dir, port=None, prevent_thread_lock=True, quiet=True)
    client = Client(url, verbose=False)
    client.data_dir = data_dir
    yield client
    demo.close()


def test_api_lists_only_the_named_endpoints(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert sorted(api["named_endpoints"]) == ["/ask", "/ministries", "/section"]
    assert api["unnamed_endpoints"] == {}


def test_api_ask_returns_the_spec_object(client, assistant):
    result = client.predict("AI法に罰則はある？", api_name="/ask")
    assert list(result) == ["answer", "abstained", "citations", "retrieved", "latency_ms"]
    expected = assistant.ask("AI法に罰則はある？").to_json()
    assert result["answer"] == expected["answer"] and result["citations"] == expected["citations"]


def test_api_ask_rejects_bad_input_with_the_japanese_message(client):
    with pytest.raises(Exception, match="質問が長すぎます"):
        client.predict("あ" * 20_000, api_name="/ask")


def test_api_ministries_and_section(client):
    rows = client.predict("経産省", "", "", api_name="/ministries")
    assert len(rows) == 33 and "経済産業省" in rows[0]["ministries"]
    section = client.predict("ai_act:18.1", api_name="/section")
    assert section["label"] == "AI法 第18条第1項" and section["text"].startswith("政府は")


def test_app_does_not_serve_the_feedback_database(client):
    import urllib.error
    import urllib.request

    FeedbackStore(client.data_dir).add("q", "a", [], 1)
    url = f"{client.src.rstrip('/')}/gradio_api/file={client.data_dir / 'feedback.sqlite3'}"
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(url)
    assert exc.value.code == 403


def test_usage_analytics_are_off_unless_the_operator_turns_them_on():
    """Without GRADIO_ANALYTICS_ENABLED in the environment, neither the app nor gradio sends usage analytics."""
    import os
    import subprocess
    import sys

    code = ("from planqa import web; import gradio as gr; "
            "print(web._analytics(), gr.Blocks().analytics_enabled)")
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_ANALYTICS_ENABLED"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False"], out.stderr[-500:]
    on = subprocess.run([sys.executable, "-c", code], env={**env, "GRADIO_ANALYTICS_ENABLED": "True"},
                        capture_output=True, text=True, timeout=120)
    assert on.stdout.split() == ["True", "True"]


def test_rejected_input_leaves_no_traceback_in_the_server_log(client, capfd):
    from gradio_client.exceptions import AppError

    capfd.readouterr()
    long_id = "ai_act:" + "9" * 5000
    for args, api in ((("",), "/ask"), ((["ai_act:1"],), "/section"), ((long_id,), "/section")):
        with pytest.raises(AppError):
            client.predict(*args, api_name=api)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "9" * 100 not in err  # nor the unknown ID whole
