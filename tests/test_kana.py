"""Kana spellings of the documents' words, rewritten in kanji (real corpus, real tagger)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def reader(corpus):
    from planqa.kana import KanaReader

    return KanaReader.learn(sec.text for sec in corpus)


@pytest.mark.parametrize("text, expected", [
    ("わたしたち こくみんは なにを", "わたしたち 国民は なにを"),
    ("AIせんりゃくほんぶの いちばん うえの", "AI戦略本部の いちばん うえの"),  # two words of the documents
    ("AIの けいかくは まいとし かわるの", "AIの 計画は 毎年 かわるの"),
    ("どんな きけんが かいて ありますか", "どんな 危険が かいて ありますか"),  # the dictionary's noun
    ("ふぃじかるAIって何のこと？", "フィジカルAIって何のこと？"),  # a katakana word of the documents
    ("えーあいほうって なに？", "AI法って なに？"),  # a compound with Latin letters, read by their names
    ("えーあいせんりゃくほんぶの ひと", "AI戦略本部の ひと"),
    ("あいほうには なにが かいてあるの", "AI法には なにが かいてあるの"),  # its Latin word read as romaji too
    ("AIほうで きまったことは", "AI法で きまったことは"),  # the Latin word typed, the rest in hiragana
    ("新しいAI方って登録いるの？", "新しいAI法って登録いるの？"),  # …or in a kanji of the same reading
    ("AI方針とAI方面", "AI方針とAI方面"),  # a kanji word after the Latin one stays
    ("AIせんりゃくほんぶって どこ", "AI戦略本部って どこ"),
    ("ほんぶちょうは だれ", "本部長は だれ"),  # part of 人工知能戦略本部長, its suffix 長 included
    ("じちたいも なにか するの", "自治体も なにか するの"),  # part of 地方自治体
    ("ちゅうしょうきぎょうの はなし", "中小企業の はなし"),  # a compound with prefixes (中 + 小 + 企業), not 抽象
    ("じせだいの いんふら", "次世代の インフラ"),
    ("aisiって何？", "AISIって何？"),  # Latin words in the documents' case
    ("Ai法とpdcaの関係", "AI法とPDCAの関係"),
    ("Please, ai", "Please, AI"),  # a word the documents do not write stays as typed
    ("骨子の「かいよりはじめよ」って誰が", "骨子の「隗より始めよ」って誰が"),  # a phrase the documents quote, read whole
    ("ガバメンドAIの担当は", "ガバメントAIの担当は"),  # a katakana word one letter off the documents' spelling
    ("ディープフェイクとエージェンシー", "ディープフェイクとエージェンシー"),  # words the bank writes, or two letters off
])
def test_kana_words_are_written_as_the_documents_write_them(reader, text, expected):
    assert reader.rewrite(text) == expected


def test_a_latin_word_that_is_no_romaji_gives_no_reading(reader):
    """PDCA or GPAI read as romaji would start with a doubled consonant (ッッカ…); nobody types that, so no such
    reading is learned (AI法's アイホウ is)."""
    assert reader.words.get("アイホウ") == "AI法"
    assert not any(reading.startswith("ッ") for reading in reader.words)


@pytest.mark.parametrize("text", [
    "同法の基本理念はこうした事態に如何に対処するのか",  # こうした is not 項+下
    "骨子の第2章〜第4章はそれぞれ法律のどの部分に対応しているか",
    "自治体でAIを使うのを後押しする施策",  # okurigana of 押 stays
    "AI法について教えてください。どのようなことが書かれていますか",
    "AI法ってどういうこと？",  # mostly kana, read word by word: どうい|う is not 同意
    "仕事がなくなる人もいるけど、国はそのへんどう考えてるのかな",  # much kana but kanji words too: not その変動
    "AIに仕事とられへんか心配やねん",  # not とられ変化
    "AIはどう変わる",  # no compound reads エーアイハ
    "これで問題ないという理解でしょうか",  # a run opening inside an ending (で|しょうか) is no noun (仕様)
])
def test_ordinary_kana_is_left_alone(reader, text):
    assert reader.rewrite(text) == text


@pytest.mark.parametrize("question, place", [
    ("くにの AIの けいかくは まいとし かえるのですか。", "plan:4.2"),
    ("AIせんりゃくほんぶの ほんぶちょうには だれが なりますか。", "ai_act:22.1"),
    ("こくみんが やらなければ いけない ことは、AIの ほうりつに かいて ありますか。", "ai_act:8.1"),
    ("ことし 85さいに なりました。AIが すこし しんぱいです。くにの けいかくでは AIの きけんを どう かいて いますか。", "plan:1.4"),
    ("ai法の9条にはなにが書いてあるの？", "ai_act:9.1"),  # typed in lower case: the law and its article still found
    ("AIエージョントって骨子ではどんな意味？", "plan:1.2"),  # the mistyped word defined where the documents define it
    ("えーあいほうって じんこうちのうを どう ていぎしてるの", "ai_act:2.1"),
    ("AIほうって、ふつうの ひとにも やらないと いけないこと あるの？", "ai_act:8.1"),  # 国民の努力, not a measure
])
def test_questions_in_easy_japanese_find_their_place(assistant, question, place):
    ans = assistant.ask(question)
    assert place in [c.id for c in ans.citations]
    assert ans.question == question  # the asker's own spelling is what history keeps


@pytest.mark.parametrize("text, written", [
    ("えーあいで つくった にせものの しゃしんを みわける ぎじゅつは あるの", ["偽物", "見分ける", "技術"]),
    ("えーあいほうってばっそくとかあるんだっけ", ["AI法", "罰則"]),  # 罰則: a word of the bank, not the documents
    ("にほんのえーあいのほうしんってなに", ["日本", "方針"]),  # にほん as read, though 日本's dictionary form is ニッポン
    ("えーあいのほうりつは なにを ていぎしてるんですか", ["定義"]),  # an article's caption (定義), used as a verb
    ("じんこうちのうせんりゃくほんぶの じむは どこが しょりするの", ["事務"]),  # two kana and a particle, set apart
    ("えーあいの さぎって けいさつが とりしまって くれるの", ["詐欺", "取り締まって"]),  # 詐欺 as the documents spell
    # its reading (the dictionary's lemma is 鷺); 取り締まる, whose kanji stem the bank writes
    ("きのう まごから へんな でんわが あったの", ["昨日"]),  # a time word, not the documents' 機能 of that reading
])
def test_a_message_mostly_in_hiragana_is_read_word_by_word(assistant, text, written):
    """Inside a run the documents' words do not spell whole, the words the documents or the bank write in kanji
    are found one by one (``KanaReader._partial``), verbs with their endings."""
    read = assistant.kana.rewrite(text)
    assert all(w in read for w in written), read


def test_a_loanword_in_hiragana_is_written_as_the_bank_writes_it(assistant):
    """A katakana word of the question bank the documents never use, spelled in hiragana (でぃーぷふぇいく)."""
    assert assistant.kana.rewrite("でぃーぷふぇいくってどうやって見分けるの") == "ディープフェイクってどうやって見分けるの"


def test_ordinary_text_keeps_its_kana_when_words_are_found_one_by_one(assistant):
    text = "法律に書いてないこまかいことはどこで決めるのですか"  # こまかいこと is not 細解雇 (bank words need 4 kana)
    assert assistant.kana.rewrite(text) == text


def test_a_kana_question_about_forged_images_finds_the_detection_measure(assistant):
    answer = assistant.ask("AIがつくったにせものの写真をみわけるぎじゅつ、国はなにかしてるの？")
    assert [c.id for c in answer.citations][:1] == ["plan:3.3.1.5"], answer.answer


@pytest.mark.parametrize("text, expected", [
    ("AI戦略本部の本部超って誰がなるの", "AI戦略本部の本部長って誰がなるの"),  # 本部 + 超: not one word
    ("国の責無ってどこに書いてある", "国の責務ってどこに書いてある"),
    ("機関投資家はAIにどれだけ投資してる？", "機関投資家はAIにどれだけ投資してる？"),  # a word the documents lack
    ("明日の大阪の天気", "明日の大阪の天気"),
])
def test_kanji_typed_with_a_wrong_homophone_are_spelled_as_the_documents_do(assistant, text, expected):
    assert assistant.kana.rewrite(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("デジタル社会形城基本法との関係は？", "デジタル社会形成基本法との関係は？"),  # 城 for 成: not a homophone
    ("地方公兵団体にも責務があるの？", "地方公兵団体にも責務があるの？"),  # not a law's name: left to retrieval
    ("特定秘密保護法は関係ある？", "特定秘密保護法は関係ある？"),  # no name of the documents is one kanji away
])
def test_a_laws_name_with_one_wrong_kanji_is_spelled_as_the_documents_do(assistant, text, expected):
    assert assistant.kana.rewrite(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("AIの基本計隔はいつ変わる？", "AIの基本計画はいつ変わる？"),  # 隔: no reading in this dictionary
    ("人工知能戦略本部の正式名所は？", "人工知能戦略本部の正式名称は？"),  # 名所: a word no text writes
    ("デジタル社会の重点計面って何？", "デジタル社会の重点計画って何？"),
    ("令和六年法律第五十三号は正しい？", "令和六年法律第五十三号は正しい？"),  # a numeral is an answer, not a typo
    ("AI関連投資額は？", "AI関連投資額は？"),  # 額: a word the dictionary reads
])
def test_a_compound_with_one_unwritten_kanji_is_spelled_as_the_documents_do(assistant, text, expected):
    assert assistant.kana.rewrite(text) == expected


