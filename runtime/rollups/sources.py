"""The ledgers rolled up, and what each row counts for.

Each source aggregates the rows of one ledger whose ids satisfy a predicate (a chunk of ids,
or ids that were gaps) in SQL, grouped by campaign, branch and hour, and adds the groups to a
Delta. The participant's branch is the one recorded at join (memberships.branch_code), the
same the draw records. "First" measures (drawers, winners) count a participant's first draw
and first win; runtime.rollups.firsts keeps them exact when a row arrives late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from runtime.rollups.buckets import hour_sql, parse_hour
from runtime.rollups.delta import Delta

SHARE_AGE_CAP = 30  # shares 30 or more days after joining are counted together

MEMBER_JOIN = (
    "LEFT JOIN memberships m ON m.campaign_id = {a}.campaign_id "
    "AND m.participant_id = {a}.participant_id"
)


@dataclass(frozen=True)
class Query:
    """A grouped SELECT; `{where}` takes the id predicate on the source's alias (`{where_x}`
    the same on alias x), `{hour}`/`{join_hour}` the hour."""

    sql: str
    feed: Callable[[Delta, Any], None]


@dataclass(frozen=True)
class Source:
    name: str
    table: str
    alias: str
    queries: tuple[Query, ...]

    def aggregate(self, session: Session, where: str, params: dict[str, Any], delta: Delta) -> None:
        """Add the rows whose ids satisfy `where` (a predicate on alias `{a}`) to `delta`."""
        dialect = session.get_bind().dialect.name
        for query in self.queries:
            sql = query.sql.format(
                where=where.format(a=self.alias),
                where_x=where.format(a="x"),
                hour=hour_sql(f"{self.alias}.{_time_column(self.table)}", dialect),
                join_hour=hour_sql("m.joined_at", dialect),
                amount=_amount_sql(dialect),
                member_join=MEMBER_JOIN.format(a=self.alias),
            )
            for row in session.execute(text(sql), params).all():
                query.feed(delta, row)


def _time_column(table: str) -> str:
    return "joined_at" if table == "memberships" else "created_at"


def _amount_sql(dialect: str) -> str:
    """The cents a red packet reward reserved (its payload's amount_cents), else 0."""
    if dialect == "postgresql":
        return (
            "CASE WHEN r.kind = 'red_packet' THEN "
            "COALESCE((r.payload->>'amount_cents')::bigint, 0) ELSE 0 END"
        )
    return (
        "CASE WHEN r.kind = 'red_packet' THEN "
        "COALESCE(CAST(json_extract(r.payload, '$.amount_cents') AS INTEGER), 0) ELSE 0 END"
    )


def _draws(delta: Delta, row) -> None:
    campaign, branch, hour_text, prize, won, n = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "draws", n)
    if won:
        delta.add(campaign, branch, hour, "wins", n)
    elif prize is not None:
        delta.add(campaign, branch, hour, "consolations", n)
    if prize is not None:
        delta.add_item(campaign, hour, "prize", prize, n)


def _measure(name: str) -> Callable[[Delta, Any], None]:
    def feed(delta: Delta, row) -> None:
        campaign, branch, hour_text, n = row
        delta.add(campaign, branch, parse_hour(hour_text), name, n)

    return feed


def _rewards(delta: Delta, row) -> None:
    campaign, branch, hour_text, item, n, cents = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "rewards", n)
    delta.add(campaign, branch, hour, "paid_cents", int(cents or 0))
    delta.add_item(campaign, hour, "reward", item, n, int(cents or 0))


def share_age(delta: Delta, campaign: int, share_day: str, join_hour: str | None) -> str:
    """Whole local days between joining and sharing, capped (seed 001's decay by age)."""
    if join_hour is None:
        return "unknown"
    joined = date.fromisoformat(delta.zones.day(campaign, parse_hour(join_hour)))
    age = (date.fromisoformat(share_day) - joined).days
    return str(max(0, min(age, SHARE_AGE_CAP)))


def _shares(delta: Delta, row) -> None:
    campaign, branch, hour_text, channel, share_day, join_hour, n = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "shares", n)
    delta.add_item(campaign, hour, "share_channel", channel, n)
    delta.add_item(campaign, hour, "share_age", share_age(delta, campaign, share_day, join_hour), n)


def _votes(delta: Delta, row) -> None:
    campaign, branch, hour_text, candidate, n = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "votes", n)
    delta.add_item(campaign, hour, "candidate", candidate, n)


def _events(delta: Delta, row) -> None:
    campaign, branch, hour_text, kind, n = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "events", n)
    delta.add_item(campaign, hour, "event", kind, n)


