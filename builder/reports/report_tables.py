"""The tables of each report, built from its figures: the page renders them and the CSV
export writes the same rows, so what is downloaded is what is shown."""

from __future__ import annotations

from typing import Any

from builder.i18n import translate
from builder.reports.campaign import CampaignReport, branch_names
from builder.reports.labels import label
from builder.reports.organisation import SHOWN, BranchReport, Overview
from builder.reports.tables import Column, Table

KPIS = (
    ("views", "int"),
    ("visitors", "int"),
    ("clicks", "int"),
    ("joins", "int"),
    ("drawers", "int"),
    ("draws", "int"),
    ("wins", "int"),
    ("consolations", "int"),
    ("winners", "int"),
    ("rewards", "int"),
    ("issued", "int"),
    ("open", "int"),
    ("failed", "int"),
    ("redeemed", "int"),
    ("cost", "money"),
    ("shares", "int"),
    ("check_ins", "int"),
    ("votes", "int"),
    ("leads", "int"),
    ("events", "int"),
)
DAILY = ("views", "visitors", "joins", "drawers", "draws", "wins", "rewards", "shares")
BRANCH_MEASURES = ("joins", "drawers", "draws", "wins", "rewards", "shares", "leads")


def _t(text: str) -> str:
    return translate(text)


def _cols(keys, kind: str = "int") -> list[Column]:
    return [Column(k, label(k), kind) for k in keys]


def _change(now: float, before: float) -> float | None:
    return (now - before) / before if before else None


def campaign_tables(
    report: CampaignReport, other: CampaignReport | None = None, show_people: bool = False
) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    kpi_columns = [Column("figure", _t("Figure"), "text"), Column("value", _t("Value"), "")]
    if other is not None:
        kpi_columns += [
            Column("other", _t("Compared with"), ""),
            Column("change", _t("Change"), "percent"),
        ]
    kpi_rows = []
    for key, kind in KPIS:
        value = report.totals.get(key, 0)
        row: dict[str, Any] = {"key": key, "figure": label(key), "value": value, "kind": kind}
        if other is not None:
            row["other"] = other.totals.get(key, 0)
            row["change"] = _change(value, row["other"])
        kpi_rows.append(row)
    tables["kpis"] = Table("kpis", _t("Key figures"), kpi_columns, kpi_rows)
    tables["funnel"] = Table(
        "funnel",
        _t("Funnel"),
        [
            Column("step", _t("Step"), "text"),
            Column("value", _t("Count")),
            Column("from_previous", _t("Conversion"), "percent"),
            Column("from_first", _t("Of visitors"), "percent"),
        ],
        [{**f, "step": _t(f["label"])} for f in report.funnel],
    )
    tables["daily"] = Table(
        "daily",
        _t("By day"),
        [Column("day", _t("Day"), "text"), *_cols(DAILY), Column("cost", label("cost"), "money")],
        report.daily,
    )
    tables["hourly"] = Table(
        "hourly",
        _t("By hour"),
        [Column("hour", _t("Hour"), "text"), *_cols(("views", "joins", "draws", "wins"))],
        [h for h in report.hourly if h["views"] or h["joins"] or h["draws"]],
    )
    tables["prizes"] = Table(
        "prizes",
        _t("Prizes"),
        [
            Column("name", _t("Prize"), "text"),
            Column("draws", _t("Given")),
            Column("rewards", label("rewards")),
            Column("stock", _t("Stock")),
            Column("left", _t("Left")),
            Column("cost", label("cost"), "money"),
        ],
        report.prizes,
    )
    tables["branches"] = Table(
        "branches",
        _t("Branches"),
        [Column("name", _t("Branch"), "text"), *_cols(BRANCH_MEASURES)],
        [{**b, "name": b["name"] or _t("No branch")} for b in report.branches],
    )
    tables["channels"] = Table(
        "channels",
        _t("Shares by channel"),
        [
            Column("channel", _t("Channel"), "text"),
            Column("shares", label("shares")),
            Column("share", _t("Share"), "percent"),
        ],
        report.channels,
    )
    tables["sources"] = Table(
        "sources",
        _t("Participants by channel"),
        [
            Column("channel", _t("Channel"), "text"),
            Column("joins", label("joins")),
            Column("share", _t("Share"), "percent"),
        ],
        report.sources,
    )
    tables["decay"] = Table(
        "decay",
        _t("Shares by days since joining"),
        [
            Column("age", _t("Days since joining"), "text"),
            Column("shares", label("shares")),
            Column("relative", _t("Against the day of joining"), "percent"),
        ],
        report.decay,
    )
    tables["votes"] = Table(
        "votes",
        _t("Votes by candidate"),
        [
            Column("name", _t("Candidate"), "text"),
            Column("votes", label("votes")),
            Column("share", _t("Share"), "percent"),
        ],
        report.candidates,
    )
    tables["inviters"] = _inviters(report, show_people)
    tables["depths"] = Table(
        "depths",
        _t("Invitation tree"),
        [Column("depth", _t("Depth"), "text"), Column("people", _t("People"))],
        [{"depth": k, "people": v} for k, v in (report.referrals.get("depths") or {}).items()],
    )
    tables["events"] = Table(
        "events",
        _t("Server events"),
        [Column("type", _t("Type"), "text"), Column("events", label("events"))],
        report.events,
    )
    return tables


