"""The query stage: a message read once into a frozen Query; modules import in one direction."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import planqa
from planqa.normalize import ADDED


def test_a_diet_message_is_read_into_asks_with_routes_and_references(assistant):
    query = assistant.read("AI法は施策の推進体制を定めているとされる。一　第19条は何を定めているのか。"
                           "二　骨子でAI人材の育成を主に担当する府省はどこか。政府の見解を問う。")
    assert len(query.asks) == 2 and not query.options
    first, second = query.asks
    assert first.references == ("ai_act:19",) and first.route.name == "reference"
    assert second.route.name == "ministry" and second.references == ()
    assert all(ADDED not in a.text for a in query.asks)  # the asker's words, nothing appended


def test_the_query_is_frozen(assistant):
    query = assistant.read("AI法の目的は？")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.asks = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.asks[0].route = None  # type: ignore[misc]


def test_quiz_options_and_kana_are_read_before_the_asks(assistant):
    quiz = assistant.read("AI本部の本部長は誰？ A 内閣総理大臣 B 内閣官房長官 C 経済産業大臣")
    assert [mark for mark, _ in quiz.options] == ["A", "B", "C"] and quiz.asks == ()
    kana = assistant.read("こくみんは なにを しなければ ならないですか")
    assert "国民" in kana.read and "国民" in kana.asks[0].normalized


def test_added_terms_are_kept_apart_from_the_askers_words(assistant):
    ask = assistant.read("学校でAIのことを教わるの？").asks[0]
    assert "教育" in ask.added and ask.normalized.startswith("学校でAIのことを教わるの")
    assert assistant.read("英語で書いてもいい？ How about English?").japanese
    english = assistant.read("Does the AI Act have penalties?")
    assert not english.japanese and english.asks == ()
    assert assistant.ask("Does the AI Act have penalties?").route == "language"


def test_view_and_long_asks_are_flagged_for_the_composer(assistant):
    view, plain = (assistant.read(q).asks[0] for q in ("AI人材の育成を強化すべきではないか", "AI人材の育成の施策は？"))
    assert view.opinion and view.briefing and not plain.opinion and not plain.briefing


@pytest.mark.parametrize("question, view", [
    ("基本計画で定めるべき事項って法律にどう書いてある？", False),  # べき before a noun: a fact of the Act
    ("政府が講ずべき施策の中身を教えて", False),
    ("国はもっと規制を強めるべきだ。どう考える？", True),
    ("AIの開発を優先すべきなのか", True),
])
def test_should_asks_a_view_only_when_it_ends_the_clause(assistant, question, view):
    ask = assistant.read(question).asks[0]
    assert ask.opinion is view and ("文書には次の記述があります" in assistant.ask(question).answer) is view


def test_modules_import_in_one_direction():
    """No import cycle among planqa's modules, counting imports inside functions too."""
    src = Path(planqa.__file__).parent
    graph = {}
    for path in src.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        graph[path.stem] = found - {path.stem}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))

    assert [m for m in graph if reaches(m, m, {m})] == []


def test_the_rules_that_fired_are_named_with_their_source(assistant):
    query = assistant.read("がっこうで AIを つかうには？経産省の担当は？")
    rules = query.rules()
    assert "kana" in rules and "asks:2" in rules  # がっこう → 学校; two asks
    assert "route:general" in rules and "route:ministry_list" in rules
    assert "name:経済産業省" in rules  # 経産省's other name, appended for retrieval
    assert any(r.startswith("vocab:") for r in rules)  # 学校 → 教育, learned from the bank
    table = assistant.read("ディープフェイクは規制される？").rules()
    assert "table:AI生成コンテンツ" in table  # the hand-kept table, named as such


def test_planqa_read_prints_the_reading_as_json():
    import json
    import subprocess

    out = subprocess.run(["planqa", "read", "AI法第18条第2項には何が書いてある？"], capture_output=True, text=True,
                         timeout=120)
    reading = json.loads(out.stdout)
    assert reading["asks"][0]["references"] == ["ai_act:18.2"] and "ref:ai_act:18.2" in reading["fired"]


def test_a_person_in_charge_is_no_question_of_which_ministry(assistant):
    """「担当者」 is someone in charge (「現場の担当者にも…」), not an ask who is responsible for a measure."""
    ask = assistant.read("現場の担当者にも伝わるように、骨子の4つの基本的な方針が何を言っているのか説明してほしい。").asks[0]
    assert ask.route.name == "general"


def test_ministries_as_the_subject_of_an_opinion_is_no_question_of_which_one(assistant):
    ask = assistant.read("国の計画って、省庁がそれぞれ勝手に動いてて連携してないんじゃないの？まとめ役を置くべきでは。").asks[0]
    assert ask.route.name == "general"


def test_which_of_the_ministries_leads_is_asked_with_izureno(assistant):
    ask = assistant.read("骨子は中小企業のAI導入をどう支援するのか。また、その支援はいずれの府省庁が中心となって行うのか。").asks[-1]
    assert ask.route.name == "ministry"


