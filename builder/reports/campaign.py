"""One campaign's report: figures, funnel, curves by day and hour, prizes and cost against
budget, branches, shares and their decay, invitations, votes; for any period, or against
another period or campaign. Reads rollups only (builder.reports.queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select

from builder.reports import queries
from builder.reports.labels import FUNNEL, PEOPLE_STEPS
from builder.reports.periods import Period, campaign_period
from core.extensions import db
from core.models import MEASURES, Branch, Campaign, CampaignVersion, Channel, Prize
from runtime.rollups.buckets import zone_named
from runtime.rollups.sources import SHARE_AGE_CAP


def bundle_of(campaign: Campaign) -> dict[str, Any]:
    """What the campaign runs: its published version, else its draft."""
    if campaign.published_version_id is not None:
        return db.session.get(CampaignVersion, campaign.published_version_id).snapshot
    return campaign.draft or {}


def zone_of(bundle: dict[str, Any], default: str) -> tzinfo:
    return zone_named((bundle.get("schedule") or {}).get("timezone") or default)


def whole_period(campaign: Campaign, zone: tzinfo, today: date) -> Period:
    return campaign_period(campaign.starts_at, campaign.ends_at, zone, today)


def name_in(item: dict[str, Any], lang: str, key: str = "key") -> str:
    if lang == "en":
        return item.get("name_en") or item.get("name") or str(item.get(key, ""))
    return item.get("name") or item.get("name_en") or str(item.get(key, ""))


def branch_names(lang: str) -> dict[str, str]:
    return {
        code: (name_en or name) if lang == "en" else name
        for code, name, name_en in db.session.execute(
            select(Branch.code, Branch.name, Branch.name_en)
        )
    }


@dataclass
class CampaignReport:
    campaign: Campaign
    bundle: dict[str, Any]
    zone: tzinfo
    period: Period
    whole: bool
    lang: str
    totals: dict[str, Any] = field(default_factory=dict)
    daily: list[dict[str, Any]] = field(default_factory=list)
    hourly: list[dict[str, Any]] = field(default_factory=list)
    prizes: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    decay: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    referrals: dict[str, Any] = field(default_factory=dict)
    funnel: list[dict[str, Any]] = field(default_factory=list)

    @property
    def budget(self) -> float | None:
        budget = (self.bundle.get("limits") or {}).get("budget")
        return float(budget["amount"]) if budget else None

    @property
    def currency(self) -> str:
        budget = (self.bundle.get("limits") or {}).get("budget")
        return (budget or {}).get("currency", "CNY")


class Pricing:
    """What rewards cost: a prize's value each, a red packet what it paid."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.prizes = {p["key"]: p for p in bundle.get("prizes", [])}

    def cost(self, item: str, count: int, cents: int) -> float:
        prize = self.prizes.get(item)
        if prize is None:
            return cents / 100
        if (prize.get("reward") or {}).get("kind") == "red_packet":
            return cents / 100
        return count * float(prize.get("value") or 0)


def build(
    campaign: Campaign, period: Period | None, lang: str, default_zone: str, today: date
) -> CampaignReport:
    bundle = bundle_of(campaign)
    zone = zone_of(bundle, default_zone)
    whole = whole_period(campaign, zone, today)
    period = period or whole
    report = CampaignReport(campaign, bundle, zone, period, period == whole, lang)
    _figures(report)
    _prizes(report)
    _audience(report)
    _funnel(report)
    return report


def _figures(report: CampaignReport) -> None:
    """Totals, the daily and the hourly curves, all from the campaign's hour buckets (the
    local days are whole hours in the campaign's zone)."""
    cid, period, pricing = report.campaign.id, report.period, Pricing(report.bundle)
    start, end = period.utc_bounds(report.zone)
    hours = {row["hour"]: row for row in queries.campaign_hours(cid, start, end)}
    totals: dict[str, Any] = dict.fromkeys(MEASURES, 0)
    by_day: dict[str, dict[str, int]] = {
        day: dict.fromkeys(MEASURES, 0) for day in period.day_list()
    }
    views = queries.traffic(cid, "hour", _bucket(start), _bucket(end - timedelta(hours=1)))
    moment = start
    while moment < end:
        row = hours.get(moment, {})
        day = by_day.setdefault(moment.astimezone(report.zone).date().isoformat(), {})
        for m in MEASURES:
            value = int(row.get(m) or 0)
            totals[m] += value
            day[m] = day.get(m, 0) + value
        report.hourly.append(
            {
                "hour": moment.astimezone(report.zone).strftime("%Y-%m-%d %H:00"),
                **{m: int(row.get(m) or 0) for m in MEASURES},
                "views": views.get(_bucket(moment), {}).get("views", 0),
            }
        )
        moment += timedelta(hours=1)
    states = queries.reward_states(period, campaign_ids=[cid])
    totals["issued"] = queries.issued(totals["rewards"], states)
    totals["open"] = sum(states.get(s, 0) for s in queries.OPEN_STATES)
    totals["failed"] = states.get("failed", 0)
    totals["redeemed"] = states.get("redeemed", 0)
    traffic = queries.traffic(cid, "day", period.start.isoformat(), period.end.isoformat())
    for key in ("views", "visitors", "clicks"):
        totals[key] = sum(day[key] for day in traffic.values())
    if report.whole:  # the whole campaign: exact unique visitors, not a sum of days
        everything = queries.traffic(cid, "all", "", "").get("")
        if everything:
            totals["visitors"] = everything["visitors"]
    costs = queries.cost_by_day(cid, period)
    running = 0.0
    for day in period.day_list():
        cost = sum(pricing.cost(k, c, a) for k, (c, a) in costs.get(day, {}).items())
        running += cost
        row = {**by_day[day], **traffic.get(day, {"views": 0, "visitors": 0, "clicks": 0})}
        report.daily.append({"day": day, **row, "cost": round(cost, 2), "total_cost": running})
    totals["cost"] = round(running, 2)
    report.referrals = queries.referrals(cid)
    report.totals = totals


