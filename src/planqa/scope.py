"""Is a question about these documents at all? Lexical signals used before and after answering.

The dense similarity check lives with the assistant; these are the checks that need only words:
terms the documents never use, current affairs, foreign rules, other laws, and how-many / when
questions whose quoted answer holds no number or date.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

from .ministries import SHORT_NAMES
from .names import DocumentNames
from .normalize import ONE_KANJI_LAW, is_everyday_term, without_added_terms
from .routes import PENALTY
from .text import tokenizer

__all__ = ["Scope", "value_present", "asks_for_amount_or_date", "asked", "without_background", "GENERIC",
           "LEGAL_CONSEQUENCE"]

# a law's name (著作権法, 民法709条, GDPR); not a method (評価手法, 申請方法)
_OTHER_LAW = re.compile(rf"[一-龥ァ-ヶA-Za-z]{{2,}}(?<![方手])法(?![人律令案])|{ONE_KANJI_LAW}(?=第?\d+条)|GDPR|AI Act")
_KIND_OF_LAW = "|規制法|推進法"  # 「AI法って規制法なの？」 names no other law
_QUANTITY = re.compile(r"(?<!高)性能(?=は|って|を|が)|スペック|の数(?=は|を|が|及び|と|、|$)|何人|何%|何万|割合|何割|何倍|"
                       r"何か国|何項目|[国域人件者社]数(?:は|を|が)|何歳|何社")
_MONEY = r"(?:予算|お金|国費|経費)"  # the documents state no sum of money anywhere
_HOW_MUCH = r"(?:どれ|どの)(?:くらい|ぐらい|ほど|だけ|程度)"
_AMOUNT = re.compile(rf"いくら(?!でも)|幾ら|金額|概算|何兆|何億|内訳|\d+(?:兆|億|万)?円|"
                     rf"{_HOW_MUCH}[^。？?]{{0,6}}{_MONEY}|{_MONEY}[^。？?]{{0,6}}{_HOW_MUCH}")
_HAS_AMOUNT = re.compile(r"[\d一二三四五六七八九十百千]+(?:円|万円|億|兆)")
_TIME = re.compile(r"(?<![一-龥])いつ(?![くけきこ])(?!(?:まで)?も)|何時頃|時期|任期")  # not 追いつく, いつまでも; いつごろ as the kana reader spells it
_DATE = re.compile(r"何年|何月|日付|期日")
_DAY = re.compile(r"何月何日|何日に")
_HAS_DAY = re.compile(r"\d+月\d+日")
_HAS_DATE = re.compile(r"\d+年|\d+月|\d+日|令和|平成|の日|毎年")  # 毎年 answers 「何年おきに」
_HAS_QUANTITY = re.compile(r"毎年|全て")
_CURRENT = re.compile(r"今の|いまの|(?:今|いま)(?:は)?(?:だれ|誰)|現在の|現在、?[^。?？]{0,20}(?:どなた)|最新|現職")
_PAST_TIME = re.compile(r"いつ.{0,15}(?:された|した|だった|決まった|できた|されました|しました|決まりました)")
# Rights and liability under other law (who owns, who pays, which crime): the Act does not deal with them
LEGAL_CONSEQUENCE = re.compile(r"法定刑|[一-龥]{3,}罪(?!悪)|著作権(?:は|が|って)?(?:認められ|発生|生じ|つく|付く)|判例|"
                                r"誰のもの|のものになる|帰属|誰の責任|責任を負う|賠償|訴訟|裁判|訴え|"
                                r"罪に(?:なる|なり|問われ)|何罪|懲役|逮捕")
_EVERYDAY_LATIN = frozenset({"sns", "it", "ict", "dx", "pc", "web", "iot", "app", "ok", "ng", "q", "a"})
_ASKED_UNKNOWN = 3  # what is asked (``asked``) with this many nouns the documents never use, and half of its nouns
_OFFICIAL = re.compile(r"氏名|課長(?:さん)?の名前|課長(?:さん)?(?:は|って)?(?:誰|だれ|どなた)")  # the documents name no person
_HOW_TO_APPLY = re.compile(r"問い合わせ先")
# where a thing is or happens, down to a building or town: the documents name bodies, never their sites
_SITE = re.compile(r"所在地|住所|開催地|どこの(?:[県市町街港]|都道府県|道路)|(?<![ほな])どの(?:[県市町街]|都市|ビル|建物|庁舎)")
# 「…に指導したことはある？」「…を行った事例はありますか」: whether something has happened (the documents plan and enact;
# they record no event since)
_HAPPENED = re.compile(r"[ただ](?:こと|例|事例|ケース|実績)(?:は|って|が)?(?:もう|実際に?)?(?:あるの|ありますか|あったの)")
_DATED = re.compile(r"(?:令和|平成)\d+年\d+月")  # 「令和7年12月に閣議決定された」
_HEAD_OF = re.compile(r"の(?:所長|センター長)(?:って|は|を務めているのは)?(?:誰|だれ|どなた)")
_OPINION = re.compile(r"(?:と|って)思う[?？]|どう思う|どう思います|良い法律|悪い法律|賛成|反対(?:です|なの)|評価してる|"
                      r"\d+年後")  # and predictions
# which company: not a maker named as a party (「責任は病院なのかメーカーなのか」)
_COMPANY = re.compile(r"(?:どこの|どの)(?:会社|企業|メーカー)|(?:企業|会社)の?(?:名前|名称)|企業名|社名")
_ITS_TEXT = re.compile(r"(?:の|で|に)(?:第\d+[章条]|条文|中身|規定)")  # 「デジタル社会形成基本法の第2章」: its own text
_BODY = re.compile(r"[一-龥ァ-ヶー]{1,10}(?:庁|省|委員会)")
# bodies the documents name, in full or short (経済産業省, 経産省), and words for any of them (各省庁, 担当府省)
_KNOWN_BODIES = tuple({*SHORT_NAMES, *SHORT_NAMES.values(), "省庁", "府省", "官庁"})
_HOME = "日本"  # the country the documents are about; any other the tokenizer tags as a country is elsewhere
_UNTAGGED_PLACES = re.compile(r"EU")  # a union of countries the tokenizer reads as a common noun
_AS_TOPIC = re.compile(r"[^、。？?]{0,12}?(?:は|って)")  # after a person's name: 「…教授は」「…教授の見解は」
_SENTENCE = re.compile(r"[^。？?！!\n]+[。？?！!]?")
_RULES_OF = re.compile(r"の[^、。？?]{0,8}(?:法|規則|規制|ルール)")  # 「EUのAI規則」 after a place named
_COMPARE = re.compile(r"比べ|比較|違い|違う|異な")
_CLAUSE = re.compile(r"(?:が|けど|けれど(?:も)?|のに|(?<=[るいだた])し)、")  # a background clause ends here (…負けてるし、)
_FOCUS = re.compile(r"([^\s、。?は]+)(?:は|って)(?:誰|だれ|いつ|いくら|どこ|何人|何年|何回)|([^\s、。?を]+)を教えて")
_HAS_TIME = re.compile(r"\d+年|\d+月|\d+日|年\d|公布の日|毎年|当面|令和|起算|遅滞なく|施行")
GENERIC = frozenset({"予定", "ため", "方", "場合", "感じ", "本当", "ai", "法", "こと", "もの", "何", "どう",
                     "教える", "言う", "奴", "略", "話", "全部", "条文", "意味", "文脈", "言葉", "用語", "部局",
                     "部署"})  # 「…という言葉はどのような意味で」: no content


def asked(query: str) -> str:
    """What a message asks, without its background: the question sentences (or the last sentence), each from its
    last clause boundary on (「…には勝てないと思うんですが、それでも政府は…考えているのか」 → 「それでも政府は…」); the
    documents' terms the query stage appended are no sentence of it."""
    sentences = [s for s in _SENTENCE.findall(without_added_terms(query)) if s.strip()]
    asking = [s for s in sentences if s.rstrip()[-1:] in "?？"] or sentences[-1:]
    return " ".join(_CLAUSE.split(s)[-1] for s in asking)


