"""Splitting a message into the questions it asks."""

from __future__ import annotations

import pytest

from planqa.asks import split_asks


def test_diet_question_splits_into_its_numbered_asks():
    text = ("同法は国の行政機関においてもAIの積極的な活用を進めるものとしている。ついては、第一に、同法が国の行政機関における"
            "活用を求める目的は何か。第二に、骨子(案)において政府内のAI利活用を主として所管する府省庁はいずれか。それぞれ政府の見解を問う。")
    assert split_asks(text) == ["同法が国の行政機関における活用を求める目的は何か。",
                                "骨子(案)において政府内のAI利活用を主として所管する府省庁はいずれか。"]


@pytest.mark.parametrize("wonder", ["のかも気になっています。", "のかも気になってます。", "のかも疑問です。"])
def test_an_ask_put_as_what_one_wonders_is_an_ask_of_its_own(wonder):
    """「…のかも気になっています。」 asks as 「…のか？」 does: beside another ask it is not a statement to drop."""
    text = f"国が事業者に指導や助言をするのはどんなときですか？あと、指導に従わない会社の名前が公表される{wonder}"
    assert split_asks(text) == ["国が事業者に指導や助言をするのはどんなときですか？",
                                f"あと、指導に従わない会社の名前が公表される{wonder}"]


def test_also_starts_a_new_ask():
    asks = split_asks("同法は地方公共団体の責務をいかに規定しているのか。また、骨子において自治体のAI利活用を担う府省はいずれか。")
    assert len(asks) == 2 and asks[1].startswith("骨子において")


@pytest.mark.parametrize("joint", ["さらに、", "併せて、"])
def test_further_and_together_start_a_new_ask_inside_one_sentence(joint):
    asks = split_asks(f"AI法は国の責務をどのように定めているのか、{joint}骨子で自治体のAI利活用を主に担う府省庁はどこか。")
    assert len(asks) == 2 and asks[1].startswith("骨子で自治体"), joint


def test_each_of_coordinated_subjects_is_asked_on_its_own():
    assert split_asks("人工知能戦略本部の本部長と副本部長はそれぞれ誰が務めるのか。") == [
        "人工知能戦略本部の本部長は誰が務めるのか。", "人工知能戦略本部の副本部長は誰が務めるのか。"]
    assert split_asks("地方公共団体、研究開発機関及び活用事業者には、それぞれどんな責務があるの？") == [
        "地方公共団体にはどんな責務があるの？", "研究開発機関にはどんな責務があるの？", "活用事業者にはどんな責務があるの？"]


def test_a_short_second_ask_keeps_the_subject_of_the_first():
    assert split_asks("AISIってなんの略？なにするとこ？") == ["AISIってなんの略？", "AISIってなんの略？ なにするとこ？"]


@pytest.mark.parametrize("text", [
    "AI法に罰則はある？",
    "戦略本部?の長には誰がなるの",  # a hedging 「?」 inside one ask
    "次のうちAI法に定められていないものはどれか。A 国の責務 B 罰則 C 基本計画",  # a quiz is one ask
    "【穴埋め】AI法第1条は、国民生活の向上及び（　）の健全な発展に寄与することを目的とする。",
    "骨子の第4章について、法律上対応する事項と中の節の構成を教えてください。",
])
def test_one_ask_stays_whole(text):
    assert split_asks(text) == [text]


def test_numbered_sub_asks_carry_the_main_ask():
    asks = split_asks("政府は如何なる体制でフォローアップを行う方針か。一　推進体制の中心となる組織は何か。二　有識者の意見は如何なる場で聴取するのか。")
    assert asks[1:] == ["政府は如何なる体制でフォローアップを行う方針か。 推進体制の中心となる組織は何か。",
                        "政府は如何なる体制でフォローアップを行う方針か。 有識者の意見は如何なる場で聴取するのか。"]


def test_an_ask_pointing_back_at_the_previous_one_keeps_it():
    asks = split_asks("本部が協力を求めることができる相手は誰か。また、これらの者以外の者に対しては如何なる対応が可能か。")
    assert asks[1] == "本部が協力を求めることができる相手は誰か。これらの者以外の者に対しては如何なる対応が可能か。"


def test_numbered_sub_asks_after_a_preamble_carry_the_preamble():
    asks = split_asks("骨子案第四章は基本計画を毎年変更するとしていると承知している。\n一　有識者の意見はいかなる場で聴取するのか。"
                      "\n二　関係する他の計画との関係をいかに整理するのか。\n政府の見解如何。")
    assert asks == ["骨子案第四章は基本計画を毎年変更するとしていると承知している。 有識者の意見はいかなる場で聴取するのか。",
                    "骨子案第四章は基本計画を毎年変更するとしていると承知している。 関係する他の計画との関係をいかに整理するのか。"]


