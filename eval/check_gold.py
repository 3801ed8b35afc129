"""Validate planqa gold/dev Q&A sets against the source documents.

Example usage:
    python eval/check_gold.py eval/gold.jsonl eval/dev.jsonl
    python eval/check_gold.py --corpus /work/shared/corpus --show-structure eval/gold.jsonl

Checks (SPEC.md §2–§4): every line parses; fields are exactly id/question/answer/citations/
key_facts/kind; kinds are valid; ids are unique and well-formed; every citation ID is well-formed
and exists in the documents (derived by parsing them, not from a hand-written list); 附則第三条・
第四条 (【未取得】) are never cited; out_of_scope items have no citations and no key facts;
key facts are short (2–15 chars), NFKC-normal, satisfied by the reference answer, and (for at least
one alternative) found in the corpus; no question is repeated across files.
Prints counts per kind, coverage of the documents and a rough paraphrase ratio.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # ../shared beside the repo
PLAN_FILE = "ai_basic_plan_outline.raw.txt"
ACT_FILE = "ai_act.txt"
KINDS = {"factoid", "definition", "ministry", "list", "yes_no", "multi_hop", "out_of_scope"}
FIELDS = ["id", "question", "answer", "citations", "key_facts", "kind"]
FORBIDDEN = {"ai_act:suppl.3", "ai_act:suppl.4"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ID_RE = re.compile(r"^(plan:[1-4](\.\d+){0,3}|ai_act:(title|suppl\.\d+|\d+(-\d+)?(\.\d+){0,2}))$")
FW_DIGITS = "０１２３４５６７８９"


def kanji_to_int(s: str) -> int:
    """Convert 一 … 九十九 to an int."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (KANJI[tens] if tens else 1) * 10 + (KANJI[ones] if ones else 0)
    return KANJI[s]


def norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", norm(s))