def test_a_mistyped_laws_name_is_not_declined_as_another_law(assistant):
    ans = assistant.ask("人工知能の施策はデジタル社会形城基本法と相まって進めるの？")
    assert not ans.abstained and "ai_act:1.1" in [c.id for c in ans.citations], ans.answer


@pytest.mark.parametrize("question, place", [
    ("AI法の基本理年ってなに？", "ai_act:3.1"),  # declined or answered from 第1条 before the respelling
    ("じんこうちのう戦略本部の本部超はだれがやるの", "ai_act:22.1"),
])
def test_questions_with_a_homophone_typo_find_their_place(assistant, question, place):
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations][:1] == [place], ans.answer


def test_a_documents_name_written_in_hiragana_is_read_as_its_name(assistant):
    """The documents' names (label, title, aliases of the manifest) are learned like their words: 骨子 is the outline's
    label and never written in its text, so 「こっし」 was left as typed; its four policies are now found."""
    assert assistant.kana.rewrite("こっしの よっつの ほうしんって なに？") == "骨子の 4つの 方針って なに？"
    assert assistant.ask("こっしの よっつの ほうしんって なに？").citations[0].id == "plan:2.2"


def test_a_count_in_hiragana_is_read_in_digits_but_a_quiz_count_in_kanji_stays(assistant):
    assert assistant.kana.rewrite("ほうしんは みっつ あるの？") == "方針は 3つ あるの？"  # the documents write 3つ
    assert assistant.kana.rewrite("次のうち正しいものを一つ選べ。") == "次のうち正しいものを一つ選べ。"
