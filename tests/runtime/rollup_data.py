"""Generated ledgers for the rollup tests, and the rollups computed straight from them in
Python (an independent count: no SQL grouping, no cursors), to compare with the tables."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.extensions import db
from core.models import (
    MEASURES,
    Campaign,
    CampaignVersion,
    CheckIn,
    Draw,
    Event,
    Lead,
    Membership,
    Participant,
    Reward,
    RollupBreakdown,
    RollupCampaignHour,
    RollupDay,
    RollupHour,
    ShareRecord,
    Vote,
)
from tests.factories import make_channel
from tests.issuance.factories import bundle, publish

BRANCHES = ("SH001", "SH001-01", "BJ001", "SZ001", None)
PRIZES = (("car", "physical"), ("cash", "red_packet"), ("points", "points"), ("thanks", None))
START = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # New York changes to summer time on 3-08


def make_campaigns() -> list[Campaign]:
    zones = ("Asia/Shanghai", "America/New_York", "UTC")
    return [
        publish(
            bundle(
                f"rolled-{n}",
                starts_at="2026-03-01T00:00:00",
                ends_at="2026-04-01T00:00:00",
                timezone=zone,
            )
        )
        for n, zone in enumerate(zones)
    ]


def generate(campaigns: list[Campaign], people: int = 60, seed: int = 7, hours: int = 72):
    """Memberships (some invited), draws (prizes, wins, consolations), their rewards (red
    packets with amounts), shares, check-ins, votes, leads and server events."""
    rng = random.Random(seed)
    channel, _ = make_channel()
    participants = [
        Participant(channel_id=channel.id, external_id=f"p-{seed}-{n}", attrs={})
        for n in range(people)
    ]
    db.session.add_all(participants)
    db.session.flush()
    version_of = {c.id: c.published_version_id for c in campaigns}

    def moment() -> datetime:
        return START + timedelta(minutes=rng.randrange(hours * 60), seconds=rng.random())

    for campaign in campaigns:
        members = rng.sample(participants, k=people * 2 // 3)
        for n, person in enumerate(members):
            inviter = members[rng.randrange(n)].id if n and rng.random() < 0.4 else None
            db.session.add(
                Membership(
                    campaign_id=campaign.id,
                    participant_id=person.id,
                    branch_code=rng.choice(BRANCHES),
                    referral_code=f"C{campaign.id}P{person.id}",
                    referred_by_id=inviter,
                    joined_at=moment(),
                )
            )
        db.session.flush()
        add_activity(rng, campaign.id, version_of[campaign.id], members, moment)
    db.session.commit()


def add_activity(rng, cid: int, version: int, members, moment) -> None:
    branch = {
        m.participant_id: m.branch_code
        for m in db.session.scalars(select(Membership).where(Membership.campaign_id == cid))
    }
    for person in members:
        for _ in range(rng.randrange(6)):
            add_draw(rng, cid, version, person.id, branch[person.id], moment())
        for day in {moment().date().isoformat() for _ in range(rng.randrange(3))}:
            db.session.add(
                ShareRecord(
                    campaign_id=cid,
                    participant_id=person.id,
                    share_channel=rng.choice(("wechat", "moments")),
                    day=day,
                    created_at=moment(),
                )
            )
        if rng.random() < 0.5:
            db.session.add(
                CheckIn(
                    campaign_id=cid,
                    participant_id=person.id,
                    day="x",
                    streak=1,
                    created_at=moment(),
                )
            )
        if rng.random() < 0.5:
            db.session.add(
                Vote(
                    campaign_id=cid,
                    participant_id=person.id,
                    candidate=rng.choice(("a", "b", "c")),
                    day="all",
                    created_at=moment(),
                )
            )
        if rng.random() < 0.2:
            db.session.add(
                Lead(
                    campaign_id=cid,
                    participant_id=person.id,
                    branch_code=branch[person.id],
                    created_at=moment(),
                )
            )
        if rng.random() < 0.3:
            add_event(rng, cid, person.id, moment())


def add_draw(rng, cid, version, pid, branch, at, **extra) -> Draw:
    prize, kind = rng.choice(PRIZES)
    draw = Draw(
        campaign_id=cid,
        version_id=version,
        participant_id=pid,
        chance_kind="gold",
        branch_code=branch,
        prize_key=None if kind is None and rng.random() < 0.5 else prize,
        won=kind is not None,
        random_value=rng.random(),
        evidence={},
        created_at=at,
        **extra,
    )
    db.session.add(draw)
    db.session.flush()
    if kind is not None:
        payload = {"amount_cents": rng.randrange(1, 500)} if kind == "red_packet" else {}
        db.session.add(
            Reward(
                source_key=f"draw:{draw.id}",
                draw_id=draw.id,
                campaign_id=cid,
                participant_id=pid,
                prize_key=prize,
                kind=kind,
                payload=payload,
                status=rng.choice(("pending", "issued", "issued", "failed")),
                created_at=at,
            )
        )
    return draw


def add_event(rng, cid, pid, at, **extra) -> Event:
    event = Event(
        channel_id=db.session.scalar(select(Participant.channel_id).where(Participant.id == pid)),
        event_id=f"ev-{rng.random()}",
        type=rng.choice(("transaction", "account_opened")),
        campaign_id=cid,
        participant_id=pid,
        payload={},
        created_at=at,
        **extra,
    )
    db.session.add(event)
    return event


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _zones() -> dict[int, ZoneInfo]:
    rows = db.session.execute(
        select(Campaign.id, CampaignVersion.snapshot).join(
            CampaignVersion, CampaignVersion.id == Campaign.published_version_id
        )
    )
    return {cid: ZoneInfo(snapshot["schedule"]["timezone"]) for cid, snapshot in rows}


class Count:
    """The rollups counted row by row from the ledgers, one method per ledger."""

    def __init__(self) -> None:
        self.zones = _zones()
        self.hours = defaultdict(lambda: defaultdict(int))
        self.items = defaultdict(lambda: [0, 0])
        self.members = {
            (m.campaign_id, m.participant_id): m for m in db.session.scalars(select(Membership))
        }

    def branch_of(self, cid: int, pid: int) -> str:
        member = self.members.get((cid, pid))
        return (member.branch_code if member else None) or ""

    def day(self, cid: int, at: datetime) -> str:
        return at.astimezone(self.zones[cid]).date().isoformat()

    def add(self, cid, branch, at, measure, n=1) -> None:
        self.hours[(cid, branch or "", _hour(at))][measure] += n

    def item(self, cid, branch, at, dimension, name, n=1, amount=0) -> None:
        found = self.items[(cid, dimension, self.day(cid, at), name)]
        found[0] += n
        found[1] += amount

    def draws(self) -> None:
        first_draw, first_win = set(), set()
        for d in db.session.scalars(select(Draw).order_by(Draw.id)):
            at, cid, branch = d.created_at, d.campaign_id, d.branch_code
            self.add(cid, branch, at, "draws")
            if d.won:
                self.add(cid, branch, at, "wins")
            elif d.prize_key:
                self.add(cid, branch, at, "consolations")
            if d.prize_key:
                self.item(cid, branch, at, "prize", d.prize_key)
            person = (cid, d.participant_id)
            if person not in first_draw:
                first_draw.add(person)
                self.add(cid, branch, at, "drawers")
            if d.won and person not in first_win:
                first_win.add(person)
                self.add(cid, branch, at, "winners")

    def rewards(self) -> None:
        for r in db.session.scalars(select(Reward)):
            branch = self.branch_of(r.campaign_id, r.participant_id)
            cents = (r.payload or {}).get("amount_cents", 0) if r.kind == "red_packet" else 0
            self.add(r.campaign_id, branch, r.created_at, "rewards")
            self.add(r.campaign_id, branch, r.created_at, "paid_cents", cents)
            self.item(
                r.campaign_id, branch, r.created_at, "reward", r.prize_key or r.kind, 1, cents
            )

    def shares(self) -> None:
        for s in db.session.scalars(select(ShareRecord)):
            branch = self.branch_of(s.campaign_id, s.participant_id)
            self.add(s.campaign_id, branch, s.created_at, "shares")
            self.item(s.campaign_id, branch, s.created_at, "share_channel", s.share_channel)
            member = self.members[(s.campaign_id, s.participant_id)]
            joined = date.fromisoformat(self.day(s.campaign_id, _hour(member.joined_at)))
            age = (date.fromisoformat(s.day) - joined).days
            self.item(s.campaign_id, branch, s.created_at, "share_age", str(max(0, min(age, 30))))

    def activities(self) -> None:
        for c in db.session.scalars(select(CheckIn)):
            branch = self.branch_of(c.campaign_id, c.participant_id)
            self.add(c.campaign_id, branch, c.created_at, "check_ins")
        for v in db.session.scalars(select(Vote)):
            branch = self.branch_of(v.campaign_id, v.participant_id)
            self.add(v.campaign_id, branch, v.created_at, "votes")
            self.item(v.campaign_id, branch, v.created_at, "candidate", v.candidate)
        for lead in db.session.scalars(select(Lead)):
            self.add(lead.campaign_id, lead.branch_code, lead.created_at, "leads")
        for e in db.session.scalars(select(Event).where(Event.campaign_id.is_not(None))):
            branch = self.branch_of(e.campaign_id, e.participant_id)
            self.add(e.campaign_id, branch, e.created_at, "events")
            self.item(e.campaign_id, branch, e.created_at, "event", e.type)

    def result(self) -> dict[str, dict]:
        channels = dict(db.session.execute(select(Participant.id, Participant.channel_id)).all())
        for m in self.members.values():
            self.add(m.campaign_id, m.branch_code, m.joined_at, "joins")
            channel = str(channels[m.participant_id])
            self.item(m.campaign_id, m.branch_code, m.joined_at, "join_channel", channel)
        self.draws()
        self.rewards()
        self.shares()
        self.activities()
        campaign_hours = defaultdict(lambda: defaultdict(int))
        days = defaultdict(lambda: defaultdict(int))
        for (cid, branch, hour), counts in self.hours.items():
            for measure, n in counts.items():
                campaign_hours[(cid, hour)][measure] += n
                days[(cid, branch, self.day(cid, hour))][measure] += n
        return {
            "hours": _clean(self.hours),
            "campaign_hours": _clean(campaign_hours),
            "days": _clean(days),
            "breakdowns": {k: tuple(v) for k, v in self.items.items() if v != [0, 0]},
        }


def expected() -> dict[str, dict]:
    """hours, campaign_hours, days and breakdowns, counted row by row from the ledgers."""
    try:
        return Count().result()
    finally:
        db.session.rollback()


def _clean(buckets) -> dict:
    cleaned = {}
    for key, counts in buckets.items():
        kept = {m: n for m, n in counts.items() if n}
        if kept:
            cleaned[key] = kept
    return cleaned


def actual() -> dict[str, dict]:
    """The same shapes, read from the rollup tables."""

    def measures(row) -> dict[str, int]:
        return {m: getattr(row, m) for m in MEASURES if getattr(row, m)}

    found = {
        "hours": {
            (r.campaign_id, r.branch_code, r.hour): measures(r)
            for r in db.session.scalars(select(RollupHour))
        },
        "campaign_hours": {
            (r.campaign_id, r.hour): measures(r)
            for r in db.session.scalars(select(RollupCampaignHour))
        },
        "days": {
            (r.campaign_id, r.branch_code, r.day): measures(r)
            for r in db.session.scalars(select(RollupDay))
        },
        "breakdowns": {
            (r.campaign_id, r.dimension, r.day, r.item): (r.count, r.amount)
            for r in db.session.scalars(select(RollupBreakdown))
            if r.count or r.amount
        },
    }
    db.session.rollback()
    return {name: {k: v for k, v in table.items() if v} for name, table in found.items()}