def _bucket(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def _prizes(report: CampaignReport) -> None:
    cid, pricing = report.campaign.id, Pricing(report.bundle)
    items = queries.breakdowns(cid, report.period)
    stock = {p.key: p for p in db.session.scalars(select(Prize).where(Prize.campaign_id == cid))}
    given, rewarded = items.get("prize", {}), items.get("reward", {})
    for prize in report.bundle.get("prizes", []):
        key = prize["key"]
        count, cents = rewarded.get(key, [0, 0])
        row = stock.get(key)
        report.prizes.append(
            {
                "key": key,
                "name": name_in(prize, report.lang),
                "fallback": bool(prize.get("fallback")),
                "draws": given.get(key, [0, 0])[0],
                "rewards": count,
                "stock": prize.get("stock"),
                "left": row.stock_left if row is not None else prize.get("stock"),
                "cost": round(pricing.cost(key, count, cents), 2),
            }
        )
    report.channels = _shares_of(items.get("share_channel", {}), report.lang)
    report.sources = _sources(items.get("join_channel", {}))
    report.decay = _decay(items.get("share_age", {}))
    config = (report.bundle.get("widget") or {}).get("config") or {}
    names = {str(c.get("id")): c.get("name") for c in config.get("candidates") or []}
    votes = items.get("candidate", {})
    total = sum(v[0] for v in votes.values()) or 1
    report.candidates = sorted(
        (
            {"key": k, "name": names.get(k) or k, "votes": v[0], "share": v[0] / total}
            for k, v in votes.items()
        ),
        key=lambda row: -row["votes"],
    )
    report.events = [{"type": k, "events": v[0]} for k, v in sorted(items.get("event", {}).items())]


def _sources(found: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Participants by the channel they came through (the bank's app, a WeChat account...)."""
    names = {str(cid): name for cid, name in db.session.execute(select(Channel.id, Channel.name))}
    total = sum(v[0] for v in found.values()) or 1
    return sorted(
        (
            {"channel": names.get(k, k), "joins": v[0], "share": v[0] / total}
            for k, v in found.items()
        ),
        key=lambda row: -row["joins"],
    )


def _shares_of(found: dict[str, list[int]], lang: str) -> list[dict[str, Any]]:
    """Shares by channel, each named as the rule builder names it (微信好友, WeChat friend...)."""
    from rules.catalog import option_label

    total = sum(v[0] for v in found.values()) or 1
    return sorted(
        (
            {
                "channel": option_label("share_channel", k, lang),
                "shares": v[0],
                "share": v[0] / total,
            }
            for k, v in found.items()
        ),
        key=lambda row: -row["shares"],
    )


def _decay(found: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Shares by whole days since the sharer joined, against the day they joined."""
    first = found.get("0", [0])[0]
    rows = []
    for age in range(SHARE_AGE_CAP + 1):
        shares = found.get(str(age), [0])[0]
        rows.append(
            {
                "age": f"{age}+" if age == SHARE_AGE_CAP else str(age),
                "shares": shares,
                "relative": shares / first if first else None,
            }
        )
    while len(rows) > 8 and rows[-1]["shares"] == 0:
        rows.pop()
    return rows


def _audience(report: CampaignReport) -> None:
    names = branch_names(report.lang)
    rows = queries.day_sums(
        report.period, group_by=["branch_code"], campaign_ids=[report.campaign.id]
    )
    report.branches = sorted(
        (
            {
                "code": row["branch_code"],
                "name": names.get(row["branch_code"], row["branch_code"]),
                **{m: int(row[m] or 0) for m in MEASURES},
            }
            for row in rows
        ),
        key=lambda row: (-row["draws"], -row["joins"], row["code"]),
    )


def _funnel(report: CampaignReport) -> None:
    """Visited -> joined -> drew -> won counts people; issued and redeemed count rewards, so
    their rate is against the rewards won and issued."""
    totals = report.totals
    visitors = int(totals.get("visitors") or 0)
    for key, label, base in FUNNEL:
        value = int(totals.get(key) or 0)
        against = int(totals.get(base) or 0) if base else 0
        report.funnel.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "from_previous": value / against if against else None,
                "from_first": value / visitors if visitors and key in PEOPLE_STEPS else None,
            }
        )
