"""The dashboard's HTML: one page per section, charts as inline SVG each with its numbers as a table beside it.
No script, nothing from another host; readable with CSS off and printable."""

from __future__ import annotations

from html import escape

from bot.dashboard_figures import SECTIONS, Chart, Page, Table
from handlers.dashboard.svg import chart_svg

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
a{color:#0b5cad}a:focus-visible,summary:focus-visible{outline:3px solid #e07b00;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:2}
header{background:#1d2329;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}
nav ul{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
nav a{color:#fff}nav a[aria-current=page]{font-weight:700;text-decoration:underline}
main{padding:16px 24px;max-width:1400px}
figure{background:#fff;border:1px solid #d0d4d8;border-radius:6px;margin:0 0 20px;padding:12px;
display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figcaption{width:100%;font-weight:600}svg.chart{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px;background:#fff}th,td{border:1px solid #d0d4d8;padding:3px 8px;text-align:left}
td.n{text-align:right}.note{color:#555;font-size:13px}section.table{margin-bottom:20px}
@media print{nav,.skip{display:none}header{background:none;color:#000}figure{break-inside:avoid}}
"""


def page_html(page: Page, who: str) -> str:
    as_of = f" Figures as of {page.as_of:%d %b %Y %H:%M} UTC." if page.as_of else ""
    body = [f"<p>{escape(page.intro)}{as_of}</p>"]
    body += [_figure(chart) for chart in page.charts]
    body += [_table_section(table) for table in page.tables]
    body += [f'<p class="note">{escape(note)}</p>' for note in page.notes]
    return _document(page.title, page.key, "\n".join(body), who, page.sections)


def message_html(title: str, text: str, hint: str) -> str:
    """A short page for 401 and 404 answers."""
    return _document(title, "", f"<p>{escape(text)}</p><p>{escape(hint)}</p>", None)


def _document(title: str, current: str, content: str, who: str | None, sections: tuple[str, ...] = ()) -> str:
    links = []
    for key, name in (("", "Overview"), *((s, SECTIONS[s]) for s in sections)) if who else ():
        here = ' aria-current="page"' if key == current or (key == "" and current == "overview") else ""
        links.append(f'<li><a href="/dashboard{"/" + key if key else ""}"{here}>{escape(name)}</a></li>')
    nav = f'<nav aria-label="Sections"><ul>{"".join(links)}</ul></nav>' if links else ""
    signed = f'<p class="note" style="color:#ccc;margin:4px 0 0">Signed in as {escape(who)} · ' \
             f'<a style="color:#fff" href="/dashboard/logout">Sign out</a></p>' if who else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{escape(title)} · herobot dashboard</title><style>{STYLE}</style></head><body>'
            f'<a class="skip" href="#main">Skip to content</a>'
            f'<header><h1>herobot dashboard — {escape(title)}</h1>{signed}{nav}</header>'
            f'<main id="main" tabindex="-1">{content}</main></body></html>')


def _figure(chart: Chart) -> str:
    note = f'<p class="note">{escape(chart.note)}</p>' if chart.note else ""
    return (f'<figure id="{escape(chart.key)}"><figcaption>{escape(chart.title)}</figcaption>'
            f'<div>{chart_svg(chart)}{note}</div>{_chart_table(chart)}</figure>')


def _chart_table(chart: Chart) -> str:
    head = "".join(f'<th scope="col">{escape(s.name)}</th>' for s in chart.series)
    category = chart.y_label if chart.kind == "hbars" else chart.x_label  # what the labels are
    rows = []
    for i, label in enumerate(chart.labels):
        cells = "".join(f'<td class="n">{_value(s.values[i] if i < len(s.values) else 0)}</td>' for s in chart.series)
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (f'<table data-chart="{escape(chart.key)}"><caption class="note">{escape(chart.title)} — the numbers'
            f'</caption><thead><tr><th scope="col">{escape(category)}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _value(value: float | None) -> str:
    return "too few" if value is None else f"{value:g}"  # fewer than [web] min_group people: the chart's note says so


def _table_section(table: Table) -> str:
    if not table.rows:
        return f'<section class="table"><h2>{escape(table.title)}</h2><p class="note">{escape(table.empty)}</p></section>'
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return (f'<section class="table"><h2>{escape(table.title)}</h2><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{rows}</tbody></table></section>')