def parse_plan(text: str) -> dict[str, str]:
    """Return {plan ID: own text} for every place in the plan outline (TOC skipped)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines)
                 if re.match(r"^第1章\s*基本構想", ln) and not re.search(r"\d\s*$", ln))
    ids: dict[str, str] = {}
    cur = None
    ch = k = sub = sec = grp = meas = 0
    for raw in lines[start:]:
        ln = re.sub(r"\s+", "", raw)
        ln = re.sub(r"^[-・·]+", "", ln)
        if not ln:
            continue
        mch = re.match(r"^第([1-4])章", ln)
        if mch:
            ch, k, sub, sec, grp, meas = int(mch.group(1)), 0, 0, 0, 0, 0
            cur = f"plan:{ch}"
        elif ch == 1 and re.match(r"^\((.+)\)$", ln):
            k += 1
            cur = f"plan:1.{k}"
        elif ch == 2 and re.match(r"^\((.+)\)$", ln):
            sub += 1
            cur = f"plan:2.{sub}"
        elif ch == 2 and sub == 2 and re.match(r"^(\d)\.", ln):
            n = int(ln[0])
            cur = f"plan:2.2.{n}"
        elif ch in (3, 4) and re.match(r"^第(\d)節", ln):
            sec, grp, meas = int(ln[1]), 0, 0
            cur = f"plan:{ch}.{sec}"
        elif ch == 3 and sec and re.match(r"^\((\d)\)", ln):
            g = int(re.match(r"^\((\d)\)", ln).group(1))
            assert g == grp + 1, f"group order broken at {raw!r}"
            grp, meas = g, 0
            cur = f"plan:3.{sec}.{grp}"
        elif ch == 3 and grp and ln[0] in CIRCLED:
            i = CIRCLED.index(ln[0]) + 1
            assert i == meas + 1, f"measure order broken at {raw!r}"
            meas = i
            cur = f"plan:3.{sec}.{grp}.{meas}"
        ids[cur] = ids.get(cur, "") + ln + "\n"
    return ids


def parse_act(text: str) -> dict[str, str]:
    """Return {ai_act ID: own text}; 目次 skipped; the second 附則 is the real one."""
    lines = text.splitlines()
    ids: dict[str, str] = {"ai_act:title": "".join(lines[:3])}
    start = lines.index("第一章　総則")
    art = para = None
    suppl = False
    for ln in lines[start:]:
        if ln == "附則":
            suppl, art = True, None
            continue
        m_art = re.match(r"^第([一二三四五六七八九十]+)条(?:の([一二三四五六七八九十]+))?　", ln)
        m_par = re.match(rf"^([{FW_DIGITS[2:]}])　", ln)
        m_item = re.match(r"^([一二三四五六七八九十]+)　", ln)
        if m_art:
            n = kanji_to_int(m_art.group(1))
            branch = f"-{kanji_to_int(m_art.group(2))}" if m_art.group(2) else ""
            art = f"ai_act:suppl.{n}" if suppl else f"ai_act:{n}{branch}"
            para = 1
            cur = art if suppl else f"{art}.1"
            ids.setdefault(art, "")
        elif art and m_par:
            para = FW_DIGITS.index(m_par.group(1))
            cur = f"{art}.{para}"
        elif art and m_item and not suppl:
            cur = f"{art}.{para}.{kanji_to_int(m_item.group(1))}"
        else:
            continue  # captions, chapter headings
        ids[cur] = ids.get(cur, "") + ln + "\n"
    return ids


def full_text(ids: dict[str, str], gid: str) -> str:
    """Text of a place including all places inside it."""
    return "".join(t for i, t in ids.items() if i == gid or i.startswith(gid + "."))


def within(c: str, g: str) -> bool:
    return c == g or c.startswith(g + ".")


def check_file(path: Path, ids: dict[str, str], corpus_sq: str, errors: list[str],
               seen_q: dict[str, str]) -> list[dict]:
    rows = []
    seen_id = set()
    prefix = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: bad JSON ({e})")
            continue
        if list(row) != FIELDS:
            errors.append(f"{where}: fields {list(row)} != {FIELDS}")
            continue
        rid = row["id"]
        mid = re.match(r"^([a-z])-(\d{3})$", rid)
        if not mid or int(mid.group(2)) != n:
            errors.append(f"{where}: id {rid!r} not sequential '<x>-{n:03d}'")
        prefix = prefix or (mid.group(1) if mid else None)
        if mid and mid.group(1) != prefix:
            errors.append(f"{where}: id prefix differs: {rid}")
        if rid in seen_id:
            errors.append(f"{where}: duplicate id {rid}")
        seen_id.add(rid)
        if row["kind"] not in KINDS:
            errors.append(f"{where}: bad kind {row['kind']!r}")
        for fld in ("question", "answer"):
            if not isinstance(row[fld], str) or not row[fld].strip():
                errors.append(f"{where}: empty {fld}")
        qn = squash(row["question"])
        if qn in seen_q:
            errors.append(f"{where}: question repeated from {seen_q[qn]}")
        seen_q[qn] = where
        cites, kfs = row["citations"], row["key_facts"]
        if not isinstance(cites, list) or not isinstance(kfs, list):
            errors.append(f"{where}: citations/key_facts must be lists")
            continue
        if len(set(cites)) != len(cites):
            errors.append(f"{where}: duplicate citation")
        for a in cites:
            for b in cites:
                if a != b and within(a, b):
                    print(f"WARN {where}: {a} lies inside {b} (redundant for matching)")
        for c in cites:
            if not isinstance(c, str) or not ID_RE.match(c):
                errors.append(f"{where}: malformed citation {c!r}")
            elif c in FORBIDDEN or any(within(c, f) for f in FORBIDDEN):
                errors.append(f"{where}: cites 【未取得】 {c}")
            elif c not in ids:
                errors.append(f"{where}: citation {c} does not exist in the documents")
        if row["kind"] == "out_of_scope":
            if cites or kfs:
                errors.append(f"{where}: out_of_scope must have empty citations and key_facts")
        else:
            if not cites:
                errors.append(f"{where}: in-scope question without citations")
            if not 1 <= len(kfs) <= 3:
                errors.append(f"{where}: {len(kfs)} key facts (want 1–3)")
        ans = norm(row["answer"])
        for kf in kfs:
            alts = kf if isinstance(kf, list) else [kf]
            if not alts or not all(isinstance(a, str) for a in alts):
                errors.append(f"{where}: bad key fact {kf!r}")
                continue
            for a in alts:
                if a != norm(a):
                    errors.append(f"{where}: key fact {a!r} is not NFKC-normal")
                if not 2 <= len(a) <= 15:
                    errors.append(f"{where}: key fact {a!r} has {len(a)} chars (want 2–15)")
            if not any(norm(a) in ans for a in alts):
                errors.append(f"{where}: answer lacks key fact {kf!r}")
            if not any(squash(a) in corpus_sq for a in alts):
                errors.append(f"{where}: key fact {kf!r} not found in the corpus")
        rows.append(row)
    return rows


def copy_ratio(question: str, source: str) -> float:
    """Share of the question's character trigrams that occur in the cited source text."""
    qs = re.sub(r"[\s、。？?！!「」（）()・]", "", squash(question))
    grams = {qs[i:i + 3] for i in range(len(qs) - 2)}
    if not grams:
        return 0.0
    return sum(g in source for g in grams) / len(grams)


