"""The database itself refuses what would break an invariant."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.models import AuditEntry, Campaign, CampaignVersion, Draw, Participant, Prize, Reward
from tests.factories import make_channel, make_hq


@pytest.fixture
def campaign(db):
    branch = make_hq()
    campaign = Campaign(
        slug="c1",
        name="C1",
        branch_id=branch.id,
        widget_type="lucky_wheel",
        draft={},
        draft_hash="h",
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


@pytest.fixture
def participant(db):
    channel, _ = make_channel()
    participant = Participant(channel_id=channel.id, external_id="p1")
    db.session.add(participant)
    db.session.commit()
    return participant


@pytest.fixture
def version(db, campaign):
    version = CampaignVersion(
        campaign_id=campaign.id, number=1, snapshot={"a": 1}, content_hash="x"
    )
    db.session.add(version)
    db.session.commit()
    return version


def make_draw(db, campaign, version, participant, key):
    draw = Draw(
        campaign_id=campaign.id,
        version_id=version.id,
        participant_id=participant.id,
        idempotency_key=key,
        chance_kind="default",
        random_value=0.5,
        evidence={},
    )
    db.session.add(draw)
    db.session.commit()
    return draw


def test_duplicate_idempotency_key_is_refused(db, campaign, version, participant):
    make_draw(db, campaign, version, participant, "key-1")
    with pytest.raises(IntegrityError):
        make_draw(db, campaign, version, participant, "key-1")
    db.session.rollback()


def test_duplicate_reward_source_key_is_refused(db, campaign, participant):
    for _ in range(2):
        db.session.add(
            Reward(
                source_key="draw:1",
                campaign_id=campaign.id,
                participant_id=participant.id,
                kind="points",
                payload={},
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_negative_stock_is_refused(db, campaign):
    db.session.add(
        Prize(campaign_id=campaign.id, key="p", name="P", reward_kind="none", stock_total=-1)
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_issuing_beyond_stock_is_refused(db, campaign):
    prize = Prize(
        campaign_id=campaign.id, key="p", name="P", reward_kind="none", stock_total=2, issued=2
    )
    db.session.add(prize)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE prizes SET issued = issued + 1 WHERE id = :id"), {"id": prize.id}
        )
        db.session.commit()
    db.session.rollback()


def test_unknown_reward_status_is_refused(db, campaign, participant):
    db.session.add(
        Reward(
            source_key="s",
            campaign_id=campaign.id,
            participant_id=participant.id,
            kind="points",
            status="lost",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(db):
    db.session.add(Participant(channel_id=999_999, external_id="ghost"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_published_versions_cannot_be_changed(db, version):
    with pytest.raises(DBAPIError, match="immutable"):
        db.session.execute(
            text("UPDATE campaign_versions SET snapshot = '{}' WHERE id = :id"), {"id": version.id}
        )
        db.session.commit()
    db.session.rollback()


def test_audit_log_is_append_only(db):
    db.session.add(AuditEntry(actor="t", action="x", object_type="y", at=datetime.now(UTC)))
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_log"))
        db.session.commit()
    db.session.rollback()
