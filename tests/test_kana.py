"""Kana spellings of the documents' words, rewritten in kanji (real corpus, real tagger)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def reader(corpus):
    from planqa.kana import KanaReader

    return KanaReader(sec.text for sec in corpus)


@pytest.mark.parametrize("text, expected", [
    ("わたしたち こくみんは なにを", "わたしたち 国民は なにを"),
    ("AIせんりゃくほんぶの いちばん うえの", "AI戦略本部の いちばん うえの"),  # two words of the documents
    ("AIの けいかくは まいとし かわるの", "AIの 計画は 毎年 かわるの"),
    ("どんな きけんが かいて ありますか", "どんな 危険が かいて ありますか"),  # the dictionary's noun
    ("ふぃじかるAIって何のこと？", "フィジカルAIって何のこと？"),  # a katakana word of the documents
    ("えーあいほうって なに？", "AI法って なに？"),  # a compound with Latin letters, read by their names
    ("えーあいせんりゃくほんぶの ひと", "AI戦略本部の ひと"),
    ("ほんぶちょうは だれ", "本部長は だれ"),  # part of 人工知能戦略本部長, its suffix 長 included
    ("じちたいも なにか するの", "自治体も なにか するの"),  # part of 地方自治体
])
def test_kana_words_are_written_as_the_documents_write_them(reader, text, expected):
    assert reader.rewrite(text) == expected


@pytest.mark.parametrize("text", [
    "同法の基本理念はこうした事態に如何に対処するのか",  # こうした is not 項+下
    "骨子の第2章〜第4章はそれぞれ法律のどの部分に対応しているか",
    "自治体でAIを使うのを後押しする施策",  # okurigana of 押 stays
    "AI法について教えてください。どのようなことが書かれていますか",
])
def test_ordinary_kana_is_left_alone(reader, text):
    assert reader.rewrite(text) == text


@pytest.mark.parametrize("question, place", [
    ("くにの AIの けいかくは まいとし かえるのですか。", "plan:4.2"),
    ("AIせんりゃくほんぶの ほんぶちょうには だれが なりますか。", "ai_act:22.1"),
    ("こくみんが やらなければ いけない ことは、AIの ほうりつに かいて ありますか。", "ai_act:8.1"),
    ("ことし 85さいに なりました。AIが すこし しんぱいです。くにの けいかくでは AIの きけんを どう かいて いますか。", "plan:1.4"),
])
def test_questions_in_easy_japanese_find_their_place(assistant, question, place):
    ans = assistant.ask(question)
    assert place in [c.id for c in ans.citations]
    assert ans.question == question  # the asker's own spelling is what history keeps
