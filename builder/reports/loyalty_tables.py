"""The loyalty lines of a campaign's report: the points mall (per right: exchanges, people,
parts issued, waiting and refunded, points spent and refunded, stock) and the tasks (per task:
completions, badges, points; people holding at least N badges). Whole-campaign figures, read
by runtime.loyalty.figures with a few grouped queries on the campaign's own loyalty ledgers
(exchanges and task completions; not rolled up yet, unlike draws)."""

from __future__ import annotations

from typing import Any

from builder.i18n import pick, translate
from builder.reports.tables import Column, Table
from core.extensions import db
from runtime.loyalty.figures import mall_figures, task_figures


def _t(text: str) -> str:
    return translate(text)


def loyalty_tables(bundle: dict[str, Any], campaign_id: int) -> dict[str, Table]:
    """The mall's and the tasks' tables for a campaign that has them (else none)."""
    tables: dict[str, Table] = {}
    if (bundle.get("mall") or {}).get("items"):
        names = {i["key"]: pick(i["name"], i.get("name_en")) for i in bundle["mall"]["items"]}
        figures = mall_figures(db.session, campaign_id)
        rows = [{**i, "name": names.get(i["item"], i["name"])} for i in figures["items"]]
        if rows:
            rows.append({**figures["totals"], "name": _t("Total")})
        tables["mall"] = Table(
            "mall",
            _t("Points mall (whole campaign)"),
            [
                Column("name", _t("Right"), "text"),
                Column("exchanges", _t("Exchanges")),
                Column("people", _t("People")),
                Column("parts_issued", _t("Issued")),
                Column("parts_waiting", _t("Waiting")),
                Column("parts_refunded", _t("Refunded")),
                Column("points_spent", _t("Points spent")),
                Column("points_refunded", _t("Points refunded")),
                Column("stock_taken", _t("Stock taken")),
                Column("stock_total", _t("Stock")),
            ],
            rows,
        )
    if bundle.get("tasks"):
        names = {t["key"]: pick(t["name"], t.get("name_en")) for t in bundle["tasks"]}
        figures = task_figures(db.session, campaign_id)
        tables["tasks"] = Table(
            "tasks",
            _t("Tasks (whole campaign)"),
            [
                Column("name", _t("Task"), "text"),
                Column("completions", _t("Completed")),
                Column("badges", _t("Badges lit")),
                Column("points", _t("Points awarded")),
            ],
            [{**t, "name": names.get(t["task"], t["task"])} for t in figures["tasks"]],
        )
        tables["badges"] = Table(
            "badges",
            _t("People holding at least N badges"),
            [Column("badges", _t("Badges"), "text"), Column("people", _t("People"))],
            [{"badges": f"≥ {n}", "people": people} for n, people in figures["at_least"].items()],
        )
    return tables
