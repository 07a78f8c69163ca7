"""The issuer registry's contract, checked for every registered issuer: an explicit type key,
duplicates refused, and the same reward id never producing a second effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.models import CouponCode, Fulfilment, PointsEntry, RedPacketGrant, utcnow
from core.models.ledger import REWARD_KINDS
from rules.rewards import REWARD_KINDS as RULES_REWARD_KINDS
from runtime.issuance import coupons, red_packets
from runtime.issuance.claim import claim_batch
from runtime.issuance.issuers import (
    BulkIssuer,
    DuplicateIssuer,
    ExternalIssuer,
    InternalIssuer,
    Issuer,
    default_registry,
)
from runtime.issuance.settings import ALL_KINDS, load_settings
from tests.issuance.factories import make_rewards
from tests.issuance.fake_fulfilment import FakeFulfilment

REGISTRY = default_registry()
KEYS = REGISTRY.keys()


def test_every_reward_kind_has_exactly_one_issuer():
    assert sorted(KEYS) == sorted(ALL_KINDS) == sorted(REWARD_KINDS)


@pytest.mark.parametrize("key", KEYS)
def test_the_type_key_is_explicit_and_described(key):
    issuer_class = REGISTRY.get(key)
    assert issuer_class.__dict__.get("type") == key  # declared, not derived from the name
    description = issuer_class.to_dict()
    assert description["type"] == key and description["label"]
    assert description["config_schema"]["type"] == "object"
    assert description["internal"] is issuer_class.internal
    assert not (issuer_class.bulk and not issuer_class.internal)


@pytest.mark.parametrize("key", KEYS)
def test_a_duplicate_key_is_refused(key):
    registry = default_registry()
    impostor = type("Impostor", (Issuer,), {"type": key})

    with pytest.raises(DuplicateIssuer, match=key):
        registry.register(impostor)
    with pytest.raises(DuplicateIssuer):
        registry.register(REGISTRY.get(key))
    assert registry.get(key) is REGISTRY.get(key)


def test_a_class_without_a_key_and_unknown_kinds_are_refused(app):
    with pytest.raises(ValueError, match="no type key"):
        default_registry().register(type("Nameless", (Issuer,), {}))
    with pytest.raises(KeyError, match="bitcoin"):
        default_registry().build(load_settings(), ["points", "bitcoin"])


@pytest.mark.parametrize(
    ("base", "hook"),
    [(InternalIssuer, "issue"), (BulkIssuer, "issue_many"), (ExternalIssuer, "deliver")],
)
def test_an_issuer_without_its_hook_is_refused(base, hook):
    incomplete = type("Incomplete", (base,), {"type": "incomplete"})
    with pytest.raises(TypeError, match=hook):
        default_registry().register(incomplete)
    with pytest.raises(TypeError, match=hook):
        incomplete(load_settings())


@dataclass
class Kind:
    payload: dict
    effects: Callable[[int], int]  # effect rows (or partner applications) for a reward id


@pytest.fixture
def kind_setup(app, db, campaign, issuance_config):
    partner = FakeFulfilment("registry-secret").start()
    app.config.update(ISSUANCE_WEBHOOK_URL=partner.url, ISSUANCE_WEBHOOK_SECRET="registry-secret")
    coupons.upload_codes(db.session, "pool", "P1\nP2\nP3\n")
    red_packets.set_budget(db.session, campaign.id, 100)
    db.session.commit()

    def rows(model) -> Callable[[int], int]:
        return lambda rid: db.session.scalar(select(func.count()).where(model.reward_id == rid))

    kinds = {
        "points": Kind({"amount": 5}, rows(PointsEntry)),
        "coupon_code": Kind({"pool": "pool"}, rows(CouponCode)),
        "red_packet": Kind({"mode": "fixed", "amount": 1}, rows(RedPacketGrant)),
        "physical": Kind({"sku": "MUG"}, rows(Fulfilment)),
        "webhook": Kind({"sku": "GIFT"}, lambda rid: int(str(rid) in partner.applied)),
        "none": Kind({"message": "Thanks"}, lambda rid: 0),
    }
    yield kinds
    partner.stop()


def apply_twice(issuer, db, claimed) -> list[object]:
    """Run the issuer's effect twice for the same claimed reward, committing each time;
    returns each attempt's result or the exception it raised."""
    outcomes = []
    for _ in range(2):
        try:
            if issuer.internal:
                outcomes.append(issuer.issue(db.session, claimed, utcnow()))
            else:
                outcomes.append(issuer.deliver(claimed))
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - the refusal is what we look at
            db.session.rollback()
            outcomes.append(exc)
    return outcomes


@pytest.mark.parametrize("key", KEYS)
def test_the_same_reward_id_takes_effect_once(app, db, campaign, people, kind_setup, key):
    kind = kind_setup[key]
    [reward_id] = make_rewards(campaign.id, [people[0].id], key, kind.payload)
    [claimed] = claim_batch(db.session, "contract", 10, 60)
    issuer = REGISTRY.build(load_settings(), [key])[key]

    first, second = apply_twice(issuer, db, claimed)

    assert isinstance(first, dict), first
    assert kind.effects(reward_id) == (0 if key == "none" else 1)
    if isinstance(second, dict):  # allowed only when the repeat changed nothing
        assert key in ("physical", "none", "webhook") and second == first
    if issuer.bulk:
        try:
            issuer.issue_many(db.session, [claimed], utcnow())
            db.session.commit()
        except Exception:  # noqa: BLE001 - refusing the repeat is fine
            db.session.rollback()
    assert kind.effects(reward_id) == (0 if key == "none" else 1)


@pytest.mark.parametrize("key", KEYS)
def test_the_config_schema_and_label_are_the_reward_kinds(key):
    """An issuer cannot describe a config its reward kind does not define (they once did)."""
    kind = RULES_REWARD_KINDS[key]
    description = REGISTRY.get(key).to_dict()
    assert description["config_schema"] == kind.config_schema()
    assert set(description["config_schema"]["properties"]) == {f.name for f in kind.fields}
    assert (description["label"], description["label_zh"]) == (kind.label_en, kind.label_zh)


def test_an_issuer_for_no_reward_kind_is_refused():
    class Bitcoin(InternalIssuer):
        type = "bitcoin"

        def issue(self, session, reward, now):
            return {}

    with pytest.raises(KeyError, match="not a reward kind"):
        default_registry().register(Bitcoin)


def _broken(key: str, payload: dict) -> tuple[dict, str]:
    """The payload with its kind's first field made wrong (missing if required)."""
    field = RULES_REWARD_KINDS[key].fields[0]
    if field.required:
        return {k: v for k, v in payload.items() if k != field.name}, field.name
    return {**payload, field.name: 0 if field.type == "text" else "many"}, field.name


@pytest.mark.parametrize("key", KEYS)
def test_a_payload_its_kind_refuses_fails_at_once_without_effect(
    app, db, campaign, people, kind_setup, key
):
    from core.models import Reward
    from runtime.issuance.loop import IssuanceLoop

    payload, field = _broken(key, kind_setup[key].payload)
    [reward_id] = make_rewards(campaign.id, [people[0].id], key, payload)

    IssuanceLoop(app, kinds=[key]).run(burst=True)

    db.session.expire_all()
    reward = db.session.get(Reward, reward_id)
    assert (reward.status, reward.attempts) == ("failed", 1)
    assert reward.last_error.startswith(f"payload.{field}:"), reward.last_error
    assert kind_setup[key].effects(reward_id) == 0