def test_a_conditional_follow_up_keeps_the_ask_it_depends_on():
    asks = split_asks("本部は民間の事業者にも協力を求めることができるのか。できるとすれば、いかなる要件の下で可能か。")
    assert asks[1] == "本部は民間の事業者にも協力を求めることができるのか。できるとすれば、いかなる要件の下で可能か。"


def test_a_question_mark_inside_quotes_does_not_split():
    text = "「政府自らが率先してAIを使う姿勢を表す故事成語は？」答えと箇所を確認させてください。"
    assert split_asks(text) == [text]


def test_statements_about_the_asker_before_one_ask_are_dropped():
    text = ("社会科の授業でAIの危険を取り上げるつもりです。国の計画の骨子は、AIのリスクをどんな種類に分けて、"
            "それぞれにどんな具体例を示していますか。")
    assert split_asks(text) == [text[text.index("国の計画"):]]
    text = "骨子は広島AIプロセスに触れている。グローバルサウスとの協力に関するものはいかなるものか。担当府省を含めて答弁を求める。"
    assert split_asks(text) == [text[text.index("グローバル"):]]  # what follows the ask stays


def test_what_the_asker_heard_is_kept_with_the_ask():
    text = "AIとの関係で個人情報保護法を改める話が出ていると聞きました。骨子ではそれがどんな内容で、どこの担当になっていますか。"
    assert split_asks(text) == [text]


def test_an_ask_pointing_back_at_a_word_of_the_statement_before_keeps_it(assistant):
    text = "英国の規制では、AIの開発者に高額な罰金を科す仕組みがあるようだ。日本でも参考にすべきだと思うが、その罰金の額は最大でいくらなのか。"
    assert split_asks(text) == [text]  # 「その罰金」 is the British fine: the Act's lack of penalties does not answer it
    assert assistant.ask(text).abstained


@pytest.mark.parametrize("text, asks", [
    ("AI for Scienceって何、担当はどこの省なの", ["AI for Scienceって何？", "AI for Scienceって何？ 担当はどこの省なの"]),
    ("AI法って何、簡単に教えて", ["AI法って何、簡単に教えて"]),  # one ask: no second question word
])
def test_two_asks_joined_by_a_comma_after_a_question_word(text, asks):
    assert split_asks(text) == asks


def test_a_numbered_ask_that_stands_alone_drops_the_preamble():
    asks = split_asks("AIガバナンスをめぐっては各国・地域で規範づくりが進み、我が国の発言力の確保が課題であるとの指摘がある。"
                      "一　AI法は、国際協力について国にいかなる取組を求めているか。"
                      "二　我が国も同様の取組を骨子に盛り込んでいるのか。")
    assert asks[0] == "AI法は、国際協力について国にいかなる取組を求めているか。"
    assert asks[1].startswith("AIガバナンスをめぐっては")  # 「同様の」 leans on what came before


def test_doko_no_is_no_back_reference():
    assert split_asks("AISIってなに？どこの担当？") == ["AISIってなに？", "AISIってなに？ どこの担当？"]  # どこの ≠ この


def test_numbered_asks_lean_on_the_stated_topic_not_the_criticism():
    asks = split_asks("人工知能戦略本部の運営について伺う。本部が形だけの会議体になり、省庁の縦割りが温存されるとの懸念が根強い。"
                      "一　本部長には誰が就くのか。二　本部の事務はどの機関が処理するのか。")
    assert asks == ["人工知能戦略本部の運営 本部長には誰が就くのか。", "人工知能戦略本部の運営 本部の事務はどの機関が処理するのか。"]


def test_same_law_is_the_short_name_said_before():
    asks = split_asks("AI法の国際協力について質問する。同法は推進法にすぎず、各国との連携が後回しになるとの批判がある。"
                      "一　同法は国際的な規範の策定に関してどのような施策を講ずるとしているか。二　同法における国際協力の担い手は誰か。")
    assert asks == ["AI法の国際協力 AI法は国際的な規範の策定に関してどのような施策を講ずるとしているか。",
                    "AI法の国際協力 AI法における国際協力の担い手は誰か。"]  # 推進法 in the criticism is not the law


def test_a_full_title_is_not_copied_into_a_later_same_law():
    text = ("人工知能関連技術の研究開発及び活用の推進に関する法律は国の責務を定めている。"
            "一　同法において、国の行政機関が人工知能関連技術を活用する目的は何か。")
    assert split_asks(text)[0].endswith("同法において、国の行政機関が人工知能関連技術を活用する目的は何か。")


def test_asking_whether_a_document_covers_the_ask_is_no_new_ask():
    assert split_asks("AIで農業ってどう変わるの？計画に書いてある？") == ["AIで農業ってどう変わるの？計画に書いてある？"]
    assert len(split_asks("AIで農業ってどう変わるの？担当はどこ？")) == 2  # a real second ask stays


