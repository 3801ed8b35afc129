"""Asks for a view or a judgement get what the documents say on the subject, framed as such."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planqa.answer import OPINION_FRAME


@pytest.mark.parametrize("question, place", [
    ("AIを使う会社の責務について政府の見解を伺いたい", "ai_act:7.1"),
    ("国はAI人材の育成にもっと力を入れるべきではないですか", "plan:3.4"),
    ("AI人材が足りないと言われている。人材の育成・確保について政府の認識を伺う。", "plan:3.4"),
    ("生成AIと著作権の問題について、政府はどうお考えですか。", "ai_act:3.4"),
    ("AIの安全性の評価について政府はどう考えているのか。", "plan:3.3"),
])
def test_a_should_or_view_question_gets_the_documents_text_under_a_framing_line(assistant, question, place):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.answer.startswith(OPINION_FRAME + "\n")
    assert any(c.id == place or c.id.startswith(place + ".") for c in answer.citations)


def test_a_plain_question_is_not_framed(assistant):
    assert not assistant.ask("AIを使う会社の責務は何ですか").answer.startswith(OPINION_FRAME)


def test_a_long_view_question_is_briefed_from_each_document_close_to_the_top(assistant):
    """A long should/view ask on a subject both documents treat quotes the best place of each (briefing)."""
    from dataclasses import replace

    question = "日本は国際的なAIのルール作りで受け身ではなく主導的な立場をとるべきだと考えるが、政府の認識を伺う。"
    briefed = assistant.ask(question)
    docs = [c.id.split(":")[0] for c in briefed.citations]
    assert "plan" in docs and "ai_act" in docs
    original = assistant.config
    try:
        assistant.config = replace(original, briefing_margin=0.0)
        single = assistant.ask(question)
    finally:
        assistant.config = original
    assert {c.id.split(":")[0] for c in single.citations} == {"plan"}  # one document without the briefing


def test_a_view_on_funding_is_answered_and_an_amount_ask_declined(assistant):
    """Mentioning the budget does not make an ask about an amount; asking how much it is does."""
    view = assistant.ask("AIの研究にはお金がかかる。国が予算面でもっと責任を持って支えるべきではないか、政府の見解を伺いたい。")
    assert not view.abstained and view.answer.startswith(OPINION_FRAME)
    for ask in ("AI本部の運営経費として来年度にどれだけの額を計上する予定ですか。", "AI関連の予算の総額は？"):
        assert assistant.ask(ask).abstained


def test_a_view_asked_after_a_fact_frames_the_whole_answer_once(assistant):
    answer = assistant.ask("AI法の目的は何？それと、政府は規制を強めるべきではないか？")
    assert answer.answer.startswith(OPINION_FRAME + "\n") and answer.answer.count(OPINION_FRAME) == 1


@pytest.mark.parametrize("question", [
    "AIの人材育成って、今のやり方で足りてるの？国はもっと力を入れるべきじゃない？",  # 今の: a view of today's plan
    "中国やアメリカに追いつくために、日本はどの分野で勝負すべきだと政府は考えているのか。",  # countries, in a view
])
def test_a_view_naming_today_or_another_country_is_answered_from_the_documents(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations, question
    assert assistant.ask("今のAI担当大臣って誰なの？").abstained  # a fact of today, not a view: still declined


@pytest.mark.parametrize("question", ["国際的なルール作りを日本が主導する意味ってあるの？アメリカは乗り気じゃないのに",
                                      "首相がトップの本部をわざわざ作る意味があるのか。"])
def test_does_it_mean_anything_asks_a_view(assistant, question):
    """「〜って意味あるの？」 asks whether a measure is worth it: a view, answered from the documents under the framing
    line, and another country named in it does not decline it."""
    answer = assistant.ask(question)
    assert answer.answer.startswith(OPINION_FRAME + "\n") and answer.citations, answer.answer


def test_another_country_in_a_views_background_does_not_decline_it(assistant):
    """「韓国では…と聞きました。日本も…禁止すべきではないでしょうか。」: the country stands before what is asked, which is
    about Japan: the view is answered; a view asking Japan's standing against a country named in the ask is not."""
    answer = assistant.ask("韓国では性的な偽画像の所持まで罰せられるようになったと聞きました。日本も偽の画像を作ったり広めたり"
                           "することを、はっきり法律で禁じるべきではないでしょうか。")
    assert not answer.abstained and "ai_act:3.4" in [c.id for c in answer.citations], answer.answer
    assert assistant.ask("シンガポールと比べて日本の行政のAI活用はどれほど遅れていると政府は見ているのか。").abstained


def test_forever_is_no_when_question(assistant):
    """「いつまでも」 (forever) asks no date: the view is answered, while 「いつまでに」 still asks one."""
    answer = assistant.ask("ルール作りにこだわっていたら、いつまでもAIの活用が進まないのではないか。政府はどう考えているのか。")
    assert not answer.abstained and answer.answer.startswith(OPINION_FRAME)
    assert assistant.ask("AI基本計画はいつまでに閣議決定されるの？").abstained


