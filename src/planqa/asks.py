"""Split one message into the questions it asks.

Real questions often ask two things at once: a Diet question (「第一に、…は何か。第二に、…はいずれか。
政府の見解を問う。」), a chat message (「AISIってなんの略？なにするとこ？」). Each ask is answered on
its own and the answers are joined; statements around them (preambles, closing formulas) are dropped.
"""

from __future__ import annotations

import re

from .quiz import parse_options

__all__ = ["split_asks", "is_quiz_item", "without_where_to_look", "CLOSING_FORMULA", "BACKGROUND"]

_SENTENCE = re.compile(r"[^。?？!！]+[。?？!！]*")
_BLANK = re.compile(r"[(（]\s*[)）]|○×|穴埋め")  # fill-in-the-blank and true/false items
# how an ask ends; 「…のかも気になってます。」「…のか疑問です。」 ask too, put as what one wonders
_ASK_END = re.compile(r"(?:[?？]|か|如何|ください|下さい|教えて|たい|たいです|の|なの|かな|っけ|"
                      r"(?:のか|かどうか)[がはも]?、?(?:気にな(?:る|ります|って(?:い|お)?(?:ます|ります))|疑問(?:です|に思っています)|"
                      r"(?:わ|分)かりません))[。.]?$")
_POLITE = re.compile(r"^(?:詳しい方|どなたか|分かる方|わかる方|法律に詳しい方)?.{0,4}(?:教えて(?:ください|下さい|ほしいです)|"
                     r"お願いします|お願いいたします|よろしくお願いします)[。!！]?$")
# Diet-style closing formulas (「政府の見解を問う。」): they ask nothing of their own
CLOSING_FORMULA = (r"(?:政府の)?(?:見解|認識|考え)?(?:を|について)?(?:問う|伺いたい|伺う|示されたい|お示し(?:いただき|願い)たい|"
                   r"説明されたい|明らかにされたい|答弁を求める|如何|右質問する)")
_CLOSING = re.compile(rf"^(?:それぞれ|併せて|あわせて|以上(?:について)?、?|(?:そこで|ついては)?、?(?:以下|次)(?:の[一二三四五六七八九十\d]*(?:点|事項))?(?:について)?、?)?"
                      rf"{CLOSING_FORMULA}[。.]?$")  # 「そこで以下伺いたい。」 leads into the numbered asks
_ENUMERATOR = re.compile(r"(?<!に)ついては、|また、|併せて、|さらに、|第[一二三四五1-5](?:に|点目?として)、")
_BACK_REFERENCE = re.compile(r"(?<![どそあ])この(?!法律)|そのよう|こうした|当該|同様|そうした|これら|(?:こう|そう)いう|(?:こう|そう)いった")
# a numbered ask that needs what came before: the back-references above, and any その / それ / 同法 / 上記
_LEANS = re.compile(_BACK_REFERENCE.pattern + r"|その|それ|これ|同(?:法|条|計画|本部|項|じ)|以外")
# in a short ask: 「…ではそれぞれどうなっていますか」, 「それで大丈夫なの？」 (about the statement before)
_SONO = re.compile(r"その([一-龥ァ-ヶー]{2,})")  # 「その制裁金」: a word of the statement before, pointed back at
_SHORT_BACK_REFERENCE = re.compile(r"それぞれ|^(?:それ|これ)(?!ぞれ)")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]\s")
# 「一、…。二、その…」 and 「一、…の範囲、二、…について伺いたい。」: a number with a comma only marks an item (an item
# that is no ask on its own, before another, asks too); unlike 「一　…」 it does not make an item detail a preamble
_COMMA_NUMBER = re.compile(r"(?:^|(?<=、))[一二三四五六七八九十]、")
_ANAPHORA = re.compile(r"これら|当該|こうした|そうした|(?<![どそあ])この(?!法律)|とすれば|であれば")
_MASK = str.maketrans("。?？!！", "\ue000\ue001\ue002\ue003\ue004")
_UNMASK = str.maketrans("\ue000\ue001\ue002\ue003\ue004", "。?？!！")
_HEARSAY = re.compile(r"と聞き|と聞い|ニュースで|報道")
# 「AI for Scienceってなに、どこの省庁がやるの」: a comma after the first ask's question word
_COMMA_JOINED = re.compile(r"(?:(?<=なに)|(?<=何)|(?<=なん)|(?<=誰)|(?<=だれ)|(?<=どこ)|(?<=いつ))[?？]?、"
                           r"(?=[^、]{0,12}(?:どこ|誰|だれ|何|なに|いつ|どう))")
