"""The weekly digest's picture: the week's flow (new ideas and where ideas moved) and its top hot spots, as a
small PNG drawn with Pillow (no network, no browser). Built off the event loop on a read connection."""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from bot.core import Core
from bot.replies import DigestChart
from storage import dashboard as store

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 640, 300
HOT_SHOWN = 4
FLOW = (("posted", "new"), ("in_review", "review"), ("approved", "approved"), ("piloting", "pilot"),
        ("implemented", "done"), ("declined", "declined"))  # short words: each sits under a narrow column
BLUE, ORANGE, INK, GRID = (27, 108, 168), (224, 123, 0), (29, 35, 41), (208, 212, 216)


async def digest_chart(core: Core, start: datetime, end: datetime, platform: str | None) -> DigestChart | None:
    """The picture for the digest of [start, end); None when it cannot be made (the digest goes out without it)."""
    path = store.database_file(core.db.conn)
    try:
        if path is None:
            return _chart(core.db.conn, start, end, platform)
        return await asyncio.to_thread(_chart_on_reader, path, start, end, platform)
    except Exception as error:  # a picture is never worth a missing digest
        log.warning("digest chart not made: %s", type(error).__name__)
        return None


def _chart_on_reader(path: str, start: datetime, end: datetime, platform: str | None) -> DigestChart:
    conn = store.open_reader(path)
    try:
        return _chart(conn, start, end, platform)
    finally:
        conn.close()


def _chart(conn: sqlite3.Connection, start: datetime, end: datetime, platform: str | None) -> DigestChart:
    flow = store.week_flow(conn, start, end, platform)
    hot = store.hot_between(conn, start, end, HOT_SHOWN, platform)
    bars = [(word, flow.get(key, 0)) for key, word in FLOW]
    spots = [(f"P{pid} {_first_line(text)}", n) for pid, text, n in hot]
    words = {"new": "new ideas", "review": "sent to review", "pilot": "piloting", "done": "implemented"}
    alt = ("This week's flow: " + ", ".join(f"{n} {words.get(word, word)}" for word, n in bars) + ". Top hot spots: "
           + ("; ".join(f"{name} ({n} reporters)" for name, n in spots) if spots else "none") + ".")
    return DigestChart(draw(bars, spots), alt)


def _first_line(text: str, limit: int = 26) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def draw(bars: list[tuple[str, int]], spots: list[tuple[str, int]]) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    pen = ImageDraw.Draw(image)
    title, small = ImageFont.load_default(size=16), ImageFont.load_default(size=12)
    pen.text((16, 10), "This week's ideas", fill=INK, font=title)
    pen.text((372, 10), "Top hot spots (reporters)", fill=INK, font=title)
    _columns(pen, bars, small, (16, 44, 350, 270))
    _rows(pen, spots, small, (372, 44, 624, 270))
    out = io.BytesIO()
    image.quantize(colors=32).save(out, "PNG", optimize=True)
    return out.getvalue()


def _columns(pen: ImageDraw.ImageDraw, bars: list[tuple[str, int]], font, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    base = bottom - 20
    peak = max((n for _, n in bars), default=0) or 1
    slot = (right - left) / len(bars)
    pen.line((left, base, right, base), fill=GRID)
    for i, (word, n) in enumerate(bars):
        x = left + i * slot + slot * 0.2
        h = (base - top - 18) * n / peak
        if n:
            pen.rectangle((x, base - h, x + slot * 0.6, base), fill=BLUE if i == 0 else ORANGE)
        pen.text((x + slot * 0.3, base - h - 4), str(n), fill=INK, font=font, anchor="md")
        pen.text((x + slot * 0.3, base + 4), word, fill=INK, font=font, anchor="ma")


def _rows(pen: ImageDraw.ImageDraw, spots: list[tuple[str, int]], font, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    if not spots:
        pen.text((left, top + 8), "No customer problems reported this week.", fill=INK, font=font)
        return
    peak = max(n for _, n in spots) or 1
    row = (bottom - top) / HOT_SHOWN
    for i, (name, n) in enumerate(spots):
        y = top + i * row
        pen.text((left, y), name, fill=INK, font=font)
        width = (right - left - 40) * n / peak
        pen.rectangle((left, y + 18, left + max(2, width), y + 34), fill=BLUE)
        pen.text((left + width + 6, y + 18), str(n), fill=INK, font=font)
