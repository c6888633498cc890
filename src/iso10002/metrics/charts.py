"""Charts as inline SVG text, with no dependency: bars, histograms, lines and Pareto charts.

Each function returns one ``<svg>`` element as a string, ready to paste into an HTML page
(the management review does) or to save as an ``.svg`` file. The charts are made to be read
by everyone and reproduced exactly:

- **Accessible**: ``role="img"`` with a ``<title>`` and a ``<desc>`` the element is labelled
  by, axis labels, a value written on or beside every bar and point, a tooltip
  (``<title>``) on every mark, and series told apart by marker shape and dash as well as
  by colour (the Okabe–Ito palette, readable with colour-blindness).
- **Safe**: every text (titles, category names from complaint records) is escaped with
  :func:`html.escape`, so a category named ``<script>`` is shown, never run.
- **Deterministic**: the same data gives byte-for-byte the same SVG (coordinates rounded
  to 0.1, no random ids, no clock), so tests can compare small charts with a snapshot.
- **Self-contained**: presentation attributes only (no external CSS, fonts or scripts).

``chart_id`` names the ids of the ``<title>`` and ``<desc>`` elements; give every chart
of one page its own.

Examples:
    >>> svg = bar_chart([("acknowledge", 98.0), ("final response", 91.5)],
    ...                 title="SLA compliance", description="Share of targets met.",
    ...                 x_label="Target", y_label="Met (%)", suffix="%", max_value=100)
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.count("<rect")
    (True, 3)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["PALETTE", "bar_chart", "histogram", "line_chart", "pareto_chart"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
"""Series colours, in order: the Okabe–Ito palette, distinguishable with colour-blindness."""

_TEXT = "#222222"
_MUTED = "#555555"
_GRID = "#dddddd"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_CHAR_WIDTH = 6.6  # the mean advance of an 11px sans-serif character, for label fitting
_LABEL_CHARS = 22  # a rotated label longer than this is cut, with the whole in its tooltip
_DASHES = ("", "6 3", "2 3", "8 3 2 3")
_EMPTY = "No data for this period"
# A white outline under value labels keeps them readable where they cross a bar or a line.
_HALO = {"paint_order": "stroke", "stroke": "#ffffff", "stroke_width": "3"}


def _n(value: float) -> str:
    """A coordinate: rounded to 0.1, without a trailing ``.0`` (and never ``-0``)."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _fmt(value: float, decimals: int, suffix: str) -> str:
    return f"{value:,.{decimals}f}{suffix}"


def _ticks(top: float, *, integer: bool, count: int = 5) -> tuple[float, ...]:
    """Axis ticks from 0 to at least ``top`` at a round step (1, 2 or 5 times a power of 10).

    Each tick is read from its decimal text (``"15e-6"``), not multiplied out, so ticks are
    the round numbers they look like and the last one never falls short of ``top`` by a
    rounding error.
    """
    if not 1e-9 < top < math.inf:  # nothing (or next to nothing) to show: a 0-1 axis
        top = 1.0
    raw = top / count
    exponent = math.floor(math.log10(raw))
    mantissa = next(m for m in (1, 2, 5, 10) if float(f"{m}e{exponent}") >= raw)
    if integer and float(f"{mantissa}e{exponent}") < 1:
        mantissa, exponent = 1, 0  # whole numbers: a step of at least 1

    def tick(i: int) -> float:
        return float(f"{mantissa * i}e{exponent}")

    ticks = [tick(0)]
    while ticks[-1] < top or len(ticks) < 2:
        ticks.append(tick(len(ticks)))
    return tuple(ticks)


