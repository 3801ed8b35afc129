"""Query normalisation, explicit references and hybrid retrieval on the committed index."""

from __future__ import annotations

import pytest

from planqa.normalize import find_references, normalize_query
from planqa.retrieve import RetrievalConfig


@pytest.mark.parametrize("question, refs", [
    ("第十八条には何が書いてある？", ["ai_act:18"]),
    ("AI法18条2項1号", ["ai_act:18.2.1"]),
    ("附則第一条", ["ai_act:suppl.1"]),
    ("第十条の二", ["ai_act:10-2"]),
    ("第3章第2節(4)②の主担当は？", ["plan:3.2.4.2"]),
    ("第３章第１節（２）①", ["plan:3.1.2.1"]),
    ("第4章第2節", ["plan:4.2"]),
    ("AI法の第3章はどんな章？", ["ai_act:chapter.3"]),
    ("骨子第3章の構成は？", ["plan:3"]),
    ("骨子の第3章の第1節と第4節の施策", ["plan:3.1", "plan:3.4"]),  # a section after 「と」 is in the same chapter
    ("第3章第2節、第3節及び第4節", ["plan:3.2", "plan:3.3", "plan:3.4"]),
    ("第3章第1節の(3)に並ぶ施策", ["plan:3.1.3"]),
    ("AIの利活用を進めるには？", []),
])
def test_references_in_any_notation(corpus, question, refs):
    assert find_references(normalize_query(question), corpus.names) == refs


@pytest.mark.parametrize("question, refs", [
    ("デジタル社会形成基本法の第2章に書かれている基本理念", []),  # a place in another law
    ("科学技術・イノベーション基本法第三条に定める方針", []),
    ("本法第3条の基本理念", ["ai_act:3"]),
    ("AI推進法第5条", ["ai_act:5"]),
])
def test_places_in_other_laws_are_not_references(corpus, question, refs):
    assert find_references(normalize_query(question), corpus.names) == refs
    assert not corpus.names.law("デジタル社会形成基本法")  # 基本法 holds 本法 but is not the Act


def test_abbreviations_and_everyday_words_map_both_ways():
    assert "経産省" in normalize_query("経済産業省の施策")
    assert "経済産業省" in normalize_query("経産省の施策")
    assert "活用事業者" in normalize_query("AIを使う会社の義務は？")
    assert "地方公共団体" in normalize_query("自治体の役割は？")
    assert "変更" not in normalize_query("社内のAI利用規程を改定するにあたり、国の指針を確認したい")  # the asker's own rules
    assert "変更" in normalize_query("基本計画は改定されるの？")


@pytest.mark.parametrize("question, top", [
    ("AI法の目的は？", "ai_act:1"),
    ("人工知能戦略本部の本部長は誰が務める？", "ai_act:22"),
    ("基本計画は毎年見直すの？", "plan:4.2"),
    ("富岳NEXTの開発", "plan:3.2.4.2"),
    ("AIが作ったコンテンツを見分ける技術の開発支援", "plan:3.3.1.5"),
])
def test_hybrid_puts_the_answering_place_first(assistant, question, top):
    hits = assistant.retriever.search(question, k=5)
    assert hits[0].chunk.key == top


def test_a_document_name_says_where_to_look_not_what_about(assistant):
    retriever = assistant.retriever
    words = retriever.words(normalize_query("基本計画だとAIエージェントについて何か書いてある？"))
    assert "エージェント" in words and "計画" not in words  # 第18条 says 基本計画 most: it outranked the plan's 1.2
    assert retriever.search("人工知能基本計画に、自動運転のことは書いてある？", k=3)[0].chunk.key == "plan:3.2.2.1"
    assert "計画" in retriever.words(normalize_query("基本計画は誰が作るの？"))  # no other noun: the name is the subject
    assert retriever.search("基本計画は誰が作るの？", k=3)[0].chunk.key == "ai_act:18.1"



def test_an_ask_hears_the_message_it_was_taken_from(assistant):
    """The ask as read drops the clause before 「…そうですが、」, which holds its subject; the whole message's ranking,
    one more fused list, brings the subject's measure (AI literacy teaching) up among the ask's own."""
    message = "国の計画では子ども向けのAIリテラシー教育に力を入れるそうですが、小さいうちから使わせて本当に平気なんでしょうか。"
    ask = assistant.read(message).asks[0].normalized  # the preamble's rare nouns (Ask.preamble) are not in it
    assert "リテラシー" not in ask
    whole = assistant.reader.normalize(message, focus=False)
    alone = [h.chunk.key for h in assistant.retriever.rank(ask, k=10)]
    heard = [h.chunk.key for h in assistant.retriever.rank(ask, k=10, message=whole)]
    assert "plan:3.4.3.6" not in alone and "plan:3.4.3.6" in heard[:3]


def test_a_message_is_embedded_once_for_retrieval_and_the_composer(assistant):
    """Retrieval, the sentence scorer and the scope checks embed the same text for an ask (the documents' terms the
    query stage appended included): a long message costs one embedding of each text it holds, not two."""
    message = ("町の診療所で事務をしています。予約の電話受付にAIの音声応答を入れる話が出ていますが、患者さんの個人情報の"
               "扱いが心配です。国の計画では医療分野のAI活用について何か書かれていますか。")
    assistant.ask(message)
    cached = list(assistant.retriever.embedder.__dict__.get("_query_cache", {}))
    spaced = {text.replace(" | ", " ") for text in cached if " | " in text}
    assert spaced and not spaced & set(cached)


def test_named_article_comes_first_in_any_notation(assistant):
    for question in ("第十八条には何が書いてある？", "18条の内容", "AI法第１８条"):
        assert assistant.retriever.search(question, k=5)[0].chunk.key.startswith("ai_act:18.")


def test_referenced_place_outranks_fusion(assistant):
    hits = assistant.retriever.search("第3章第2節(4)②について", k=5)
    assert hits[0].referenced and hits[0].chunk.ids == ("plan:3.2.4.2",)


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_single_retrievers_work_alone(assistant, mode):
    from planqa.retrieve import Retriever

    single = Retriever(assistant.retriever.index, assistant.retriever.embedder, RetrievalConfig(mode=mode),
                       names=assistant.corpus.names)
    hits = single.search("人工知能戦略本部長", k=3)
    assert hits and all(h.dense_score is None for h in hits) == (mode == "sparse")
    assert any(h.chunk.key == "ai_act:22" for h in hits)


def test_bad_retrieval_mode_is_rejected():
    with pytest.raises(ValueError, match="hybrid"):
        RetrievalConfig(mode="magic")


def test_options_and_diet_formulas_are_not_part_of_the_query():
    assert normalize_query("本部長は誰が務める？ ①内閣官房長官 ②内閣総理大臣") == "本部長は誰が務める?"
    q = normalize_query("政府は、AI法に基づき基本計画を策定するとしているが、同計画においてリスクへの対応をどう位置付けているのか、政府の見解を問う。")
    assert q.startswith("同計画においてリスクへの対応をどう位置付けているのか")
