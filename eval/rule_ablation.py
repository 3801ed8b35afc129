"""Which hand-written regex alternatives of src/planqa can go without any answer getting worse (README: rules).

Every Japanese pattern compiled in src/planqa (with ``--module``, only those modules' patterns) is wrapped (at
``re._compile``, before planqa is imported) so that it logs the texts each question gives it and can be switched to
an edited pattern. Every question of the given gold files is asked once (and, with ``--tests``, every Japanese string
of tests/ as a question). Then, pattern by pattern, each alternative is removed in turn — the top-level ones first,
then those inside groups (not inside negative lookarounds, where a cut widens the match) — greedily: one that can go
stays removed while the next is tried. Only the questions whose logged texts the edited pattern treats differently are
asked again. An alternative can go when none of them loses a key fact, citation precision or a right abstention, and
no test wording's answer changes. Patterns also applied while loading (to document text) are left alone.

What it cannot see: packs not in the default index (民法・刑法), and functions tests call directly (the asks splitter,
the quiz parser). Remove what it lists (OUT.json: each alternative, and each pattern as it reads after the cuts),
then run the whole test suite and read the sealed figures once.

Usage: python eval/rule_ablation.py OUT.json eval/dev.jsonl eval/unseen*.jsonl [--tests] [--module routes]
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib.util
import json
import re
import sys
from pathlib import Path

from rule_coverage import _compile, _japanese, planqa_compile  # the same wrapping of planqa's patterns
from rules import syntax  # eval/rules.py: where a regex's groups and alternatives are

LOG: dict[tuple[str, int], dict[str, set[str]]] = collections.defaultdict(lambda: collections.defaultdict(set))
SWITCHED: dict[tuple[str, int], re.Pattern] = {}
MODULE: dict[tuple[str, int], str] = {}  # the planqa module that compiled each pattern
_PACKAGE = str(Path(importlib.util.find_spec("planqa").origin).parent)  # found without importing planqa
ASKING: list[str | None] = [None]  # the question whose pattern calls are logged
_LOADING = "(load)"
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "split", "sub", "subn")


ONLY: set[str] = set()  # --module: only these modules' patterns are wrapped (the rest run at full speed)


def _switchable(compiled: re.Pattern, key: tuple[str, int]):
    """The pattern wrapped, when its module is one being tried."""
    if key not in MODULE:
        frame = sys._getframe(1)
        while frame and not frame.f_code.co_filename.startswith(_PACKAGE):
            frame = frame.f_back
        MODULE[key] = Path(frame.f_code.co_filename).stem if frame else ""
    return _Switchable(compiled, key) if not ONLY or MODULE[key] in ONLY else compiled


class _Switchable:
    """A compiled pattern that logs the texts it is given and can be replaced by an edited one."""

    def __init__(self, compiled: re.Pattern, key: tuple[str, int]) -> None:
        self._compiled, self._key = compiled, key

    def __getattr__(self, name: str):
        method = getattr(SWITCHED.get(self._key, self._compiled), name)
        if name not in _METHODS:
            return method

        def logged(*args, **kwargs):
            text = args[1] if name in ("sub", "subn") else args[0]
            if ASKING[0] is not None and isinstance(text, str):
                LOG[self._key][ASKING[0]].add(text)
            return method(*args, **kwargs)
        return logged


def units(pattern: str) -> list[tuple[int, int, int]]:
    """Every alternative of a regex, nested groups' included: (group start, alternative start, end), outer groups
    first. Negative lookarounds are left alone (cutting inside one loosens the pattern instead of narrowing it)."""
    groups, stack = [], [[-1, 0, []]]  # [open position, content start, bars]
    for at, ch in syntax(pattern):
        if ch == "(":
            head = re.match(r"(?:\?(?:[:=!>]|<[=!]|P<\w+>|[aiLmsux-]+:)?)?", pattern[at + 1:]).group(0)
            stack.append([at, at + 1 + len(head), []])
        elif ch == ")" and len(stack) > 1:
            groups.append((*stack.pop(), at))
        elif ch == "|":
            stack[-1][2].append(at)
    groups.append((*stack[0], len(pattern)))
    found = []
    for start, content, cuts, end in sorted(groups):
        if not cuts or pattern[start + 1:start + 3] == "?!" or pattern[start + 1:start + 4] == "?<!":
            continue
        found += [(start, a + 1 if i else content, b) for i, (a, b) in enumerate(zip([None, *cuts], [*cuts, end]))]
    return [u for u in found if u[2] > u[1]]


def without(pattern: str, drop: set[tuple[int, int, int]]) -> str | None:
    """The pattern with those alternatives cut (None when a group would lose all of its alternatives)."""
    gone = [False] * len(pattern)
    by_group: dict[int, list[tuple[int, int, int]]] = {}
    for unit in units(pattern):
        by_group.setdefault(unit[0], []).append(unit)
    for alts in by_group.values():
        kept = [u for u in alts if u not in drop]
        if len(kept) == len(alts):
            continue
        if not kept:
            return None
        for unit in alts:
            if unit in drop:
                gone[unit[1]:unit[2]] = [True] * (unit[2] - unit[1])
            if unit in drop or unit == kept[0]:  # one bar before each kept alternative but the first
                if unit[1] > 0 and pattern[unit[1] - 1] == "|":
                    gone[unit[1] - 1] = True
            elif pattern[unit[1] - 1] == "|":
                gone[unit[1] - 1] = False
        first = alts.index(kept[0])
        if first > 0:  # the first kept alternative is not the group's first: the bar before it goes too
            gone[kept[0][1] - 1] = True
    return "".join(ch for ch, cut in zip(pattern, gone) if not cut)


def _outcomes(rx: re.Pattern, text: str) -> tuple:
    return [m.span() for m in rx.finditer(text)], bool(rx.match(text)), bool(rx.fullmatch(text)), rx.sub("\0", text)


def _test_wordings(folder: Path) -> list[str]:
    found = set()
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and _japanese(node.value) and 4 <= len(node.value) <= 400:
                found.add(node.value.encode("utf-8", "replace").decode())
    return sorted(found)


def _write(out: str, removable: list[dict], finals: list[dict]) -> None:
    """OUT.json: each alternative that can go, and each pattern as it reads after its cuts."""
    Path(out).write_text(json.dumps({"removable": removable, "patterns": finals}, ensure_ascii=False, indent=1),
                         encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="JSON file for the alternatives that can go")
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files whose questions are asked")
    parser.add_argument("--tests", action="store_true", help="also keep every alternative a test wording needs")
    parser.add_argument("--module", action="append", help="only try the patterns of these planqa modules (e.g. routes)")
    args = parser.parse_args(argv)
    ONLY.update(args.module or ())
    re._compile = planqa_compile(_switchable)
    try:
        from planqa.answer import Assistant
        from planqa.evaluate import _fact_found, load_gold

        ASKING[0] = _LOADING
        assistant = Assistant.load()
        ASKING[0] = None
        questions = {f"{path}#{g.id}": g for path in args.gold for g in load_gold(path)}
        wordings = {f"test#{i}": text for i, text in enumerate(_test_wordings(Path(__file__).parent.parent / "tests"))
                    } if args.tests else {}

        def outcome(key: str) -> tuple:
            gold = questions.get(key)
            try:
                answer = assistant.ask(gold.question if gold else wordings[key])
            except Exception as exc:  # a wording that is bad input on purpose
                return (repr(exc),)
            if not gold:
                return (answer.answer,)
            cited = [c.id for c in answer.citations]
            right = sum(any(c == g or c.startswith(g + ".") or g.startswith(c + ".") for g in gold.citations)
                        for c in cited)
            return (sum(_fact_found(f, answer.answer) for f in gold.key_facts), right / len(cited) if cited else 0.0,
                    answer.abstained == (gold.kind == "out_of_scope"))

        def worse(key: str, before: tuple, after: tuple) -> bool:
            if key not in questions or len(after) == 1:  # a test wording's answer changed, or asking raised
                return before != after
            return after[0] < before[0] or after[1] < before[1] - 1e-9 or (before[2] and not after[2])

        base = {}
        for key in [*questions, *wordings]:
            ASKING[0] = key
            base[key] = outcome(key)
        ASKING[0] = None
        removable, finals = [], []
        for (pattern, flags), per_question in list(LOG.items()):
            found = units(pattern)
            if not found or _LOADING in per_question or (args.module and MODULE[pattern, flags] not in args.module):
                continue
            original, dropped = _compile(pattern, flags), set()
            for unit in found:
                if any(d[1] <= unit[1] and unit[2] <= d[2] for d in dropped):  # inside an alternative already cut
                    continue
                cut = without(pattern, dropped | {unit})
                try:
                    edited = _compile(cut, flags) if cut is not None else None
                except re.error:
                    edited = None
                if edited is None:
                    continue
                touched = [k for k, texts in per_question.items()
                           if any(_outcomes(original, t) != _outcomes(edited, t) for t in texts)]
                SWITCHED[(pattern, flags)] = edited
                try:
                    if any(worse(k, base[k], outcome(k)) for k in touched):
                        continue
                finally:
                    SWITCHED.pop((pattern, flags), None)
                dropped.add(unit)
                part = pattern[unit[1]:unit[2]]
                removable.append({"module": MODULE[pattern, flags], "pattern": pattern, "alternative": part,
                                  "span": unit[1:], "questions_touched": len(touched)})
                print(f"can go: {MODULE[pattern, flags]} {part!r} ({len(touched)} touched)", flush=True)
            if dropped:
                SWITCHED[(pattern, flags)] = _compile(without(pattern, dropped), flags)  # later patterns see the cut
                finals.append({"module": MODULE[pattern, flags], "pattern": pattern,
                               "final": without(pattern, dropped)})
                _write(args.out, removable, finals)  # as it goes: a long run stopped early keeps what it found
    finally:
        re._compile = _compile
    _write(args.out, removable, finals)
    print(f"{len(removable)} alternatives can go (of those in {len(LOG)} patterns the questions reached)")


if __name__ == "__main__":
    main()
