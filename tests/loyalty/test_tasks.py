"""Tasks and badges: a task completes once per participant (badge and/or points), whatever
replays; a rule on the badges held unlocks a draw only on the third distinct badge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

import widgets
from core.models import CheckIn, Reward, TaskCompletion, utcnow
from runtime import loader
from runtime.issuance.loop import IssuanceLoop
from tests.loyalty.helpers import (
    BADGE_EVENTS,
    FIVE_BADGES,
    NO_CHANCES,
    THIRD_BADGE_UNLOCKS_A_DRAW,
    badge_task,
    balance,
    join,
    send_event,
)
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"
OPEN_CARD = badge_task("open-card", "account_opened", account_type="debit_card", points=50)


def completions(db) -> list[tuple[str, int | None]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(TaskCompletion.task_key, TaskCompletion.badge_ordinal).order_by(TaskCompletion.id)
    ).all()
    return [tuple(r) for r in rows]


def gold(client, tok) -> int:
    return client.get(f"{SLUG}/me", headers=auth(tok)).json["chances"].get("gold", 0)


def test_a_replayed_server_event_awards_its_badge_and_points_once(app, client, db, token, channel):
    cid = publish(base_bundle(tasks=[OPEN_CARD])).id
    tok = token("p1")
    pid = join_draw(client, tok)
    first = send_event(client, channel, "e-1", "account_opened", "p1", account_type="debit_card")
    assert first.status_code == 200 and first.json["duplicate"] is False
    replay = send_event(client, channel, "e-1", "account_opened", "p1", account_type="debit_card")
    assert replay.json["duplicate"] is True
    # the bank reports the same opening again under a new id: the task is already done
    again = send_event(client, channel, "e-2", "account_opened", "p1", account_type="debit_card")
    assert again.status_code == 200 and again.json["duplicate"] is False
    other = send_event(client, channel, "e-3", "account_opened", "p1", account_type="credit_card")
    assert other.status_code == 200
    assert completions(db) == [("open-card", 1)]
    rewards = db.session.scalars(select(Reward)).all()
    assert [(r.kind, r.payload["amount"], r.source_key) for r in rewards] == [
        ("points", 50, f"task:{cid}:{pid}:open-card")
    ]
    IssuanceLoop(app).run(burst=True)
    assert balance(pid, cid) == 50
    state = client.get(f"{SLUG}/tasks", headers=auth(tok)).json
    assert state["badges"] == {"held": ["open-card"], "count": 1, "total": 1}
    [task] = state["tasks"]
    assert task["done"] and task["badge_held"] and task["points"] == 50
    assert task["requirement"] == "开立账户 · 借记卡"


def join_draw(client, tok) -> int:
    return join(client, tok, SLUG)


def earn(client, channel, sub: str, badge: str, event_id: str):
    kind, data = BADGE_EVENTS[badge]
    answer = send_event(client, channel, event_id, kind, sub, **data)
    assert answer.status_code == 200, answer.json
    return answer


def test_three_of_five_badges_unlock_the_draw_only_on_the_third(client, db, token, channel):
    publish(base_bundle(tasks=FIVE_BADGES, chances=NO_CHANCES, rules=[THIRD_BADGE_UNLOCKS_A_DRAW]))
    tok = token("collector")
    join_draw(client, tok)
    draw = lambda: client.post(f"{SLUG}/draw", headers=auth(tok), json={})  # noqa: E731
    earn(client, channel, "collector", "debit", "ev-1")
    earn(client, channel, "collector", "debit", "ev-1b")  # the same badge again
    assert gold(client, tok) == 0 and draw().json["code"] == "no_chances"
    earn(client, channel, "collector", "fund", "ev-2")
    assert gold(client, tok) == 0 and draw().json["code"] == "no_chances"
    earn(client, channel, "collector", "fund", "ev-2b")  # still two distinct badges
    assert gold(client, tok) == 0
    third = earn(client, channel, "collector", "wealth", "ev-3")
    assert third.json["campaigns"][0]["granted"] == {"gold": 1}
    assert gold(client, tok) == 1
    assert draw().status_code == 200
    earn(client, channel, "collector", "epay", "ev-4")
    earn(client, channel, "collector", "credit", "ev-5")
    assert gold(client, tok) == 0 and draw().json["code"] == "no_chances"
    assert completions(db) == [("debit", 1), ("fund", 2), ("wealth", 3), ("epay", 4), ("credit", 5)]


def test_a_draw_rule_on_the_badges_held_opens_on_the_third(client, db, token, channel):
    locked = {
        "id": "locked",
        "trigger": "draw",
        "conditions": {"all": [{"name": "badges_count", "operator": "less_than", "value": 3}]},
        "actions": [{"name": "deny", "params": {"message": "集齐3枚勋章即可抽奖"}}],
    }
    publish(base_bundle(tasks=FIVE_BADGES, rules=[locked]))
    tok = token("gated")
    join_draw(client, tok)
    for n, badge in enumerate(("epay", "epay", "credit")):
        earn(client, channel, "gated", badge, f"g-{n}")
        refused = client.post(f"{SLUG}/draw", headers=auth(tok), json={})
        assert refused.status_code == 403 and refused.json["detail"] == "集齐3枚勋章即可抽奖"
    earn(client, channel, "gated", "debit", "g-3")
    assert client.post(f"{SLUG}/draw", headers=auth(tok), json={}).status_code == 200


def test_a_set_of_badges_condition(client, db, token, channel):
    both = {
        "id": "both",
        "trigger": "badge",
        "conditions": {
            "all": [{"name": "badges", "operator": "contains_all", "value": ["debit", "fund"]}]
        },
        "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 2}}],
    }
    publish(base_bundle(tasks=FIVE_BADGES, chances=NO_CHANCES, rules=[both]))
    tok = token("set")
    join_draw(client, tok)
    earn(client, channel, "set", "debit", "s-1")
    earn(client, channel, "set", "epay", "s-2")
    assert gold(client, tok) == 0
    earn(client, channel, "set", "fund", "s-3")
    assert gold(client, tok) == 2
    earn(client, channel, "set", "wealth", "s-4")  # still holds both: the rule fires again
    assert gold(client, tok) == 4


def test_check_in_streak_invitation_and_vote_tasks(client, db, token):
    tasks = [
        badge_task("streak", "check_in", count=2),
        badge_task("friends", "referral", count=2),
        {"key": "voter", "name": "投票", "event": "vote", "candidate": "a", "points": 5},
    ]
    widget = {
        "type": "vote",
        "config": {"candidates": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
    }
    cid = publish(widgets.apply_managed(base_bundle(tasks=tasks, widget=widget))).id
    tok = token("doer")
    pid = join_draw(client, tok)
    _, live = loader.load("test-draw")
    yesterday = live.local_day(utcnow() - timedelta(days=1))
    db.session.add(CheckIn(campaign_id=cid, participant_id=pid, day=yesterday, streak=1))
    db.session.commit()
    assert (
        client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "b"}).status_code == 200
    )
    assert completions(db) == []
    assert client.post(f"{SLUG}/check-in", headers=auth(tok), json={}).json["streak"] == 2
    assert (
        client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "a"}).status_code == 200
    )
    code = client.get(f"{SLUG}/me", headers=auth(tok)).json["referral_code"]
    progress = task_progress(client, tok)
    assert progress["friends"] == {"current": 0, "target": 2}
    friend = token("friend-1")
    client.post(f"{SLUG}/join", headers=auth(friend), json={"referral_code": code})
    assert task_progress(client, tok)["friends"] == {"current": 1, "target": 2}
    assert [k for k, _ in completions(db)] == ["streak", "voter"]
    other = token("friend-2")
    client.post(f"{SLUG}/join", headers=auth(other), json={"referral_code": code})
    assert [k for k, _ in completions(db)] == ["streak", "voter", "friends"]
    state = client.get(f"{SLUG}/tasks", headers=auth(tok)).json
    assert all(t["done"] for t in state["tasks"]) and state["badges"]["count"] == 2
    assert db.session.scalar(select(func.count(Reward.id)).where(Reward.kind == "points")) == 1


def task_progress(client, tok) -> dict:
    tasks = client.get(f"{SLUG}/tasks", headers=auth(tok)).json["tasks"]
    return {t["key"]: t["progress"] for t in tasks}
