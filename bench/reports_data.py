"""Generated ledgers for bench/reports.py: a bank of 30 regions and 400 sub-branches, eight
campaigns over 30 days, participants joining (some invited), draws with prizes, their rewards
(red packets with amounts, most issued), shares and votes; and one peak hour of plays.

Rows go in with COPY on PostgreSQL and executemany on SQLite, in id order, through the same
tables the runtime writes (the draw's evidence is a stub: replay is not benchmarked here).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.extensions import db

START = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=8)  # 2026-01-01 00:00 in Shanghai
DAYS = 30
REGIONS = 30
CAMPAIGNS = 8
PRIZES = (  # key, reward kind, weight
    ("thanks", None, 50),
    ("points", "points", 25),
    ("coupon", "coupon_code", 19),
    ("cash", "red_packet", 5),
    ("gift", "physical", 1),
)
BATCH = 50_000


@dataclass
class Bank:
    branches: list[str] = field(default_factory=list)  # the 400 sub-branch codes
    campaigns: list[int] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[tuple[int, str, datetime]]] = field(default_factory=dict)


def bundle(n: int) -> dict:
    first, last = (0, DAYS) if n == 0 else (2 * n, min(DAYS, 2 * n + 14))
    local = datetime(2026, 1, 1)
    return {
        "format": "campaign-bundle/1",
        "slug": f"bench-{n}",
        "name": f"Bench campaign {n}",
        "branch": "HQ",
        "widget": {"type": "lucky_wheel", "config": {}},
        "schedule": {
            "timezone": "Asia/Shanghai",
            "starts_at": (local + timedelta(days=first)).isoformat(),
            "ends_at": (local + timedelta(days=last)).isoformat(),
            "windows": [],
        },
        "chances": {"kinds": [{"key": "gold", "name": "Gold", "initial": 3, "daily": 0}]},
        "prizes": [
            {
                "key": key,
                "name": key,
                "weight": weight,
                "stock": None,
                "fallback": kind is None,
                "value": {"points": 0.1, "coupon": 5, "gift": 50}.get(key, 0),
                "reward": _reward(kind),
            }
            for key, kind, weight in PRIZES
        ],
        "limits": {"budget": {"amount": 500000, "currency": "CNY"}, "branch_quotas": {}},
        "odds": {"exhausted": "fallback"},
        "rules": [],
    }


def _reward(kind: str | None) -> dict:
    if kind is None:
        return {"kind": "none"}
    if kind == "red_packet":
        return {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 8.88}
    if kind == "coupon_code":
        return {"kind": "coupon_code", "pool": "bench"}
    if kind == "points":
        return {"kind": "points", "amount": 10}
    return {"kind": kind}


def organisation() -> list[str]:
    """Head office, 30 regions, 400 sub-branches; returns the sub-branch codes."""
    from core.models import Branch

    hq = Branch(code="HQ", name="总行", level="hq", approval_levels=1)
    db.session.add(hq)
    db.session.flush()
    codes = []
    for r in range(REGIONS):
        region = Branch(code=f"R{r:02d}", name=f"区域{r:02d}", level="branch", parent_id=hq.id)
        db.session.add(region)
        db.session.flush()
        for b in range(400 // REGIONS + (1 if r < 400 % REGIONS else 0)):
            code = f"R{r:02d}-{b:03d}"
            db.session.add(
                Branch(code=code, name=f"支行{code}", level="sub_branch", parent_id=region.id)
            )
            codes.append(code)
    db.session.commit()
    return codes


def publish_campaigns() -> tuple[list[int], dict[int, int]]:
    from runtime.publishing import create_campaign, publish_campaign

    ids, versions = [], {}
    for n in range(CAMPAIGNS):
        campaign = create_campaign(bundle(n))
        version = publish_campaign(campaign, note="bench")
        ids.append(campaign.id)
        versions[campaign.id] = version.id
    db.session.commit()
    return ids, versions


def bulk(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert rows fast: COPY on PostgreSQL, executemany on SQLite; commits per batch."""
    engine = db.engine
    count = 0
    for batch in _batches(rows, BATCH):
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.execute("BEGIN IMMEDIATE")
                marks = ", ".join("?" * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(_sqlite(v) for v in row) for row in batch],
                )
            connection.commit()
        finally:
            connection.close()
        count += len(batch)
    return count


