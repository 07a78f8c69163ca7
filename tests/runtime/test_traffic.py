"""The participant page counts views, unique visitors and invitation-link clicks in Redis
(one round trip), and the flush job copies them into SQL per hour, local day and campaign."""

from __future__ import annotations

from sqlalchemy import select

from core.models import TrafficRollup
from runtime.rollups import traffic
from tests.runtime.conftest import base_bundle, publish


def rows(db) -> dict[tuple[str, str], tuple[int, int, int]]:
    found = {
        (r.grain, r.bucket): (r.views, r.visitors, r.clicks)
        for r in db.session.scalars(select(TrafficRollup))
    }
    db.session.rollback()
    return found


def open_page(app, url: str, visitor: str | None = None) -> str:
    """Open the page as a browser would: with the visitor cookie it was given, if any."""
    browser = app.test_client()
    if visitor:
        browser.set_cookie(traffic.VISITOR_COOKIE, visitor, path="/c/")
    answer = browser.get(url)
    assert answer.status_code == 200
    given = browser.get_cookie(traffic.VISITOR_COOKIE, path="/c/")
    return given.value if given else visitor


def test_views_visitors_and_invitation_clicks_reach_sql(app, db, redis):
    campaign = publish(base_bundle("counted"))
    first = open_page(app, "/c/counted")
    open_page(app, "/c/counted", first)  # the same visitor again
    second = open_page(app, "/c/counted?ref=ABCD1234")
    open_page(app, "/c/counted?ref=ABCD1234", second)
    open_page(app, "/c/counted?ref=<script>")  # not a code: a view, not a click
    assert first != second

    assert traffic.flush_traffic(db.session, redis) == 3
    found = rows(db)
    assert found[("all", "")] == (5, 3, 2)
    hours = [v for (grain, _), v in found.items() if grain == "hour"]
    days = [v for (grain, _), v in found.items() if grain == "day"]
    assert hours == [(5, 3, 2)] and days == [(5, 3, 2)]
    assert traffic.clicks_by_code(redis, campaign.id) == {"ABCD1234": 2}

    assert traffic.flush_traffic(db.session, redis) == 0  # nothing changed since
    open_page(app, "/c/counted", first)
    assert traffic.flush_traffic(db.session, redis) == 3
    assert rows(db)[("all", "")] == (6, 3, 2)


def test_a_flush_that_died_before_its_commit_is_done_by_the_next(app, db, redis):
    publish(base_bundle("retried"))
    open_page(app, "/c/retried")
    pipe = redis.pipeline(transaction=True)  # what a flush does first, then it dies
    pipe.sunionstore(traffic.FLUSHING, [traffic.FLUSHING, traffic.DIRTY])
    pipe.delete(traffic.DIRTY)
    pipe.execute()
    assert rows(db) == {}
    assert traffic.flush_traffic(db.session, redis) == 3
    assert rows(db)[("all", "")] == (1, 1, 0)


def test_nothing_is_counted_with_capture_off(app, db, redis):
    publish(base_bundle("quiet"))
    app.config["STUDIO_TRAFFIC_CAPTURE"] = False
    open_page(app, "/c/quiet?ref=ABCD1234")
    assert traffic.flush_traffic(db.session, redis) == 0
    assert not redis.keys("cs:{*}:tv:*")