def masked(external_id: str | None) -> str:
    """A participant id with all but its last four characters hidden."""
    if not external_id:
        return ""
    return "•" * max(0, len(external_id) - 4) + external_id[-4:]


def _inviters(report: CampaignReport, show_people: bool) -> Table:
    names = branch_names(report.lang)
    rows = [
        {
            **row,
            "who": row["external_id"] if show_people else masked(row["external_id"]),
            "branch": names.get(row["branch"], row["branch"]),
        }
        for row in report.referrals.get("top") or []
    ]
    return Table(
        "inviters",
        _t("Top inviters"),
        [
            Column("who", _t("Participant"), "text"),
            Column("branch", _t("Branch"), "text"),
            Column("invited", _t("Invited")),
            Column("descendants", _t("Whole tree")),
            Column("clicks", label("clicks")),
        ],
        rows,
    )


def overview_tables(result: Overview) -> dict[str, Table]:
    columns = [Column("rank", _t("Rank")), Column("name", _t("Branch"), "text")]
    columns.append(Column("campaigns", label("campaigns")))
    for m in SHOWN:
        columns.append(Column(m, label(m)))
        if m in ("joins", "draws"):
            columns.append(Column(f"{m}_change", _t("Change"), "percent"))
    rows = []
    for row in result.rows:
        name = row["name"]
        if row["own"]:
            name = _t("{branch} (own customers)").format(branch=name)
        elif name is None:
            name = _t("No branch or unknown branch")
        rows.append({**row, "name": name})
    daily = Table(
        "daily",
        _t("By day"),
        [
            Column("day", _t("Day"), "text"),
            Column("draws_now", label("draws")),
            Column("draws_before", _t("Draws, the period before")),
            Column("joins_now", label("joins")),
            Column("joins_before", _t("Participants, the period before")),
        ],
        result.daily,
    )
    return {"branches": Table("branches", _t("Branches"), columns, rows), "daily": daily}


def branch_tables(report: BranchReport) -> dict[str, Table]:
    from builder.i18n import status_label

    campaigns = Table(
        "campaigns",
        _t("Campaigns"),
        [
            Column("name", _t("Campaign"), "text"),
            Column("status_label", _t("Status"), "text"),
            *_cols(BRANCH_MEASURES),
            Column("quota", label("quota")),
            Column("quota_used", label("quota_used")),
            Column("quota_share", _t("Quota use"), "percent"),
        ],
        [{**c, "status_label": status_label(c["status"])} for c in report.campaigns],
    )
    daily = Table(
        "daily",
        _t("By day"),
        [Column("day", _t("Day"), "text"), *_cols(BRANCH_MEASURES)],
        report.daily,
    )
    return {"campaigns": campaigns, "daily": daily}