# A participant's first draw (first win): only the lowest id of each participant in the
# chunk can be it, and it is when no lower id of theirs exists.
FIRST_DRAW = (
    "SELECT d.campaign_id, COALESCE(d.branch_code, ''), {hour} AS h, COUNT(*) FROM draws d "
    "JOIN (SELECT MIN(x.id) AS id FROM draws x WHERE {where_x} {extra_x} "
    "GROUP BY x.campaign_id, x.participant_id) f ON f.id = d.id "
    "WHERE NOT EXISTS (SELECT 1 FROM draws e "
    "WHERE e.campaign_id = d.campaign_id AND e.participant_id = d.participant_id "
    "AND e.id < d.id {extra_e}) GROUP BY d.campaign_id, COALESCE(d.branch_code, ''), h"
)

DRAWS = Source(
    "draws",
    "draws",
    "d",
    (
        Query(
            "SELECT d.campaign_id, COALESCE(d.branch_code, ''), {hour} AS h, d.prize_key, "
            "d.won, COUNT(*) FROM draws d WHERE {where} "
            "GROUP BY d.campaign_id, COALESCE(d.branch_code, ''), h, d.prize_key, d.won",
            _draws,
        ),
        Query(FIRST_DRAW.replace("{extra_x}", "").replace("{extra_e}", ""), _measure("drawers")),
        Query(
            FIRST_DRAW.replace("{extra_x}", "AND x.won = :yes").replace(
                "{extra_e}", "AND e.won = :yes"
            ),
            _measure("winners"),
        ),
    ),
)

REWARDS = Source(
    "rewards",
    "rewards",
    "r",
    (
        Query(
            "SELECT r.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, "
            "COALESCE(r.prize_key, r.kind) AS item, COUNT(*), SUM({amount}) FROM rewards r "
            "{member_join} WHERE {where} "
            "GROUP BY r.campaign_id, COALESCE(m.branch_code, ''), h, item",
            _rewards,
        ),
    ),
)


def _joins(delta: Delta, row) -> None:
    campaign, branch, hour_text, channel, n = row
    hour = parse_hour(hour_text)
    delta.add(campaign, branch, hour, "joins", n)
    delta.add_item(campaign, hour, "join_channel", str(channel), n)


MEMBERSHIPS = Source(
    "memberships",
    "memberships",
    "j",
    (
        Query(
            "SELECT j.campaign_id, COALESCE(j.branch_code, ''), {hour} AS h, p.channel_id, "
            "COUNT(*) FROM memberships j JOIN participants p ON p.id = j.participant_id "
            "WHERE {where} GROUP BY j.campaign_id, COALESCE(j.branch_code, ''), h, p.channel_id",
            _joins,
        ),
    ),
)

SHARES = Source(
    "share_records",
    "share_records",
    "s",
    (
        Query(
            "SELECT s.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, s.share_channel, "
            "s.day, {join_hour} AS jh, COUNT(*) FROM share_records s {member_join} "
            "WHERE {where} GROUP BY s.campaign_id, COALESCE(m.branch_code, ''), h, "
            "s.share_channel, s.day, jh",
            _shares,
        ),
    ),
)

CHECK_INS = Source(
    "check_ins",
    "check_ins",
    "c",
    (
        Query(
            "SELECT c.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, COUNT(*) "
            "FROM check_ins c {member_join} WHERE {where} "
            "GROUP BY c.campaign_id, COALESCE(m.branch_code, ''), h",
            _measure("check_ins"),
        ),
    ),
)

VOTES = Source(
    "votes",
    "votes",
    "v",
    (
        Query(
            "SELECT v.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, v.candidate, "
            "COUNT(*) FROM votes v {member_join} WHERE {where} "
            "GROUP BY v.campaign_id, COALESCE(m.branch_code, ''), h, v.candidate",
            _votes,
        ),
    ),
)

LEADS = Source(
    "leads",
    "leads",
    "l",
    (
        Query(
            "SELECT l.campaign_id, COALESCE(l.branch_code, ''), {hour} AS h, COUNT(*) "
            "FROM leads l WHERE {where} "
            "GROUP BY l.campaign_id, COALESCE(l.branch_code, ''), h",
            _measure("leads"),
        ),
    ),
)

EVENTS = Source(
    "events",
    "events",
    "ev",
    (
        Query(
            "SELECT ev.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, ev.type, COUNT(*) "
            "FROM events ev {member_join} WHERE {where} AND ev.campaign_id IS NOT NULL "
            "GROUP BY ev.campaign_id, COALESCE(m.branch_code, ''), h, ev.type",
            _events,
        ),
    ),
)

SOURCES: tuple[Source, ...] = (
    MEMBERSHIPS,
    DRAWS,
    REWARDS,
    SHARES,
    CHECK_INS,
    VOTES,
    LEADS,
    EVENTS,
)
SOURCE_NAMES = tuple(source.name for source in SOURCES)
