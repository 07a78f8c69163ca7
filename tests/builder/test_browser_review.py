"""Maker-checker review in Chromium, as the bank's staff do it: a branch marketer changes a rule
condition, a prize weight and the audience through the editor and submits; the branch, region
and head-office approvers (each a different person at their level) find it on their home page,
read the old and new values and approve; a second approver of the same level is refused; the
marketer is told; a rollback goes through the same chain; an auditor exports the audit log and
finds the rule change with its before and after."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from sqlalchemy import select

from builder.approvals import decide, publish_approved, submit
from builder.drafts import new_draft, save_draft
from core.models import Campaign, CampaignVersion, CouponPool
from tests.builder.studio_browser import Studio
from tests.factories import make_branch, make_hq, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "password-123"
CHAIN = ("alan", "rita", "hank")  # branch, region, head office


@pytest.fixture
def bank(db):
    """Head office -> Shanghai (region) -> Lujiazui (branch, three levels), one approver per
    level plus a second at the branch, a marketer at the branch, an auditor at head office;
    the treasure dig published once through the chain."""
    hq = make_hq()
    region = make_branch("SH001", parent=hq, approval_levels=2, name="上海分行")
    branch = make_branch(
        "SH001-01", level="sub_branch", parent=region, approval_levels=3, name="陆家嘴支行"
    )
    people = {
        "mia": make_user("marketer", branch=branch, username="mia"),
        "alan": make_user("approver", branch=branch, username="alan"),
        "bert": make_user("approver", branch=branch, username="bert"),
        "rita": make_user("approver", branch=region, username="rita"),
        "hank": make_user("approver", branch=hq, username="hank"),
        "audrey": make_user("auditor", branch=hq, username="audrey"),
    }
    for key, name in (("iphone-voucher-500", "iPhone代金券"), ("phone-credit-10", "话费10元")):
        db.session.add(CouponPool(key=key, name=name))
    db.session.commit()
    campaign = new_draft(people["mia"], "template:icbc_treasure_dig", "dig-chain", "人脉挖宝")
    submit(campaign, people["mia"])
    for who in CHAIN:
        decide(campaign, people[who], approve=True)
    publish_approved(campaign, people["hank"])
    return {"people": people, "campaign_id": campaign.id}


@pytest.fixture
def studio_for(browser, live_server, db):
    """Factory: a signed-in Chromium session (Chinese, desktop size) for one user."""
    contexts, errors = [], []
    base = {}

    def open_as(username: str) -> Studio:
        if "url" not in base:
            db.session.remove()
            base["url"] = live_server(workers=1, threads=4)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        studio = Studio(page, base["url"])
        studio.sign_in(username, PASSWORD)
        return studio

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def approve_from_home(studio: Studio, campaign_id: int) -> None:
    studio.goto("/studio/")
    studio.link(f"[data-waiting-campaign='{campaign_id}']")
    studio.click_and_wait("[data-approve]")
    assert studio.page.locator(".alert-success").count() == 1


def diff_rows(studio: Studio) -> dict[str, tuple[str, str]]:
    rows = {}
    for row in studio.page.locator("[data-diff] tbody tr").all():
        label = row.locator("th").inner_text().strip()
        rows[label] = (
            row.locator("[data-before]").inner_text().strip(),
            row.locator("[data-after]").inner_text().strip(),
        )
    return rows


def test_a_change_goes_through_branch_region_and_head_office(studio_for, bank, db):
    campaign_id = bank["campaign_id"]
    mia = studio_for("mia")
    page = mia.page
    # prizes: the iPhone voucher's weight 2 -> 7
    mia.goto(f"/studio/campaign/{campaign_id}/edit/prizes")
    mia.fill("prizes-1-weight", "7")
    mia.save()
    # rules: a friend joining pays at most 5 times a day, not 10
    mia.goto(f"/studio/campaign/{campaign_id}/edit/rules")
    card = page.locator(".cs-rule-card[data-rule-id='friend-joined']")
    card.locator(".rule-value-container input").first.fill("5")
    mia.fields += 1
    mia.save()
    # audience: customers aged 25 or more
    mia.goto(f"/studio/campaign/{campaign_id}/edit/audience")
    host = page.locator(".qb-host")
    host.locator("[data-add=rule]").first.click()
    rule = host.locator(".rule-container").last
    rule.locator(".rule-filter-container select").select_option("age")
    rule.locator(".rule-operator-container select").select_option("greater_than_or_equal_to")
    rule.locator(".rule-value-container input").first.fill("25")
    mia.save()
    mia.goto(f"/studio/campaign/{campaign_id}")
    mia.click_and_wait("form[action$='/submit'] button")
    assert page.get_attribute("[data-review]", "data-review") == "submitted"

    # the branch's two approvers both open the change; alan decides level 1
    alan, bert = studio_for("alan"), studio_for("bert")
    bert.goto("/studio/")
    bert.link(f"[data-waiting-campaign='{campaign_id}']")
    alan.goto("/studio/")
    alan.link(f"[data-waiting-campaign='{campaign_id}']")
    rows = diff_rows(alan)
    rule_row = next(v for k, v in rows.items() if k.startswith("规则3"))
    assert "今日邀请成功数" in rule_row[0] and "10" in rule_row[0] and "5" in rule_row[1]
    weight = next(v for k, v in rows.items() if "iPhone代金券" in k and k.endswith("权重"))
    assert weight[0].startswith("2 (") and weight[1].startswith("7 (")
    audience = next(v for k, v in rows.items() if k.startswith("参与对象"))
    assert audience == ("总是", "年龄 大于等于 25")
    alan.click_and_wait("[data-approve]")
    # bert's page still offers level 1: the studio refuses his second approval of it
    bert.click_and_wait("[data-approve]")
    refusal = bert.page.inner_text(".alert-danger")
    assert "第 2/3 级由上海分行的审批人审批" in refusal
    bert.goto("/studio/")
    assert bert.page.locator(f"[data-waiting-campaign='{campaign_id}']").count() == 0

    # region, then head office, each from their own home page
    rita = studio_for("rita")
    approve_from_home(rita, campaign_id)
    hank = studio_for("hank")
    approve_from_home(hank, campaign_id)
    hank.click_and_wait("form[action$='/publish'] button")

    # the marketer is told, in the navbar and on her home page
    mia.goto("/studio/")
    assert int(page.get_attribute("[data-unread-notices]", "data-unread-notices")) >= 4
    assert page.locator("[data-notice='published']").count() >= 1
    assert page.locator("[data-notice='level_approved']").count() >= 2
    db.session.remove()
    campaign = db.session.get(Campaign, campaign_id)
    version = db.session.get(CampaignVersion, campaign.published_version_id)
    assert version.number == 2
    assert [a["approver"] for a in version.approvals] == list(CHAIN)
    assert version.snapshot["prizes"][1]["weight"] == 7
    db.session.remove()


def test_a_rollback_goes_through_the_chain(studio_for, bank, db):
    people, campaign_id = bank["people"], bank["campaign_id"]
    campaign = db.session.get(Campaign, campaign_id)
    changed = copy.deepcopy(campaign.draft)
    changed["prizes"][1]["weight"] = 9
    save_draft(campaign, changed, people["mia"])
    submit(campaign, people["mia"])
    for who in CHAIN:
        decide(campaign, people[who], approve=True)
    publish_approved(campaign, people["hank"])
    first_hash = db.session.scalar(
        select(CampaignVersion.content_hash).where(CampaignVersion.number == 1)
    )

    mia = studio_for("mia")
    mia.goto(f"/studio/campaign/{campaign_id}")
    mia.click_and_wait("[data-rollback='1']")
    assert mia.page.locator(".alert-success").count() == 1
    assert mia.page.get_attribute("[data-review]", "data-review") == "submitted"
    # version 2 keeps serving while the rollback is reviewed
    assert mia.page.locator("[data-version='2'] .badge-success").count() == 1
    for who in CHAIN:
        approve_from_home(studio_for(who), campaign_id)
    hank = studio_for("hank")
    hank.goto(f"/studio/campaign/{campaign_id}")
    hank.click_and_wait("form[action$='/publish'] button")
    assert hank.page.locator("[data-version='3'] .badge-success").count() == 1
    hank.link("[data-version='3'] a")
    assert "内容与版本 1 相同" in hank.page.inner_text("[data-same-as]")
    assert hank.page.inner_text("[data-hash]") == first_hash


def test_an_auditor_exports_the_rule_change_with_before_and_after(studio_for, bank, db):
    people, campaign_id = bank["people"], bank["campaign_id"]
    campaign = db.session.get(Campaign, campaign_id)
    changed = copy.deepcopy(campaign.draft)
    changed["rules"][2]["conditions"]["all"][0]["value"] = 5
    save_draft(campaign, changed, people["mia"])

    audrey = studio_for("audrey")
    audrey.goto("/studio/")
    audrey.link("text=打开审计日志")
    assert audrey.page.locator("[data-action='campaign.update_draft']").count() == 1
    with audrey.page.expect_download() as download:
        audrey.page.click("a[href*='/export/csv']")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    edits = [r for r in rows if r["操作"] == "草稿已修改"]
    assert len(edits) == 1
    before, after = edits[0]["变更前"], edits[0]["变更后"]
    assert "规则3" in before and "今日邀请成功数 小于等于 10" in before
    assert "规则3" in after and "今日邀请成功数 小于等于 5" in after
    assert edits[0]["对象"] == "活动 人脉挖宝"


def test_an_approver_reads_a_new_campaign_section_by_section(studio_for, bank, db):
    people = bank["people"]
    for key in ("mall-phone-10", "mall-tencent-1m", "mall-iqiyi-1m"):
        db.session.add(CouponPool(key=key, name=key))
    db.session.commit()
    campaign = new_draft(people["mia"], "template:points_mall_tasks", "new-mall", "新积分商城")
    campaign_id = campaign.id
    db.session.remove()

    # before it is submitted, level 1 waits for the submission, not for a level above
    mia = studio_for("mia")
    mia.goto(f"/studio/campaign/{campaign_id}")
    assert mia.page.get_attribute("[data-level='1']", "data-level-state") == "unsubmitted"
    assert "待草稿提交审批后" in mia.page.inner_text("[data-level='1']")
    mia.click_and_wait("form[action$='/submit'] button")
    assert mia.page.get_attribute("[data-review]", "data-review") == "submitted"

    # the branch approver opens it from home: no old version, so every section in words
    alan = studio_for("alan")
    alan.goto("/studio/")
    alan.link(f"[data-waiting-campaign='{campaign_id}']")
    page = alan.page
    assert page.get_attribute("[data-level='1']", "data-level-state") == "waiting"
    sections = [s.strip() for s in page.locator("[data-summary] [data-section]").all_inner_texts()]
    assert sections[0] == "基本信息与时间"
    assert "任务与勋章" in sections and "积分商城" in sections and "奖品" not in sections
    summary = page.inner_text("[data-summary]")
    assert "权益 “10元话费券”" in summary and "价格(积分) 1000" in summary
    assert "任务 “开通手机银行”" in summary and "完成条件 开立账户" in summary
    for raw in ("campaign-bundle", "points_mall", "coupon_code", "account_opened", "其他设置"):
        assert raw not in summary
    alan.click_and_wait("[data-approve]")
    assert page.locator(".alert-success").count() == 1