def coverage(rows: list[dict], ids: dict[str, str]) -> list[str]:
    cited = [c for r in rows for c in r["citations"]]
    report = []
    for prefix, title in (("plan:", "plan"), ("ai_act:", "AI Act")):
        places = [i for i in ids if i.startswith(prefix) and i not in FORBIDDEN]
        missing = [p for p in places if not any(within(c, p) or within(p, c) for c in cited)]
        report.append(f"{title}: {len(places) - len(missing)}/{len(places)} places covered"
                      f" (a place counts if a citation lies inside it or contains it)")
        if missing:
            report.append(f"  uncovered: {', '.join(missing)}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--min-lines", type=int, default=0, help="minimum lines for the first file")
    ap.add_argument("--show-structure", action="store_true")
    args = ap.parse_args(argv)

    plan_txt = (args.corpus / PLAN_FILE).read_text(encoding="utf-8")
    act_txt = (args.corpus / ACT_FILE).read_text(encoding="utf-8")
    ids = {**parse_plan(plan_txt), **parse_act(act_txt)}
    corpus_sq = squash(plan_txt) + squash(act_txt)
    if args.show_structure:
        per = defaultdict(list)
        for i in ids:
            p = i.split(".")
            if i.startswith("plan:3.") and len(p) == 4:
                per[".".join(p[:3])].append(int(p[3]))
        for g in sorted(per):
            print(f"{g}: {len(per[g])} measures")
        print(sorted(i for i in ids if i.startswith("ai_act:")))

    errors: list[str] = []
    seen_q: dict[str, str] = {}
    ok = True
    for idx, f in enumerate(args.files):
        rows = check_file(f, ids, corpus_sq, errors, seen_q)
        if idx == 0 and len(rows) < args.min_lines:
            errors.append(f"{f.name}: {len(rows)} lines < {args.min_lines}")
        kinds = Counter(r["kind"] for r in rows)
        inscope = [r for r in rows if r["kind"] != "out_of_scope"]
        ratios = [copy_ratio(r["question"], "".join(squash(full_text(ids, c)) for c in r["citations"]))
                  for r in inscope]
        para = sum(x < 0.5 for x in ratios)
        print(f"== {f} : {len(rows)} questions")
        print("   kinds: " + ", ".join(f"{k}={kinds[k]}" for k in sorted(KINDS)))
        print(f"   paraphrased (<50% of question trigrams in cited text): {para}/{len(inscope)}"
              f" = {para / max(1, len(inscope)):.0%}")
        for line in coverage(rows, ids):
            print("   " + line)
    for e in errors:
        print("ERROR", e)
    ok = not errors
    print("OK" if ok else f"{len(errors)} error(s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
