"""The plan's ministry table: each measure's 【…】 lists, the ◎ lead and sector sub-entries.

Names are canonical full names (shared/SPEC.md §3): 経産省 → 経済産業省, 内閣府(AI室) stays a
unit of its own, 全省庁/関係省庁 are collective entries (他関係省庁 is read as 関係省庁).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import Corpus

__all__ = ["Measure", "Sector", "ministry_table", "canonical_name", "display_name", "find_measures",
           "SHORT_NAMES", "COLLECTIVE"]

SHORT_NAMES = {
    "経産省": "経済産業省",
    "文科省": "文部科学省",
    "厚労省": "厚生労働省",
    "農水省": "農林水産省",
    "国交省": "国土交通省",
    "個情委": "個人情報保護委員会",
    "総務省": "総務省",
    "外務省": "外務省",
    "防衛省": "防衛省",
    "環境省": "環境省",
    "法務省": "法務省",
    "デジ庁": "デジタル庁",
    "他関係省庁": "関係省庁",
}
COLLECTIVE = frozenset({"全省庁", "関係省庁"})
_LIST = re.compile(r"【([^】]*)】")
_NOT_NAMES = frozenset({"再掲", "◎は主な府省庁を示す。"})


@dataclass(frozen=True)
class Sector:
    """A sub-entry of a measure with its own 【…】 (a sector or one of several projects)."""

    sector: str
    ministries: tuple[str, ...]
    lead: tuple[str, ...] = ()

    def named_in(self, text: str) -> bool:
        """The question names this sector, in full, by its first word (医療・ヘルスケア → 医療) or, for a project
        of six characters or more, by 65% of its character pairs (研究及び開発 → 研究開発; 半導体等の → 半導体の)."""
        if not self.sector:
            return False
        if self.sector in text or self.sector.split("・")[0] in text:
            return True
        pairs = {self.sector[i:i + 2] for i in range(len(self.sector) - 1)}
        return len(self.sector) >= 6 and sum(p in text for p in pairs) >= 0.65 * len(pairs)


@dataclass(frozen=True)
class Measure:
    """One measure of the plan (``plan:3.s.g.i``) and who is responsible for it."""

    id: str
    label: str
    text: str
    lead: tuple[str, ...]
    ministries: tuple[str, ...]
    sectors: tuple[Sector, ...] = ()
    repeated: bool = False  # marked 【再掲】: the same measure appears in an earlier section too

    def involves(self, name: str) -> bool:
        """The ministry is responsible for the measure or one of its sectors."""
        return name in self.ministries or any(name in s.ministries for s in self.sectors)

    def to_json(self) -> dict:
        """The SPEC §5 object of `planqa ministries --json`."""
        return {
            "id": self.id, "label": self.label, "text": self.text,
            "lead": list(self.lead), "ministries": list(self.ministries),
            "sectors": [{"sector": s.sector, "ministries": list(s.ministries)} for s in self.sectors],
        }


def canonical_name(name: str) -> str:
    """Full canonical form of a ministry name, short or full, spaces and width ignored."""
    import unicodedata

    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lstrip("◎")
    return SHORT_NAMES.get(name, name)


def display_name(name: str) -> str:
    """Full name with its short form, for answers: 経済産業省(経産省)."""
    shorts = [s for s, full in SHORT_NAMES.items() if full == name and s != full and s != "他関係省庁"]
    return f"{name}({shorts[0]})" if shorts else name


def _parse_list(body: str) -> tuple[list[str], list[str]]:
    names, lead = [], []
    for raw in body.split("、"):
        raw = raw.strip()
        if not raw:
            continue
        name = canonical_name(raw)
        names.append(name)
        if raw.startswith("◎"):
            lead.append(name)
    return names, lead


def _parse_measure(section_id: str, label: str, text: str) -> Measure:
    """Split ``text【…】、text【…】…`` into the measure's lists and its sector sub-entries."""
    pieces, pos, entries = [], 0, []
    for m in _LIST.finditer(text):
        if m.group(1).strip() in _NOT_NAMES:
            continue
        pieces.append((text[pos:m.start()], m.group(1)))
        pos = m.end()
    for before, body in pieces:
        entries.append((before.strip().lstrip("、").strip(), *_parse_list(body)))
    # The last list covers the whole measure when its text continues the sentence
    # ("…等における…導入促進【…】"); it is a sub-entry when it follows "、" (a new project).
    whole_last = len(entries) > 1 and not pieces[-1][0].lstrip().startswith("、")
    sectors = entries[:-1] if whole_last else (entries if len(entries) > 1 else [])
    ministries, lead = [], []
    for _, names, leads in entries:
        ministries += [n for n in names if n not in ministries]
        lead += [n for n in leads if n not in lead]
    clean = _LIST.sub("", text).strip()
    return Measure(id=section_id, label=label, text=clean, lead=tuple(lead), ministries=tuple(ministries),
                   sectors=tuple(Sector(s, tuple(n), tuple(ld)) for s, n, ld in sectors),
                   repeated="【再掲】" in text)


def ministry_table(corpus: Corpus) -> list[Measure]:
    """Every measure of the corpus (sections of kind ``measure``) with its ministries."""
    return [_parse_measure(s.id, s.label, s.text) for s in corpus if s.kind == "measure"]


def find_measures(table: list[Measure], *, lead: str | None = None, ministry: str | None = None,
                  keyword: str | None = None) -> list[Measure]:
    """Filter measures by lead, by any responsible body (sectors included) and by keyword."""
    out = []
    for m in table:
        involved = set(m.ministries) | {n for s in m.sectors for n in s.ministries}
        if lead and canonical_name(lead) not in m.lead:
            continue
        if ministry and canonical_name(ministry) not in involved:
            continue
        if keyword and keyword not in m.text and keyword not in m.label:
            continue
        out.append(m)
    return out
