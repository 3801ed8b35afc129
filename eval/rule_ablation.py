"""Which hand-written regex alternatives of src/planqa can go without any answer getting worse (README: rules).

Every Japanese pattern compiled in src/planqa is wrapped (at ``re._compile``, before planqa is imported) so that it
logs the texts each question gives it and can be switched to an edited pattern. Every question of the given gold
files is asked once (and, with ``--tests``, every Japanese string of tests/ as a question). Then, pattern by pattern,
each top-level alternative is removed in turn (greedily: one that can go stays removed while the next is tried);
only the questions whose texts the edited pattern treats differently are asked again. An alternative can go when
none of them loses a key fact, citation precision or a right abstention, and no test wording's answer changes.
Patterns also applied while loading (to document text) are left alone.

What it cannot see: packs not in the default index (民法・刑法), and functions tests call directly (the asks splitter,
the quiz parser). Remove what it lists, then run the whole test suite and read the sealed figures once.

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
from rules import bars  # eval/rules.py: where a regex's alternatives are cut

LOG: dict[tuple[str, int], dict[str, set[str]]] = collections.defaultdict(lambda: collections.defaultdict(set))
SWITCHED: dict[tuple[str, int], re.Pattern] = {}
MODULE: dict[tuple[str, int], str] = {}  # the planqa module that compiled each pattern
_PACKAGE = str(Path(importlib.util.find_spec("planqa").origin).parent)  # found without importing planqa
ASKING: list[str | None] = [None]  # the question whose pattern calls are logged
_LOADING = "(load)"
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "split", "sub", "subn")


class _Switchable:
    """A compiled pattern that logs the texts it is given and can be replaced by an edited one."""

    def __init__(self, compiled: re.Pattern, key: tuple[str, int]) -> None:
        self._compiled, self._key = compiled, key
        frame = sys._getframe(1)
        while frame and not frame.f_code.co_filename.startswith(_PACKAGE):
            frame = frame.f_back
        MODULE.setdefault(key, Path(frame.f_code.co_filename).stem if frame else "")

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


def alternatives(pattern: str) -> tuple[str, list[str], str]:
    """(prefix, top-level alternatives, suffix): a pattern that is one ``(?:a|b)`` group gives that group's."""
    cuts = [at for at, depth in bars(pattern) if depth == 0]
    parts = [pattern[start + 1:end] for start, end in zip([-1, *cuts], [*cuts, len(pattern)])]
    whole = re.fullmatch(r"\(\?:(.*)\)", pattern, re.S)
    if len(parts) == 1 and whole and len(alternatives(whole.group(1))[1]) > 1:
        return "(?:", alternatives(whole.group(1))[1], ")"
    return "", parts, ""


def without(pattern: str, drop: set[int]) -> str:
    prefix, parts, suffix = alternatives(pattern)
    return prefix + "|".join(p for i, p in enumerate(parts) if i not in drop) + suffix


def _outcomes(rx: re.Pattern, text: str) -> tuple:
    return [m.span() for m in rx.finditer(text)], bool(rx.match(text)), bool(rx.fullmatch(text)), rx.sub("\0", text)


def _test_wordings(folder: Path) -> list[str]:
    found = set()
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and _japanese(node.value) and 4 <= len(node.value) <= 400:
                found.add(node.value.encode("utf-8", "replace").decode())
    return sorted(found)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="JSON file for the alternatives that can go")
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files whose questions are asked")
    parser.add_argument("--tests", action="store_true", help="also keep every alternative a test wording needs")
    parser.add_argument("--module", action="append", help="only try the patterns of these planqa modules (e.g. routes)")
    args = parser.parse_args(argv)
    re._compile = planqa_compile(_Switchable)
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
            if key not in questions:
                return before != after
            return after[0] < before[0] or after[1] < before[1] - 1e-9 or (before[2] and not after[2])

        base = {}
        for key in [*questions, *wordings]:
            ASKING[0] = key
            base[key] = outcome(key)
        ASKING[0] = None
        removable = []
        for (pattern, flags), per_question in list(LOG.items()):
            parts = alternatives(pattern)[1]
            if len(parts) < 2 or _LOADING in per_question or (args.module and MODULE[pattern, flags] not in args.module):
                continue
            original, dropped = _compile(pattern, flags), set()
            for i, part in enumerate(parts):
                if len(dropped) + 1 >= len(parts):
                    break
                try:
                    edited = _compile(without(pattern, dropped | {i}), flags)
                except re.error:
                    continue
                touched = [k for k, texts in per_question.items()
                           if any(_outcomes(original, t) != _outcomes(edited, t) for t in texts)]
                SWITCHED[(pattern, flags)] = edited
                try:
                    if any(worse(k, base[k], outcome(k)) for k in touched):
                        continue
                finally:
                    SWITCHED.pop((pattern, flags), None)
                dropped.add(i)
                removable.append({"module": MODULE[pattern, flags], "pattern": pattern, "alternative": part,
                                  "questions_touched": len(touched)})
                print(f"can go: {MODULE[pattern, flags]} {part!r} ({len(touched)} touched)", flush=True)
    finally:
        re._compile = _compile
    Path(args.out).write_text(json.dumps(removable, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(removable)} alternatives can go (of those in {len(LOG)} patterns the questions reached)")


if __name__ == "__main__":
    main()