def _sqlite(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it
    return value


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def max_id(table: str) -> int:
    found = db.session.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0
    db.session.commit()
    return found


def generate(draws: int, participants: int, seed: int = 14) -> Bank:
    """The base month: participants, memberships, `draws` draws and their rewards, shares."""
    from core.accounts import create_channel

    rng = random.Random(seed)
    bank = Bank(organisation())
    channel = create_channel("bench").channel.id
    db.session.commit()
    bank.campaigns, bank.versions = publish_campaigns()
    weights = [rng.paretovariate(1.2) for _ in bank.branches]  # a few branches dominate
    home = rng.choices(bank.branches, weights=weights, k=participants)
    bulk(
        "participants",
        ("id", "channel_id", "external_id", "attrs", "created_at", "last_seen_at"),
        ((n + 1, channel, f"b{n}", "{}", START, START) for n in range(participants)),
    )
    _memberships(bank, rng, home)
    shares = [0.4] + [0.6 / (CAMPAIGNS - 1)] * (CAMPAIGNS - 1)
    plays = _draw_rows(bank, rng, draws, shares)
    _write_draws(bank, rng, plays)
    _shares(bank, rng)
    return bank


def _window(n: int) -> tuple[datetime, datetime]:
    b = bundle(n)["schedule"]
    first = datetime.fromisoformat(b["starts_at"]).replace(tzinfo=UTC) - timedelta(hours=8)
    last = datetime.fromisoformat(b["ends_at"]).replace(tzinfo=UTC) - timedelta(hours=8)
    return first, last


def _memberships(bank: Bank, rng: random.Random, home: list[str]) -> None:
    rows, next_id = [], 1
    for n, cid in enumerate(bank.campaigns):
        first, last = _window(n)
        span = (last - first).total_seconds()
        people = rng.sample(range(len(home)), k=len(home) // (2 if n == 0 else 6))
        people.sort()
        joined = sorted(first + timedelta(seconds=rng.random() * span * 0.9) for _ in people)
        members = []
        for pid0, at in zip(people, joined, strict=True):
            pid = pid0 + 1
            inviter = (
                members[rng.randrange(len(members))][0] if members and rng.random() < 0.3 else None
            )
            rows.append((next_id, cid, pid, home[pid0], f"M{next_id:09d}", inviter, at))
            members.append((pid, home[pid0], at))
            next_id += 1
        bank.members[cid] = members
    bulk(
        "memberships",
        (
            "id",
            "campaign_id",
            "participant_id",
            "branch_code",
            "referral_code",
            "referred_by_id",
            "joined_at",
        ),
        rows,
    )


def _draw_rows(bank: Bank, rng: random.Random, draws: int, shares: list[float]):
    plays = []
    counts = [int(draws * share) for share in shares]
    counts[-1] += draws - sum(counts)
    for n, cid in enumerate(bank.campaigns):
        _, last = _window(n)
        members = bank.members[cid]
        for _ in range(counts[n]):
            pid, branch, joined = members[rng.randrange(len(members))]
            at = joined + timedelta(seconds=rng.random() * (last - joined).total_seconds())
            plays.append((at, cid, pid, branch))
    plays.sort()
    return plays


def _write_draws(bank: Bank, rng: random.Random, plays, first_id: int = 1, reward_id: int = 1):
    """Draw rows (and a reward for each prize that has one), ids in time order."""
    keys = [p[0] for p in PRIZES]
    weights = [p[2] for p in PRIZES]
    kinds = {p[0]: p[1] for p in PRIZES}
    rewards = []

    def draw_rows():
        nonlocal reward_id
        for n, (at, cid, pid, branch) in enumerate(plays):
            draw_id = first_id + n
            prize = rng.choices(keys, weights=weights)[0]
            kind = kinds[prize]
            yield (
                draw_id,
                cid,
                bank.versions[cid],
                pid,
                "gold",
                branch,
                prize,
                kind is not None,
                rng.random(),
                "{}",
                at,
            )
            if kind is not None:
                payload = {"amount_cents": rng.randint(50, 888)} if kind == "red_packet" else {}
                status = rng.choices(("issued", "pending", "failed"), weights=(95, 3, 2))[0]
                rewards.append(
                    (
                        reward_id,
                        f"draw:{draw_id}",
                        draw_id,
                        cid,
                        pid,
                        prize,
                        kind,
                        json.dumps(payload),
                        status,
                        1,
                        8,
                        at,
                        at,
                        at,
                    )
                )
                reward_id += 1

    bulk(
        "draws",
        (
            "id",
            "campaign_id",
            "version_id",
            "participant_id",
            "chance_kind",
            "branch_code",
            "prize_key",
            "won",
            "random_value",
            "evidence",
            "created_at",
        ),
        draw_rows(),
    )
    bulk(
        "rewards",
        (
            "id",
            "source_key",
            "draw_id",
            "campaign_id",
            "participant_id",
            "prize_key",
            "kind",
            "payload",
            "status",
            "attempts",
            "max_attempts",
            "available_at",
            "created_at",
            "updated_at",
        ),
        rewards,
    )


def _shares(bank: Bank, rng: random.Random) -> None:
    rows, seen, next_id = [], set(), 1
    for n, cid in enumerate(bank.campaigns):
        _, last = _window(n)
        for pid, _, joined in bank.members[cid][: len(bank.members[cid]) // 2]:
            age = min(int(rng.expovariate(0.45)), 29)  # seed 001: sharing fades in ~5 days
            at = joined + timedelta(days=age, seconds=rng.random() * 3600)
            channel = rng.choice(("wechat_friend", "wechat_moments", "weibo"))
            day = (at + timedelta(hours=8)).date().isoformat()
            if at >= last or (cid, pid, channel, day) in seen:
                continue
            seen.add((cid, pid, channel, day))
            rows.append((next_id, cid, pid, channel, day, True, at))
            next_id += 1
    bulk(
        "share_records",
        ("id", "campaign_id", "participant_id", "share_channel", "day", "rewarded", "created_at"),
        rows,
    )


def peak_hour(bank: Bank, plays: int, seed: int = 15) -> datetime:
    """`plays` draws (and their rewards) in one hour of the main campaign (seed 001's crazy
    hour: 2.12 million); returns the hour."""
    rng = random.Random(seed)
    cid = bank.campaigns[0]
    hour = START + timedelta(days=DAYS - 2, hours=12)
    members = bank.members[cid]
    rows = sorted(
        (
            hour + timedelta(seconds=rng.random() * 3600),
            cid,
            *members[rng.randrange(len(members))][:2],
        )
        for _ in range(plays)
    )
    _write_draws(bank, rng, rows, max_id("draws") + 1, max_id("rewards") + 1)
    return hour
