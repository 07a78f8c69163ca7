"""Where rolled-up rewards stand (open, failed, redeemed) and the invitation figures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

from sqlalchemy import select

from core.models import (
    CampaignInsight,
    CouponCode,
    CouponPool,
    Fulfilment,
    Membership,
    Reward,
    RewardState,
    RollupDay,
)
from runtime.rollups import catch_up, traffic
from runtime.rollups.insights import refresh_insights, tree_figures
from runtime.rollups.states import refresh_reward_states
from tests.issuance.factories import make_participants
from tests.runtime import rollup_data as data
from tests.runtime.conftest import base_bundle, publish


def test_reward_states_count_only_rolled_up_rewards_and_issued_follows(app, db):
    campaigns = data.make_campaigns()
    data.generate(campaigns)
    rewards = db.session.scalars(select(Reward).order_by(Reward.id)).all()
    pool = CouponPool(key="p", name="p")
    db.session.add(pool)
    db.session.flush()
    db.session.add(CouponCode(pool_id=pool.id, code="X1", reward_id=rewards[0].id, redemptions=1))
    db.session.add(CouponCode(pool_id=pool.id, code="X2", reward_id=rewards[1].id, redemptions=0))
    db.session.add(
        Fulfilment(
            reward_id=rewards[2].id,
            campaign_id=rewards[2].campaign_id,
            participant_id=rewards[2].participant_id,
            status="delivered",
        )
    )
    db.session.commit()
    catch_up(db.session)
    late = data.add_draw(
        data.random.Random(5),
        campaigns[0].id,
        campaigns[0].published_version_id,
        rewards[0].participant_id,
        "SH001",
        data.START,
    )  # a reward the rollups have not counted yet
    db.session.commit()
    refresh_reward_states(db.session)

    branch = {
        (m.campaign_id, m.participant_id): m.branch_code or ""
        for m in db.session.scalars(select(Membership))
    }
    count = data.Count()

    def key(r, status):
        person = (r.campaign_id, r.participant_id)
        return (r.campaign_id, branch[person], count.day(r.campaign_id, r.created_at), status)

    expected = Counter(key(r, r.status) for r in rewards if r.status != "issued")
    expected.update(key(r, "redeemed") for r in (rewards[0], rewards[2]))
    found = {
        (s.campaign_id, s.branch_code, s.day, s.status): s.rewards
        for s in db.session.scalars(select(RewardState))
    }
    assert found == dict(expected)
    assert late.id > max(r.id for r in rewards)

    issued = Counter(r.campaign_id for r in rewards if r.status == "issued")
    created = Counter()
    for day in db.session.scalars(select(RollupDay)):
        created[day.campaign_id] += day.rewards
    open_ = Counter()
    for (cid, _, _, status), n in found.items():
        if status != "redeemed":
            open_[cid] += n
    assert {cid: created[cid] - open_[cid] for cid in created} == dict(issued)


def test_tree_figures_depths_descendants_and_cycles():
    # 1 invites 2 and 3, 2 invites 4, 4 invites 5; 6 and 7 invited each other
    figures = tree_figures([(2, 1), (3, 1), (4, 2), (5, 4), (6, 7), (7, 6)])
    assert figures["depth"] == {2: 1, 3: 1, 4: 2, 5: 3, 6: 2, 7: 1}
    assert figures["max_depth"] == 3
    assert figures["direct"][1] == 2 and figures["descendants"][1] == 4
    assert figures["descendants"][2] == 2 and figures["descendants"][4] == 1


def test_insights_count_accepted_invitations_depth_and_top_inviters(app, db, redis):
    campaign = publish(base_bundle("viral"))
    people = make_participants(6)
    ids = [p.id for p in people]
    inviter = {1: 0, 2: 0, 3: 1, 4: 3}  # index -> inviter index; 5 joined alone
    for n, person in enumerate(ids):
        db.session.add(
            Membership(
                campaign_id=campaign.id,
                participant_id=person,
                branch_code="SH001",
                referral_code=f"CODE{n:04d}",
                referred_by_id=ids[inviter[n]] if n in inviter else None,
            )
        )
    db.session.commit()
    for _ in range(3):
        traffic.count_view(redis, campaign.id, "v", "CODE0000", data.START, UTC)

    assert refresh_insights(db.session, redis) == 1
    figures = db.session.get(CampaignInsight, campaign.id).referrals
    assert figures["members"] == 6 and figures["accepted"] == 4 and figures["inviters"] == 3
    assert figures["viral_coefficient"] == round(4 / 6, 4)
    assert figures["max_depth"] == 3 and figures["depths"] == {"1": 2, "2": 1, "3": 1}
    top = figures["top"][0]
    assert (top["participant_id"], top["invited"], top["descendants"]) == (ids[0], 2, 4)
    assert top["clicks"] == 3 and top["code"] == "CODE0000" and figures["clicks"] == 3


def test_a_server_event_is_counted_in_the_campaign_it_applied_to(app, client, db, channel, token):
    from core.accounts import secret_for
    from core.models import Event, RollupBreakdown
    from tests.runtime.conftest import auth
    from tests.runtime.test_auth_and_replay import _event

    campaign = publish(base_bundle("evented"))
    headers = auth(token("alice", {"branch": "SH001"}))
    assert (
        client.post("/api/v1/campaigns/evented/join", headers=headers, json={}).status_code == 200
    )
    body = {"event_id": "tx-9", "type": "transaction", "participant": "alice", "data": {}}
    assert _event(client, channel.key, secret_for(channel), body).status_code == 200
    assert db.session.scalar(select(Event.campaign_id)) == campaign.id
    catch_up(db.session)
    day = db.session.scalars(select(RollupDay).where(RollupDay.campaign_id == campaign.id)).one()
    assert (day.branch_code, day.joins, day.events) == ("SH001", 1, 1)
    items = {(b.dimension, b.item): b.count for b in db.session.scalars(select(RollupBreakdown))}
    assert items[("event", "transaction")] == 1
    assert items[("join_channel", str(channel.id))] == 1
