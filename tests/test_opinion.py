"""Asks for a view or a judgement get what the documents say on the subject, framed as such."""

from __future__ import annotations

import pytest

from planqa.answer import OPINION_FRAME


@pytest.mark.parametrize("question, place", [
    ("AIを使う会社の責務について政府の見解を伺いたい", "ai_act:7.1"),
    ("国はAI人材の育成にもっと力を入れるべきではないですか", "plan:3.4"),
])
def test_a_should_or_view_question_gets_the_documents_text_under_a_framing_line(assistant, question, place):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.answer.startswith(OPINION_FRAME + "\n")
    assert any(c.id == place or c.id.startswith(place + ".") for c in answer.citations)


def test_a_plain_question_is_not_framed(assistant):
    assert not assistant.ask("AIを使う会社の責務は何ですか").answer.startswith(OPINION_FRAME)
