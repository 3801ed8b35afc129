"""Multiple-choice items: options split from the stem and the option the documents single out."""

from __future__ import annotations

import pytest

from planqa.quiz import parse_options, pick_option, strip_quiz_markers


def test_options_are_split_from_the_stem():
    stem, options = parse_options("骨子の基本的な方針に含まれないものはどれか。A「AIを使う」 B「AIを創る」 C「AIを規制する」")
    assert stem == "骨子の基本的な方針に含まれないものはどれか。"
    assert options == [("A", "AIを使う"), ("B", "AIを創る"), ("C", "AIを規制する")]


def test_circled_and_katakana_options():
    assert parse_options("本部長は誰？ ①内閣官房長官 ②内閣総理大臣")[1] == [("①", "内閣官房長官"), ("②", "内閣総理大臣")]
    assert parse_options("正しいものを選べ。ア 内閣 イ 国会")[1] == [("ア", "内閣"), ("イ", "国会")]


@pytest.mark.parametrize("text", [
    "空欄補充：AI法は（ A ）に本部を置き、その長を（ B ）とする。A・Bに入る語は？",
    "次の「（　ア　）」と「（　イ　）」に入る語句を書け。本部長は（　ア　）、副本部長は（　イ　）。",
    "穴埋め：本部は【 A 】に置かれ、本部長には【 B 】が充てられる。AとBを答えよ。",  # labels in 【】 too
])
def test_the_labels_of_blanks_to_fill_are_not_options(text):
    assert parse_options(text) == (text, [])


def test_words_that_merely_contain_letters_are_not_options():
    text = "AI法とAISIについて教えて。"
    assert parse_options(text) == (text, [])


@pytest.mark.parametrize("stem", ["誤っているものはどれか。", "誤りはどれ？", "間違っているのは？", "不適切なものを選べ。",
                                  "あてはまらないものは？", "当てはまらないものは？", "書かれていないものはどれ？",
                                  "定められていないものはどれ？", "含まれないものは？"])
def test_negative_stem_names_the_one_option_not_in_the_documents(stem):
    verdict = pick_option(stem, [("A", "国"), ("B", "外国政府")], ["国は…責務を有する。"], [])
    assert verdict == "選択肢のうち、文書の該当箇所に見当たらないのはB「外国政府」です。", stem


@pytest.mark.parametrize("stem", ["含まれるものは？", "定められているのは？", "あてはまるのは？", "当てはまるものは？"])
def test_positive_stem_names_the_one_option_the_documents_hold(stem):
    verdict = pick_option(stem, [("A", "国"), ("B", "外国政府")], ["国は…責務を有する。"], [])
    assert verdict is not None and verdict.endswith("A「国」です。"), stem


def test_positive_stem_needs_exactly_one_option_in_the_quoted_answer():
    options = [("A", "科学技術・イノベーション基本法とデジタル社会形成基本法"), ("B", "個人情報保護法と著作権法")]
    quoted = ["「科学技術・イノベーション基本法」に基づく…計画、「デジタル社会形成基本法」に基づく…重点計画"]
    assert pick_option("正しい組合せを選べ。", options, quoted, []).endswith("A「科学技術・イノベーション基本法とデジタル社会形成基本法」です。")
    assert pick_option("正しいものはどれか。", [("A", "国"), ("B", "国民")], ["国及び国民"], []) is None  # both found


def test_two_numbered_asks_are_not_a_choice():
    text = ("回答案作成のため、(1)骨子における基本計画の変更の考え方、(2)計画を変更する際に法律上必要となる手続、"
            "を整理されたい。")
    assert parse_options(text) == (text, [])
    circled = "AI法は国際社会との関係について、①基本理念と②基本的施策のそれぞれでどのようなことを定めていますか。"
    assert parse_options(circled) == (circled, [])  # the sentence goes on past ②
    stem, options = parse_options("正しいものを選べ。(1) 内閣に置く (2) 内閣府に置く")
    assert [mark for mark, _ in options] == ["1", "2"]  # a stated choice of two stays a choice



@pytest.mark.parametrize("text, stripped", [
    ("【用語クイズ】AI法の条文で", "AI法の条文で"),
    ("【eラーニング確認テスト】骨子第2章", "骨子第2章"),
    ("○×クイズ：AI法では", "AI法では"),
    ("【穴埋め】次の", "次の"),
    ("○×クイズ：AI法に罰則はある。", "AI法に罰則はある。"),
    ("【穴埋め】AI法第26条", "AI法第26条"),
    ("問題点は何か", "問題点は何か"),  # a word, not a marker
])
def test_quiz_markers_are_dropped(text, stripped):
    assert strip_quiz_markers(text) == stripped


