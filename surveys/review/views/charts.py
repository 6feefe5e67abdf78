"""Geometry of the SVG charts the statistical tables and the dashboard draw (pure)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

# --- statistical tables ------------------------------------------------------------------------

SERIES_CLASSES = ("s1", "s2", "s3", "s4", "s5", "s6")


def _nice_ceiling(value: float) -> int:
    """A round top for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude) or 1
    return int(10 * magnitude)


def tick_values(top_value: int) -> list[int]:
    """Up to five distinct whole-number marks from 0 to the top of the axis."""
    if top_value <= 4:
        return list(range(top_value + 1))
    return sorted({top_value * k // 4 for k in range(5)})


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    width: int = 680,
    height: int = 280,
) -> dict[str, Any]:
    """Geometry of a grouped bar chart (categories along x, one bar per series).

    A value of None is "not reported": no bar is drawn for it (the table beside the chart
    says "not reported"), and a chart with nothing reported says so rather than drawing zeros;
    a reported 0 is a figure like any other."""
    left, right, top, bottom = 56, 12, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for _, values in series for v in values if v is not None), default=0)
    top_value = _nice_ceiling(highest)
    group_w = plot_w / max(1, len(categories))
    bar_w = max(2.0, (group_w * 0.8) / max(1, len(series)))
    bars, labels = [], []
    for i, category in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        labels.append(
            {
                "x": round(left + (i + 0.5) * group_w, 1),
                "text": category,
                "missing": all(values[i] is None for _, values in series),
            }
        )
        for j, (name, values) in enumerate(series):
            value = values[i]
            if value is None:
                continue
            h = plot_h * value / top_value
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w - 1, 1),
                    "h": round(h, 1),
                    "css": SERIES_CLASSES[j % len(SERIES_CLASSES)],
                    "title": f"{category}, {name}: {value:,}",
                }
            )
    ticks = [
        {"y": round(top + plot_h - plot_h * value / top_value, 1), "label": f"{value:,}"}
        for value in tick_values(top_value)
    ]
    return {
        "empty": all(v is None for _, values in series for v in values),
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "bars": bars,
        "labels": labels,
        "label_y": height - 12,
        "ticks": ticks,
        "legend": [
            {"name": name, "css": SERIES_CLASSES[j % len(SERIES_CLASSES)]}
            for j, (name, _) in enumerate(series)
        ],
    }


def timeline_chart(
    timeline: Sequence[tuple[datetime.date, int]],
    *,
    total: int,
    marks: Sequence[tuple[str, datetime.date]],
    width: int = 680,
    height: int = 260,
) -> dict[str, Any]:
    """Geometry of a step line of replies received over time, with dated vertical marks."""
    left, right, top, bottom = 44, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = timeline[0][0], timeline[-1][0]
    days = max(1, (last - first).days)
    top_value = _nice_ceiling(max(total, 1))

    def x(day: datetime.date) -> float:
        return round(left + plot_w * (day - first).days / days, 1)

    def y(count: int) -> float:
        return round(top + plot_h - plot_h * count / top_value, 1)

    points: list[str] = []
    previous = None
    for day, count in timeline:
        if previous is not None and count != previous:
            points.append(f"{x(day)},{y(previous)}")
        points.append(f"{x(day)},{y(count)}")
        previous = count
    months = []
    day = first.replace(day=1)
    while day <= last:
        if day >= first:
            months.append({"x": x(day), "label": day.strftime("%b %Y")})
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    if len(months) > 8:
        months = months[:: (len(months) + 7) // 8]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "points": " ".join(points),
        "total_y": y(total),
        "total": total,
        "ticks": [{"y": y(value), "label": value} for value in tick_values(top_value)],
        "marks": [
            {"x": x(day), "label": label, "date": day}
            for label, day in marks
            if first <= day <= last
        ],
        "months": months,
        "label_y": height - 14,
    }