def test_how_do_you_see_it_asks_a_view(assistant):
    """「どう思ってるの」 asks for a view as 「どう考えているのか」 does."""
    answer = assistant.ask("AIの研究開発を国が後押しすることについて、政府はどう思っていますか。")
    assert not answer.abstained and answer.answer.startswith(OPINION_FRAME)


@pytest.mark.parametrize("question", [
    "いまの日本のAIの開発力を、政府はどう見てるの？",
    "AIが雇用に与える影響を政府はどう捉えているのか",
])
def test_how_the_government_sees_something_asks_a_view(assistant, question):
    """「どう見ている」「どう捉えている」 ask for a view as 「どう考えている」 does: what the documents say, framed, even
    when the subject is today's (いまの)."""
    ask = assistant.read(question).asks[0]
    answer = assistant.ask(question)
    assert ask.opinion and not answer.abstained and answer.answer.startswith(OPINION_FRAME)


@pytest.mark.parametrize("question, place", [
    ("今のルールのままで、AIで作った偽の画像への対策は大丈夫なの？", "plan:3.3.1.5"),
    ("今の体制のままでAI人材の育成は大丈夫なのかな", "plan:3.4"),
])
def test_is_it_all_right_asks_a_view_even_of_today(assistant, question, place):
    """「…で大丈夫なの？」 asks for a judgement: today's arrangements (今の) are the subject, not a fact of today."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.answer.startswith(OPINION_FRAME)
    assert any(c.id == place or c.id.startswith(place + ".") for c in answer.citations)


def test_a_view_is_briefed_from_the_other_document_only_when_the_bank_puts_it_there(assistant):
    """Liability for AI accidents is a plan subject (第3章第4節(2)②); the place classifier puts almost none of the
    question on the Act, so the Act's best sentence (第4条, the state's duty) no longer joins the briefing."""
    question = "AIで事故が起きたら、誰が責任を取るのかをはっきり決めるべきではないか。政府はどう考えるのか。"
    shares = assistant.retriever.index.document_shares(
        assistant.retriever.embedder.query(assistant.read(question).asks[0].normalized))
    assert shares["ai_act"] < assistant.config.briefing_share < shares["plan"]
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited[0] == "plan:3.4.2.2" and not any(c.startswith("ai_act:") for c in cited)
    config = assistant.config
    assistant.config = replace(config, briefing_share=0.0)
    try:
        assert any(c.id.startswith("ai_act:") for c in assistant.ask(question).citations)
    finally:
        assistant.config = config


def test_a_view_answered_from_a_measure_also_quotes_its_sections_lead_when_close(assistant):
    """A view on jobs lost to AI is answered from a measure of 第3章第4節; the section's own lead (its direction over the
    measures) scores within ``lead_margin`` of it and joins; without the setting the measure stands alone."""
    question = "雇用がAIに奪われる心配について政府の見解を問う。"
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited[0].startswith("plan:3.4.") and "plan:3.4" in cited
    config = assistant.config
    assistant.config = replace(config, lead_margin=None)
    try:
        assert "plan:3.4" not in [c.id for c in assistant.ask(question).citations]
    finally:
        assistant.config = config


def test_a_view_answered_from_a_sections_lead_also_quotes_the_best_measure_inside_it(assistant):
    """「行政こそ先に…べきでは？」 is answered from 第3章第1節's lead (the direction: use AI, the government first), beside
    the Act's 第4条第2項 (the state's own use, which the bank puts first); the measure under the lead that says what the
    government does (3 §1 (1)①, ガバメントAI) joins; without the setting it does not."""
    question = "行政こそ先にAIを使いこなすべきでは？政府はどう考えてるの？"
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited[:3] == ["ai_act:4.2", "plan:3.1", "plan:3.1.1.1"]
    config = assistant.config
    assistant.config = replace(config, inner_margin=None)
    try:
        assert not any(c.id.startswith("plan:3.1.") for c in assistant.ask(question).citations)
    finally:
        assistant.config = config


def test_a_chat_messages_short_statement_before_its_one_ask_is_heard_by_retrieval(assistant):
    """「…に住んでいます。…国はAIをどう生かしていくつもり？」: the ask alone names no subject; the statement does."""
    question = "災害の多い地域に住んでいます。安全に暮らせるようにするために、国はAIをどう生かしていくつもりなのでしょうか。"
    assert assistant.read(question).asks[0].background == "災害の多い地域に住んでいます。"
    assert "plan:1.2" in [c.id for c in assistant.ask(question).citations]  # 「防災を含む安全・安心な国民生活」


@pytest.mark.parametrize("question, place", [
    ("AIの普及で経理などの事務の仕事が減るという予測記事を読んだ。働く人への影響について、政府はどう備えるつもりなのだろうか。",
     "plan:3.4.2.4"),
    ("市役所の窓口はいつも混んでいて職員さんも足りていない。国は自治体のAI導入をもっと後押ししていくべきではないですか。",
     "plan:3.1.1.3"),
])
def test_the_background_of_an_ask_does_not_take_it_out_of_scope(assistant, question, place):
    """Words the documents never use (経理, 窓口) in the statement before the ask are no sign of another subject."""
    answer = assistant.ask(question)
    assert not answer.abstained and place in [c.id for c in answer.citations]
