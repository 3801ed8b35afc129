"""Everyday wordings of one ask take the same answer: a case for each hand-written word alternative that no
evaluation question happens to use (README: rules). Without the word, each case is answered from the wrong
place or not at all (measured: 2026-11-30, fifth session)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "AI法を守らない会社にペナルティはあるの？", "悪質な会社はAI法で罰せられるの？", "AI法の刑事罰は？",
    "AI法違反で処罰されることはある？", "AI法の過料は？", "AI法の罰はどうなってる？", "AI法って刑事罰ある？",
    "罰が重くなるの？AI法で", "AIでディープフェイク作ったらAI法で捕まるの？", "AIで作った偽の画像を流したら逮捕されるの？AI法で",
])
def test_words_for_a_penalty_get_the_acts_structure(assistant, question):
    answer = assistant.ask(question)
    assert answer.citations[0].id == "ai_act:title" and "罰則の規定はありません" in answer.answer, question


def test_catching_a_criminal_is_no_penalty_ask(assistant):
    """「捕まえる」 is what the police do (the plan's measure against crime), not a penalty the Act sets."""
    answer = assistant.ask("AIを悪用した詐欺の犯人は捕まえられるの？")
    assert answer.route != "penalty" and "plan:3.3.1.3" in [c.id for c in answer.citations]


@pytest.mark.parametrize("question, place", [("AI人材の育成はどの機関がやるの？", "plan:3.4.3.1"),
                                             ("ガバメントAIって誰が進めるの？", "plan:3.1.1.1"),
                                             ("ガバメントAIは誰が主導するの？", "plan:3.1.1.1"),
                                             ("AIの安全性評価はどの庁がやるの？", "plan:3.3.1.4")])
def test_words_for_who_does_a_measure_take_the_ministry_route(assistant, question, place):
    answer = assistant.ask(question)
    assert answer.route == "ministry" and answer.citations[0].id == place, question


@pytest.mark.parametrize("question", [
    "AIサービスを始めるのにAI法で認可は必要？", "AI法でAI事業者の登録制はある？", "AI法に取締の規定はある？",
    "AI法で登録が必要になる？", "AI法だと届け出は要る？", "AI法でAIは規制されるの？",
])
def test_words_for_a_licence_get_the_acts_structure(assistant, question):
    assert "許可・登録・届出" in assistant.ask(question).answer, question


@pytest.mark.parametrize("question, phrase", [("総務省が関与している施策は？", "総務省が担当する施策"),
                                              ("経産省のやることって何？", "(経産省)が担当する施策"),
                                              ("文科省の仕事は？", "(文科省)が担当する施策"),
                                              ("総務省と経産省が共に担当する施策は？", "がともに担当する施策")])
def test_words_for_a_ministrys_work_list_its_measures(assistant, question, phrase):
    answer = assistant.ask(question)
    assert answer.route == "ministry_list" and phrase in answer.answer, question


@pytest.mark.parametrize("question", ["AI法の全体の構成を教えて", "AI法はどんな構成になってる？", "AI法の成立日はいつ？",
                                      "AI法の目次を見せて", "AI法は何章で構成されてる？"])
def test_words_for_the_acts_make_up_get_its_title_and_table_of_contents(assistant, question):
    assert [c.id for c in assistant.ask(question).citations] == ["ai_act:title"], question


@pytest.mark.parametrize("question", [
    "文科省と経産省がどちらも担当する施策は？", "総務省と経産省がいずれも担当する施策は？", "総務省と外務省が共同で担当する施策は？",
])
def test_words_for_together_list_the_measures_both_ministries_share(assistant, question):
    assert "ともに担当する施策" in assistant.ask(question).answer, question


@pytest.mark.parametrize("question, head", [
    ("厚労省が携わる施策は？", "厚生労働省(厚労省)が担当する施策"),
    ("防衛省の名前がある施策は？", "防衛省が担当する施策"),
    ("内閣府(AI室)が担当する施策を◎以外も含めて全部", "内閣府(AI室)が担当する施策(◎は主担当)"),
    ("デジタル庁が担当する施策を◎の有無を問わず教えて", "デジタル庁(デジ庁)が担当する施策(◎は主担当)"),
])
def test_words_for_taking_part_list_every_measure_of_the_ministry(assistant, question, head):
    assert assistant.ask(question).answer.startswith(head), question


@pytest.mark.parametrize("question", [
    "カナダのAI規制はどうなってる？", "フランスのAI法について教えて", "イギリスのAI政策は？", "英国のAI安全研究所との協力は？",
    "インドとのAI協力は？",  # another country's law or policy
    "AI法に賛成ですか？", "AI法に反対なの？", "AI法は悪い法律ですか？", "AI法についてどう思いますか？",  # the assistant's opinion
    "AI戦略本部長の任期は？", "基本計画の閣議決定の日付は？", "AI人材は何割増える？", "AI投資は何倍になる？",
    "AIを導入した会社は何社？", "AI担当大臣は何歳？",  # figures and dates the documents do not give
    "AIで訴訟を起こされたら？", "現職のAI担当大臣は？", "どの企業のAIが使われる？", "AI法の問い合わせ先は？",
    "現在、AI戦略本部の本部長を務めているのはどなたですか。",  # a person today
    "副本部長になっている担当大臣は現在どなたが務めていますか。",  # a person today, no comma
    "計画にあるAI半導体って、いつごろ完成する予定なの？",  # a date to come (いつごろ, read 何時頃)
    "第3章第2節(1)①の実証を請け負った会社の名前は？",  # a company, though the place is named by its number
    "計算資源の整備にはどれだけの予算が充てられるのか。",  # an amount
    "第3章第2節の取組には、それぞれいくらの予算が付くの？",  # an amount, though the place is named by its number
    "人材育成の取組に、総額でどれほどの経費を見込んでいるのか。",  # an amount: a how-much word near a word for money
    "AI基本計画の施策をやってる会社の社名は？", "基本計画は何月に決まる？",  # a company name, a month
    "AIのせいで仕事をなくした人に国から給付金は出ますか？",  # a benefit: the 雇用 appended for 仕事 is everyday only while 雇用 is in the table
    "AI戦略本部の住所は？", "AISIのセンター長はだれ？",  # a site, a person
    "AI法に基づいて国が指導した実績はありますか？", "基本計画の施策をやってる会社の名称は？",  # an event, a company
])
def test_near_misses_in_everyday_words_are_declined(assistant, question):
    assert assistant.ask(question).abstained, question


@pytest.mark.parametrize("question, place", [
    ("AIで実際に権利を侵害されたら、国は何かしてくれるの？", "ai_act:16.1"),  # 実際に: not a current affair
    ("戦略本部の事務って実際にはどこがやってるの？", "ai_act:2"),  # 「…って実際には」: an adverb, not the subject
])
def test_an_adverb_of_fact_is_no_near_miss(assistant, question, place):
    answer = assistant.ask(question)
    assert not answer.abstained and any(c.id.startswith(place) for c in answer.citations), question


def test_a_method_is_no_other_law(assistant):
    """評価手法 and 申請方法 end in 法 but name a method, not a law the documents lack."""
    answer = assistant.ask("AIの安全性評価手法の開発って国は何か取り組んでるの？")
    assert not answer.abstained and answer.citations[0].id == "plan:3.3.1.4", answer.answer
    assert assistant.ask("景品表示法ではAIの広告はどう扱われるの？").abstained  # a law the documents lack


def test_how_many_years_apart_is_answered_by_every_year(assistant):
    answer = assistant.ask("基本計画は何年おきに見直されるの？")
    assert not answer.abstained and answer.citations[0].id == "plan:4.2" and "毎年" in answer.answer


@pytest.mark.parametrize("question, place", [
    ("偽画像を作ったら？", "plan:3.3.1.5"), ("フェイク画像対策は？", "plan:3.3.1.5"),
    ("AIの助成金はある？", "ai_act:10.1"), ("AIに予算をつけるの？", "ai_act:10.1"),
    ("AIのために規制緩和する？", "plan:3.1.4.1"), ("市町村でAIを使うには？", "ai_act:5.1"),
    ("高校生のAI教育は？", "plan:3.4.3.6"), ("児童へのAI教育は？", "plan:3.4.3.6"),
    ("AIで悪いことをする人への対策は？", "ai_act:16.1"), ("AIを上手に使うための教育は？", "plan:3.4.3.6"),
    ("AIの使い方を学ぶ支援はある？", "plan:3.4.3.6"), ("AI法のねらいは？", "ai_act:1.1"),
    ("市民はAIについて何か求められてるの？", "ai_act:8.1"), ("中小の会社がAIを入れるときの支援は？", "plan:3.1.2.2"),
    ("日本はAIで遅れているの？", "plan:1.1"), ("AI法の趣旨は？", "ai_act:1.1"),  # each lost when its synonym went
    ("基本計画って国会で承認されないと決まらないんですか？", "ai_act:18.3"),  # 承認: decided by the cabinet
    ("AI基本計画って国会で審議されるんですか？", "ai_act:18.3"),  # 国会 alone: declined without it
])
def test_everyday_words_reach_the_documents_terms(assistant, question, place):
    assert assistant.ask(question).citations[0].id == place, question


@pytest.mark.parametrize("question", ["経産省が中心的に担当する施策は？", "経済産業省が主として担う取組はどれですか。",
                                      "経産省が主に担当しているのはどの施策？"])
def test_words_for_the_lead_list_the_measures_it_leads(assistant, question):
    assert assistant.ask(question).answer.startswith("経済産業省(経産省)が主担当(◎)の施策は4件です"), question


def test_a_kana_what_is_written_gets_the_whole_article(assistant):
    cited = [c.id for c in assistant.ask("AI法第3条にはなにが書いてある？").citations]
    assert cited[:4] == ["ai_act:3.1", "ai_act:3.2", "ai_act:3.3", "ai_act:3.4"]


@pytest.mark.parametrize("question, head", [
    ("文科省の職員です。当省が主担当の施策を教えてください。", "文部科学省(文科省)が主担当(◎)の施策"),
    ("経産省で働いています。弊省が関わっている取組を全部知りたい。", "経済産業省(経産省)が担当する施策"),
    ("警察庁で働いています。偽情報対策は総務省が中心と聞きましたが、当庁が主担当の施策はありますか。", "警察庁が主担当(◎)の施策"),
])
def test_our_ministry_is_the_one_the_message_names(assistant, question, head):
    """「当省」「弊省」 stand for the ministry the asker introduced themself from (query stage, ``_OWN_OFFICE``)."""
    answer = assistant.ask(question)
    assert not answer.abstained and head in answer.answer, (question, answer.answer)


@pytest.mark.parametrize("question", ["主担当じゃないけど総務省の名前が載ってる施策を教えて", "総務省が◎ではない施策を教えて"])
def test_not_the_lead_lists_the_measures_it_takes_part_in(assistant, question):
    """「主担当ではないが…」 asks beyond the ◎ measures (routes ``_ANY_MARK``)."""
    answer = assistant.ask(question)
    assert answer.answer.startswith("総務省が担当する施策(◎は主担当)"), answer.answer


def test_a_comparison_with_another_countrys_rules_is_declined(assistant):
    """The documents describe Japan's side only; the background clause naming the foreign rules is read too."""
    ans = assistant.ask("イギリスのAI規制は分野ごとの既存ルールで対応していると聞きました。日本のAI法とはどこが違うんですか？")
    assert ans.abstained
    assert not assistant.ask("日本のAI法には罰則がないって本当？EUみたいに厳しくはないの？").abstained  # no rules compared


def test_a_foreign_rule_in_the_background_leaves_a_penalty_ask_about_the_act(assistant):
    """「EUの…には制裁金があるけど、日本のAI法にも罰則はある？」: what is asked names the Act, so the Act's structure
    answers; a penalty ask about the foreign rule itself is still declined."""
    assert "罰則の規定はありません" in assistant.ask("EUのAI規則には制裁金があるけど、日本のAI法にも罰則はある？").answer
    assert assistant.ask("EUのAI法は罰則が厳しいけど、あっちの罰金っていくら？").abstained
