"""A place the documents do not have gets a direct answer with the range that exists, read off the tree."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("question, says, cited", [
    ("AI法の第45条ってどんな内容？", "AI法は第1条から第28条までです", []),
    ("AI法第18条第7項を教えて", "AI法 第18条は第1項から第5項までです", ["ai_act:18"]),
    ("第18条第2項第6号には何が書かれていますか。AI法の話です", "第1号から第3号までです", ["ai_act:18.2"]),
    ("骨子の第3章第8節の内容は？", "骨子 第3章は第1節から第4節までです", ["plan:3"]),
    ("骨子 第6章第2節について知りたい", "骨子は第1章から第4章までです", []),
    ("AI法の附則第7条は？", "AI法 附則は第1条から第4条までです", ["ai_act:suppl"]),
])
def test_a_reference_beyond_the_document_says_what_exists(assistant, question, says, cited):
    answer = assistant.ask(question)
    assert not answer.abstained and says in answer.answer and "ありません" in answer.answer
    assert [c.id for c in answer.citations] == cited  # no other place stands in for the missing one


def test_an_existing_reference_is_answered_from_it(assistant):
    answer = assistant.ask("AI法第28条には何が書いてある？")
    assert "ありません" not in answer.answer and answer.citations[0].id.startswith("ai_act:28")