# 「AI法の施行時期について伺う。」: the subject a Diet question's numbered asks are about (its criticism is not)
_TOPIC = re.compile(r"^(.{2,40}?)(?:について|に関して)、?(?:以下)?(?:伺う|伺いたい|お伺いしたい|質問する|問う|"
                    r"お尋ねする|お尋ねしたい)[。.]?$")
# a law named earlier by a short name, for a later 「同法」: 「AI法」, not 方法 or 司法 (a full title, 「…に関する
# 法律」, would outweigh the ask's own words in retrieval, so 「同法」 stays)
_LAW_NAME = re.compile(r"[A-Za-z一-龥ァ-ヶー]{1,10}?法(?![人律令案則])")
_NOT_LAW = ("方法", "手法", "用法", "文法", "同法", "立法", "司法", "違法", "合法", "適法", "本法")
# 「…どう変わるの？計画にある？」: whether a document covers the ask before; the answer says so, it is no new ask
_IN_THE_DOCUMENTS = (r"(?:計画|法律|骨子)(?:の中)?にも?(?:ある|あります|書いてある|書いてあります|載ってる|出てくる)"
                     r"の?(?:です)?か?[?？。]?$")
_COVERED = re.compile(rf"^(?:それ(?:って|は)?)?[^、。?？]{{0,8}}?{_IN_THE_DOCUMENTS}")
_WHERE_TAIL = re.compile(rf"(?:って|は|が|も)?{_IN_THE_DOCUMENTS}")
# 「本部長、副本部長及び本部員には、それぞれ誰が…」: one ask about each of two to four coordinated subjects
_AND = r"及び|と"
_EACH = re.compile(rf"^(?P<pre>.*?)(?P<items>[^、。「」\s]{{2,12}}(?:、[^、。「」\s]{{2,12}})*(?:{_AND})"
                   r"[^、。「」\s]{2,12}?)(?P<part>には|は|の|について|に)、?それぞれ、?(?P<rest>.+)$")
# a later ask pointing back early on (「その具体策は」「あと、政府はそれで何をやるの」) is about the first ask's subject
_POINTS_BACK = re.compile(r"(?:(?:あと|また|それと|ちなみに|じゃあ|では|あわせて|加えて)、?)?[^、。?？]{0,8}?(?:それ(?!ぞれ|自体|と、)|その(?!もの)|これ|この(?!法律)|あれ)")
_SELF_CONTAINED = 25  # a single ask this long is answered without the statements around it
_SHORT = 20  # an ask this short leans on the first one (「なにするとこ？」「担当府省と併せてお示し願いたい。」)
_FRAGMENT = 8  # shorter pieces are not asks of their own (「AI本部?のトップって…」)
_HOW_ABOUT = re.compile(r"^([^、。？?]{2,20}?)(?:について|に対して?)?に?は、?どう(?:か|ですか|なの)[。？?]?$")  # 「国民についてはどうか」
_FIRST_TOPIC = re.compile(r"に?は、")  # 「事業者は、…」「研究機関には、…」: where the first ask's subject ends
BACKGROUND = 45  # a chat message's statement this short gives its ask a subject (not a Diet preamble)


def without_where_to_look(ask: str) -> str:
    """The ask without a closing 「…って計画に書いてある？」: where to look, which retrieval would read as the
    subject (the Act's article on what the plan contains); the ask itself when nothing else is left."""
    rest = _WHERE_TAIL.sub("", ask).rstrip("、 ")
    return rest if len(rest) >= _FRAGMENT else ask


def _is_ask(part: str) -> bool:
    return not _CLOSING.search(part) and not _POLITE.search(part) and bool(_ASK_END.search(part))


