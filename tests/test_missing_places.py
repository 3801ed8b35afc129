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


@pytest.mark.parametrize("question, places", [
    ("AI法の第9条と第21条には何が書いてある？", ["ai_act:9", "ai_act:21"]),
    ("骨子第3章第1節(1)①と第3章第4節(2)②の内容を教えて", ["plan:3.1.1.1", "plan:3.4.2.2"]),
])
def test_every_place_named_as_a_whole_is_quoted(assistant, question, places):
    cited = [c.id for c in assistant.ask(question).citations]
    assert all(any(c == p or c.startswith(p + ".") for c in cited) for p in places), cited


def test_each_place_named_with_a_quote_gives_its_sentence(assistant):
    answer = assistant.ask("次の空欄を埋めよ。AI法第22条第1項「本部の長は、（ ア ）とする。」、"
                           "第27条「本部に係る事項については、内閣法にいう主任の大臣は、（ イ ）とする。」")
    cited = [c.id for c in answer.citations]
    assert any(c.startswith("ai_act:22") for c in cited) and any(c.startswith("ai_act:27") for c in cited), cited