def test_an_option_stated_by_another_retrieved_place_than_the_one_quoted_is_picked(assistant):
    ans = assistant.ask("クイズ：人工知能戦略副本部長のしごととして正しいのはどれ？ 1 本部長の職務を助ける 2 法律を作る 3 予算を決める")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に書かれているのは1「本部長の職務を助ける」")
    assert [c.id for c in ans.citations] == ["ai_act:23.2"]  # the paragraph stating it, not 第1項 the stem found


@pytest.mark.parametrize("question, place, words", [
    ("骨子第2章の方針は「AIを使う」(AI利活用の加速的推進)、「AIを創る」(AI開発力の戦略的強化)、「AIの信頼性を高める」"
     "(AIガバナンスの主導)、「(　)」(AI社会に向けた継続的変革)の4つ。空欄を埋めよ。", "plan:2.2.4", "AIと協働する"),
    ("基本的な方針の一つ「AI利活用の加速的推進」は「（　　）」とも表される。空欄に入る言葉は？", "plan:2.2.1", "AIを使う"),
])
def test_a_blank_beside_one_form_of_a_heading_is_its_other_form(assistant, question, place, words):
    answer = assistant.ask(question)
    assert answer.citations[0].id == place and words in answer.answer.splitlines()[0], answer.answer


def test_a_negative_item_over_a_quoted_heading_is_weighed_against_that_heading_alone(assistant):
    ans = assistant.ask("次のうち「AI利活用推進で新しい事業や産業を創出」に挙げられていないものはどれ？ ア フィジカルAIの先導導入を"
                        "支援　イ スタートアップ等の支援　ウ 研究者のAI利活用を支援　エ 中小企業へのAI導入促進")
    assert ans.lines[0].text.startswith("選択肢のうち") and "エ「中小企業へのAI導入促進」" in ans.lines[0].text
    # an option worded unlike the measure (「…を支援」 for 「…支援」) is still found there: all its words are
    verdict = pick_option("含まれないものは？", [("1", "創薬AIの推進"), ("2", "富岳NEXTの開発")], ["創薬AIを推進する。"], [])
    assert verdict and "2「富岳NEXTの開発」" in verdict


def test_a_quiz_stems_one_quote_picks_the_one_quoted_place_holding_it(assistant):
    """The stem's answer quotes several places (the four policies); the one holding the stem's quote answers."""
    answer = assistant.ask("【クイズ】人工知能基本計画骨子の4つの基本的な方針のうち、括弧内で「AIを使う」と表現されているものは"
                           "どれでしょう。ア AI社会に向けた継続的変革　イ AI利活用の加速的推進　ウ AIガバナンスの主導　エ AI開発力の戦略的強化")
    assert [c.id for c in answer.citations] == ["plan:2.2.1"]
    assert answer.answer.startswith("該当するのは「AI利活用の加速的推進")


@pytest.mark.parametrize("question", [
    "【○×】人工知能関連技術の研究開発及び活用の推進に関する法律は、違反した企業から罰金を取る定めを置いている。",
    "次のうち正しいものを二つ選べ。ア AI法は、守らない会社に罰金を科す。イ AI法は、内閣に人工知能戦略本部を置く。"
    "ウ AI法は、本部長を内閣総理大臣とする。エ AI法は、生成AIの提供を許可制にしている。",
])
def test_a_quiz_statement_on_penalties_points_to_one_place_beside_the_acts_structure(assistant, question):
    """A true/false statement is settled by the Act's structure (no penal chapter); the manifest's first pointer
    (第16条, what the state does instead) follows, not each of them (第13条, 第7条): the item checks one claim."""
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited[:2] == ["ai_act:title", "ai_act:16.1"] and "ai_act:13.1" not in cited


def test_a_picked_option_is_backed_by_the_place_stating_it_alone(assistant):
    """The answer quoted 第3章第3節's lead (which names 広島AIプロセス) and a measure beside it on military AI; once the
    option is picked, only the place stating it backs the answer."""
    ans = assistant.ask("【4択】日本がG7の議長国だったときに立ち上げ、骨子でも国際協調の柱とされている生成AIのルールづくりの"
                        "枠組みはどれか。1 ブレッチリー宣言 2 広島AIプロセス 3 パリAIアクションサミット 4 国連AI諮問機関")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に書かれているのは2「広島AIプロセス」です。")
    assert [c.id for c in ans.citations] == ["plan:3.3"]


def test_a_picked_item_keeps_its_list(assistant):
    """An option stated by one item of a list (第20条第1項第1号) keeps the list's lead and its other items: a
    「すべて選べ」 item may need them."""
    ans = assistant.ask("【択一】AI法で人工知能戦略本部の事務とされているものはどれか。1 AI製品の型式認証 2 人工知能基本計画の案の作成"
                        "及び実施の推進 3 AI事業者への課徴金納付命令")
    assert {"ai_act:20.1", "ai_act:20.1.1", "ai_act:20.1.2"} <= {c.id for c in ans.citations}