def test_a_lead_in_formula_before_numbered_asks_asks_nothing():
    asks = split_asks("AIの活用が地方で遅れているとの声がある。そこで以下伺いたい。一、自治体の責務は何か。二、国の役割は何か。")
    assert not any(a.startswith("そこで") for a in asks) and len(asks) == 2


def test_ni_tsuite_wa_is_no_enumerator():  # 「…については、」 keeps its subject with the statement
    asks = split_asks("人工知能戦略本部については、形骸化を懸念する声がある。一　本部長は誰か。二　本部員は誰か。")
    assert asks[0] == "人工知能戦略本部については、形骸化を懸念する声がある。 本部長は誰か。"


def test_numbers_with_a_comma_mark_items_inside_one_sentence():
    asks = split_asks("本部が形だけの組織になるとの懸念がある。ついては、一、本部の所掌事務の範囲、"
                      "二、本部の事務を処理する機関について、それぞれお示しいただきたい。")
    assert asks[0] == "本部の所掌事務の範囲？" and asks[1].startswith("本部の事務を処理する機関について")
    assert len(asks) == 2


def test_a_numbered_ask_opening_with_sono_leans_on_the_ask_before():
    asks = split_asks("人材不足が深刻だとの指摘がある。一、骨子は海外の研究者の確保について何を定めているか。"
                      "二、その施策を主に担う府省はどこか。")
    assert asks[0] == "骨子は海外の研究者の確保について何を定めているか。"
    assert asks[1].startswith(asks[0]) and asks[1].endswith("その施策を主に担う府省はどこか。")


def test_a_numbered_list_inside_one_sentence_is_answered_item_by_item(assistant):
    ans = assistant.ask("人工知能戦略本部は名ばかりの組織だとの批判がある。ついては、一、同本部が担う事務の範囲、"
                        "二、同本部に関する事務を処理する機関について、お示しいただきたい。")
    cited = [c.id for c in ans.citations]
    assert any(c.startswith("ai_act:20") for c in cited) and any(c.startswith("ai_act:26") for c in cited), cited


def test_sono_mono_is_no_pointer_back():  # 「経営そのもの」: the management itself, not the earlier ask's subject
    asks = split_asks("地方ではAI導入が遅れている。一、地域の産業への導入支援の担当はどこか。"
                      "二、企業の経営そのものをAI前提に変える取組の担当を伺いたい。")
    assert asks[1] == "企業の経営そのものをAI前提に変える取組の担当を伺いたい。"


def test_a_later_ask_pointing_back_after_a_connective_is_read_with_the_first():
    asks = split_asks("フィジカルAIってどういうもの？あと、国はそれでどんなことを進めるつもりなの？")
    assert asks[1].startswith(asks[0]) and asks[1].endswith("あと、国はそれでどんなことを進めるつもりなの？")
    longer = "ちなみに、それぞれの省庁はAIの利活用についてどのような役割を担うのですか？"  # それぞれ points nowhere
    assert split_asks("AISIって何？" + longer)[1] == longer


@pytest.mark.parametrize("pointer", ["そういう", "こういった", "こういう"])
def test_an_ask_about_such_people_keeps_the_statement_saying_who(pointer):
    asks = split_asks(f"地方の小さな商店はAIを導入する余裕がないと聞く。政府は{pointer}事業者をどう後押しするつもりなのか。")
    assert asks == [f"地方の小さな商店はAIを導入する余裕がないと聞く。政府は{pointer}事業者をどう後押しするつもりなのか。"]


@pytest.mark.parametrize("joint", ["あわせて、", "加えて、"])
def test_an_ask_adding_to_the_first_and_pointing_back_is_read_with_it(joint):
    first = "骨子はデータ連携基盤の整備についていかなる取組を掲げているのか。"
    asks = split_asks(f"{first}{joint}その取組を主として担う府省庁をお示しいただきたい。")
    assert len(asks) == 2 and asks[0] == first and asks[1].startswith(first)
    assert asks[1].endswith("その取組を主として担う府省庁をお示しいただきたい。")


def test_a_short_ask_opening_with_sore_is_about_the_statement_before():
    asks = split_asks("国は自治体にAIの導入を急がせてばかりいる。それって本当に大丈夫なの？ほかに何か手当てはある？")
    assert asks[0] == "国は自治体にAIの導入を急がせてばかりいる。それって本当に大丈夫なの？"