def _same_law_named(pieces: list[str]) -> list[str]:
    """「同法」 replaced by the law named first in the last sentence before it that names one (「AI法はいわゆる
    推進法であって…」: AI法), so retrieval sees the law; whether the ask leans on its context is read before."""
    out, law = [], ""
    for piece in pieces:
        piece = piece.replace("同法", law) if law else piece
        names = [m.group(0) for m in _LAW_NAME.finditer(piece) if not m.group(0).endswith(_NOT_LAW)]
        law = names[0] if names else law
        out.append(piece)
    return out


def _each(ask: str) -> list[str]:
    """「AとBはそれぞれ誰？」 → 「Aは誰？」「Bは誰？」 (a modifier of the first subject, 「本部の」, goes with each)."""
    m = _EACH.match(ask)
    if not m:
        return [ask]
    items, pre = re.split(rf"、|{_AND}", m.group("items")), m.group("pre")
    if "の" in items[0][:-1]:
        head, items[0] = items[0].rsplit("の", 1)
        pre += head + "の"
    if not 2 <= len(items) <= 4 or not all(items):
        return [ask]
    return [f"{pre}{item}{m.group('part')}{m.group('rest')}" for item in items]


def _numbered_items(sentence: str) -> list[tuple[str, bool]]:
    """The sentence's parts, each with whether a number marked it: split at 「また、」「第二に、」 and at 「一、」「二、」
    (the numbers dropped); items of a numbered list that do not end as asks are asked by the sentence's closing
    formula (「…の範囲、二、…について、お示しいただきたい。」). What comes before the first number (「ついては、」) is no
    item."""
    head, *numbered = _COMMA_NUMBER.split(sentence)
    items = [item for item in (n.strip(" 、") for n in numbered) if item]
    if len(items) > 1 and _ASK_END.search(items[-1]):
        items = [item if _ASK_END.search(item) else item + "？" for item in items[:-1]] + items[-1:]
    return [(part, i > 0) for i, item in enumerate([head, *items]) for part in _ENUMERATOR.split(item)]


def split_asks(text: str) -> list[str]:
    """The questions a message asks, in order; the whole text when it asks one thing (or is a quiz)."""
    return [each for ask in _split(text) for each in _each(ask)]


def is_quiz_item(text: str) -> bool:
    """A multiple-choice, fill-in-the-blank or true/false item (asked as one ask)."""
    return bool(_BLANK.search(text) or parse_options(text)[1])


_LABELED_BLANK = re.compile(r"[(（][\s　]*([A-Za-zＡ-Ｚ①-⑨1-9１-９])[\s　]*[)）]")  # 「（　A　）」「（②）」


def _per_blank(text: str) -> list[str]:
    """「…政府に（①）を定めることを求めている。その案は（②）が作成する。」: one ask per sentence holding a labelled
    blank, when two or more sentences do: each blank is filled from its own place. Blanks named side by side
    (「（A）（B）に入る語句」) are not asked there."""
    sentences = [s.strip() for s in re.split(r"(?<=[。\n])", text) if s.strip()]
    asks, seen = [], set()
    for sentence in sentences:
        found = list(_LABELED_BLANK.finditer(sentence))
        labels = {m.group(1) for i, m in enumerate(found)
                  if not (i and m.start() - found[i - 1].end() <= 2)
                  and not (i + 1 < len(found) and found[i + 1].start() - m.end() <= 2)}
        if labels - seen:
            asks.append(sentence)
            seen |= labels
    return asks if len(asks) >= 2 else [text]


