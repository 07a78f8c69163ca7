"""A marketer's home shows each live campaign's figures for today from the report rollups:
new participants, draws and prize cost (value per prize times today's wins), never a scan of
the draw ledger."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from core.models import Membership, Participant
from runtime.rollups import catch_up
from tests.builder.studio import sign_in
from tests.factories import make_channel, make_user
from tests.issuance.factories import bundle, publish
from tests.runtime.rollup_data import add_draw

PRIZE = {
    "key": "car",
    "name": "Car",
    "weight": 1,
    "stock": 100,
    "value": 12.5,
    "reward": {"kind": "physical"},
}


def live_campaign():
    now = datetime.now(UTC)
    window = {
        "starts_at": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S"),
        "ends_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S"),
        "timezone": "UTC",
    }
    data = bundle("home-live", **window)
    data["prizes"].append(PRIZE)
    return publish(data)


def test_the_home_shows_todays_figures_from_the_rollups(app, db):
    campaign = live_campaign()
    channel, _ = make_channel()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    today = now.replace(hour=0, minute=0)
    yesterday = today - timedelta(hours=1)
    rng = random.Random(3)
    people = [Participant(channel_id=channel.id, external_id=f"h{n}", attrs={}) for n in range(5)]
    db.session.add_all(people)
    db.session.flush()
    for n, person in enumerate(people):  # three joined today, two yesterday
        joined = today if n < 3 else yesterday
        db.session.add(
            Membership(
                campaign_id=campaign.id,
                participant_id=person.id,
                referral_code=f"H{n}",
                joined_at=joined,
            )
        )
    db.session.flush()
    vid = campaign.published_version_id
    for at, won in ((today, True), (today, True), (today, False), (yesterday, True)):
        draw = add_draw(rng, campaign.id, vid, people[0].id, None, at)
        draw.prize_key, draw.won = ("car", True) if won else (None, False)
    db.session.commit()
    catch_up(db.session)

    client = app.test_client()
    sign_in(client, make_user("marketer", username="home-marketer"))
    client.get("/studio/language/en")
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        home = client.get("/studio/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "data-live-today" in home, re.sub(r"<[^>]+>|\s+", " ", home)[-1500:]
    table = home[home.index("data-live-today") :]
    row = re.search(r"home-live</a></td><td>(\d+)</td><td>(\d+)</td><td>([\d.]+)</td>", table)
    assert row, table[:500]
    assert row.groups() == ("3", "3", "25.00")  # 3 joined, 3 draws, 2 cars of 12.50 today
    assert not [s for s in seen if re.search(r"\bFROM\s+\"?(draws|memberships)\b", s, re.I)]


def test_the_home_counts_rewards_waiting_and_rewards_out_of_retries(app, db):
    """A webhook reward that ran out of retries is a dead letter, not 'pending': the home says
    how many there are, so head office sees issuance failing (QA saw 0 pending and nothing
    else while every partner reward had failed)."""
    from sqlalchemy import update

    from builder.views.home import dashboard_counts
    from core.models import Reward
    from tests.issuance.factories import make_campaign, make_participants, make_rewards

    campaign = make_campaign()
    people = [p.id for p in make_participants(2)]
    ids = make_rewards(campaign.id, people, "points", {"points": 5}, count=5)
    db.session.execute(update(Reward).where(Reward.id.in_(ids[:2])).values(status="failed"))
    db.session.commit()
    counts = dashboard_counts({campaign.branch_id})
    assert counts["Rewards pending"] == 3 and counts["Rewards failed"] == 2
    assert dashboard_counts({-1})["Rewards failed"] == 0  # another branch's scope sees none
