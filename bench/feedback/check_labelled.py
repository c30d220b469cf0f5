"""Check bench/feedback/labelled.yaml against the shipped questions in content/ml.

Run:  .venv/bin/python bench/feedback/check_labelled.py
Exits non-zero and lists every problem found.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LABELLED = Path(__file__).resolve().parent / "labelled.yaml"
CONTENT = ROOT / "content" / "ml"

KINDS = ("strong", "partial", "wrong", "off-topic", "keywords", "prompt-copy")
ALL_FALSE_KINDS = ("off-topic", "keywords", "prompt-copy")
MIN_ANSWERS = 330
MIN_QUESTIONS = 66
MIN_SENTENCE_WORDS = 4  # shorter fragments ("About 8.8%.") are too generic to count as copying


def load_questions() -> dict[str, dict]:
    questions: dict[str, dict] = {}
    for path in sorted(CONTENT.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for q in data.get("questions", []) or []:
            q = dict(q)
            q["_file"] = path.name
            questions[q["id"]] = q
    return questions


def normalise(text: str) -> str:
    text = text.replace("**", "").replace("`", "").replace("*", "")
    text = re.sub(r"\s+", " ", text)
    return text.strip().lower()


def sentences(text: str) -> list[str]:
    """Split reference text into sentences (also at line breaks and bullet markers)."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line)
        for part in re.split(r"(?<=[.!?])\s+", line):
            part = normalise(part).rstrip(".!?:;").strip()
            if len(part.split()) >= MIN_SENTENCE_WORDS:
                out.append(part)
    return out


def main() -> int:
    problems: list[str] = []
    questions = load_questions()
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("answers"), list):
        print("labelled.yaml must be a mapping with an 'answers' list")
        return 1
    answers = data["answers"]

    kinds = collections.Counter()
    per_question: dict[str, list[str]] = collections.defaultdict(list)
    true_share = collections.defaultdict(lambda: [0, 0])
    banned_cache: dict[str, list[tuple[str, str]]] = {}

    for n, a in enumerate(answers, 1):
        where = f"answer #{n}"
        if not isinstance(a, dict):
            problems.append(f"{where}: not a mapping")
            continue
        extra = set(a) - {"question", "kind", "text", "covers"}
        missing = {"question", "kind", "text", "covers"} - set(a)
        if extra or missing:
            problems.append(
                f"{where}: missing {sorted(missing)} / unexpected {sorted(extra)} fields"
            )
            continue
        qid, kind, text, covers = a["question"], a["kind"], a["text"], a["covers"]
        where = f"answer #{n} ({qid}, {kind})"
        q = questions.get(qid)
        if q is None:
            problems.append(f"{where}: unknown question id")
            continue
        if kind not in KINDS:
            problems.append(f"{where}: kind must be one of {KINDS}")
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty text")
            continue
        kps = q["key_points"]
        if not isinstance(covers, list) or not all(isinstance(c, bool) for c in covers):
            problems.append(f"{where}: covers must be a list of true/false")
            continue
        if len(covers) != len(kps):
            problems.append(
                f"{where}: covers has {len(covers)} entries, question has {len(kps)} key points"
            )
            continue
        if kind in ALL_FALSE_KINDS and any(covers):
            problems.append(f"{where}: {kind} answers must be all false")

        kinds[kind] += 1
        per_question[qid].append(kind)
        true_share[kind][0] += sum(covers)
        true_share[kind][1] += len(covers)

        # No whole key-point or reference-answer sentence copied verbatim.
        if qid not in banned_cache:
            banned = [("key point", s) for kp in kps for s in sentences(kp)]
            banned += [("reference answer", s) for s in sentences(q["answer"])]
            banned_cache[qid] = banned
        norm_text = normalise(text)
        for source, s in banned_cache[qid]:
            if s in norm_text:
                problems.append(f"{where}: copies a {source} sentence verbatim: {s!r}")

    # Structure: five answers per question, one of each role.
    for qid, ks in per_question.items():
        c = collections.Counter(ks)
        adversarial = c["keywords"] + c["prompt-copy"]
        if (
            len(ks) != 5
            or any(c[k] != 1 for k in ("strong", "partial", "wrong", "off-topic"))
            or adversarial != 1
        ):
            problems.append(
                f"{qid}: expected strong, partial, wrong, off-topic and one adversarial answer, got {sorted(ks)}"
            )

    if len(answers) < MIN_ANSWERS:
        problems.append(f"only {len(answers)} answers (need >= {MIN_ANSWERS})")
    if len(per_question) < MIN_QUESTIONS:
        problems.append(f"only {len(per_question)} questions (need >= {MIN_QUESTIONS})")

    files = collections.Counter(questions[qid]["_file"] for qid in per_question)
    print(f"answers: {len(answers)}")
    print(f"questions: {len(per_question)}")
    print("by kind:")
    for k in KINDS:
        t, tot = true_share[k]
        share = f"{t / tot:.0%}" if tot else "-"
        print(f"  {k:12s} {kinds[k]:4d}   key points labelled true: {t}/{tot} ({share})")
    print("questions per file:")
    for f, c in sorted(files.items()):
        print(f"  {f:32s} {c}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  -", p)
        return 1
    print("\nok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