def _split(text: str) -> list[str]:
    if len(blanks := _per_blank(text)) > 1:
        return blanks
    if is_quiz_item(text):
        return [text]  # multiple choice, fill-in-the-blank and true/false items are one ask
    quoted = re.sub(r"「[^」]*」", lambda m: m.group(0).translate(_MASK), text)  # no split inside 「…」
    pieces, carry, listed = [], "", []
    for sentence in (s.translate(_UNMASK) for s in _SENTENCE.findall(quoted)):
        for part, numbered in _numbered_items(sentence):
            part = carry + part.strip(" 、\n\t\u3000")
            carry = part if len(part) < _FRAGMENT and not _CLOSING.search(part) else ""  # 「以下伺う。」 leads in
            if part and not carry:
                listed += [part] if numbered else []
                pieces += [p if _ASK_END.search(p) else p + "？" for p in _COMMA_JOINED.split(part)] \
                    if len(_COMMA_JOINED.split(part)) > 1 else [part]
    pieces += [carry] if carry else []
    if len(listed) > 1:  # 「一、…の内容。二、…の内容。…お示しいただきたい。」: each numbered sentence is an ask
        pieces = [p.rstrip("。.") + "？" if p in listed and not _is_ask(p) and not _CLOSING.search(p) else p
                  for p in pieces]
    resolved = _same_law_named(pieces)
    leaning = {named: bool(_LEANS.search(piece)) for piece, named in zip(pieces, resolved)}  # read before 同法 goes
    pieces = resolved
    numbered_asks = any(_NUMBERED.match(p) for p in pieces)
    asks, statement, topic = [], "", ""
    for piece in pieces:
        if asks and _COVERED.match(piece):
            continue
        if numbered_asks and (m := _TOPIC.match(piece)):
            topic = m.group(1)
        elif not _is_ask(piece):
            statement = piece if not (_CLOSING.search(piece) or _POLITE.search(piece)) else statement
        elif numbered := _NUMBERED.match(piece):  # 「一　推進体制の中心となる組織は何か。」 details the ask before
            own = piece[numbered.end():]
            lean = len(own) < _SELF_CONTAINED or leaning[piece]  # 「人工知能戦略本部員には誰が…」 stands alone
            asks.append(f"{topic or statement or (asks[0] if asks else '')} {own}".strip() if lean else own)
        elif statement and (_BACK_REFERENCE.search(piece)  # 「この分野の…」「こうした事案について…」
                            or (len(piece) <= 30 and _SHORT_BACK_REFERENCE.search(piece))):
            asks.append(f"{statement}{piece}")
        elif asks and _ANAPHORA.search(piece):  # 「これらの者以外の者に対しては…」
            asks.append(f"{asks[-1]}{piece}")
        elif statement and not asks and not listed and len(piece) < _SELF_CONTAINED and len(statement) <= BACKGROUND:
            asks.append(f"{statement}{piece}")  # 「大学も企業も勝手にやってる印象。国が橋渡しすべきでは？」: its subject
        else:
            asks.append(piece)
    if not asks:
        return [text]
    if len(asks) == 1:  # statements about the asker before a long enough ask (「…の教員です。」) are dropped,
        start = quoted.find(asks[0][:10].translate(_MASK)) if len(asks[0]) >= _SELF_CONTAINED else -1
        if start <= 0:
            return [text]
        heard = [p for p in pieces if _HEARSAY.search(p) and quoted.find(p[:10].translate(_MASK)) < start]
        before = [p for p in pieces if quoted.find(p[:10].translate(_MASK)) < start]
        said = [m.group(1) for m in _SONO.finditer(asks[0])]
        if not heard and before and any(word in before[-1] for word in said):  # 「…制裁金…と承知している。その制裁金の」
            heard = before[-1:]
        return ["".join(heard) + text[start:]]  # but not what the asker heard (「…が検討されていると聞きました。」)
    if plan := re.search(r"人工知能基本計画|基本計画", text):  # a later ask's 「同計画」 is the plan named before
        asks = [a.replace("同計画", plan.group(0)) for a in asks]
    first, later = asks[0], [_in_place_of_the_topic(asks[0], a) for a in asks[1:]]
    return [first] + [f"{first} {a}" if len(a) <= _SHORT or _POINTS_BACK.match(a) else a for a in later]


def _in_place_of_the_topic(first: str, ask: str) -> str:
    """「二、一般の国民についてはどうか。」 after 「一、事業者は、…を求められているのか。」 asks the first ask of its own
    subject: 「一般の国民は、…を求められているのか。」 (not when the subject points back: 「それ以外の者に対しては」)."""
    m, topic = _HOW_ABOUT.match(ask), _FIRST_TOPIC.search(first)
    if not m or not topic or _LEANS.search(m.group(1)):
        return ask
    start = first.rfind("、", 0, topic.start()) + 1
    return first[:start] + m.group(1) + first[topic.start():]
