"""Studio reports read rollups only, show what the ledgers say, export every table as CSV,
and keep each user inside their branch subtree."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from sqlalchemy import event, select

from core.models import Draw, Membership, Reward, ShareRecord, Vote
from tests.builder import report_world
from tests.builder.studio import sign_in

RAW_LEDGERS = re.compile(
    r"\b(FROM|JOIN)\s+\"?(draws|rewards|memberships|share_records|check_ins|votes|leads|"
    r"events|chance_entries|participants)\b\"?",
    re.IGNORECASE,
)


@pytest.fixture
def world(app, db):
    return report_world.build(db)


def signed_in(app, user, lang: str = "en"):
    client = app.test_client()
    answer = sign_in(client, user)
    assert answer.status_code == 302
    client.get(f"/studio/language/{lang}")
    return client


def csv_rows(answer) -> list[list[str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def statements(db):
    """Every SQL statement the app runs while a test looks."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_reports_never_read_the_raw_ledgers(app, db, world, statements):
    client = signed_in(app, world.users["hq_admin"])
    cid = world.hq_campaign.id
    pages = [
        f"/studio/reports/campaign/{cid}",
        f"/studio/reports/campaign/{cid}?compare=period",
        f"/studio/reports/campaign/{cid}?compare=campaign&other={world.sh_campaign.id}",
        f"/studio/reports/campaign/{cid}/retrospective",
        f"/studio/reports/campaign/{cid}/csv/daily",
        "/studio/reports/?from=2026-03-01&to=2026-03-31",
        f"/studio/reports/?branch={world.sh.id}&from=2026-03-01&to=2026-03-31",
        f"/studio/reports/branch/{world.sh.id}?from=2026-03-01&to=2026-03-31",
        "/studio/calendar/?year=2026&month=3",
    ]
    for page in pages:
        statements.clear()
        assert client.get(page).status_code == 200, page
        raw = [s for s in statements if RAW_LEDGERS.search(s)]
        assert not raw, (page, raw[:2])
        assert statements  # the page did read something


def test_campaign_report_shows_what_the_ledgers_hold(app, db, world):
    cid = world.hq_campaign.id
    client = signed_in(app, world.users["hq_admin"])
    draws = db.session.scalars(select(Draw).where(Draw.campaign_id == cid)).all()
    members = db.session.scalars(select(Membership).where(Membership.campaign_id == cid)).all()
    rewards = db.session.scalars(select(Reward).where(Reward.campaign_id == cid)).all()
    shares = db.session.scalars(select(ShareRecord).where(ShareRecord.campaign_id == cid)).all()
    votes = Counter(db.session.scalars(select(Vote.candidate).where(Vote.campaign_id == cid)).all())
    db.session.rollback()

    kpis = {
        row[0]: row[1]
        for row in csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/kpis"))[1:]
    }
    figures = {k: int(v.replace(",", "")) for k, v in kpis.items() if v.replace(",", "").isdigit()}
    assert figures["Draws"] == len(draws)
    assert figures["Wins"] == sum(d.won for d in draws)
    assert figures["Participants"] == len(members)
    assert figures["People who drew"] == len({d.participant_id for d in draws})
    assert figures["People who won"] == len({d.participant_id for d in draws if d.won})
    assert figures["Rewards"] == len(rewards)
    assert figures["Rewards issued"] == sum(r.status == "issued" for r in rewards)
    assert figures["Rewards failed"] == sum(r.status == "failed" for r in rewards)
    assert figures["Shares"] == len(shares)

    prizes = csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/prizes"))
    given = Counter(d.prize_key for d in draws if d.prize_key)
    assert {row[0]: int(row[1]) for row in prizes[1:]} == {"Thanks": given["thanks"]}

    branches = csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/branches"))
    by_branch = Counter(d.branch_code or "" for d in draws)
    names = {"SH001": "Shanghai", "SH001-01": "陆家嘴支行", "BJ001": "Beijing"}
    shown = {row[0]: int(row[3]) for row in branches[1:]}
    assert shown == {names.get(code, code or "No branch"): n for code, n in by_branch.items()}

    decay = csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/votes"))
    assert {row[0]: int(row[1]) for row in decay[1:]} == dict(votes)