def without_background(query: str) -> str:
    """The message without the background clause a sentence opens with (「AI法の第3条に…が出てくるけど、」):
    each sentence from its last clause boundary on; sentences without one stay whole."""
    return "".join(_CLAUSE.split(s)[-1] for s in _SENTENCE.findall(query))


def asks_for_amount_or_date(query: str) -> bool:
    """A how-much / when question: no table of who does what can answer it."""
    return bool(_AMOUNT.search(query) or _TIME.search(query) or _DATE.search(query) or _PAST_TIME.search(query))


def value_present(query: str, answer: str, referenced: bool = False) -> bool:
    """A how-many / when question needs a number or date in the quoted sentences (labels removed); a
    question naming a place (``referenced``) is held only to an exact day or an amount it asks for."""
    if _DAY.search(query) and not _HAS_DAY.search(answer):
        return False  # 「何月何日を施行日と定めたのか」: 「公布の日から起算して三月」 names no day
    if _AMOUNT.search(query) and not _HAS_AMOUNT.search(answer):
        return False  # 「第3章第1節の施策にはいくら」: a place named holds no amount either
    if referenced:
        return True
    if _QUANTITY.search(asked(query)) and not _HAS_QUANTITY.search(answer):  # not 「…性能は上がらないと思う。」
        return False
    if _TIME.search(query) and not _HAS_TIME.search(answer):
        return False
    if (_DATE.search(query) or _PAST_TIME.search(query)) and not _HAS_DATE.search(answer):
        return False
    return True


