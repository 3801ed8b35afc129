"""Question-type detection: which answer route a (normalised) question takes.

Routes: ``ministry_list`` (what does ministry X lead / take part in), ``ministry`` (who is
responsible for a measure), ``penalty`` (does the Act punish anything), ``reference`` (what does a
named article/section say), ``general`` (extractive answer). Pure functions, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ministries import COLLECTIVE, SHORT_NAMES
from .names import DocumentNames

__all__ = ["Route", "detect_route", "ministry_mentions", "without_ministries", "is_followup", "PENALTY"]

_MINISTRY_CUE = re.compile(
    r"担当(?!者|の?大臣|する国務大臣)|所管|どこの(?:省|府|庁|役所)|どこが|どの(?:省|府|庁|府省|役所|機関|組織)|いずれの(?:府省庁|省庁)|"
    r"省庁(?!名|が|間)|府省(?=は|が|を|と)|◎(?!は|の意味|とは|を表|って)|リードする|"
    r"(?:部局|部署)(?:は|って|が)?(?:どこ|どれ)|誰が(?:進め|担|やる|実施|推進|取り組|主導)|"
    r"(?:担う|担当する|所管する|進める|やる)の(?:は|って)(?:どこ|誰)")
_ACT_TERMS = re.compile(r"法律|条文|第\d+条|本部長|本部員|戦略本部|AI本部")
_PLAN_TERMS = re.compile(r"骨子|計画|施策|取組|取り組み|推進|支援|整備|分野")
_INVOLVED_CUE = re.compile(r"関わ|関与|携わ|関係する|入って|名前があ|絡|出てくる|一緒に")
_LEAD_CUE = re.compile(r"主担当|主な府省庁|主に|主として|◎|リード|主導|中心")
_ANY_MARK = re.compile(r"◎の有無を問わず|◎以外も|(?:主担当|◎)(?:で(?:は)?ない|じゃない|以外)")  # 「主担当ではないが…」
_SOLE_CUE = re.compile(r"単独|だけ")
_METADATA = re.compile(r"正式(?:な)?(?:名称|題名|名前)|法律番号|公布日|いつ(?:公布|成立|できた)|(?<!第)何章|章構成|目次|全体の構成|"
                       r"どんな構成")
_NOT_METADATA = re.compile(r"英語|English|施行")
PENALTY = re.compile(r"罰則|罰金|刑事罰|制裁|処罰|懲役|過料|ペナルティ|罰せられ|罰が|罰は|違反(?:し|者|企業)|捕ま(?!え)|逮捕され")
_STATED_NO_PENALTY = re.compile(r"罰則(?:が|は)(?:ない|なく)(?:とはいえ|ものの|にもかかわらず|が、|けど|から)")  # a premise
_REGULATION = re.compile(r"許可|認可|登録(?:制|が必要|しなければ)|届出|届け出|禁止|規制(?:する|され|して|法)|取り締ま|取締")
_FOLLOWUP = re.compile(r"^(?:それ|その|これ|この|そこ|あれ|その施策|この施策|さっき|前の|今の)|(?:それ|その施策|これ)(?:の|は|って)")
_UNIT_ALIASES = {
    "AI室": "内閣府(AI室)", "規制室": "内閣府(規制室)", "知財事務局": "内閣府(知財事務局)",
    "新資本事務局": "内閣府(新資本事務局)", "人・くらしG": "内閣府(人・くらしG)",
    "デジ行財": "内閣官房(デジ行財)", "知的財産戦略推進事務局": "内閣府(知財事務局)", "規制改革推進室": "内閣府(規制室)",
}


@dataclass(frozen=True)
class Route:
    """The detected question type and what it is about."""

    name: str
    ministries: tuple[str, ...] = ()
    lead_only: bool = False
    sole_only: bool = False
    joint: bool = False  # measures every named ministry takes part in
    involved_too: bool = False  # lead measures asked for, and the others the ministry takes part in


def _aliases(known: set[str]) -> dict[str, list[str]]:
    """Alias → canonical names; 内閣府 alone stands for all of its units."""
    table: dict[str, list[str]] = {}
    for name in known - COLLECTIVE:
        for alias in {name, name.replace("(", "").replace(")", "")}:
            table.setdefault(alias, []).append(name)
    for short, full in SHORT_NAMES.items():
        if full in known and short != full and full not in COLLECTIVE:
            table.setdefault(short, []).append(full)
    for alias, full in _UNIT_ALIASES.items():
        if full in known:
            table.setdefault(alias, []).append(full)
    units = sorted(n for n in known if n.startswith("内閣府("))
    if units:
        table["内閣府"] = units
    return table


def ministry_mentions(query: str, known: set[str]) -> tuple[str, ...]:
    """Canonical names of the ministries a question names (longest alias wins)."""
    table, spans, taken, excluded = _aliases(known), [], [], set()
    for alias in sorted(table, key=lambda a: (-len(a), a)):  # longest first; a fixed order among equals
        for m in re.finditer(re.escape(alias), query):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            if query.startswith("以外", m.end()):  # 「AI室以外の内閣府の部局」
                excluded.update(table[alias])
            else:
                spans.append((m.start(), alias))
    found: list[str] = []
    for _, alias in sorted(spans):  # in the order the question names them
        if alias == "内閣府" and any(n.startswith("内閣府(") and n not in excluded
                                    for _, a in spans if a != "内閣府" for n in table[a]):
            continue  # 「内閣府の知財事務局」 names one unit, not all of them
        found += [n for n in sorted(table[alias]) if n not in found]
    return tuple(n for n in found if n not in excluded)


def without_ministries(query: str, ministries: tuple[str, ...], known: set[str]) -> str:
    """The question with every name it may use for these ministries taken out (full, short, unit aliases, 内閣府):
    what it asks about."""
    for alias, names in sorted(_aliases(known).items(), key=lambda item: -len(item[0])):
        if any(n in ministries for n in names):
            query = query.replace(alias, " ")
    return query


def is_followup(query: str) -> bool:
    """True for a question that leans on the previous one (「それの担当は？」)."""
    return bool(_FOLLOWUP.search(query)) and len(query) <= 40


def detect_route(query: str, known_ministries: set[str], has_reference: bool = False,
                 names: DocumentNames = DocumentNames()) -> Route:
    """Pick the answer route for a normalised question (``names``: the documents' names, from the manifest)."""
    named = ministry_mentions(query, known_ministries)
    lead_only = bool(_LEAD_CUE.search(query)) and not _ANY_MARK.search(query)
    sole_only = bool(_SOLE_CUE.search(query))
    asks_who = _MINISTRY_CUE.search(query) or lead_only or _INVOLVED_CUE.search(query) or sole_only
    own_work = re.search(r"役割|やること|何をする|仕事|取組を|施策を", query)
    if named and (asks_who or own_work):
        joint = len(named) > 1 and bool(re.search(r"両方|共に|ともに|どちらも|一緒|共同|いずれも", query))
        involved_too = lead_only and bool(_INVOLVED_CUE.search(query))
        return Route("ministry_list", named, lead_only, sole_only, joint, involved_too)
    act_only = (names.law(query) or _ACT_TERMS.search(query)) and not _PLAN_TERMS.search(query)
    if _MINISTRY_CUE.search(query) and not act_only:
        return Route("ministry", named, lead_only)  # a measure's ministries; the Act itself names none
    if PENALTY.search(_STATED_NO_PENALTY.sub("", query)):
        return Route("penalty")
    if _REGULATION.search(query) and names.law(query):
        return Route("regulation")
    if _METADATA.search(query) and not named and not _NOT_METADATA.search(query) \
            and not names.plan(query):
        return Route("metadata")
    if has_reference:
        return Route("reference")
    return Route("general")
