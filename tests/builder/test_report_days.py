"""A join and a draw at the same instant count on the same local day of the campaign, in the
overview's daily rows and in the campaign report, even when that instant is another UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.models import Membership
from runtime import loader
from runtime.auth import Principal
from runtime.draw import run_draw
from runtime.participation import join
from runtime.rollups import catch_up
from tests.factories import make_channel
from tests.issuance.factories import bundle, publish

# 01:30 on 2 December in Shanghai, still 1 December in UTC
MOMENT = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)


def test_join_and_draw_at_one_instant_share_the_local_day(app, db):
    from builder.reports import campaign as campaign_report
    from builder.reports import organisation
    from builder.reports.periods import Period

    campaign = publish(
        bundle("night-owl", starts_at="2026-12-01T00:00:00", ends_at="2026-12-04T00:00:00")
    )
    channel = make_channel("bank-app")[0]
    ref, live = loader.load("night-owl")
    principal = Principal(channel.id, channel.key, "owl-1", {"branch": "HQ"})
    join(ref, live, principal, now=MOMENT)
    run_draw(ref, live, principal, None, now=MOMENT)
    assert db.session.query(Membership.joined_at).scalar() == MOMENT  # the join's moment
    catch_up(db.session)

    period = Period(date(2026, 12, 1), date(2026, 12, 3))
    tree = organisation.Tree("en")
    root = next(node.id for node in tree.nodes.values() if node.parent_id is None)
    daily = organisation.overview(tree, root, set(tree.nodes), period).daily
    by_day = {row["day"]: (row["joins_now"], row["draws_now"]) for row in daily}
    assert by_day == {"2026-12-01": (0, 0), "2026-12-02": (1, 1), "2026-12-03": (0, 0)}

    report = campaign_report.build(campaign, period, "en", "UTC", date(2026, 12, 3))
    by_day = {row["day"]: (row["joins"], row["draws"]) for row in report.daily}
    assert by_day == {"2026-12-01": (0, 0), "2026-12-02": (1, 1), "2026-12-03": (0, 0)}
