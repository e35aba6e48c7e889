"""`herobot export --csv DIR`: one CSV file per table people use, with a header row, for spreadsheets.

Files hold people's words, so they are created 0600. A cell that a spreadsheet would run as a
formula (starting with = + - @) is written with a leading apostrophe: typed text stays text.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from sqlite_utils import Database

from storage.tables import QUERIES, rows_of

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def write_csv(db: Database, directory: Path) -> list[tuple[Path, int]]:
    """Write ideas.csv, votes.csv, comments.csv, problems.csv and decisions.csv; (path, rows) of each."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in QUERIES:
        path = directory / f"{table}.csv"
        header, rows = rows_of(db, table)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
        count = 0
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as out:  # the BOM tells Excel it is UTF-8
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow([cell(v) for v in row])
                count += 1
        written.append((path, count))
    return written
