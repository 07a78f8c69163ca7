"""Builders for issuance tests: a campaign, participants and pending rewards, committed."""

from __future__ import annotations

import itertools
from typing import Any

from core.extensions import db
from core.models import Campaign, Participant, Reward
from tests.factories import make_channel, make_hq

_counter = itertools.count(1)


def make_campaign(slug: str | None = None, **fields) -> Campaign:
    number = next(_counter)
    campaign = Campaign(
        slug=slug or f"campaign-{number}",
        name=fields.pop("name", f"Campaign {number}"),
        branch_id=make_hq().id,
        widget_type="lucky_wheel",
        status=fields.pop("status", "live"),
        draft={},
        draft_hash="0" * 64,
        **fields,
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def make_participants(count: int, channel=None) -> list[Participant]:
    channel = channel or make_channel()[0]
    people = [
        Participant(channel_id=channel.id, external_id=f"cust-{next(_counter)}", attrs={})
        for _ in range(count)
    ]
    db.session.add_all(people)
    db.session.commit()
    return people


def reward_rows(
    campaign_id: int,
    participant_ids: list[int],
    kind: str,
    payload: dict[str, Any],
    count: int,
    **fields,
) -> list[dict[str, Any]]:
    start = next(_counter) * 1_000_000
    return [
        {
            "source_key": f"test:{start + index}",
            "campaign_id": campaign_id,
            "participant_id": participant_ids[index % len(participant_ids)],
            "prize_key": payload.get("prize_key", kind),
            "kind": kind,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "max_attempts": fields.get("max_attempts", 8),
        }
        for index in range(count)
    ]


def make_rewards(
    campaign_id: int,
    participant_ids: list[int],
    kind: str,
    payload: dict[str, Any],
    count: int = 1,
    **fields,
) -> list[int]:
    """Insert pending rewards in bulk; returns their ids."""
    from core.models import utcnow

    now = utcnow()
    rows = reward_rows(campaign_id, participant_ids, kind, payload, count, **fields)
    for row in rows:
        row.update(available_at=now, created_at=now, updated_at=now)
    db.session.execute(Reward.__table__.insert(), rows)
    db.session.commit()
    keys = [row["source_key"] for row in rows]
    found = db.session.query(Reward.id).filter(Reward.source_key.in_(keys)).all()
    db.session.commit()  # a read opens a write transaction on SQLite (BEGIN IMMEDIATE)
    return sorted(r.id for r in found)


def bundle(slug: str, *, starts_at: str, ends_at: str, timezone: str = "Asia/Shanghai", **extra):
    """A minimal valid campaign bundle (local schedule times in `timezone`)."""
    data = {
        "format": "campaign-bundle/1",
        "slug": slug,
        "name": slug,
        "branch": "HQ",
        "widget": {"type": "lucky_wheel", "config": {}},
        "schedule": {
            "timezone": timezone,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "windows": [],
        },
        "audience": {"conditions": None, "whitelist": None, "message": "no"},
        "chances": {"kinds": [{"key": "gold", "name": "Gold", "initial": 1, "daily": 0}]},
        "prizes": [
            {
                "key": "thanks",
                "name": "Thanks",
                "weight": 1,
                "stock": None,
                "fallback": True,
                "reward": {"kind": "none"},
            }
        ],
        "odds": {"exhausted": "fallback", "guaranteed_first": 0, "boosts": []},
        "limits": {"per_person": {}, "branch_quotas": {}},
        "rules": [],
    }
    data.update(extra)
    return data


def publish(data: dict[str, Any]) -> Campaign:
    """Create and publish a campaign from a bundle (live, with a published version)."""
    from runtime.publishing import create_campaign, publish_campaign

    make_hq()
    campaign = create_campaign(data)
    publish_campaign(campaign)
    return campaign
