"""The timeline chart's geometry, computed here and drawn by ``templates/chart.svg.html``.

Server-side SVG: nothing to load, nothing to run in the browser, and every
label goes through the template's escaping. One query is drawn as bars, several
as lines; each bar or point links to the search for its query in its bucket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from newsearch.models import TimelineComparison
from newsearch.search.compare import bucket_date, bucket_last_day
from newsearch.web.params import SearchRequest
from newsearch.web.views import search_url

WIDTH, HEIGHT = 800, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
MAX_X_LABELS = 8
SERIES_CLASSES = 8  # style.css colours .series-0 … .series-7


@dataclass
class Mark:
    x: float
    y: float
    width: float
    height: float
    value: str
    bucket: str
    href: str


@dataclass
class Series:
    label: str
    css: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def points(self) -> str:
        return " ".join(f"{m.x + m.width / 2:.1f},{m.y:.1f}" for m in self.marks)


@dataclass
class Chart:
    width: int
    height: int
    bars: bool
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, str]]
    plot: tuple[float, float, float, float]  # left, top, right, bottom


def chart(comparison: TimelineComparison, sources: tuple[str, ...] = ()) -> Chart:
    """Bars (one query) or lines (several) for the counts, or for the shares when normalised."""
    buckets = comparison.buckets
    if comparison.normalized:
        values = [[share[key] for key in buckets] for share in comparison.shares]
    else:
        values = [[t.counts[key] for key in buckets] for t in comparison.timelines]
    peak = max((v for row in values for v in row), default=0)
    step_value, top_value = nice_scale(peak)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(1, len(buckets))
    bars = len(comparison.timelines) == 1
    series = []
    for index, (timeline, row) in enumerate(zip(comparison.timelines, values)):
        line = Series(label=timeline.query, css=f"series-{index % SERIES_CLASSES}")
        for position, (key, value) in enumerate(zip(buckets, row)):
            height = plot_height * value / top_value if top_value else 0.0
            gap = min(2.0, step * 0.15) if bars else 0.0
            until = bucket_last_day(key, comparison.interval).isoformat()
            href = search_url(SearchRequest(q=timeline.query, since=bucket_date(key).isoformat(), until=until, sources=sources))
            line.marks.append(
                Mark(
                    x=LEFT + position * step + gap, y=TOP + plot_height - height, width=max(0.5, step - 2 * gap),
                    height=height, value=_shown(value, comparison.normalized), bucket=key, href=href,
                )
            )
        series.append(line)
    return Chart(
        width=WIDTH, height=HEIGHT, bars=bars, series=series,
        x_labels=_x_labels(buckets, step), y_labels=_y_labels(step_value, top_value, plot_height, comparison.normalized),
        plot=(LEFT, TOP, WIDTH - RIGHT, TOP + plot_height),
    )


def nice_scale(peak: float) -> tuple[float, float]:
    """A round tick step (1, 2 or 5 × 10^k) and the axis top: about five ticks above ``peak``."""
    if peak <= 0:
        return 1.0, 1.0
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return step, step * math.ceil(peak / step)


def _shown(value: float, share: bool) -> str:
    return f"{value:.1%}" if share else f"{int(value):,}"


def _x_labels(buckets: list[str], step: float) -> list[tuple[float, str]]:
    every = max(1, math.ceil(len(buckets) / MAX_X_LABELS))
    return [(LEFT + i * step + step / 2, key) for i, key in enumerate(buckets) if i % every == 0]


def _y_labels(step: float, top: float, plot_height: float, share: bool) -> list[tuple[float, str]]:
    ticks = round(top / step)
    labels = []
    for n in range(ticks + 1):
        value = n * step
        shown = f"{value:.1%}" if share and step < 0.01 else (f"{value:.0%}" if share else f"{value:,.0f}")
        labels.append((TOP + plot_height - plot_height * value / top, shown))
    return labels