class _Frame:
    """The plot area of one chart, laid out for its category labels, and its SVG so far.

    The labels under the plot stand level when each fits its band; otherwise they are
    slanted, cut at :data:`_LABEL_CHARS`, and the margins grow to hold them.
    """

    def __init__(
        self,
        *,
        chart_id: str,
        title: str,
        description: str,
        width: int,
        height: int,
        labels: Sequence[str],
        right: float,
    ) -> None:
        self.width, self.height = width, height
        self.labels = tuple(labels)
        left = 64.0
        band = (width - left - right) / max(len(labels), 1)
        self.level = all(_width(label) <= band - 8 for label in labels)
        bottom = 48.0
        if not self.level:
            slant = math.radians(35)
            longest = min(max(len(label) for label in labels), _LABEL_CHARS)
            bottom = 40.0 + longest * _CHAR_WIDTH * math.sin(slant)
            first = min(len(labels[0]), _LABEL_CHARS) * _CHAR_WIDTH * math.cos(slant)
            left = max(left, first - band / 2 + 8)
        self.left, self.right = left, width - right
        self.top, self.bottom = 40.0, height - bottom
        self.band = (self.right - self.left) / max(len(labels), 1)
        ident = escape(chart_id)
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{escape(_FONT)}" font-size="11" '
            f'fill="{_TEXT}">',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(description)}</desc>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            f'<text x="{_n(self.left)}" y="20" font-size="14" font-weight="bold">'
            f"{escape(title)}</text>",
        ]

    @property
    def centres(self) -> tuple[float, ...]:
        """The middle of each label's band."""
        return tuple(self.left + self.band * (i + 0.5) for i in range(len(self.labels)))

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, text: str, **attributes: str) -> None:
        extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
        self.add(f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{escape(text)}</text>')

    def y_axis(
        self, ticks: Sequence[float], decimals: int, suffix: str, label: str, *, side: str = "left"
    ) -> None:
        """Tick labels (and, on the left, grid lines) and the axis's label, rotated."""
        top = ticks[-1]
        for tick in ticks:
            y = self.bottom - self.plot_height * tick / top
            if side == "left":
                self.add(
                    f'<line x1="{_n(self.left)}" y1="{_n(y)}" x2="{_n(self.right)}" '
                    f'y2="{_n(y)}" stroke="{_GRID}" stroke-width="1"/>'
                )
                self.text(self.left - 6, y + 4, _fmt(tick, decimals, suffix), text_anchor="end")
            else:
                self.text(self.right + 6, y + 4, _fmt(tick, decimals, suffix))
        x = 14.0 if side == "left" else self.width - 8.0
        middle = self.top + self.plot_height / 2
        self.text(
            x,
            middle,
            label,
            text_anchor="middle",
            transform=f"rotate(-90 {_n(x)} {_n(middle)})",
            fill=_MUTED,
        )

    def x_labels(self) -> None:
        """The category labels under the plot, level or slanted (see the class)."""
        for label, x in zip(self.labels, self.centres, strict=True):
            shown = label
            if not self.level and len(label) > _LABEL_CHARS:
                shown = label[: _LABEL_CHARS - 1] + "…"
            y = self.bottom + 16
            if self.level:
                self.text(x, y, shown, text_anchor="middle")
            else:
                self.add(
                    f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="end" '
                    f'transform="rotate(-35 {_n(x)} {_n(y)})"><title>{escape(label)}</title>'
                    f"{escape(shown)}</text>"
                )

    def x_axis(self, label: str) -> None:
        self.add(
            f'<line x1="{_n(self.left)}" y1="{_n(self.bottom)}" x2="{_n(self.right)}" '
            f'y2="{_n(self.bottom)}" stroke="{_TEXT}" stroke-width="1"/>'
        )
        self.text(
            self.left + self.plot_width / 2,
            self.height - 8,
            label,
            text_anchor="middle",
            fill=_MUTED,
        )

    def empty(self) -> None:
        self.text(
            self.left + self.plot_width / 2,
            self.top + self.plot_height / 2,
            _EMPTY,
            text_anchor="middle",
            fill=_MUTED,
            font_size="13",
        )

    def svg(self) -> str:
        return "\n".join([*self.parts, "</svg>"])

    def finish(self, x_label: str, *, has_data: bool) -> str:
        """Label the x axis, say "no data" over an empty plot, and close the SVG."""
        self.x_labels()
        self.x_axis(x_label)
        if not has_data:
            self.empty()
        return self.svg()


def _width(label: str) -> float:
    """About how wide ``label`` is drawn at 11px."""
    return len(label) * _CHAR_WIDTH


def _bars(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    chart_id: str,
    decimals: int,
    suffix: str,
    max_value: float | None,
    width: int,
    height: int,
    gap: float,
) -> str:
    frame = _Frame(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        labels=[label for label, _ in bars],
        right=16.0,
    )
    band = frame.band
    # Touching bars (a histogram's) are told apart by a hairline of the background.
    outline = "" if gap else ' stroke="#ffffff" stroke-width="1"'
    values = [v for _, v in bars if v is not None]
    top = max([*values, max_value or 0.0, 0.0])
    ticks = _ticks(top, integer=decimals == 0 and not suffix)
    frame.y_axis(ticks, 0 if ticks[-1] >= 10 else decimals, suffix, y_label)
    scale = frame.plot_height / ticks[-1]
    for (label, value), centre in zip(bars, frame.centres, strict=True):
        x = centre - band / 2
        tip = f"{label}: " + ("n/a" if value is None else _fmt(value, decimals, suffix))
        if value is None:
            frame.text(centre, frame.bottom - 6, "n/a", text_anchor="middle", fill=_MUTED)
            continue
        bar_height = max(value, 0.0) * scale
        frame.add(
            f'<rect x="{_n(x + band * gap / 2)}" y="{_n(frame.bottom - bar_height)}" '
            f'width="{_n(band * (1 - gap))}" height="{_n(bar_height)}" fill="{PALETTE[0]}"'
            f"{outline}>"
            f"<title>{escape(tip)}</title></rect>"
        )
        frame.text(
            centre,
            frame.bottom - bar_height - 4,
            _fmt(value, decimals, suffix),
            text_anchor="middle",
            **_HALO,
        )
    return frame.finish(x_label, has_data=bool(values) and any(values))


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    chart_id: str = "chart",
    decimals: int = 0,
    suffix: str = "",
    max_value: float | None = None,
    width: int = 640,
    height: int = 300,
) -> str:
    """A vertical bar per ``(label, value)``, its value written above it.

    A ``None`` value (a rate with nothing to divide by) is drawn as *n/a*, with no bar.
    The value axis runs from 0 to a round number at or above the largest value (and above
    ``max_value``, such as 100 for percentages); ``decimals`` and ``suffix`` format the
    values and ticks. Labels too long for their bar are slanted and cut at 22 characters,
    the whole label in their tooltip.

    Examples:
        >>> svg = bar_chart([("0-7 days", 12), ("over 8 weeks", None)], title="Backlog",
        ...                 description="Open complaints by age.", x_label="Age",
        ...                 y_label="Complaints", chart_id="backlog")
        >>> 'aria-labelledby="backlog-title backlog-desc"' in svg, ">n/a</text>" in svg
        (True, True)
    """
    return _bars(
        bars,
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        chart_id=chart_id,
        decimals=decimals,
        suffix=suffix,
        max_value=max_value,
        width=width,
        height=height,
        gap=0.3,
    )


