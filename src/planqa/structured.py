"""Answers read straight off the document structure and the ministry table (no ranking involved):
a named place, the Act's title and 目次, a measure's ministries, what a ministry leads, penalties."""

from __future__ import annotations

import re
from dataclasses import replace

from .chunk import split_sentences
from .corpus import Corpus
from .ministries import Measure, display_name
from .results import Answer, Citation, Line, plain
from .routes import Route

__all__ = ["StructuredAnswers", "strip_marker"]


# provisions that license, register or prohibit (「許可を受けなければならない」「…してはならない」)
_CONTROLS = re.compile(r"許可を受け|届け?出(?:なければ|をし)|してはならない")
_PUNISHES = re.compile(r"に処する|過料に")  # 「…の罰金に処する」「…の過料に処する」
_WHO_ELSE = 8  # a list of lead measures this short also names each measure's other ministries


def strip_marker(sentence: str) -> str:
    return re.sub(r"^(?:・|[①-⑳]\s*|\d+\s+)", "", sentence).strip()


class StructuredAnswers:
    """Builds route answers from the corpus and its ministry table; every line carries a label."""

    def __init__(self, corpus: Corpus, table: list[Measure]) -> None:
        self.corpus = corpus
        self.table = table

    def reference(self, ref: str) -> Answer:
        """What a named place says: its own sentences and its parts (sections, measures, paragraphs)."""
        place = self.corpus[ref]
        if not place.indexed:
            text = (f"{place.label}の条文は入手できていないため、内容をお答えできません。"
                    "原文は e-Gov 法令検索でご確認ください。")
            return Answer(plain(text), True, (), (), 0.0, "abstain")
        lines, cites = [], {}

        def cite(text: str, sec) -> Line:
            cites.setdefault(sec.id, Citation(sec.id, sec.label, self.corpus.full_text(sec.id)))
            return Line.at(text, sec)

        if place.kind in ("chapter", "section", "subheading", "group") and place.title:
            lines.append(cite(place.title, place))
        for sent in split_sentences(place.text)[:6]:
            lines.append(cite(strip_marker(sent), place))
        children = [self.corpus[c] for c in place.children if self.corpus[c].indexed]
        for child in children[:12]:
            if child.kind in ("paragraph", "item", "measure"):
                lines.append(cite(strip_marker(child.text), child))
                lines += [cite(self.corpus[item].text, self.corpus[item]) for item in child.children]
            else:
                lines.append(cite(child.title, child))
        if len(children) > 12:
            lines.append(cite(f"ほか{len(children) - 12}件は原文をご覧ください。", place))
        return Answer(tuple(lines), False, tuple(cites.values()), (), 0.0, "reference")

    def missing(self, ref: str) -> Answer | None:
        """A direct answer for a place the documents do not have (「AI法第99条」): the range that exists, read off
        the tree for any document; None when the ID's document or its kind of place is unknown."""
        doc, _, local = ref.partition(":")
        if not any(d.id == doc for d in self.corpus.documents):
            return None
        while "." in local and ref.rsplit(".", 1)[0] not in self.corpus:
            ref, local = ref.rsplit(".", 1)[0], local.rsplit(".", 1)[0]  # 第5章第1節: the chapter is missing too
        ref = ref.split("-")[0] if not self._siblings(ref) else ref  # 第10条の5 where no article is branched
        siblings = self._siblings(ref)
        if not siblings:
            return None
        parent = ref.rsplit(".", 1)[0] if "." in ref.partition(":")[2] else None
        where = self.corpus[parent].label if parent else self.corpus.document(doc).label
        first, last = (sec.label.removeprefix(where).strip() for sec in (siblings[0], siblings[-1]))
        text = f"ご指定の箇所は{where}にはありません。{where}は{first}から{last}までです。"
        cites = (Citation(parent, where, self.corpus.full_text(parent)),) if parent else ()
        return Answer((Line.at(text, cites[0]) if cites else Line(text),), False, cites, (), 0.0, "reference")

    def _siblings(self, ref: str) -> list:
        """The places of the same kind and level as ``ref`` (ai_act:99 → ai_act:1 … ai_act:28), in order."""
        prefix = ref.rsplit(".", 1)[0] + "." if "." in ref.partition(":")[2] else ref.partition(":")[0] + ":"
        shape = re.sub(r"\d+", "#", ref)
        return [sec for sec in self.corpus if sec.id.startswith(prefix) and re.sub(r"\d+", "#", sec.id) == shape]

    def ministry(self, query: str, measure: Measure) -> Answer:
        cite = Citation(measure.id, measure.label, self.corpus.full_text(measure.id))
        sectors = [s for s in measure.sectors if s.named_in(query)]
        lead = "、".join(display_name(n) for n in measure.lead)
        if sectors:
            lines = [f"「{measure.text}」のうち"
                     + "、".join(f"{s.sector}の担当は{'、'.join(display_name(n) for n in s.ministries)}" for s in sectors)
                     + "です。"] + ([f"この施策全体の主担当(◎)は{lead}です。"] if measure.lead
                                   else ["この施策には◎による主担当の指定はありません。"])
        elif measure.lead:
            others = [display_name(n) for n in measure.ministries if n not in measure.lead]
            lines = [f"「{measure.text}」の主担当(◎)は{lead}です。"] + ([f"ほかに{'、'.join(others)}が担当します。"]
                                                                   if others else [])
        else:
            others = [display_name(n) for n in measure.ministries]
            lines = [f"「{measure.text}」の担当は{'、'.join(others)}です(◎による主担当の指定はありません)。"]
        return Answer(tuple(Line.at(text, measure) for text in lines), False, (cite,), (), 0.0, "ministry")

    def ministry_check(self, query: str, measure: Measure, names: tuple[str, ...]) -> Answer:
        """Who is responsible for a measure, and whether the ministries the question names take part."""
        answer = self.ministry(query, measure)
        lines = []
        named = [s for s in measure.sectors if s.sector and s.named_in(query)]
        for name in names:
            if named:  # 「富岳NEXTの開発は経産省が担当？」: the sub-entry asked about decides
                inside = [s.sector for s in named if name in s.ministries]
                if inside:
                    lines.append(f"{display_name(name)}は{'、'.join(inside)}の担当に含まれています。")
                else:
                    also = "(この施策のほかの取組の担当には含まれています)" if name in measure.ministries else ""
                    lines.append(f"{display_name(name)}は{'、'.join(s.sector for s in named)}の担当に"
                                 f"含まれていません{also}。")
                continue
            sectors = [s.sector for s in measure.sectors if name in s.ministries and s.sector]
            if name in measure.lead:
                lines.append(f"{display_name(name)}はこの施策の主担当(◎)です。")
            elif name in measure.ministries or sectors:
                where = f"({'、'.join(sectors)}の分野)" if sectors and name not in measure.ministries else ""
                lines.append(f"{display_name(name)}もこの施策の担当に含まれています{where}。")
            else:
                lines.append(f"{display_name(name)}はこの施策の担当に含まれていません。")
        return replace(answer, lines=(*answer.lines, *(Line.at(text, measure) for text in lines)))

    def ministry_list(self, route: Route, topic: set[str] | None = None) -> Answer:
        """Measures a ministry leads (◎), takes part in, or carries alone, from the table.

        ``topic`` (measure IDs) narrows the list when the question names a subject too.
        """
        lines, cites = [], {}
        table = [m for m in self.table if topic is None or m.id in topic]
        within = "骨子" if topic is None else "お尋ねの範囲"  # a narrowed list says nothing of the rest of the plan
        if route.joint:
            both = [m for m in table if all(n in m.ministries for n in route.ministries)]
            names = "と".join(display_name(n) for n in route.ministries)
            lines.append(Line(f"{names}がともに担当する施策は{len(both)}件です。" if both
                              else f"{names}がともに担当する施策は{within}にありません。"))
            for m in both:
                lines.append(Line.at(f"・{m.text}", m))
                cites.setdefault(m.id, Citation(m.id, m.label, self.corpus.full_text(m.id)))
            return Answer(tuple(lines), False, tuple(cites.values()), (), 0.0, "ministry_list")
        for name in route.ministries:
            leads = [m for m in table if name in m.lead]
            sole = [m for m in table if m.ministries == (name,)
                    or any(s.ministries == (name,) for s in m.sectors)]
            involved = [m for m in table if name in m.ministries or m in sole]
            if route.sole_only:
                chosen = sole + [m for m in leads if m not in sole] if route.lead_only else sole
                head = f"{display_name(name)}が単独で担当する施策" + ("と主担当(◎)の施策" if route.lead_only else "")
            elif route.lead_only and leads and not route.involved_too:
                chosen, head = leads, f"{display_name(name)}が主担当(◎)の施策"
            elif route.lead_only:  # no lead, or the other measures asked for too: list both, lead marked
                if not leads:
                    lines.append(Line(f"{display_name(name)}が主担当(◎)の施策は{within}にありません。"))
                chosen = leads + [m for m in involved if m not in leads]
                head = f"{display_name(name)}が担当する施策(◎は主担当)"
            else:
                chosen = leads + [m for m in involved if m not in leads]
                head = f"{display_name(name)}が担当する施策(◎は主担当)"
            lines.append(Line(f"{head}は{len(chosen)}件です。" if chosen else f"{head}は{within}にありません。"))
            for m in chosen:
                subs = [s.sector for s in m.sectors if name in s.ministries]
                where = f"(うち{'、'.join(subs)})" if subs and name not in m.lead else ""
                # who else: 「(◎外務省、防衛省)」, in a list of lead measures too when it is short
                if (not route.lead_only or len(chosen) <= _WHO_ELSE) and not subs and m.ministries != (name,):
                    where = "(" + "、".join(("◎" if n in m.lead else "") + n
                                            for n in m.ministries) + ")"
                lines.append(Line.at(f"・{'◎' if m in leads else ''}{m.text}{where}{'【再掲】' if m.repeated else ''}", m))
                cites.setdefault(m.id, Citation(m.id, m.label, self.corpus.full_text(m.id)))
        # each listed measure carries its label; the count sentence is backed by the list under it
        return Answer(tuple(lines), False, tuple(cites.values()), (), 0.0, "ministry_list")

    # ---- facts about a law, read off its tree (any law of the manifest) ---------------------------------
    def _chapters(self, law: str) -> str:
        """「総則・基本的施策・…」: the law's chapter titles without their numbers."""
        titles = [re.sub(r"^第\d+章\s*", "", sec.title) for sec in self.corpus.roots(law) if sec.kind == "chapter"
                  and sec.id != f"{law}:suppl"]
        return "・".join(titles)

    def _penal_articles(self, law: str) -> list:
        """Articles that impose a punishment (「…に処する」「過料」), or stand in a chapter titled 罰則."""
        found = []
        for sec in self.corpus:
            if sec.doc != law or sec.kind != "article":
                continue
            chapter = self.corpus[sec.parent].title if sec.parent else ""
            if "罰則" in chapter or _PUNISHES.search(self.corpus.full_text(sec.id)):
                found.append(sec)
        return found

    def _with_see_also(self, law: str, topic: str, lines: list[Line], cites: list, pointers: int | None = None) -> Answer:
        """The structural lines, then the places the manifest points readers to on the topic (``see_also``; only the
        first ``pointers`` of them when given)."""
        for ref in dict(self.corpus.document(law).see_also).get(topic, ())[:pointers]:
            place = self.corpus[ref]
            lines.append(Line.at(strip_marker(split_sentences(place.text)[0]), place))
            cites.append(place)
        citations = tuple(Citation(s.id, s.label, self.corpus.full_text(s.id)) for s in dict.fromkeys(cites))
        return Answer(tuple(lines), False, citations, (), 0.0, topic)

    def _penal_paragraph(self, article):
        """The paragraph of a penal article that states the punishment (else its first)."""
        paragraphs = [self.corpus[c] for c in article.children]
        return next((p for p in paragraphs if _PUNISHES.search(p.text)), paragraphs[0] if paragraphs else article)

    def _quoting(self, law: str, topic: str, head: str, places: list, pointers: int | None = None) -> Answer:
        """A heading line backed by the places quoted under it (their first sentence each)."""
        lines = [Line.at(head, places[0])]
        lines += [Line.at(strip_marker(split_sentences(p.text)[0]), p) for p in places]
        return self._with_see_also(law, topic, lines, list(places), pointers)

    def penalty(self, law: str, pointers: int | None = None) -> Answer:
        """Whether the law has penalties, from its structure: its penal articles quoted, or that it has none
        (``pointers``: how many of the manifest's see_also places follow; None: all)."""
        doc, title = self.corpus.document(law), self.corpus[f"{law}:title"]
        penal = [self._penal_paragraph(art) for art in self._penal_articles(law)[:4]]
        if penal:
            return self._quoting(law, "penalty", f"{doc.label}には罰則の規定があります。主なものは次のとおりです。", penal,
                                 pointers)
        chapters = self._chapters(law)
        structure = f"法律の構成は{chapters}と附則で、罰則の章はありません。" if chapters else ""
        lines = [Line.at(f"{doc.label}には罰則の規定はありません。{structure}", title)]
        return self._with_see_also(law, "penalty", lines, [title], pointers)

    def regulation(self, law: str, pointers: int | None = None) -> Answer:
        """Whether the law licenses, registers or prohibits anything, from its text (``pointers`` as for penalty)."""
        doc, title = self.corpus.document(law), self.corpus[f"{law}:title"]
        rules = [sec for sec in self.corpus if sec.doc == law and sec.kind == "paragraph" and _CONTROLS.search(sec.text)]
        if rules:
            return self._quoting(law, "regulation", f"{doc.label}には、許可・登録・届出や禁止を定める規定があります。",
                                 rules[:4], pointers)
        chapters = self._chapters(law)
        lines = [Line.at(f"{doc.label}には、許可・登録・届出を求めたり、特定の行為を禁止したりする規定はありません。"
                         + (f"法律の構成は{chapters}と附則です。" if chapters else ""), title)]
        return self._with_see_also(law, "regulation", lines, [title], pointers)

    def metadata(self, law: str) -> Answer:
        """The law's title, number and promulgation date, from its title section."""
        doc, title = self.corpus.document(law), self.corpus[f"{law}:title"]
        lines = title.text.splitlines()[1:]  # the place's text opens with the title itself
        number, promulgated = (lines + ["", ""])[:2]
        text = f"{doc.label}の正式な題名は「{title.title}」({number})です。" + (f"{promulgated}。" if promulgated else "")
        said = [Line.at(text, title)]
        if "目次" in lines:  # the structure, as its 目次 gives it
            said.append(Line.at(f"構成は目次のとおり{'、'.join(lines[lines.index('目次') + 1:])}です。", title))
        return Answer(tuple(said), False, (Citation(title.id, title.label, self.corpus.full_text(title.id)),), (), 0.0,
                      "metadata")
