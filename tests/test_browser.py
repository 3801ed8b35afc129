"""The web app in headless Chromium: chat, citation chips, ministry table, deep links, feedback, XSS.

Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(assistant, tmp_path_factory):
    from planqa import web

    data_dir = tmp_path_factory.mktemp("data")
    demo = web.build_app(assistant, data_dir)
    demo.queue(default_concurrency_limit=4)
    port = _free_port()
    web.launch(demo, data_dir, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", data_dir
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    context.close()


def _ask(page, question: str) -> None:
    page.locator("#planqa-question textarea").fill(question)
    page.locator("#planqa-send").click()


def _last_bot_message(page):
    return page.locator("#planqa-chat .message.bot").last


def test_question_answer_chip_opens_highlighted_source(server, page):
    url, _ = server
    page.goto(url)
    _ask(page, "AI法の目的は？")
    bot = _last_bot_message(page)
    bot.get_by_text("AI法 第1条第1項").first.wait_for()
    assert "目的とする" in bot.inner_text()
    assert bot.locator('a[href="?id=ai_act:1.1"]').count() == 1  # the label links to the reader
    page.locator("#planqa-chips label", has_text="AI法 第1条第1項").click()
    mark = page.locator("#planqa-cited mark").first
    mark.wait_for()
    assert "目的とする" in mark.inner_text()
    page.screenshot(path=ARTIFACTS / "chat_citation.png", full_page=True)


def test_followup_uses_conversation_history(server, page):
    url, _ = server
    page.goto(url)
    _ask(page, "医療・ヘルスケア分野のAI活用の担当省庁は？")
    _last_bot_message(page).get_by_text("厚生労働省").first.wait_for()
    page.locator("#planqa-chips").get_by_text("骨子 第3章第1節(2)①").wait_for()  # the turn has ended
    _ask(page, "外務省が主担当の施策は？")
    _last_bot_message(page).get_by_text("3件").first.wait_for()
    assert page.locator("#planqa-chat .message.bot").count() == 2
    page.screenshot(path=ARTIFACTS / "chat_ministries.png", full_page=True)


def test_ministry_table_filters_by_short_name(server, page):
    url, _ = server
    page.goto(url)
    page.get_by_role("tab", name="担当府省庁をさがす").click()
    page.locator("#planqa-count").get_by_text("56件").wait_for()  # the unfiltered table has loaded
    box = page.locator("#planqa-ministry input")
    box.fill("経産省")
    box.press("Enter")
    page.locator("#planqa-count").get_by_text("33件").wait_for()
    grid = page.locator("#planqa-table [role=grid]")
    assert grid.get_attribute("aria-rowcount") == "34"  # header + 33 measures; rows are virtualised
    rows = grid.locator("[role=row].virtual-row")
    assert rows.count() >= 5
    assert all("経済産業省" in rows.nth(i).inner_text() for i in range(rows.count()))
    with page.expect_download() as download:
        page.locator("#planqa-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("ラベル,施策,主担当◎,担当府省庁") and len(text.splitlines()) == 34
    page.screenshot(path=ARTIFACTS / "ministry_table.png", full_page=True)


def test_deep_link_opens_article_in_reader(server, page):
    url, _ = server
    page.goto(url + "?id=ai_act:18.1")
    reader = page.locator("#planqa-reader")
    reader.get_by_text("AI法 第18条").first.wait_for()
    assert "人工知能基本計画" in reader.inner_text()
    assert "基本的な計画" in reader.locator("mark").first.inner_text()
    assert page.get_by_role("tab", name="原文を読む").get_attribute("aria-selected") == "true"
    page.screenshot(path=ARTIFACTS / "deep_link.png", full_page=True)
    page.goto(url + "?id=ai_act:18")
    page.locator("#planqa-reader").get_by_text("第18条").first.wait_for()


def test_thumbs_up_and_down_are_stored(server, page):
    from planqa.feedback import FeedbackStore

    url, data_dir = server
    page.goto(url)
    _ask(page, "AI法に罰則はある？")
    _last_bot_message(page).get_by_text("罰則の規定はありません").first.wait_for()
    page.get_by_label("この回答へのご意見（任意）").fill("わかりやすい")
    page.locator("#planqa-up").click()  # while the answer may still be streaming
    page.locator("#planqa-feedback-status").get_by_text("ありがとうございました").wait_for()
    page.locator("#planqa-chips label").first.wait_for()  # the stream's last update has come …
    assert "ありがとうございました" in page.locator("#planqa-feedback-status").inner_text()  # … and left the thanks
    rows = [r for r in FeedbackStore(data_dir).export() if r.question == "AI法に罰則はある？"]
    assert [(r.rating, r.comment) for r in rows] == [(1, "わかりやすい")]
    assert "ai_act:title" in rows[0].citation_ids
    page.locator('#planqa-chat button[title="よくないね"]').click()  # the chatbot's own 👎 on the message
    for _ in range(50):
        rows = [r for r in FeedbackStore(data_dir).export() if r.question == "AI法に罰則はある？"]
        if len(rows) == 2:
            break
        page.wait_for_timeout(100)
    assert [r.rating for r in rows] == [1, -1]
    page.screenshot(path=ARTIFACTS / "feedback.png", full_page=True)


def test_html_in_question_is_inert(server, page):
    url, _ = server
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    payload = "<img src=x onerror=alert(1)>"
    _ask(page, payload)
    page.locator("#planqa-chat .message.bot").last.wait_for()
    page.locator("#planqa-chat .message.user").get_by_text(payload).wait_for()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    page.screenshot(path=ARTIFACTS / "xss.png", full_page=True)


def test_a_question_can_be_restricted_to_one_document(server, page):
    url, _ = server
    page.goto(url)
    page.locator("#planqa-document").get_by_text("AI法", exact=True).click()
    _ask(page, "計画の見直しはどうなっている？")
    bot = _last_bot_message(page)
    bot.get_by_text("AI法 第18条").first.wait_for()
    assert "骨子 " not in bot.inner_text()  # the plan's own 第4章第2節 is not quoted