def test_a_short_first_ask_of_a_chat_message_keeps_the_statement_before(assistant):
    text = "研究機関と会社と自治体がばらばらに動いてる気がする。国がまとめ役をやるべきでは？法律だとどうなってる？"
    asks = split_asks(text)
    assert asks[0].startswith("研究機関と会社と自治体がばらばらに")  # the statement names what the view is about
    assert "ai_act:9.1" in [c.id for c in assistant.ask(text).citations]  # 連携の強化
    diet = "AI施策の推進体制が縦割りのままでは実効性を欠く。一、本部の長は誰か。二、その事務はどこが担うのか。"
    assert not split_asks(diet)[0].startswith("AI施策")  # a Diet preamble before numbered asks stays dropped


def test_a_numbered_how_about_ask_is_the_first_ask_of_its_own_subject(assistant):
    text = "一、大学などの研究機関には、国の施策に対してどのような協力が求められているか。二、国民に対してはどうか。"
    assert split_asks(text)[1] == "国民には、国の施策に対してどのような協力が求められているか。"
    assert [c.id for c in assistant.ask(text).citations] == ["ai_act:6.1", "ai_act:8.1"]
    leaning = "一、本部は、関係行政機関に資料の提出を求めることができるか。二、それ以外の者に対してはどうか。"
    assert "それ以外の者" in split_asks(leaning)[1] and split_asks(leaning)[1].startswith("本部は")  # points back


def test_an_ask_leaning_on_the_statement_before_keeps_its_quoted_words(assistant):
    ans = assistant.ask("我が国はAIで出遅れたと言われる一方、政府は今こそ「反転攻勢」の好機だと述べている。"
                        "見通しが甘いとの声もあるが、政府がそのように判断する理由と我が国の強みは何か。")
    assert [c.id for c in ans.citations] == ["plan:1.3"]  # 「そのように」 leans on the statement; 「反転攻勢」 names it
    asks = split_asks("政府は今を「反転攻勢」の好機と位置付けている。楽観的だとの批判もあるが、政府がそのように判断する根拠は何か。")
    assert len(asks) == 1 and "反転攻勢" in asks[0]  # 「そのように」 keeps the statement it points at


def test_a_closing_formula_counting_the_asks_is_no_ask():
    asks = split_asks("AIの変化は速い。ついては、次の三点をお示しいただきたい。一、AI法の目的規定は何を掲げているか。"
                      "二、人工知能戦略本部の本部長には誰が充てられるか。三、骨子は人材育成をどう位置付けているか。")
    assert len(asks) == 3 and not any("三点" in a for a in asks)


def test_numbered_sentences_that_name_what_is_wanted_are_asks():
    # 「一、…の内容。二、…の内容。」 with the formula at the end: each numbered noun phrase is asked
    text = ("AI戦略本部については組織の姿が見えにくいとの声がある。一、本部長に充てられる者。二、本部が置かれる場所。"
            "以上について政府の認識をお示しいただきたい。")
    asks = split_asks(text)
    assert asks[0] == "本部長に充てられる者？"
    assert len(asks) == 2 and asks[1].endswith("本部が置かれる場所？")


def test_numbered_asks_answer_each_numbered_sentence(assistant):
    text = ("研究と活用の主体ごとの役割分担を確認したい。一、大学などの研究機関が負う責務の内容。二、地方の自治体が負う責務の内容。"
            "以上について見解を伺いたい。")
    cited = {c.id.split(".")[0] for c in assistant.ask(text).citations}
    assert {"ai_act:5", "ai_act:6"} <= cited, cited


def test_a_short_closing_formula_before_numbered_asks_joins_none_of_them():
    """「次の点を伺う。」 is short enough to read as a fragment of the next item; it leads in and asks nothing."""
    asks = split_asks("AI人材が足りないと言われる。次の点を伺う。一、育成を担う府省はどこか。二、海外の研究者の受け入れはどうするのか。")
    assert asks[0] == "育成を担う府省はどこか。" and not any("伺う" in a for a in asks)


def test_a_labelled_blank_in_each_of_two_sentences_is_asked_on_its_own(assistant):
    """Each sentence holding a blank is filled from its own place (国民: 第8条; 地方公共団体: 第5条; read as one ask,
    the second sentence's place alone was quoted); the instruction naming the blanks side by side asks nothing, and
    two blanks in one sentence stay one ask."""
    item = ("（ A ）（ B ）を答えよ。AI法では、国民は人工知能関連技術への（　A　）を深めるよう努める。また、地方公共"
            "団体は、国との適切な役割分担を踏まえて（　B　）を策定し実施する責務を有する。")
    assert split_asks(item) == ["AI法では、国民は人工知能関連技術への（　A　）を深めるよう努める。",
                                "また、地方公共団体は、国との適切な役割分担を踏まえて（　B　）を策定し実施する責務を有する。"]
    cited = [c.id for c in assistant.ask(item).citations]
    assert "ai_act:8.1" in cited and "ai_act:5.1" in cited
    one = "空欄に入る語を答えよ。AI法では、本部長には（　A　）を、副本部長には（　B　）を充てる。"
    assert split_asks(one) == [one]
