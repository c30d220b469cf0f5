"""Progress pictures (PNG) drawn with matplotlib's headless Agg backend.

Each function returns the PNG and the numbers it actually drew, read back from the plot,
so tests can check the picture against the text version without looking at pixels. The
text versions stay: the pictures are an addition, not a replacement.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.services.progress import Progress, WeeklyPoints

MAX_TOPICS = 10
DPI = 100


@dataclass(frozen=True)
class Picture:
    png: bytes
    drawn: dict[str, Any] = field(default_factory=dict)


def _pyplot() -> Any:
    # Imported on first use: matplotlib is slow to import and only pictures need it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def progress_card(progress: Progress, title: str) -> Picture:
    """A calendar heatmap of answers per day, and accuracy by topic."""
    plt = _pyplot()
    weeks = ((progress.last_day - progress.first_day).days // 7) + 1
    grid = [[0.0] * weeks for _ in range(7)]
    for offset in range((progress.last_day - progress.first_day).days + 1):
        day = progress.first_day + timedelta(days=offset)
        grid[day.weekday()][offset // 7] = float(progress.activity.get(day, 0))
    topics = list(progress.stats.topics[:MAX_TOPICS])

    figure, (calendar, bars) = plt.subplots(
        2, 1, figsize=(8, 6.4), dpi=DPI, gridspec_kw={"height_ratios": [1, 1.6]}
    )
    try:
        figure.suptitle(title, fontsize=14)
        image = calendar.imshow(
            grid, cmap="Greens", aspect="equal", vmin=0, vmax=max(1.0, *map(max, grid))
        )
        calendar.set_yticks(range(7), ["Mon", "", "Wed", "", "Fri", "", "Sun"], fontsize=8)
        calendar.set_xticks([])
        streak = progress.stats.streak
        subtitle = f"Answers per day, last {weeks} weeks"
        if streak is not None:
            subtitle += f" · streak {streak.current} (best {streak.best})"
        calendar.set_title(subtitle, fontsize=10)
        labels = [item.topic for item in topics]
        values = [round(100 * item.accuracy) for item in topics]
        bars.barh(labels[::-1], values[::-1], color="#3b82f6")
        if not topics:
            bars.set_yticks([])
        bars.set_xlim(0, 100)
        bars.set_xlabel("% correct (daily answers and quizzes)")
        bars.set_title(
            "Accuracy by topic" if topics else "Accuracy by topic: no answers yet", fontsize=10
        )
        bars.tick_params(axis="y", labelsize=8)
        figure.tight_layout()
        drawn = {
            "calendar": [[int(value) for value in row] for row in image.get_array().tolist()],
            "topics": [tick.get_text() for tick in bars.get_yticklabels()][::-1],
            "accuracy": [int(patch.get_width()) for patch in bars.patches][::-1],
        }
        return Picture(_png(figure), drawn)
    finally:
        plt.close(figure)


def weekly_points_chart(points: WeeklyPoints, title: str) -> Picture:
    """Bars of the group's points per ISO week."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 3.6), dpi=DPI)
    try:
        labels = [label for label, _ in points.weeks]
        values = [value for _, value in points.weeks]
        axes.bar(labels, values, color="#f59e0b")
        axes.set_title(title, fontsize=12)
        axes.set_ylabel("points")
        axes.tick_params(axis="x", labelsize=8, rotation=30)
        figure.tight_layout()
        drawn = {
            "weeks": [tick.get_text() for tick in axes.get_xticklabels()],
            "points": [int(patch.get_height()) for patch in axes.patches],
        }
        return Picture(_png(figure), drawn)
    finally:
        plt.close(figure)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