def histogram(
    bins: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str = "Complaints",
    chart_id: str = "histogram",
    width: int = 640,
    height: int = 300,
) -> str:
    """Counts per bin (``(label, count)``, in the bins' order), as touching bars.

    The bins are the caller's: a histogram of time to final response uses day bands such
    as ``"0-3 days"``. Bars touch, as a histogram's do, so the shape of the distribution
    reads at a glance.

    Examples:
        >>> svg = histogram([("0-3 days", 4), ("4-7 days", 9)], title="Time to respond",
        ...                 description="Complaints by days to final response.",
        ...                 x_label="Days")
        >>> svg.count("<rect"), ">9</text>" in svg
        (3, True)
    """
    return _bars(
        [(label, float(count)) for label, count in bins],
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        chart_id=chart_id,
        decimals=0,
        suffix="",
        max_value=None,
        width=width,
        height=height,
        gap=0.0,
    )


def _marker(shape: int, x: float, y: float, colour: str, tip: str) -> str:
    """A point of series ``shape``: circle, square, diamond, triangle (then round again)."""
    title = f"<title>{escape(tip)}</title>"
    kind = shape % 4
    if kind == 0:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}">{title}</circle>'
    if kind == 1:
        return (
            f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" '
            f'fill="{colour}">{title}</rect>'
        )
    if kind == 2:
        corners: tuple[tuple[float, float], ...] = (
            (x, y - 4.5),
            (x + 4.5, y),
            (x, y + 4.5),
            (x - 4.5, y),
        )
    else:
        corners = ((x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5))
    points = " ".join(f"{_n(px)},{_n(py)}" for px, py in corners)
    return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    chart_id: str = "trend",
    decimals: int = 0,
    suffix: str = "",
    width: int = 640,
    height: int = 300,
) -> str:
    """One line per ``(name, values)`` series over the ``labels`` (weeks, months …).

    Every series has a value per label (a shorter series is refused). Each series has its
    own colour, dash and marker shape, and a legend entry; every point has a tooltip with
    the label, the series and the value.

    Examples:
        >>> svg = line_chart(["Jul", "Aug", "Sep"], [("received", [10, 14, 9]),
        ...                  ("closed", [6, 12, 13])], title="Volume",
        ...                  description="Complaints received and closed per month.",
        ...                  x_label="Month", y_label="Complaints")
        >>> svg.count("<polyline"), "Aug, closed: 12" in svg
        (2, True)
    """
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    frame = _Frame(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        labels=labels,
        right=16.0,
    )
    everything = [v for _, values in series for v in values]
    ticks = _ticks(max(everything, default=0.0), integer=decimals == 0 and not suffix)
    frame.y_axis(ticks, 0 if ticks[-1] >= 10 else decimals, suffix, y_label)
    scale = frame.plot_height / ticks[-1]
    centres = frame.centres
    # Legend, top right: a swatch of each series' line and marker, then its name.
    x = frame.right
    for index, (name, _) in reversed(list(enumerate(series))):
        x -= len(name) * _CHAR_WIDTH + 34
        colour = PALETTE[index % len(PALETTE)]
        dash = _DASHES[index % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        frame.add(
            f'<line x1="{_n(x)}" y1="16" x2="{_n(x + 22)}" y2="16" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        frame.add(_marker(index, x + 11, 16, colour, name))
        frame.text(x + 27, 20, name)
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = _DASHES[index % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = [(cx, frame.bottom - v * scale) for cx, v in zip(centres, values, strict=True)]
        frame.add(
            f'<polyline points="{" ".join(f"{_n(px)},{_n(py)}" for px, py in points)}" '
            f'fill="none" stroke="{colour}" stroke-width="2"{dash_attr}>'
            f"<title>{escape(name)}</title></polyline>"
        )
        for label, value, (px, py) in zip(labels, values, points, strict=True):
            tip = f"{label}, {name}: {_fmt(value, decimals, suffix)}"
            frame.add(_marker(index, px, py, colour, tip))
    return frame.finish(x_label, has_data=bool(everything) and any(everything))


def pareto_chart(
    causes: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str,
    x_label: str = "Root cause",
    y_label: str = "Complaints",
    chart_id: str = "pareto",
    width: int = 640,
    height: int = 320,
) -> str:
    """A Pareto chart: a bar per cause, largest first, and the cumulative share as a line.

    ``causes`` are ``(category, count)`` pairs; they are drawn sorted by count, largest
    first, ties by name, whatever their order. The line, on the right-hand axis (0–100%),
    is the running share of all counted complaints; a dashed line marks 80%, the share the
    "vital few" causes usually explain.

    Examples:
        >>> svg = pareto_chart([("system", 3), ("process", 6), ("people", 1)],
        ...                    title="Root causes", description="Complaints by root cause.")
        >>> svg.index(">process<") < svg.index(">system<"), ">90%</text>" in svg
        (True, True)
    """
    ordered = sorted(causes, key=lambda kv: (-kv[1], kv[0]))
    total = sum(count for _, count in ordered)
    labels = [label for label, _ in ordered]
    frame = _Frame(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        labels=labels,
        right=52.0,
    )
    band = frame.band
    ticks = _ticks(max((count for _, count in ordered), default=0), integer=True)
    frame.y_axis(ticks, 0, "", y_label)
    frame.y_axis((0, 20, 40, 60, 80, 100), 0, "%", "Cumulative share (%)", side="right")
    scale = frame.plot_height / ticks[-1]
    eighty = frame.bottom - frame.plot_height * 0.8
    frame.add(
        f'<line x1="{_n(frame.left)}" y1="{_n(eighty)}" x2="{_n(frame.right)}" '
        f'y2="{_n(eighty)}" stroke="{PALETTE[3]}" stroke-width="1" stroke-dasharray="4 3"/>'
    )
    points = []
    running = 0
    for (label, count), centre in zip(ordered, frame.centres, strict=True):
        x = centre - band / 2
        bar_height = count * scale
        running += count
        share = 100 * running / total if total else 0.0
        frame.add(
            f'<rect x="{_n(x + band * 0.15)}" y="{_n(frame.bottom - bar_height)}" '
            f'width="{_n(band * 0.7)}" height="{_n(bar_height)}" fill="{PALETTE[0]}">'
            f"<title>{escape(f'{label}: {count:,} ({share:.0f}% cumulative)')}</title></rect>"
        )
        frame.text(
            centre, frame.bottom - bar_height - 4, f"{count:,}", text_anchor="middle", **_HALO
        )
        points.append((centre, frame.bottom - frame.plot_height * share / 100, share))
    if points:
        frame.add(
            f'<polyline points="{" ".join(f"{_n(px)},{_n(py)}" for px, py, _ in points)}" '
            f'fill="none" stroke="{PALETTE[1]}" stroke-width="2">'
            "<title>cumulative share</title></polyline>"
        )
        for (px, py, share), label in zip(points, labels, strict=True):
            frame.add(_marker(0, px, py, PALETTE[1], f"{label}: {share:.0f}% cumulative"))
            frame.text(px + 5, py - 6, f"{share:.0f}%", fill=_MUTED, **_HALO)
    return frame.finish(x_label, has_data=bool(total))
