"""What the dashboard shows, as neutral figures: charts (labels and series), tables and notes.

Nothing here knows HTML or SVG; the web adapter draws these. A value of None in a series is a count of
fewer than `[web] min_group` people: it is shown as such and never drawn or broken down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """`kind`: 'bars' (one series), 'stacked', 'grouped' (several series per label) or 'hbars' (one series, across)."""

    key: str
    kind: str
    title: str
    x_label: str
    y_label: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "Nothing to show yet."


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    intro: str
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    as_of: datetime | None = None  # when its figures were read
    sections: tuple[str, ...] = ()  # the sections in the navigation


SECTIONS = {
    "flow": "Flow",
    "decisions": "Decisions",
    "problems": "Customer problems",
    "goals": "Mission goals",
    "pilots": "Pilots and wins",
    "participation": "Participation",
    "empowerment": "Empowerment",
}