def test_a_pause_after_tte_or_towa_is_read_once_in_the_query_stage():
    from planqa.normalize import normalize_query

    assert normalize_query("AIエージェントって、なに？") == "AIエージェントってなに?"
    assert normalize_query("「人工知能関連技術」とは、何か。") == "「人工知能関連技術」とは何か。"


def test_an_ask_naming_the_outline_gets_the_outlines_principles(assistant):
    """The second ask of a Diet question names the outline by its own name and asks for its principles: they come
    from the outline (第1章's 原則), not from the Act's article on what the plan shall contain (第18条)."""
    ans = assistant.ask("推進体制について伺う。一、AI法は本部の長に誰を充てているか。"
                        "二、人工知能基本計画骨子(案)は、推進の基本的な考え方としていかなる原則を掲げているか。")
    cited = [c.id for c in ans.citations]
    assert "plan:1.5" in cited and not any(c.startswith("ai_act:18") for c in cited)


def test_an_ask_respelled_from_kana_keeps_how_it_was_written(assistant):
    """The bank holds hiragana questions too, so retrieval hears an ask both as read and as written."""
    one = assistant.read("えーあいの ほうりつは いつ こうふされたの？").asks[0]
    assert "AI" in one.normalized and one.written == "えーあいの ほうりつは いつ こうふされたの？"
    two = assistant.read("ほんぶの じむは どこが やるの？あと ほんぶちょうは だれ？").asks
    assert [a.written for a in two] == ["ほんぶの じむは どこが やるの？",
                                        "ほんぶの じむは どこが やるの？ あと ほんぶちょうは だれ？"]  # as split
    assert assistant.read("AI法の目的は？").asks[0].written is None  # nothing respelled


def test_the_written_spelling_reaches_the_bank_questions_in_hiragana(assistant):
    """「ぼす」 is read as nothing the documents write; the bank's hiragana questions on the head of the
    headquarters (第22条) are nearer to the message as written: the bank list of the written spelling holds the
    head's article, the read one's does not, and retrieval hearing both keeps it in the top three."""
    ask = assistant.read("AIせんりゃくほんぶの ぼすは だれ？").asks[0]
    assert ask.written
    index, embedder = assistant.retriever.index, assistant.retriever.embedder

    def bank_top5(text):
        return [index.chunks[p].ids[0] for p, _ in index.bank_search(index.bank_similarities(embedder.query(text)), 5)]

    assert "ai_act:22.1" in bank_top5(ask.written) and "ai_act:22.1" not in bank_top5(ask.normalized)
    assert "ai_act:22.1" in [h.chunk.ids[0] for h in assistant.retriever.rank(ask.normalized, k=3, written=ask.written)]


def test_an_ask_with_no_subject_of_its_own_hears_the_story_before_it(assistant):
    """「国はなんとかしてくれるの？」 names only words people ask anything with (the bank's questions use 国 for most
    places): the story before it says what it is about. An ask naming its own subject (相談) does without."""
    story = "うちの母が、私の声そっくりにAIで作られた電話で、事故を起こしたからすぐお金を振り込んでと言われたそうです。"
    first, second = assistant.read(story + "AI法ができて国はなんとかしてくれるの？ あと、相談はどこにすればいいの？").asks
    assert first.text == "AI法ができて国はなんとかしてくれるの？" and first.background == story and "story" in first.fired
    assert second.text.endswith("相談はどこにすればいいの？") and second.background == ""
    assert assistant.reader.spread["国"] > 0.5 > 0.05 > assistant.reader.spread["相談"]


def test_a_name_of_the_act_misspelt_by_one_kanji_is_read_as_the_act(assistant):
    query = assistant.read("AI推准法って、わたしたち国民にも何か義務があるの？")
    assert "AI推進法" in query.read and "name spelt" in query.fired
    answer = assistant.ask("AI推准法って、わたしたち国民にも何か義務があるの？")
    assert not answer.abstained and "ai_act:8.1" in [c.id for c in answer.citations]
    kept = assistant.read("AI推進派の議員はどう見ている？")  # the last character differs: another word, left alone
    assert "AI推進派" in kept.read and "name spelt" not in kept.fired


def test_an_ask_after_a_preamble_hears_the_preambles_rare_terms(assistant):
    """「AISIの機能強化が…と聞いているが、人員の拡充や予算措置…はどうなるのか」: normalising keeps the ask after the
    preamble, which alone names AISI; a noun the documents use in few chunks is heard with the ask by retrieval and the
    composer (as written; not by the scope checks), so the measure on AISI is quoted beside 第10条's 財政上の措置."""
    question = "AISIの機能強化が骨子案に盛り込まれていると聞いているが、人員の拡充や予算措置、法的な位置付けはどうなるのか伺いたい。"
    ask = assistant.read(question).asks[0]
    assert "AISI" in ask.preamble and "preamble:AISI" in ask.fired and "AISI" not in ask.normalized
    assert "plan:3.3.1.4" in [c.id for c in assistant.ask(question).citations]
