"""Parser for the plan outline (人工知能基本計画骨子) as cleaned in corpus/.

Line grammar of the cleaned file (one logical unit per line):
``第n章 title``, ``(sub-heading)`` (chapters 1–2), ``n. policy`` (第2章),
``第n節 title``, ``・bullet``, ``【具体的な取組例】``, ``(g) group title``, ``① measure【…】``.
"""

from __future__ import annotations

import re

from .sections import Document, Section, TreeBuilder
from .text import normalize

__all__ = ["parse_plan", "CIRCLED", "EXAMPLES_HEADING"]

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_CHAPTER = re.compile(r"^第(\d+)章\s*(.+)$")
_SECTION = re.compile(r"^第(\d+)節\s*(.+)$")
_SUBHEADING = re.compile(r"^\((?!※)(.+)\)$")
_POLICY = re.compile(r"^(\d+)\.\s*(.+)$")
_GROUP = re.compile(r"^\((\d+)\)\s*(.+)$")
_MEASURE = re.compile(rf"^([{CIRCLED}])\s*(.+)$")
EXAMPLES_HEADING = "【具体的な取組例】"


def parse_plan(raw: str, doc: Document) -> list[Section]:
    """Turn the cleaned outline into sections with SPEC §2 IDs (plan:3.1.2.1 …)."""
    tree = TreeBuilder(doc)
    p, lab = doc.id, doc.label
    chapter = current = None
    sub_count = 0
    section = group = None
    lines = [line.strip() for line in raw.splitlines()]
    for line in lines[1:]:  # line 0 is the document title
        if not line:
            continue
        if m := _CHAPTER.match(line):
            chapter, sub_count, section, group = m.group(1), 0, None, None
            current = tree.add(f"{p}:{chapter}", f"{lab} 第{chapter}章", f"第{chapter}章 {normalize(m.group(2))}",
                               "chapter", None)
        elif chapter is None:
            continue
        elif chapter in ("1", "2") and (m := _SUBHEADING.match(line)):
            sub_count += 1
            title = normalize(m.group(1))
            current = tree.add(f"{p}:{chapter}.{sub_count}", f"{lab} 第{chapter}章({title})",
                               f"({title})", "subheading", f"{p}:{chapter}")
        elif chapter == "2" and sub_count == 2 and (m := _POLICY.match(line)):
            n = m.group(1)
            current = tree.add(f"{p}:2.2.{n}", f"{lab} 第2章 基本的な方針{n}", normalize(line),
                               "policy", f"{p}:2.2")
        elif m := _SECTION.match(line):
            section, group = m.group(1), None
            current = tree.add(f"{p}:{chapter}.{section}", f"{lab} 第{chapter}章第{section}節",
                               f"第{section}節 {normalize(m.group(2))}", "section", f"{p}:{chapter}")
        elif line == EXAMPLES_HEADING:
            continue
        elif section and (m := _GROUP.match(line)):
            group = m.group(1)
            current = tree.add(f"{p}:{chapter}.{section}.{group}", f"{lab} 第{chapter}章第{section}節({group})",
                               normalize(line), "group", f"{p}:{chapter}.{section}")
        elif group and (m := _MEASURE.match(line)):
            i = CIRCLED.index(m.group(1)) + 1
            base = f"{p}:{chapter}.{section}.{group}"
            current = tree.add(f"{base}.{i}", f"{lab} 第{chapter}章第{section}節({group}){m.group(1)}",
                               m.group(1), "measure", base,
                               text=normalize(m.group(2)))
        else:
            tree.append_text(current, normalize(line))
    return tree.build()