def test_a_period_counts_only_its_own_local_days(app, db, world):
    """The campaign's zone is Asia/Shanghai: a day is its local day, not the UTC one."""
    from zoneinfo import ZoneInfo

    cid = world.hq_campaign.id
    client = signed_in(app, world.users["hq_admin"])
    zone = ZoneInfo("Asia/Shanghai")
    draws = db.session.scalars(select(Draw).where(Draw.campaign_id == cid)).all()
    by_day = Counter(d.created_at.astimezone(zone).date().isoformat() for d in draws)
    db.session.rollback()
    day = sorted(by_day)[1]
    rows = csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/daily?from={day}&to={day}"))
    assert [r[0] for r in rows[1:]] == [day]
    assert int(rows[1][rows[0].index("Draws")]) == by_day[day]


def test_every_table_of_a_campaign_report_exports_as_csv(app, db, world):
    from datetime import date

    from builder.reports.campaign import build
    from builder.reports.report_tables import campaign_tables

    cid = world.hq_campaign.id
    client = signed_in(app, world.users["hq_admin"])
    with app.test_request_context():
        report = build(world.hq_campaign, None, "en", "Asia/Shanghai", date(2026, 3, 31))
        tables = campaign_tables(report)
    assert len(tables) >= 12
    for key, table in tables.items():
        rows = csv_rows(client.get(f"/studio/reports/campaign/{cid}/csv/{key}"))
        assert len(rows) == 1 + len(table.rows), key
        assert rows[0] == [c.label for c in table.columns], key
    assert client.get(f"/studio/reports/campaign/{cid}/csv/nonsense").status_code == 404
    assert csv_rows(client.get("/studio/reports/csv/branches"))
    assert csv_rows(client.get("/studio/reports/csv/daily"))
    assert csv_rows(client.get(f"/studio/reports/branch/{world.sh.id}/csv/campaigns"))
    assert csv_rows(client.get(f"/studio/reports/branch/{world.sh.id}/csv/daily"))


def test_a_bad_period_is_refused_next_to_its_field(app, db, world):
    client = signed_in(app, world.users["hq_admin"])
    cid = world.hq_campaign.id
    for query, field in (
        ("from=yesterday&to=2026-03-02", "from"),
        ("from=2026-03-05&to=2026-03-01", "to"),
        ("from=2020-01-01&to=2026-01-01", "to"),
        ("compare=campaign", "other"),
        ("compare=period&cfrom=2026-03-09&cto=2026-03-01", "cto"),
    ):
        answer = client.get(f"/studio/reports/campaign/{cid}?{query}")
        assert answer.status_code == 200, query
        assert f'data-error="{field}"' in answer.get_data(as_text=True), query
    answer = client.get("/studio/reports/?from=2026-02-30&to=2026-03-01")
    assert answer.status_code == 200 and 'data-error="from"' in answer.get_data(as_text=True)


