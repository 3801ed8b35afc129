"""Which hand-written regex alternatives of src/planqa match none of the texts they are given (README: rules).

Every Japanese pattern compiled in src/planqa is wrapped (at ``re._compile``, before planqa is imported) so it logs
the texts it is asked about; every question of the given gold files is then asked, and for each pattern the
top-level alternatives that matched none of its texts are printed. Such an alternative cannot change those
questions' answers; whether it matters for other wordings is for a test to say (tests/test_wordings.py).

Usage: python eval/rule_coverage.py eval/dev.jsonl eval/unseen*.jsonl [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from rules import bars  # eval/rules.py: where a regex's alternatives are cut

_compile = re._compile
LOG: dict[tuple[str, int], set[str]] = {}


def _japanese(text: object) -> bool:
    return isinstance(text, str) and any(ch >= "\u3000" for ch in text)


class _Logged:
    """A compiled pattern that remembers the texts it is given."""

    def __init__(self, compiled: re.Pattern, key: tuple[str, int]) -> None:
        self._compiled, self._texts = compiled, LOG.setdefault(key, set())

    def __getattr__(self, name: str):
        method = getattr(self._compiled, name)
        if name not in ("search", "match", "fullmatch", "finditer", "findall", "split", "sub", "subn"):
            return method

        def logged(*args, **kwargs):
            text = args[1] if name in ("sub", "subn") else args[0]
            if isinstance(text, str):
                self._texts.add(text)
            return method(*args, **kwargs)
        return logged


def planqa_compile(wrap):
    """A ``re._compile`` that gives every Japanese pattern compiled in src/planqa to ``wrap(compiled, key)``."""

    def compile_(pattern, flags):
        if not isinstance(pattern, (str, bytes)):
            return pattern  # already wrapped
        compiled = _compile(pattern, flags)
        caller = sys._getframe(1)
        while caller and caller.f_code.co_filename.endswith(("re/__init__.py", "rule_coverage.py",
                                                              "rule_ablation.py")):
            caller = caller.f_back
        if _japanese(pattern) and caller and "planqa" in caller.f_code.co_filename:
            return wrap(compiled, (pattern, int(flags)))
        return compiled
    return compile_


_logging_compile = planqa_compile(_Logged)


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (outside groups and character classes); a pattern that is one
    ``(?:a|b)`` group gives that group's."""
    cuts = [at for at, depth in bars(pattern) if depth == 0]
    parts = [pattern[start + 1:end] for start, end in zip([-1, *cuts], [*cuts, len(pattern)])]
    whole = re.fullmatch(r"\(\?:(.*)\)", pattern, re.S)
    if len(parts) == 1 and whole and len(alternatives(whole.group(1))) > 1:
        return alternatives(whole.group(1))
    return parts


def unexercised() -> dict[str, list[str]]:
    """Pattern → its alternatives that matched none of the texts it was given (patterns never given a text are
    left out: nothing says which of their alternatives would matter)."""
    out = {}
    for (pattern, flags), texts in sorted(LOG.items()):
        dead = []
        for alt in alternatives(pattern):
            try:
                rx = _compile(alt, flags)
            except re.error:
                continue  # a back-reference into another alternative: counted as used
            if not any(rx.search(t) for t in texts):
                dead.append(alt)
        if dead and len(alternatives(pattern)) > 1:
            out[pattern] = dead
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files whose questions are asked")
    parser.add_argument("--json", action="store_true", help="print {pattern: [alternatives]} as JSON")
    args = parser.parse_args(argv)
    re._compile = _logging_compile
    try:
        from planqa.answer import Assistant
        from planqa.evaluate import load_gold

        assistant = Assistant.load()
        for path in args.gold:
            for gold in load_gold(path):
                assistant.ask(gold.question)
    finally:
        re._compile = _compile
    dead = unexercised()
    if args.json:
        print(json.dumps(dead, ensure_ascii=False))
        return
    for pattern, alts in dead.items():
        print(f"{len(alts)} of {len(alternatives(pattern))} unexercised in {pattern[:100]}")
        for alt in alts:
            print(f"    {alt}")
    print(f"{sum(map(len, dead.values()))} alternatives in {len(dead)} of {len(LOG)} patterns matched none of "
          "their texts")


if __name__ == "__main__":
    main()
