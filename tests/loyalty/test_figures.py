"""The loyalty lines of a campaign's report, checked against the ledger row by row."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update

from core.models import Reward
from runtime.issuance.loop import IssuanceLoop
from runtime.loyalty.figures import loyalty_by_hour, mall_figures, task_figures
from tests.builder.studio import sign_in
from tests.factories import make_user
from tests.loyalty.helpers import (
    BADGE_EVENTS,
    FIVE_BADGES,
    credit,
    exchange,
    join,
    mall_bundle,
    send_event,
)
from tests.runtime.conftest import publish

ITEMS = [
    {
        "key": "a",
        "name": "权益A",
        "price": 10,
        "stock": 9,
        "max_quantity": 3,
        "reward": {"kind": "none"},
    },
    {"key": "b", "name": "权益B", "price": 25, "reward": {"kind": "physical"}},
]


def test_mall_and_task_figures_match_the_ledger(app, client, db, token, channel):
    cid = publish(mall_bundle(ITEMS, tasks=FIVE_BADGES)).id
    people = []
    for n in range(3):
        tok = token(f"fig-{n}")
        pid = join(client, tok)
        credit(pid, 100, cid, f"s:{n}")
        people.append((tok, pid))
    assert exchange(client, people[0][0], "a", quantity=3).status_code == 200
    assert exchange(client, people[1][0], "a").status_code == 200
    assert exchange(client, people[1][0], "b").status_code == 200
    for n, (badge, sub) in enumerate([("debit", "fig-0"), ("fund", "fig-0"), ("debit", "fig-1")]):
        kind, data = BADGE_EVENTS[badge]
        assert send_event(client, channel, f"f-{n}", kind, sub, **data).status_code == 200
    b_reward = db.session.query(Reward.id).filter(Reward.prize_key == "b").scalar()
    db.session.execute(update(Reward).where(Reward.id == b_reward).values(max_attempts=1))
    db.session.execute(update(Reward).where(Reward.prize_key == "a").values(status="failed"))
    db.session.commit()
    IssuanceLoop(app).run(burst=True)  # the four parts of "a" are refunded, "b" is issued

    mall = mall_figures(db.session, cid)
    a, b = mall["items"]
    assert (a["item"], a["exchanges"], a["people"], a["parts"]) == ("a", 2, 2, 4)
    assert (a["parts_refunded"], a["points_refunded"], a["points_spent"]) == (4, 40, 0)
    assert (a["stock_total"], a["stock_taken"]) == (9, 0)
    assert (b["parts_issued"], b["points_spent"], b["parts_waiting"]) == (1, 25, 0)
    assert mall["totals"]["people"] == 2 and mall["totals"]["points_spent"] == 25
    tasks = task_figures(db.session, cid)
    assert tasks["tasks"] == [
        {"task": "debit", "completions": 2, "badges": 2, "points": 0},
        {"task": "fund", "completions": 1, "badges": 1, "points": 0},
    ]
    assert tasks["badge_holders"] == {1: 1, 2: 1} and tasks["at_least"] == {1: 2, 2: 1}
    hours = loyalty_by_hour(db.session, cid)
    assert sum(h["exchanges"] for h in hours) == 3
    assert sum(h["points_spent"] for h in hours) == 30 + 10 + 25
    assert sum(h["parts_refunded"] for h in hours) == 4
    assert sum(h["badges"] for h in hours) == 3

    # the campaign report shows the same lines, and exports them as CSV
    staff = app.test_client()
    sign_in(staff, make_user("admin", username="fig-admin"))
    staff.get("/studio/language/en")
    page = staff.get(f"/studio/reports/campaign/{cid}").get_data(as_text=True)
    assert "Points mall (whole campaign)" in page and "权益A" in page
    assert "Tasks (whole campaign)" in page
    mall_csv = staff.get(f"/studio/reports/campaign/{cid}/csv/mall").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(mall_csv.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Right", "Exchanges", "People"]
    assert rows[1][:3] == ["权益A", "2", "2"] and rows[-1][0] == "Total"
    badges_csv = staff.get(f"/studio/reports/campaign/{cid}/csv/badges").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(badges_csv.lstrip("\ufeff"))))[1:] == [
        ["≥ 1", "2"],
        ["≥ 2", "1"],
    ]
