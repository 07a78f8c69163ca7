"""Report tables: one description renders as HTML and exports as CSV, so every table a report
shows can be downloaded exactly as shown."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask import Response


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # int, money, percent, ratio, text


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: dict[int, str] = field(default_factory=dict)  # row index -> URL of its first cell


def cell(value: Any, kind: str) -> str:
    """How a value reads in a page and in the CSV."""
    if value is None:
        return ""
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "percent":
        return f"{100 * value:.1f}%"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "int" and isinstance(value, int | float):
        return f"{int(value):,}"
    return str(value)


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(c.key), c.kind) for c in table.columns])
    return out.getvalue()


def _csv_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "money":
        return f"{value:.2f}"
    if kind == "percent":
        return f"{100 * value:.2f}"
    if kind == "ratio":
        return f"{value:.4f}"
    text = str(value)
    # a cell a spreadsheet would run as a formula is quoted as text (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and kind == "text" else text


def csv_response(table: Table, filename: str) -> Response:
    """UTF-8 with a byte order mark, so spreadsheet programs read Chinese labels correctly."""
    body = "\ufeff" + csv_text(table)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
