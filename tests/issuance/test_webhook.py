"""The webhook issuer: signed, idempotent, retried on transient errors only."""

from __future__ import annotations

import time

import pytest

from core.models import Reward
from runtime.issuance.issuers.webhook import sign, verify
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import make_rewards
from tests.issuance.fake_fulfilment import FakeFulfilment

SECRET = "partner-secret"


@pytest.fixture
def partner(app, issuance_config):
    fake = FakeFulfilment(SECRET).start()
    app.config.update(
        ISSUANCE_WEBHOOK_URL=fake.url,
        ISSUANCE_WEBHOOK_SECRET=SECRET,
        ISSUANCE_WEBHOOK_TIMEOUT_MS="500",
    )
    yield fake
    fake.stop()


def drain(app, db, reward_id: int, timeout: float = 15.0) -> Reward:
    loop = IssuanceLoop(app, kinds=["webhook"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        loop.run(burst=True)
        reward = db.session.get(Reward, reward_id)
        db.session.refresh(reward)
        db.session.commit()
        if reward.status in ("issued", "failed"):
            return reward
        time.sleep(0.02)
    raise AssertionError("reward did not settle")


def test_signature_round_trip():
    body = b'{"a":1}'
    signature = sign(SECRET, str(int(time.time())), body)
    assert verify(SECRET, str(int(time.time())), body, signature)
    assert not verify("other", str(int(time.time())), body, signature)
    assert not verify(SECRET, "100", body, sign(SECRET, "100", body))  # stale timestamp


def test_timeout_then_success_is_applied_once(app, db, campaign, people, partner):
    [reward_id] = make_rewards(campaign.id, [people[0].id], "webhook", {"sku": "GIFT-1"})
    partner.script[str(reward_id)] = ["timeout"]
    external_id = people[0].external_id

    reward = drain(app, db, reward_id)

    assert reward.status == "issued" and reward.attempts == 2
    assert partner.deliveries[str(reward_id)] == 2
    assert list(partner.applied) == [str(reward_id)]
    assert partner.applied[str(reward_id)]["sku"] == "GIFT-1"
    assert partner.applied[str(reward_id)]["participant"]["external_id"] == external_id
    assert reward.result["reference"] == f"ref-{reward_id}"
    assert partner.bad_signatures == 0


def test_client_error_is_not_retried(app, db, campaign, people, partner):
    [reward_id] = make_rewards(campaign.id, [people[0].id], "webhook", {"sku": "GIFT-1"})
    partner.script[str(reward_id)] = [422]

    reward = drain(app, db, reward_id)

    assert reward.status == "failed" and reward.attempts == 1
    assert "422" in reward.last_error
    assert partner.deliveries[str(reward_id)] == 1 and not partner.applied


@pytest.mark.parametrize("statuses", [[500, 502], [429], [503, 503, 503]])
def test_server_errors_are_retried(app, db, campaign, people, partner, statuses):
    [reward_id] = make_rewards(campaign.id, [people[0].id], "webhook", {"sku": "GIFT-1"})
    partner.script[str(reward_id)] = list(statuses)

    reward = drain(app, db, reward_id)

    assert reward.status == "issued" and reward.attempts == len(statuses) + 1
    assert partner.deliveries[str(reward_id)] == len(statuses) + 1
    assert list(partner.applied) == [str(reward_id)]


def test_retries_stop_at_max_attempts(app, db, campaign, people, partner):
    gift = {"sku": "GIFT-1"}
    [reward_id] = make_rewards(campaign.id, [people[0].id], "webhook", gift, max_attempts=3)
    partner.script[str(reward_id)] = [500] * 5

    reward = drain(app, db, reward_id)

    assert reward.status == "failed" and reward.attempts == 3
    assert partner.deliveries[str(reward_id)] == 3
