"""Written-answer feedback benchmark (not a test): how well the local key-point matcher agrees
with a judge's labels, and how long it takes.

Run: python bench/feedback.py

The labelled set (bench/feedback/labelled.yaml) holds written answers to shipped questions,
each judged per key point (covered or not) by someone who did not write the pack's cues:
strong, partial, wrong-but-on-topic and off-topic answers, and adversarial ones (the key
points' words listed with no claim, the prompt copied back).

Printed:
- precision and recall of "covered" against the labels, over every key point of every answer
  [targets: precision >= 0.85, recall >= 0.75], and per kind of answer;
- adversarial_strong: the share of adversarial answers the matcher scores as strong [<= 5%];
- latency: every labelled answer checked 20 times on a warm matcher (p50, p99), and a long
  answer (600 words) checked against every question of the bank on a cold matcher, so each
  question's key points are prepared on the way (p99 per answer), then the same again warm
  [p99 < 5 ms].
Last line: precision= recall= adversarial_strong= p50_ms= p99_ms= bank_p99_ms=
bank_warm_p99_ms= answers= questions=
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.content.loader import load_library  # noqa: E402
from bot.domain.feedback import Matcher, Strength  # noqa: E402

LABELLED = ROOT / "bench" / "feedback" / "labelled.yaml"
ADVERSARIAL = {"keywords", "prompt-copy"}
REPEATS = 20
LONG_ANSWER_WORDS = 600


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    pack = load_library(load_settings().content_dir).pack("ml")
    answers = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["answers"]
    matcher = Matcher(pack.synonyms)
    counts: dict[str, Counter[str]] = {}
    adversarial = adversarial_strong = 0
    for item in answers:
        question = pack.by_id[item["question"]]
        feedback = matcher.check(question, item["text"])
        tally = counts.setdefault(item["kind"], Counter())
        for point, label in zip(feedback.points, item["covers"], strict=True):
            outcome = {
                (True, True): "tp",  # the judge and the matcher say covered
                (True, False): "fn",  # covered by the judge, missed by the matcher
                (False, True): "fp",  # covered only by the matcher
                (False, False): "tn",
            }[(bool(label), point.covered)]
            tally[outcome] += 1
        if item["kind"] in ADVERSARIAL:
            adversarial += 1
            adversarial_strong += feedback.strength is Strength.STRONG
    total: Counter[str] = sum(counts.values(), Counter())
    precision = total["tp"] / max(1, total["tp"] + total["fp"])
    recall = total["tp"] / max(1, total["tp"] + total["fn"])
    print(f"{len(answers)} answers to {len({a['question'] for a in answers})} questions")
    for kind, tally in sorted(counts.items()):
        said = tally["tp"] + tally["fp"]
        true = tally["tp"] + tally["fn"]
        print(
            f"  {kind:12} covered by label {true:4}  by matcher {said:4}  "
            f"agreeing {tally['tp']:4}  wrongly covered {tally['fp']:3}  missed {tally['fn']:3}"
        )
    share = adversarial_strong / max(1, adversarial)
    print(f"precision {precision:.3f}, recall {recall:.3f}, adversarial strong {share:.1%}")

    timings = []
    for _ in range(REPEATS):
        for item in answers:
            question = pack.by_id[item["question"]]
            started = time.perf_counter()
            matcher.check(question, item["text"])
            timings.append((time.perf_counter() - started) * 1000)
    long_answer = " ".join(item["text"] for item in answers).split()[:LONG_ANSWER_WORDS]
    text = " ".join(long_answer)
    fresh = Matcher(pack.synonyms)
    bank: list[float] = []
    warm: list[float] = []
    for timings_of in (bank, warm):  # first each question's key points are prepared; then not
        for question in pack.questions:
            started = time.perf_counter()
            fresh.check(question, text)
            timings_of.append((time.perf_counter() - started) * 1000)
    p50, p99, bank_p99 = percentile(timings, 0.5), percentile(timings, 0.99), percentile(bank, 0.99)
    warm_p99 = percentile(warm, 0.99)
    print(
        f"latency: labelled answers p50 {p50:.3f} ms, p99 {p99:.3f} ms ({len(timings)} checks); "
        f"a {LONG_ANSWER_WORDS}-word answer against all {len(bank)} questions, cold: "
        f"p99 {bank_p99:.3f} ms, max {max(bank):.3f} ms, mean {statistics.mean(bank):.3f} ms; "
        f"again, warm: p99 {warm_p99:.3f} ms"
    )
    print(
        f"precision={precision:.3f} recall={recall:.3f} adversarial_strong={share:.3f} "
        f"p50_ms={p50:.3f} p99_ms={p99:.3f} bank_p99_ms={bank_p99:.3f} "
        f"bank_warm_p99_ms={warm_p99:.3f} "
        f"answers={len(answers)} questions={len({a['question'] for a in answers})}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
