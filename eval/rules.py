"""Count the hand-written rules in src/planqa: regex alternatives and word-table entries (README: rules).

How it counts, per module (only strings holding Japanese text: a rule about wording; ``__all__`` and
ASCII-only patterns such as ``\\s+`` are plumbing, not rules):
- every string literal passed as the pattern to ``re.compile`` / ``re.search`` / ``re.match`` / ``re.fullmatch`` /
  ``re.sub`` / ``re.finditer`` / ``re.findall`` / ``re.split``: one rule per alternative, that is one plus the
  number of ``|`` outside character classes and not escaped;
- every string in a module- or class-level literal table (tuple, list, set, frozenset, dict keys and values) of
  strings: one rule each, or its alternatives when the string is itself a pattern (holds ``|``).
Patterns built from other names (f-strings of tables) are counted where their parts are written.

Usage: python eval/rules.py [--json]
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Iterator

SRC = Path(__file__).resolve().parent.parent / "src" / "planqa"
_RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "finditer", "findall", "split"}


def _japanese(text: str) -> bool:
    return any(ch >= "\u3000" for ch in text)


def syntax(pattern: str) -> Iterator[tuple[int, str]]:
    """(position, character) of every ``(``, ``)`` and ``|`` of a regex outside [...] and not escaped."""
    in_class, escaped = False, False
    for at, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            yield at, ch


def bars(pattern: str) -> list[tuple[int, int]]:
    """(position, group depth) of every ``|`` of a regex outside [...] and not escaped."""
    found, depth = [], 0
    for at, ch in syntax(pattern):
        if ch == "|":
            found.append((at, depth))
        else:
            depth += 1 if ch == "(" else -1
    return found


def alternatives(pattern: str) -> int:
    """One plus the top-level and nested ``|`` of a regex, outside [...] and not escaped."""
    return 1 + len(bars(pattern))


def _strings(node: ast.AST) -> list[str] | None:
    """The strings of a literal table (None when the node is not a table of strings)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set",
                                                                                             "tuple") and node.args:
        return _strings(node.args[0])
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        out = []
        for elt in node.elts:
            inner = [elt.value] if isinstance(elt, ast.Constant) and isinstance(elt.value, str) else _strings(elt)
            if inner is None:
                return None
            out += inner
        return out or None
    if isinstance(node, ast.Dict):
        out = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        out += [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        return out or None
    return None


def count_module(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    regex = table = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RE_CALLS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args:
            parts = [n for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if any(_japanese(p.value) for p in parts):
                regex += sum(alternatives(p.value) for p in parts) - (len(parts) - 1)
    for scope in [tree] + [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        for stmt in scope.body:
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            names = [t.id for t in getattr(stmt, "targets", [getattr(stmt, "target", None)]) if isinstance(t, ast.Name)]
            strings = _strings(value) if value is not None and "__all__" not in names else None
            if strings:
                table += sum(alternatives(s) if "|" in s else 1 for s in strings if _japanese(s))
    return {"regex": regex, "table": table, "total": regex + table}


def count_all(src: Path = SRC) -> dict[str, dict[str, int]]:
    return {p.stem: c for p in sorted(src.glob("*.py")) if (c := count_module(p))["total"]}


if __name__ == "__main__":
    counts = count_all()
    total = sum(c["total"] for c in counts.values())
    if "--json" in sys.argv:
        print(json.dumps({"modules": counts, "total": total}, ensure_ascii=False))
    else:
        for name, c in sorted(counts.items(), key=lambda kv: -kv[1]["total"]):
            print(f"{name:12} regex {c['regex']:4}  table {c['table']:4}  total {c['total']:4}")
        print(f"{'all':12} {total}")
