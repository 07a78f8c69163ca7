"""The simulation page: the marketer says how many people come and how they behave; `rules`
simulates the draft (the runtime's own draw model) and this module shapes the answer for the
charts, the tables and the CSV download."""

from __future__ import annotations

import csv
import io
from typing import Any

from wtforms import BooleanField, IntegerField, SelectField, validators

from builder.editor.base import EditContext, EditorForm
from builder.i18n import lazy, translate

MAX_PARTICIPANTS = 200_000  # keeps one simulation to seconds on the studio's web worker


def simulation_form(ctx: EditContext):
    class SimulationForm(EditorForm):
        class Meta:
            csrf = False  # a GET form: it only reads the draft and changes nothing

        participants = IntegerField(
            lazy("Participants"),
            [validators.InputRequired(), validators.NumberRange(1, MAX_PARTICIPANTS)],
            default=10_000,
        )
        mix = SelectField(
            lazy("How people behave"),
            choices=[
                (
                    "default",
                    translate(
                        "A usual mix: most come once, some come back and share, a "
                        "few come often and invite friends"
                    ),
                ),
                ("custom", translate("Everyone alike, as set below")),
                ("fixed", translate("Everyone makes a fixed number of draws")),
            ],
            default="default",
        )
        days = IntegerField(
            lazy("Days each person comes"),
            [validators.Optional(), validators.NumberRange(1, 366)],
            default=3,
        )
        shares_per_day = IntegerField(
            lazy("Shares per person per day"),
            [validators.Optional(), validators.NumberRange(0, 50)],
            default=1,
        )
        referrals = IntegerField(
            lazy("Friends each person brings"),
            [validators.Optional(), validators.NumberRange(0, 100)],
            default=0,
        )
        check_in = BooleanField(lazy("They check in each day they come"), default=False)
        draws = IntegerField(
            lazy("Draws per person"),
            [validators.Optional(), validators.NumberRange(1, 1000)],
            default=3,
        )

    return SimulationForm


def drawing_widgets(ctx: EditContext) -> str:
    """The enabled widgets whose pages draw (what the simulation is for), by name."""
    from flask import current_app

    import widgets

    enabled = widgets.enabled(current_app.config.get("STUDIO_WIDGETS"))
    separator = "、" if ctx.lang == "zh" else ", "
    return separator.join(ctx.pick(w.name_zh, w.name_en) for w in enabled if "draw" in w.actions)


def run(bundle: dict[str, Any], form, pools: dict[str, int]):
    """Simulate the draft as the form describes (seeded: the same form gives the same figures)."""
    from rules import simulate

    kwargs: dict[str, Any] = {"participants": form.participants.data, "pools": pools, "seed": 0}
    if form.mix.data == "custom":
        kwargs["behaviours"] = [
            {
                "share": 1.0,
                "days": form.days.data or 1,
                "shares_per_day": form.shares_per_day.data or 0,
                "referrals": form.referrals.data or 0,
                "check_in": bool(form.check_in.data),
            }
        ]
    elif form.mix.data == "fixed":
        kwargs["draws_per_participant"] = form.draws.data or 1
    return simulate(bundle, **kwargs)


def prize_rows(bundle: dict[str, Any], report, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for prize in bundle["prizes"]:
        key = prize["key"]
        wins = report.wins.get(key, 0)
        stockout = (report.stockouts.get(key) or {}).get("at")
        rows.append(
            {
                "key": key,
                "name": names.get(key, key),
                "wins": wins,
                "share": report.share(key),
                "cost": round(wins * float(prize["value"]), 2),
                "stock": prize["stock"],
                "left": report.stock_left.get(key),
                "stockout": stockout,
                "fallback": prize["fallback"],
            }
        )
    return rows


def pool_warnings(bundle: dict[str, Any], pools: dict[str, int], names: dict[str, str]) -> list:
    """Coupon prizes whose code pool holds fewer codes than their stock: they stop there."""
    warnings = []
    for prize in bundle["prizes"]:
        reward = prize["reward"]
        if reward.get("kind") != "coupon_code" or reward.get("pool") not in pools:
            continue
        codes = pools[reward["pool"]]
        if prize["stock"] is None or codes < prize["stock"]:
            warnings.append(
                translate(
                    "{prize}: its code pool {pool} holds {codes} codes, so it can be won at most "
                    "{codes} times. Upload more codes in Reward operations."
                ).format(
                    prize=names.get(prize["key"], prize["key"]),
                    pool=reward["pool"],
                    codes=f"{codes:,}",
                )
            )
    return warnings


def chart_data(report, rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "currency": report.currency,
        "budget": report.budget,
        "prizes": rows,
        "days": [
            {"date": d["date"], "cost": d["cumulative_cost"], "stock": d["stock"]}
            for d in report.days
        ],
        "labels": {
            "share": translate("Share of draws"),
            "cost": translate("Cost so far"),
            "budget": translate("Budget"),
            "stockout": translate("Out of stock"),
        },
    }


def csv_text(report, rows: list[dict[str, Any]], names: dict[str, str]) -> str:
    """Two tables: the prizes, then each day (draws, cost, stock left per limited prize)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            translate("Prize"),
            translate("Wins"),
            translate("Share"),
            translate("Cost"),
            translate("Stock"),
            translate("Left"),
            translate("Stock runs out"),
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r["name"],
                r["wins"],
                f"{100 * r['share']:.4f}%",
                f"{r['cost']:.2f}",
                "" if r["stock"] is None else r["stock"],
                "" if r["left"] is None else r["left"],
                r["stockout"] or "",
            ]
        )
    writer.writerow([])
    limited = [r["key"] for r in rows if r["stock"] is not None]
    writer.writerow(
        [
            translate("Date"),
            translate("Draws"),
            translate("Cost"),
            translate("Cost so far"),
            *[names.get(k, k) for k in limited],
        ]
    )
    for day in report.days:
        writer.writerow(
            [
                day["date"],
                day["draws"],
                f"{day['cost']:.2f}",
                f"{day['cumulative_cost']:.2f}",
                *[day["stock"][k] for k in limited],
            ]
        )
    return out.getvalue()
