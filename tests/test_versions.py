"""Each document says which version it is; citizens never read the outline 骨子(案) as the adopted plan."""

from __future__ import annotations

import subprocess

from planqa.web import documents_markdown, section_html

PLAN_URL = "https://www8.cao.go.jp/cstp/ai/ai_plan/ai_plan.html"


def test_the_manifest_states_version_and_status(corpus):
    plan, act = corpus.document("plan"), corpus.document("ai_act")
    assert "骨子(案)" in plan.version and "閣議決定" in plan.status and plan.status_url == PLAN_URL
    assert "令和7年法律第53号" in act.version and act.status == ""


def test_an_answer_quoting_the_plan_says_it_is_the_outline(assistant):
    plan = assistant.ask("AIの安全性を評価する機関ってあるの？")
    assert any(c.id.startswith("plan:") for c in plan.citations)
    assert plan.answer.splitlines()[-1] == f"※ 骨子: {assistant.corpus.document('plan').status} 公式: {PLAN_URL}"
    act = assistant.ask("AI法の第1条は何を定めている？")
    assert all(c.id.startswith("ai_act:") for c in act.citations) and "※" not in act.answer
    declined = assistant.ask("来年のAI関連予算の総額は？")
    assert declined.abstained and "※" not in declined.answer


def test_the_app_header_and_reader_show_each_documents_version(assistant):
    header = documents_markdown(assistant)
    assert "人工知能基本計画骨子(案)（2025年9月）" in header and "令和7年法律第53号" in header and PLAN_URL in header
    page = section_html(assistant, "plan:3.1")
    assert "planqa-version" in page and "骨子(案)です" in page and PLAN_URL in page
    assert "骨子(案)です" not in section_html(assistant, "ai_act:1")


def test_the_section_tree_lists_every_documents_version():
    out = subprocess.run(["planqa", "sections"], capture_output=True, text=True, timeout=120)
    heads = [line for line in out.stdout.splitlines() if line.startswith("# ")]
    assert len(heads) == 2 and "骨子(案)（2025年9月）" in heads[0] and "令和7年法律第53号" in heads[1]
