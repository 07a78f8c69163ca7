"""The issuance loop drains the outbox through the internal issuers."""

from __future__ import annotations

from sqlalchemy import func, select

from core.models import PointsEntry, Reward
from runtime.issuance import points
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import make_rewards


def test_burst_loop_issues_points_and_none(app, db, campaign, people, issuance_config):
    ids = [p.id for p in people]
    make_rewards(campaign.id, ids, "points", {"kind": "points", "amount": 10}, 23)
    make_rewards(campaign.id, ids, "none", {"kind": "none", "prize_name": "Badge"}, 4)

    issued = IssuanceLoop(app, kinds=["points", "none"]).run(burst=True)

    assert issued == 27
    statuses = dict(
        db.session.execute(select(Reward.status, func.count()).group_by(Reward.status)).all()
    )
    assert statuses == {"issued": 27}
    assert db.session.scalar(select(func.count(PointsEntry.id))) == 23
    total = sum(points.balance(pid) for pid in ids)
    assert total == 230
    badge = db.session.scalars(select(Reward).where(Reward.kind == "none")).first()
    assert badge.result == {"message": "Badge"} and badge.issued_at is not None