def test_overview_ranks_children_against_the_previous_period_and_drills_down(app, db, world):
    from zoneinfo import ZoneInfo

    client = signed_in(app, world.users["hq_admin"])
    rows = csv_rows(client.get("/studio/reports/csv/branches?from=2026-03-08&to=2026-03-09"))
    header, body = rows[0], rows[1:]
    zone = ZoneInfo("Asia/Shanghai")
    now, before = Counter(), Counter()
    for d in db.session.scalars(select(Draw)):
        day = d.created_at.astimezone(zone).date().isoformat()
        group = "SH" if (d.branch_code or "").startswith("SH001") else d.branch_code or ""
        if day in ("2026-03-08", "2026-03-09"):
            now[group] += 1
        elif day in ("2026-03-06", "2026-03-07"):
            before[group] += 1
    db.session.rollback()
    draws, change = header.index("Draws"), header.index("Draws") + 1
    shanghai = next(r for r in body if r[1] == "Shanghai")
    assert int(shanghai[draws]) == now["SH"]  # Shanghai and its sub-branch together
    expected = 100 * (now["SH"] - before["SH"]) / before["SH"]
    assert float(shanghai[change]) == pytest.approx(expected, abs=0.01)
    unknown = next(r for r in body if r[1] == "No branch or unknown branch")
    assert int(unknown[draws]) == now[""] + now["SZ001"]  # head office sees them too
    assert sorted(int(r[0]) for r in body) == list(range(1, len(body) + 1))
    ranked = sorted(body, key=lambda r: int(r[0]))
    assert [int(r[draws]) for r in ranked] == sorted((int(r[draws]) for r in body), reverse=True)

    page = client.get(f"/studio/reports/?branch={world.sh.id}").get_data(as_text=True)
    assert "陆家嘴支行" in page and "Beijing" not in page
    assert f"/studio/reports/?branch={world.sh.id}" in client.get("/studio/reports/").get_data(
        as_text=True
    )  # the drill-down link


def test_the_overview_names_a_branchs_own_customers_in_the_users_language(app, db, world):
    shown = (("zh", "(本机构客户)", "own customers"), ("en", " (own customers)", "本机构"))
    for lang, own, other in shown:
        client = signed_in(app, world.users["hq_admin"], lang)
        page = client.get("/studio/reports/?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
        assert own in page and other not in page, lang


def test_a_branch_user_sees_only_their_subtree(app, db, world):
    client = signed_in(app, world.users["sh_marketer"])
    page = client.get("/studio/reports/?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "陆家嘴支行" in page and "Beijing" not in page and "No branch or unknown" not in page
    assert client.get(f"/studio/reports/?branch={world.bj.id}").status_code == 404
    assert client.get(f"/studio/reports/?branch={world.hq.id}").status_code == 404
    assert client.get(f"/studio/reports/branch/{world.bj.id}").status_code == 404
    assert client.get(f"/studio/reports/campaign/{world.hq_campaign.id}").status_code == 404
    assert (
        client.get(f"/studio/reports/campaign/{world.hq_campaign.id}/csv/daily").status_code == 404
    )
    assert client.get(f"/studio/reports/campaign/{world.sh_campaign.id}").status_code == 200
    compare = f"?compare=campaign&other={world.hq_campaign.id}"
    assert (
        client.get(f"/studio/reports/campaign/{world.sh_campaign.id}{compare}").status_code == 404
    )
    branch = client.get(f"/studio/reports/branch/{world.sh.id}").get_data(as_text=True)
    assert f"/studio/reports/campaign/{world.hq_campaign.id}" not in branch  # shown, not linked
    calendar = client.get("/studio/calendar/?year=2026&month=3").get_data(as_text=True)
    assert f'data-item="campaign-{world.sh_campaign.id}"' in calendar
    assert f'data-item="campaign-{world.hq_campaign.id}"' not in calendar


def test_shares_and_inviters_are_named_in_the_users_words(app, db, world):
    """Share channels by the rule builder's words, an inviter's branch by its name (QA found
    `wechat_friend` and `SH001` in the tables)."""
    from types import SimpleNamespace

    from builder.reports.campaign import _shares_of
    from builder.reports.report_tables import _inviters

    found = {"wechat_friend": [3], "weibo": [1]}
    assert [r["channel"] for r in _shares_of(found, "zh")] == ["微信好友", "微博"]
    assert [r["channel"] for r in _shares_of(found, "en")] == ["WeChat friend", "Weibo"]
    top = [{"external_id": "cust-0042", "branch": "SH001", "invited": 3, "descendants": 5}]
    for lang, name in (("zh", "上海分行"), ("en", "Shanghai")):
        report = SimpleNamespace(lang=lang, referrals={"top": [{**top[0], "clicks": 1}]})
        row = _inviters(report, show_people=False).rows[0]
        assert row["branch"] == name and row["who"].endswith("0042") and "cust" not in row["who"]
