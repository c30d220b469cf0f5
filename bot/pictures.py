"""Progress pictures (PNG) drawn with matplotlib's headless Agg backend.

Each function returns the PNG and the numbers it actually drew, read back from the plot,
so tests can check the picture against the text version without looking at pixels. The
text versions stay: the pictures are an addition, not a replacement.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.domain.local_time import MONTHS
from bot.services.boards import TopicStats
from bot.services.progress import Progress, WeeklyPoints

DPI = 100
PALETTE_COLOURS = 64  # enough for the charts' few colours and their anti-aliased edges
NO_ANSWERS = "#ebedf0"  # a day without answers: light grey, so green always means "answered"
BAR = "#3b82f6"
TRACK = "#e5e7eb"  # the 0-100% track behind each bar, so a 0% topic is a visible empty row


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
    """A calendar heatmap of answers per day, and accuracy for every topic the text lists."""
    plt = _pyplot()
    topics = list(progress.stats.topics)
    coverage = list(progress.stats.coverage_by_week)
    # The bars grow with the topics, so every topic the text lists fits at a readable size.
    bars_height = max(2.2, 0.32 * len(topics) + 1.0)
    heights = [2.9, bars_height] + ([2.2] if coverage else [])
    figure, panels = plt.subplots(
        len(heights),
        1,
        figsize=(8, sum(heights)),
        dpi=DPI,
        gridspec_kw={"height_ratios": heights},
    )
    try:
        figure.suptitle(title, fontsize=14)
        drawn = _calendar(figure, panels[0], progress)
        drawn |= _topic_bars(panels[1], topics)
        if coverage:
            drawn |= _coverage_bars(panels[2], coverage)
        figure.tight_layout()
        return Picture(_png(figure), drawn)
    finally:
        plt.close(figure)


def _calendar(figure: Any, axes: Any, progress: Progress) -> dict[str, Any]:
    """Answers per day as a week-by-weekday grid, with a colour bar saying what colours mean."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    plt = _pyplot()
    days = (progress.last_day - progress.first_day).days + 1
    weeks = (days - 1) // 7 + 1
    # Days after today stay blank (NaN), unlike days without answers.
    grid = [[math.nan] * weeks for _ in range(7)]
    months: dict[int, str] = {}  # week column -> the month that starts in it
    for offset in range(days):
        day = progress.first_day + timedelta(days=offset)
        grid[day.weekday()][offset // 7] = float(progress.activity.get(day, 0))
        if day.day == 1:
            months[offset // 7] = MONTHS[day.month - 1]
    if not {0, 1} & months.keys():  # name the first month too, unless a label is right beside it
        months[0] = MONTHS[progress.first_day.month - 1]
    most = int(max(1.0, *(value for row in grid for value in row if not math.isnan(value))))
    greens = plt.get_cmap("Greens")
    colours = [NO_ANSWERS] + [greens(0.35 + 0.65 * step / most) for step in range(1, most + 1)]
    norm = BoundaryNorm([value - 0.5 for value in range(most + 2)], len(colours))
    image = axes.imshow(grid, cmap=ListedColormap(colours), norm=norm, aspect="equal")
    axes.set_yticks(range(7), ["Mon", "", "Wed", "", "Fri", "", "Sun"], fontsize=8)
    axes.set_xticks(list(months), list(months.values()))
    axes.tick_params(axis="x", labelsize=8, length=0)
    axes.set_xticks([x - 0.5 for x in range(1, weeks)], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, 7)], minor=True)
    axes.grid(which="minor", color="white", linewidth=1.5)
    axes.tick_params(which="minor", length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    streak = progress.stats.streak
    subtitle = f"Answers per day, last {weeks} weeks"
    if streak is not None:
        subtitle += f" · streak {streak.describe()}"
    axes.set_title(subtitle, fontsize=10)
    ticks = _whole_numbers(most)
    legend = figure.colorbar(image, ax=axes, ticks=ticks, shrink=0.8, pad=0.02, aspect=12)
    legend.set_label("answers per day", fontsize=8)
    legend.ax.tick_params(labelsize=8)
    legend.outline.set_visible(False)
    return {
        "calendar": [[int(value) for value in row] for row in image.get_array().filled(0)],
        "legend": legend.ax.get_ylabel(),
        "legend_ticks": [int(tick) for tick in legend.get_ticks()],
    }


def _whole_numbers(most: int) -> list[int]:
    """At most six evenly spaced whole-number ticks from 0 to `most`."""
    step = max(1, -(-most // 5))
    return [*range(0, most, step), most]


def _topic_bars(axes: Any, topics: list[TopicStats]) -> dict[str, Any]:
    """One labelled bar per topic over a grey 0-100% track; 0% is a label, never a gap."""
    names = [item.topic for item in topics][::-1]  # barh draws bottom-up: first topic on top
    values = [round(100 * item.accuracy) for item in topics][::-1]
    # Worded exactly as the text version's "By topic" lines.
    labels = [f"{item.accuracy:.0%} ({item.correct}/{item.answered})" for item in topics]
    axes.barh(names, [100] * len(names), color=TRACK, height=0.7)
    drawn_bars = axes.barh(names, values, color=BAR, height=0.7)
    for patch, value, label in zip(drawn_bars.patches, values, labels[::-1], strict=True):
        inside = value >= 30
        axes.text(
            value - 1 if inside else value + 1,
            patch.get_y() + patch.get_height() / 2,
            label,
            ha="right" if inside else "left",
            va="center",
            fontsize=8,
            color="white" if inside else "#111827",
        )
    if not topics:
        axes.set_yticks([])
    axes.set_xlim(0, 100)
    axes.set_xlabel("% correct (daily answers and quizzes)")
    axes.set_title(
        "Accuracy by topic" if topics else "Accuracy by topic: no answers yet", fontsize=10
    )
    axes.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return {
        "topics": [tick.get_text() for tick in axes.get_yticklabels()][::-1],
        "accuracy": [int(patch.get_width()) for patch in drawn_bars.patches][::-1],
        "labels": [text.get_text() for text in axes.texts][::-1],
    }


def _coverage_bars(axes: Any, weeks: list[tuple[str, float]]) -> dict[str, Any]:
    """Key points covered by the member's written answers, per week with answers."""
    labels = [week.split("-")[1] for week, _ in weeks]
    values = [round(100 * share) for _, share in weeks]
    bars = axes.bar(labels, values, color=BAR)
    for patch, value in zip(bars.patches, values, strict=True):
        axes.text(
            patch.get_x() + patch.get_width() / 2,
            value + 2,
            f"{value}%",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axes.set_ylim(0, 110)
    axes.set_ylabel("% of key points", fontsize=8)
    axes.set_title("Written answers: key points covered, by week", fontsize=10)
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return {
        "coverage_weeks": [tick.get_text() for tick in axes.get_xticklabels()],
        "coverage": [int(patch.get_height()) for patch in bars.patches],
    }


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
    """The figure as a palette PNG: flat charts need few colours, and a third of the bytes."""
    from PIL import Image  # Pillow comes with matplotlib

    drawn = io.BytesIO()
    figure.savefig(drawn, format="png", dpi=DPI, metadata={"Software": None})
    drawn.seek(0)
    with Image.open(drawn) as image:
        palette = image.convert("RGB").quantize(PALETTE_COLOURS, Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()