_ASKED_PLACE = 2  # answerable bank questions naming a place before it is no place elsewhere


class Scope:
    """Word-level scope checks against the corpus vocabulary and text."""

    def __init__(self, vocab: set[str], corpus_text: str, tokenize: Callable[[str], list[str]],
                 unknown_share: float = 0.5, everyday: Callable[[str], bool] = lambda word: False,
                 names: DocumentNames = DocumentNames(), asked: Iterable[tuple[str, bool]] = ()) -> None:
        """``asked``: the question bank's questions, each with whether it is answerable (False: a near miss)."""
        self.vocab = vocab
        self.everyday = lambda word: everyday(word) or is_everyday_term(word)  # learned (vocab.py) or hand-kept
        self.corpus_text = corpus_text
        self.tokenize = tokenize
        self.unknown_share = unknown_share
        self.names = names
        # rights, liability and crimes are out of scope unless a law of the corpus provides for them (民法, 刑法)
        self._consequences_covered = bool(re.search(r"損害を賠償|に処する", corpus_text))
        self._law_name = re.compile(names.law_pattern.pattern + _KIND_OF_LAW)
        self._tagger = tokenizer("surface", content_only=False)._tagger
        asked = list(asked)
        self._answerable = "\n".join(q for q, answerable in asked if answerable)
        self._near_misses = "\n".join(q for q, answerable in asked if not answerable)

    def unknown_terms(self, query: str) -> tuple[list[str], int, list[str]]:
        """(content nouns absent from the corpus, number of content nouns, absent Latin-script words)."""
        unknown, total, latin = [], 0, []
        for word in self._tagger(query):
            surface = word.surface
            if word.feature.pos1 != "名詞" and not (surface.isascii() and surface.isalnum()):
                continue
            lemma = word.feature.lemma
            token = (lemma.split("-")[0] if lemma and lemma != "*" else surface).lower()
            if token in GENERIC or self.everyday(token) or self.everyday(surface) \
                    or word.feature.pos2 == "数詞" or surface.isdigit():
                continue
            total += 1
            if token not in self.vocab and surface.lower() not in self.vocab:
                unknown.append(token)
                if surface.isascii() and any(ch.isalpha() for ch in surface) and token not in _EVERYDAY_LATIN:
                    latin.append(surface)
        return unknown, total, latin

    def declined(self, query: str) -> bool:
        """Asks no place of the documents can answer, whatever route: the head of a body other than the
        headquarters, named officials, dates the documents never give, how to apply for anything, whether something
        has happened, where something is (a town, a building), a company or product, an opinion or prediction, a
        government body the documents never name."""
        if (head := _HEAD_OF.search(query)) and "本部" not in query[max(0, head.start() - 8):head.start()]:
            return True  # the documents name the head of the headquarters only
        if _OFFICIAL.search(query) or _HOW_TO_APPLY.search(query) or _HAPPENED.search(query) or _SITE.search(query) \
                or any(d not in self.corpus_text for d in _DATED.findall(query)):
            return True
        if _COMPANY.search(query) or _OPINION.search(query):
            return True  # nor any company or product; the assistant quotes, it has no opinion of its own
        return any(not name.endswith(_KNOWN_BODIES) and name not in self.corpus_text and self._a_name(name)
                   for name in _BODY.findall(query))  # 「こども家庭庁が主導する施策」

    def _a_name(self, body: str) -> bool:
        """A body's own name (こども家庭庁: its 庁 a suffix), not a word the dictionary holds whole that stands for any
        ministry (各省, 同省)."""
        words = list(self._tagger(body))
        return not (words and len(words[-1].surface) > 1 and words[-1].surface.endswith(("省", "庁")))

    def other_law(self, query: str) -> bool:
        """A law other than the Act, absent from the documents, asked about on its own."""
        if self.names.named(query):
            return False
        return any((m.group(0) not in self.corpus_text or _ITS_TEXT.match(query, m.end()))
                   and not self.everyday(m.group(0)) for m in _OTHER_LAW.finditer(query))

    def about_a_law(self, query: str, sentence: str = "") -> bool:
        """A penalty question is about a law of the corpus, not another law or a foreign rule; an ask naming no law
        of the corpus is about the other law its ``sentence`` names before it (「…法の改正が…が、違反した企業の罰金は」).
        A foreign rule in the background does not count when what is asked names a law of the corpus (「EUは重い義務を
        課しているのに、日本のAI法は罰則なし？」)."""
        if sentence and not self.names.law(query) and _OTHER_LAW.search(self._law_name.sub("", sentence)):
            return False
        focus = asked(query)
        foreign = self.elsewhere(focus) or self.elsewhere(query) and not self.names.law(focus)
        return (not _OTHER_LAW.search(self._law_name.sub("", query)) and not foreign
                and not (LEGAL_CONSEQUENCE.search(query) and not self.names.law(query))
                and not (self.unknown_terms(PENALTY.sub("", query))[2] and not self.names.law(query)))

    def compares_with_foreign_rules(self, message: str, ask: str) -> bool:
        """The ask compares with another country's law or rules the message names (「EUのAI規則は…と聞きますが、日本の
        AI法と比べてどこが違う？」): the documents describe only Japan's side."""
        return any(_RULES_OF.match(message, end) for end in self._elsewhere(message)) \
            and bool(_COMPARE.search(asked(ask)))

    def elsewhere(self, text: str) -> bool:
        """Names a place the tokenizer knows (a proper noun of place) that is another country (「韓国」「アメリカ」) or that
        the documents never name (「大阪府」), or the EU: what is asked happens somewhere the documents do not describe."""
        return bool(self._elsewhere(text))

    def _words(self, text: str) -> Iterator[tuple[object, int]]:
        """The tokenizer's words of ``text``, each with where it ends in ``text``."""
        at = 0
        for word in self._tagger(text):
            found = text.find(word.surface, at)
            at = found + len(word.surface) if found >= 0 else at
            yield word, at

    def _elsewhere(self, text: str) -> list[int]:
        """Where each place ``elsewhere`` finds ends in ``text``."""
        ends = [m.end() for m in _UNTAGGED_PLACES.finditer(text)]
        for word, at in self._words(text):
            f = word.feature
            if f.pos2 == "固有名詞" and f.pos3 == "地名" \
                    and ((f.pos4 == "国" and word.surface != _HOME) or word.surface not in self.corpus_text
                         and not self._asked_of_the_documents(word.surface)):
                ends.append(at)
        return ends

    def _asked_of_the_documents(self, place: str) -> bool:
        """A place the documents never name that the bank's answerable questions write (「霞が関」 for the
        government) at least ``_ASKED_PLACE`` times and no near miss does: a figure of speech, not somewhere else."""
        return self._answerable.count(place) >= _ASKED_PLACE and place not in self._near_misses

    def someone(self, text: str) -> bool:
        """Asks about a person (a proper noun of person) the documents never name, standing as the
        topic (「松尾教授は…どう述べているのか」): what someone said or thinks is in no place of them. A person named
        in passing (「石破総理も言うとおり、AI法は…」) is no topic."""
        return any(w.feature.pos2 == "固有名詞" and w.feature.pos3 == "人名"
                   and w.surface not in self.corpus_text and _AS_TOPIC.match(text, at) for w, at in self._words(text))

    def unfamiliar(self, query: str) -> bool:
        """Many of the question's nouns (at least two, ``unknown_share`` of them), or of what it asks (``asked``, at
        least three, counted without the terms the query stage appended: 「…減税や税額控除などの税制優遇を受けられる
        のか」), or a Latin-script word are absent from the documents. Weak alone: the assistant trusts it only when
        the bank does not place the question clearly among the answerable ones (``AnswerConfig.familiar_margin``; for
        a long ask, whose story brings everyday nouns, at the looser ``AnswerConfig.long_familiar``)."""
        return self._mostly_unknown(query, 2) or self._mostly_unknown(asked(query), _ASKED_UNKNOWN)

    def _mostly_unknown(self, text: str, least: int) -> bool:
        """A Latin-script word, or at least ``least`` nouns and ``unknown_share`` of them absent from the documents."""
        unknown, total, latin = self.unknown_terms(self._law_name.sub(" ", text))
        return bool(latin) or bool(total and len(unknown) >= least and len(unknown) / total >= self.unknown_share)

    def consequence(self, query: str) -> bool:
        """Asks who owns, who pays or which crime, with no law of the corpus that provides for it (民法, 刑法) and
        none named. Weak alone, like ``unfamiliar``: the plan reviews civil liability, so the bank decides."""
        return bool(LEGAL_CONSEQUENCE.search(query)) and not self.names.law(query) and not self._consequences_covered

    def background(self, query: str) -> bool:
        """Names another country or today's affairs, in the background of the question. Weak alone, like
        ``unfamiliar``: the plan compares Japan with the US and China, so the bank decides (in what is asked, either
        declines: ``off_topic``)."""
        return bool(self.elsewhere(query) or self._current(query))

    def _current(self, text: str) -> bool:
        """Names today's affairs (「現在の」「最新版」), in words that are not the documents' own (「最新の技術動向」)."""
        return any(m.group() + text[m.end():m.end() + 3] not in self.corpus_text for m in _CURRENT.finditer(text))

    def off_topic(self, query: str, view: bool = False) -> bool:
        """True when the question's own words show the documents cannot answer it; a view asked for (``view``:
        「今の体制で大丈夫なの？…すべきじゃないの？」) is not declined for naming today's affairs or another country."""
        if self.declined(query):
            return True
        focus = asked(query)
        if self.other_law(query) or self.someone(focus) or (not view and (self._current(focus) or self.elsewhere(focus))):
            return True
        if PENALTY.search(query) and _OTHER_LAW.search(self._law_name.sub("", query)):
            return True  # penalties under another law
        for m in _FOCUS.finditer(query):  # the thing asked about is never mentioned
            word = m.group(1) or m.group(2)
            if word.endswith(("の", "に")) or self._law_name.search(word):
                continue  # 「…を担うのはどこ」: a nominalised verb; 「…って実際にはどこ」: an adverb; 「AI新法っていつ」: the Act
            focus = self.tokenize(word)
            if focus and focus[-1] not in self.vocab and focus[-1] not in GENERIC \
                    and not self.everyday(focus[-1]) and not self.everyday(word):
                return True
        return False
