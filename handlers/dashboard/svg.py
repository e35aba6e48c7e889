"""Server-rendered SVG charts: a `<title>`, axis labels, gridlines with their values, and one `<rect class="mark">`
per drawn value carrying its label, series and value (what the browser test checks)."""

from __future__ import annotations

from html import escape

from bot.dashboard_figures import Chart

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 72
COLOURS = ("#1b6ca8", "#e07b00", "#2e8540", "#8e44ad", "#c0392b", "#5d6d7e", "#b7950b")


def chart_svg(chart: Chart) -> str:
    if chart.kind == "hbars":
        return _hbars(chart)
    return _columns(chart)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _head(chart: Chart, width: int, height: int) -> list[str]:
    key = escape(chart.key)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="t-{key} d-{key}" class="chart" data-chart="{key}">',
            f'<title id="t-{key}">{escape(chart.title)}</title>',
            f'<desc id="d-{key}">{escape(chart.y_label)} by {escape(chart.x_label)}; '
            f'the numbers are in the table beside the chart.</desc>']


def _colour(n: int) -> str:
    return COLOURS[n % len(COLOURS)]


def _columns(chart: Chart) -> str:
    """Vertical bars: one series ('bars'), several side by side ('grouped') or on top of each other ('stacked')."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    stacked = chart.kind == "stacked"
    totals = [sum(s.values[i] or 0 for s in chart.series) if stacked else max((s.values[i] or 0 for s in chart.series), default=0)
              for i in range(len(chart.labels))]
    top = _nice_max(max(totals, default=0))
    out = _head(chart, WIDTH, HEIGHT)
    out += _y_axis(top, plot_h, chart.y_label)
    slot = plot_w / max(1, len(chart.labels))
    groups = 1 if stacked else max(1, len(chart.series))
    bar_w = max(2.0, slot * 0.7 / groups)
    for i, label in enumerate(chart.labels):
        x0 = LEFT + i * slot + slot * 0.15
        base = TOP + plot_h
        for n, series in enumerate(chart.series):
            value = series.values[i] if i < len(series.values) else None
            if not value:
                continue
            h = value / top * plot_h
            x = x0 if stacked else x0 + n * bar_w
            y = base - h
            out.append(f'<rect class="mark" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" height="{h:.2f}" '
                       f'fill="{_colour(n)}" data-label="{escape(label)}" data-series="{escape(series.name)}" '
                       f'data-value="{value:g}"><title>{escape(series.name)}, {escape(label)}: {value:g}</title></rect>')
            if stacked:
                base = y
        cx = LEFT + i * slot + slot / 2
        out.append(f'<text x="{cx:.2f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11">{escape(label[:18])}</text>')
    out.append(f'<text class="axis-label" x="{LEFT + plot_w / 2:.2f}" y="{HEIGHT - 36}" text-anchor="middle" '
               f'font-size="12">{escape(chart.x_label)}</text>')
    out += _legend(chart, HEIGHT - 16)
    out.append("</svg>")
    return "\n".join(out)


def _y_axis(top: float, plot_h: float, label: str) -> list[str]:
    out = []
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.2f}" y2="{y:.2f}" stroke="#d0d4d8" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.2f}" text-anchor="end" font-size="11">{value:g}</text>')
    out.append(f'<text class="axis-label" transform="translate(14 {TOP + plot_h / 2:.2f}) rotate(-90)" '
               f'text-anchor="middle" font-size="12">{escape(label)}</text>')
    return out


def _legend(chart: Chart, y: float) -> list[str]:
    if len(chart.series) < 2:
        return []
    out, x = [], LEFT
    for n, series in enumerate(chart.series):
        name = series.name[:28]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{_colour(n)}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(name)}</text>')
        x += 24 + 6.5 * len(name)
    return out


def _hbars(chart: Chart) -> str:
    """Horizontal bars, one per label (a funnel, a mix)."""
    row_h, label_w = 28, 160
    height = TOP + row_h * max(1, len(chart.labels)) + 48
    plot_w = WIDTH - label_w - RIGHT - 48
    values = chart.series[0].values if chart.series else ()
    top = _nice_max(max((v or 0 for v in values), default=0))
    out = _head(chart, WIDTH, height)
    for i, label in enumerate(chart.labels):
        y = TOP + i * row_h
        value = values[i] if i < len(values) else None
        out.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.2f}" text-anchor="end" font-size="12">'
                   f'{escape(label[:24])}</text>')
        if value:
            w = value / top * plot_w
            out.append(f'<rect class="mark" x="{label_w}" y="{y + 4}" width="{w:.2f}" height="{row_h - 8}" '
                       f'fill="{_colour(0)}" data-label="{escape(label)}" data-series="{escape(chart.series[0].name)}" '
                       f'data-value="{value:g}"><title>{escape(label)}: {value:g}</title></rect>')
        shown = "too few" if value is None else f"{value or 0:g}"
        out.append(f'<text x="{label_w + (value / top * plot_w if value else 0) + 6:.2f}" y="{y + row_h / 2 + 4:.2f}" '
                   f'font-size="11">{escape(shown)}</text>')
    base = TOP + row_h * max(1, len(chart.labels))
    out.append(f'<line x1="{label_w}" x2="{label_w + plot_w}" y1="{base}" y2="{base}" stroke="#888"/>')
    out.append(f'<text class="axis-label" x="{label_w + plot_w / 2:.2f}" y="{base + 20}" text-anchor="middle" '
               f'font-size="12">{escape(chart.x_label)}</text>')
    out.append(f'<text class="axis-label" x="12" y="{base + 20}" font-size="12">{escape(chart.y_label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
