"""The marketing calendar: campaigns and planned entries by month and year, overlaps laid out
in lanes, entries planned, changed and removed by planners of their own subtree (audited)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from builder.reports.calendar import Item, Window, lay_out, per_day
from core.models import AuditEntry, CalendarEntry
from tests.builder.studio import page_token, sign_in
from tests.factories import make_branch, make_hq, make_user
from tests.issuance.factories import bundle, publish


@pytest.fixture
def bank(app, db):
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行")
    bj = make_branch("BJ001", parent=hq, name="北京分行")
    window = {"starts_at": "2026-03-10T00:00:00", "ends_at": "2026-04-10T00:00:00"}
    campaign = publish(bundle("spring", branch="SH001", **window))
    return {"hq": hq, "sh": sh, "bj": bj, "campaign": campaign}


def browser(app, user):
    client = app.test_client()
    assert sign_in(client, user).status_code == 302
    client.get("/studio/language/en")
    return client


def plan(client, **fields):
    form = {
        "csrf_token": page_token(client, "/studio/calendar/plan"),
        "name": "Spring festival",
        "kind": "festival",
        "status": "planned",
        "starts_on": "2026-03-20",
        "ends_on": "2026-04-05",
        "campaign_id": "0",
        "note": "",
        **fields,
    }
    return client.post("/studio/calendar/plan", data=form)


def test_a_planner_plans_an_entry_that_shows_beside_the_campaign_it_overlaps(app, db, bank):
    client = browser(app, make_user("marketer", branch=bank["sh"], username="sh-planner"))
    answer = plan(client, branch_id=str(bank["sh"].id))
    assert answer.status_code == 302
    entry = db.session.scalars(select(CalendarEntry)).one()
    assert (entry.name, entry.branch_id, entry.starts_on) == (
        "Spring festival",
        bank["sh"].id,
        date(2026, 3, 20),
    )
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "calendar_entry.create")
    ).one()
    assert audit.branch_id == bank["sh"].id and audit.after["name"] == "Spring festival"

    month = client.get("/studio/calendar/?year=2026&month=3").get_data(as_text=True)
    assert f'data-item="plan-{entry.id}"' in month
    assert f'data-item="campaign-{bank["campaign"].id}"' in month
    year = client.get("/studio/calendar/?view=year&year=2026").get_data(as_text=True)
    assert f'data-item="plan-{entry.id}"' in year and 'id="calendar-heat"' in year
    assert f'data-item="plan-{entry.id}"' not in client.get(
        "/studio/calendar/?year=2026&month=5"
    ).get_data(as_text=True)
    only_live = client.get("/studio/calendar/?year=2026&month=3&status=live")
    assert f'data-item="plan-{entry.id}"' not in only_live.get_data(as_text=True)


def test_bad_dates_and_foreign_branches_are_refused_and_nothing_is_written(app, db, bank):
    client = browser(app, make_user("marketer", branch=bank["sh"]))
    backwards = plan(client, branch_id=str(bank["sh"].id), ends_on="2026-03-01")
    assert backwards.status_code == 200
    assert 'data-error="ends_on"' in backwards.get_data(as_text=True)
    foreign = plan(client, branch_id=str(bank["bj"].id))
    assert foreign.status_code == 200 and 'data-error="branch_id"' in foreign.get_data(as_text=True)
    assert db.session.scalars(select(CalendarEntry)).all() == []


def test_entries_of_another_subtree_cannot_be_seen_changed_or_removed(app, db, bank):
    entry = CalendarEntry(
        name="北京秘密节点",
        kind="campaign",
        status="planned",
        branch_id=bank["bj"].id,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 5),
    )
    db.session.add(entry)
    db.session.commit()
    client = browser(app, make_user("marketer", branch=bank["sh"]))
    assert "北京秘密节点" not in client.get("/studio/calendar/?year=2026&month=3").get_data(
        as_text=True
    )
    token = page_token(client, "/studio/calendar/plan")
    assert client.get(f"/studio/calendar/plan/{entry.id}").status_code == 404
    assert (
        client.post(
            f"/studio/calendar/plan/{entry.id}/delete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(CalendarEntry, entry.id) is not None


def test_viewers_see_the_calendar_but_only_planners_change_it(app, db, bank):
    auditor = browser(app, make_user("auditor", branch=bank["hq"]))
    assert auditor.get("/studio/calendar/").status_code == 200
    assert auditor.get("/studio/calendar/plan").status_code == 403
    planner = browser(app, make_user("admin", branch=bank["hq"]))
    assert plan(planner, branch_id=str(bank["hq"].id)).status_code == 302
    entry = db.session.scalars(select(CalendarEntry)).one()
    token = page_token(planner, f"/studio/calendar/plan/{entry.id}")
    edited = planner.post(
        f"/studio/calendar/plan/{entry.id}",
        data={
            "csrf_token": token,
            "name": "Spring festival, longer",
            "branch_id": str(bank["hq"].id),
            "kind": "festival",
            "status": "confirmed",
            "starts_on": "2026-03-20",
            "ends_on": "2026-04-20",
            "campaign_id": str(bank["campaign"].id),
        },
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert (entry.status, entry.campaign_id) == ("confirmed", bank["campaign"].id)
    removed = planner.post(f"/studio/calendar/plan/{entry.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 302 and db.session.get(CalendarEntry, entry.id) is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "calendar_entry")
    ).all()
    assert sorted(actions) == [
        "calendar_entry.create",
        "calendar_entry.delete",
        "calendar_entry.update",
    ]


def test_overlapping_items_get_separate_lanes_and_are_counted_per_day():
    def item(n, start, end, source="campaign", status="live"):
        return Item(source, n, f"c{n}", 1, "", status, "campaign", date(*start), date(*end))

    found = lay_out(
        [
            item(1, (2026, 3, 1), (2026, 3, 10)),
            item(2, (2026, 3, 5), (2026, 3, 6), "plan", "planned"),
            item(3, (2026, 3, 11), (2026, 3, 20)),
            item(4, (2026, 3, 6), (2026, 3, 12), "plan", "cancelled"),
        ]
    )
    assert {i.id: i.lane for i in found} == {1: 0, 2: 1, 4: 2, 3: 0}
    days = {d["day"]: d for d in per_day(found, Window(date(2026, 3, 5), date(2026, 3, 11)))}
    assert (days["2026-03-05"]["campaigns"], days["2026-03-05"]["plans"]) == (1, 1)
    assert (days["2026-03-11"]["campaigns"], days["2026-03-11"]["plans"]) == (1, 0)
