"""The review pages over HTTP: an approver finds what waits for their level and reads every
changed field's old and new value; the submitter is told; the campaign list filters by review
state; a version's page; the audit log and its CSV in words and local times."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest

from builder.approvals import decide, publish_approved, request_rollback, submit
from builder.drafts import new_draft, save_draft
from core.models import CampaignVersion
from tests.builder.studio import page_token, sign_in
from tests.factories import make_branch, make_hq, make_user


@pytest.fixture
def bank(db):
    hq = make_hq()
    region = make_branch("SH001", parent=hq, approval_levels=2, name="上海分行")
    branch = make_branch(
        "SH001-01", level="sub_branch", parent=region, approval_levels=3, name="陆家嘴支行"
    )
    people = {
        "marketer": make_user("marketer", branch=branch, username="mia"),
        "branch": make_user("approver", branch=branch, username="alan"),
        "branch2": make_user("approver", branch=branch, username="bert"),
        "region": make_user("approver", branch=region, username="rita"),
        "head": make_user("approver", branch=hq, username="hank"),
        "auditor": make_user("auditor", branch=hq, username="audrey"),
    }
    campaign = new_draft(people["marketer"], "template:icbc_treasure_dig", "dig-review", "人脉挖宝")
    submit(campaign, people["marketer"])
    for who in ("branch", "region", "head"):
        decide(campaign, people[who], approve=True)
    first = publish_approved(campaign, people["head"])
    changed = copy.deepcopy(campaign.draft)
    changed["rules"][2]["conditions"]["all"][0]["value"] = 5  # friend-joined: at most 5 a day
    changed["prizes"][1]["weight"] = 7  # iPhone voucher
    changed["audience"]["conditions"] = {
        "all": [{"name": "age", "operator": "greater_than_or_equal_to", "value": 25}]
    }
    save_draft(campaign, changed, people["marketer"])
    submit(campaign, people["marketer"])
    return {"people": people, "campaign": campaign, "first": first}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_diff_gives_old_and_new_values_in_words(app, client, bank):
    sign_in(client, bank["people"]["branch"])
    client.get("/studio/language/en")
    page = client.get(f"/studio/review/campaign/{bank['campaign'].id}").get_data(as_text=True)
    rows = re.findall(
        r'<tr data-change="\w+"><th[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>',
        page,
        re.S,
    )
    found = {label: (before, after) for label, before, after in rows}
    assert found["Rule 3: Referral (inviter side) · Conditions"] == (
        "Referrals today is at most 10",
        "Referrals today is at most 5",
    )
    prize = bank["campaign"].draft["prizes"][1]  # in English, by its English name if it has one
    before, after = found[f"Prize “{prize.get('name_en') or prize['name']}” · Weight"]
    assert before.startswith("2 (") and after.startswith("7 (")
    assert found["Audience · Who may join"] == ("always", "Age is at least 25")
    assert "data-approve" in page  # level 1 is alan's branch's


def test_each_approver_finds_what_waits_for_their_level(app, bank):
    people, campaign = bank["people"], bank["campaign"]
    homes = {}
    for who in ("branch", "region", "head"):
        homes[who] = app.test_client()
        sign_in(homes[who], people[who])
    waiting = f'data-waiting-campaign="{campaign.id}"'
    assert waiting in homes["branch"].get("/studio/").get_data(as_text=True)
    assert waiting not in homes["region"].get("/studio/").get_data(as_text=True)
    url = f"/studio/campaign/{campaign.id}"
    homes["branch"].post(f"{url}/approve", data={"csrf_token": page_token(homes["branch"], url)})
    assert waiting not in homes["branch"].get("/studio/").get_data(as_text=True)
    region_home = homes["region"].get("/studio/").get_data(as_text=True)
    assert waiting in region_home
    decided = homes["branch"].get("/studio/").get_data(as_text=True)
    assert "data-decided" in decided and campaign.name in decided
    # the region approver's page says level 3 is head office's once they decided level 2
    homes["region"].post(f"{url}/approve", data={"csrf_token": page_token(homes["region"], url)})
    homes["region"].get("/studio/language/en")
    review = homes["region"].get(f"/studio/review/campaign/{campaign.id}").get_data(as_text=True)
    assert "data-approve" not in review
    assert "You already decided level 2; another approver decides level 3." in review


def test_a_second_approver_of_the_same_level_is_refused_over_http(app, bank):
    people, campaign = bank["people"], bank["campaign"]
    first, second = app.test_client(), app.test_client()
    sign_in(first, people["branch"])
    sign_in(second, people["branch2"])
    url = f"/studio/campaign/{campaign.id}"
    stale = page_token(second, url)  # both opened the page while level 1 waited
    first.post(f"{url}/approve", data={"csrf_token": page_token(first, url)})
    second.get("/studio/language/en")
    answer = second.post(f"{url}/approve", data={"csrf_token": stale}, follow_redirects=True)
    assert "Level 2 of 3 is decided by an approver of 上海分行." in answer.get_data(as_text=True)
    assert len(campaign_decisions(bank)) == 1


def campaign_decisions(bank):
    from builder.approvals import current_decisions
    from core.extensions import db

    db.session.expire_all()
    return current_decisions(bank["campaign"])


def test_the_submitter_is_told_with_the_reason(app, client, bank):
    people, campaign = bank["people"], bank["campaign"]
    decide(campaign, people["branch"], approve=False, reason="奖品成本过高")
    sign_in(client, people["marketer"])
    home = client.get("/studio/").get_data(as_text=True)
    assert 'data-unread-notices="5"' in home  # four from the first publication, then this
    assert "data-sent-back" in home and "奖品成本过高" in home
    assert re.search(r'data-notice="rejected".*奖品成本过高', home, re.S)
    client.post("/studio/notices/read", data={"csrf_token": page_token(client, "/studio/")})
    assert 'data-unread-notices="0"' in client.get("/studio/").get_data(as_text=True)
    assert client.post("/studio/notices/read", data={}).status_code == 400  # no CSRF token


def test_the_list_filters_live_campaigns_with_a_change_under_review(app, client, db, bank):
    people = bank["people"]
    fresh = new_draft(people["marketer"], "template:qingdao_checkin", "fresh-one", "新签到")
    submit(fresh, people["marketer"])
    sign_in(client, people["auditor"])
    live_change = client.get("/studio/campaigns/?flt0_0=live_change").get_data(as_text=True)
    assert "dig-review" in live_change and "fresh-one" not in live_change
    submitted = client.get("/studio/campaigns/?flt0_0=submitted").get_data(as_text=True)
    assert "fresh-one" in submitted and "dig-review" not in submitted
    listing = client.get("/studio/campaigns/").get_data(as_text=True)
    assert "进行中,有修改待审批" in listing and "(第 1/3 级:陆家嘴支行)" in listing


def test_a_versions_page_shows_content_approvers_and_hash(app, client, db, bank):
    people, campaign = bank["people"], bank["campaign"]
    for who in ("branch", "region", "head"):
        decide(campaign, people[who], approve=True)
    publish_approved(campaign, people["head"])
    request_rollback(campaign, 1, people["marketer"])
    for who in ("branch2", "region", "head"):
        decide(campaign, people[who], approve=True)
    third = publish_approved(campaign, people["head"])
    sign_in(client, people["auditor"])
    client.get("/studio/language/en")
    page = client.get(f"/studio/review/version/{third.id}").get_data(as_text=True)
    assert third.content_hash in page and "Same content as version 1" in page
    assert "陆家嘴支行" in page and "上海分行" in page and "总行" in page  # a level per branch
    assert "bert" in page and "rita" in page and "hank" in page
    assert "On Referral (inviter side), if Referrals today is at most 10" in text_of(
        page
    )  # rules in words
    compare = client.get(f"/studio/review/campaign/{campaign.id}?a=2&b=3").get_data(as_text=True)
    assert "Referrals today is at most 5" in compare and "Referrals today is at most 10" in compare
    assert client.get(f"/studio/review/campaign/{campaign.id}?a=9&b=3").status_code == 404
    assert db.session.get(CampaignVersion, third.id).number == 3


def test_the_audit_log_reads_in_words_and_exports_what_it_shows(app, client, db, bank):
    sign_in(client, "nobody", password="wrong-password")
    sign_in(client, bank["people"]["auditor"])
    client.get("/studio/language/en")
    listing = client.get("/studio/audit/?flt0_0=campaign.update_draft").get_data(as_text=True)
    assert 'data-action="campaign.update_draft"' in listing and "Draft edited" in listing
    assert 'data-action="campaign.publish"' not in listing
    assert "Campaign 人脉挖宝" in listing
    refused = client.get("/studio/audit/?flt0_0=user.login_failed").get_data(as_text=True)
    assert "Sign-in refused" in refused and "nobody" in refused
    screen_times = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text_of(listing))
    export = client.get("/studio/audit/export/csv/?flt0_0=campaign.update_draft")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Action"] == "Draft edited" and row["Object"] == "Campaign 人脉挖宝"
    assert row["When"] in screen_times
    assert (
        "Rule 3: Referral (inviter side) · Conditions: Referrals today is at most 10"
        in row["Before"]
    )
    assert (
        "Rule 3: Referral (inviter side) · Conditions: Referrals today is at most 5" in row["After"]
    )
    prize = bank["campaign"].draft["prizes"][1]
    assert f"Prize “{prize.get('name_en') or prize['name']}” · Weight: 7" in row["After"]


def test_a_new_campaign_reads_as_a_summary_and_its_chain_waits_for_submission(app, client, bank):
    people = bank["people"]
    campaign = new_draft(people["marketer"], "template:decent_lottery", "new-wheel", "新转盘")
    sign_in(client, people["branch"])
    client.get("/studio/language/en")
    page = client.get(f"/studio/review/campaign/{campaign.id}").get_data(as_text=True)
    assert "data-diff" not in page and "data-summary" in page
    sections = re.findall(r"<th colspan=\"2\" data-section>(.*?)</th>", page)
    assert sections[:3] == ["Basics and schedule", "Time windows", "Widget settings"]
    fields = dict(
        re.findall(r'<tr data-field="added"><th[^>]*>(.*?)</th><td data-value>(.*?)</td>', page)
    )
    assert fields["Widget"] == "Lucky wheel" and fields["Budget"] == "200,000 CNY"
    assert fields["Who may join"].startswith("((City equals 济南")
    for raw in ("campaign-bundle", "lucky_wheel", "equal_to", "is_true", "remove"):
        assert raw not in text_of(page.split("data-summary", 1)[1].split("</table>", 1)[0])
    chain = re.findall(r'data-level="(\d)" data-level-state="(\w+)"', page)
    assert chain == [("1", "unsubmitted"), ("2", "later"), ("3", "later")]
    level_one = text_of(page.split('data-level="1"', 1)[1].split("</li>", 1)[0])
    assert "once the draft is submitted" in level_one
    assert "after the level above" not in level_one


def test_a_submitted_drafts_chain_waits_for_its_first_open_level(app, client, bank):
    campaign = bank["campaign"]  # submitted, nobody decided yet
    sign_in(client, bank["people"]["branch"])
    page = client.get(f"/studio/review/campaign/{campaign.id}").get_data(as_text=True)
    chain = re.findall(r'data-level="(\d)" data-level-state="(\w+)"', page)
    assert chain == [("1", "waiting"), ("2", "later"), ("3", "later")]
