"""The campaign editor and the libraries: a prize row filled from the rights library keeps the
right's key, the audience section names whitelists and segments by name (pinned to their
latest version), the choices are the campaign's branch's and its ancestors', and every section
still round-trips a bundle that uses them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from builder.drafts import new_draft
from builder.editor import BY_KEY, EditContext
from builder.editor.save import keep_equal
from builder.rights import editor_choices, right_reward
from core.models import Campaign, CouponPool, Right
from rules import load_bundle
from rules.templates import load_template
from tests.builder.studio import sign_in
from tests.builder.test_editor import csrf_of, flatten, page_errors
from tests.factories import (
    add_list_version,
    make_audience_list,
    make_branch,
    make_channel,
    make_hq,
    make_user,
)


@pytest.fixture
def bank(db):
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行")
    bj = make_branch("BJ001", parent=hq, name="北京分行")
    channel, _ = make_channel("bank-app")
    for key in ("jd-ecard-50", "phone-credit-10", "epay-20"):
        db.session.add(CouponPool(key=key, name=key))
    rights = [
        Right(
            key="jd-ecard-50",
            name="京东E卡50元",
            name_en="JD e-card 50",
            category="e_card",
            kind="coupon_code",
            config={"pool": "jd-ecard-50"},
            cost=48.5,
            valid_days=30,
            message="请在京东APP绑定",
            branch_id=hq.id,
        ),
        Right(
            key="bj-fuel-100",
            name="北京加油卡",
            kind="webhook",
            config={"sku": "F100"},
            branch_id=bj.id,
        ),
    ]
    db.session.add_all(rights)
    db.session.commit()
    make_audience_list("VIP 2026", ["alice"], channel, hq)
    make_audience_list("payroll", ["alice"], channel, sh, kind="segment")
    make_audience_list("bj-vip", ["bob"], channel, bj)
    marketer = make_user("marketer", branch=sh)
    campaign = new_draft(marketer, "widget:lucky_wheel", "sh-wheel", "上海转盘")
    return {"hq": hq, "sh": sh, "marketer": marketer, "campaign": campaign, "channel": channel}


def section_page(client, campaign, key):
    url = f"/studio/campaign/{campaign.id}/edit/{key}"
    return url, client.get(url).get_data(as_text=True)


def test_the_prize_row_offers_the_branch_s_rights_and_saves_the_chosen_one(client, db, bank):
    sign_in(client, bank["marketer"])
    campaign = bank["campaign"]
    url, page = section_page(client, campaign, "prizes")
    assert 'data-right-select="1"' in page and 'id="rights-data"' in page
    assert "jd-ecard-50" in page and "bj-fuel-100" not in page  # Beijing's is not Shanghai's

    ctx = EditContext(lang="zh", bundle=campaign.draft, pools=[("jd-ecard-50", "x")])
    data = flatten(BY_KEY["prizes"].form_data(campaign.draft, ctx))
    right = db.session.scalar(select(Right).where(Right.key == "jd-ecard-50"))
    # what rights.js writes into the row when the marketer picks the right
    data["prizes-0-right"] = "jd-ecard-50"
    data["prizes-0-name"] = right.name
    data["prizes-0-value"] = str(right.cost)
    data["prizes-0-reward_kind"] = "coupon_code"
    for field, value in right_reward(right).items():
        if field != "kind":
            data[f"prizes-0-r_coupon_code_{field}"] = str(value)
    data["csrf_token"] = csrf_of(page)
    answer = client.post(url, data=data)
    assert answer.status_code == 302, page_errors(answer.get_data(as_text=True))

    db.session.expire_all()
    prize = db.session.get(Campaign, campaign.id).draft["prizes"][0]
    assert prize["right"] == "jd-ecard-50"
    assert prize["reward"] == right_reward(right) and prize["value"] == 48.5


def test_a_right_of_another_branch_is_refused_next_to_the_row(client, db, bank):
    sign_in(client, bank["marketer"])
    campaign = bank["campaign"]
    url, page = section_page(client, campaign, "prizes")
    data = flatten(BY_KEY["prizes"].form_data(campaign.draft, EditContext("zh", campaign.draft)))
    data["prizes-0-right"] = "bj-fuel-100"
    data["csrf_token"] = csrf_of(page)
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page
    assert 'id="prizes-0-right"' in page and "prizes-0-right" in page_errors(page)
    db.session.expire_all()
    assert "right" not in db.session.get(Campaign, campaign.id).draft["prizes"][0]


def test_the_editor_s_rights_data_carries_the_reward_of_each_right(app, db, bank):
    rights = db.session.scalars(select(Right).where(Right.key == "jd-ecard-50")).all()
    with app.test_request_context():
        (choice,) = editor_choices(rights, "en")
    assert choice == {
        "key": "jd-ecard-50",
        "label": "JD e-card 50 (jd-ecard-50)",
        "name": "京东E卡50元",
        "name_en": "JD e-card 50",
        "cost": 48.5,
        "reward": {
            "kind": "coupon_code",
            "pool": "jd-ecard-50",
            "valid_days": 30,
            "message": "请在京东APP绑定",
        },
    }


def audience_post(client, campaign, **fields):
    url, page = section_page(client, campaign, "audience")
    ctx = EditContext("zh", campaign.draft)
    data = flatten(BY_KEY["audience"].form_data(campaign.draft, ctx))
    for name, value in fields.items():
        data[name] = value  # replaces (MultiDict.update would add a second value)
    data["csrf_token"] = csrf_of(page)
    return client.post(url, data=data)


def test_the_audience_names_lists_from_the_library(client, db, bank):
    sign_in(client, bank["marketer"])
    campaign = bank["campaign"]
    _url, page = section_page(client, campaign, "audience")
    assert "VIP 2026" in page and "payroll" in page and "bj-vip" not in page

    vip = db.session.scalar(select(Campaign).where(Campaign.id == campaign.id))
    add_list_version(make_audience_list("VIP 2027", ["a"], bank["channel"], bank["hq"]), ["a", "b"])
    answer = audience_post(client, vip, whitelist_ref="VIP 2027", segment_ref="payroll")
    assert answer.status_code == 302, page_errors(answer.get_data(as_text=True))
    db.session.expire_all()
    audience = db.session.get(Campaign, campaign.id).draft["audience"]
    assert audience["whitelist_ref"] == {"name": "VIP 2027", "version": 2}
    assert audience["segment_ref"] == {"name": "payroll", "version": 1}
    summary = client.get(f"/studio/campaign/{campaign.id}/edit/audience").get_data(as_text=True)
    assert "VIP 2027" in summary

    # choosing "none" removes the reference; pasted ids still work
    answer = audience_post(
        client,
        db.session.get(Campaign, campaign.id),
        whitelist_ref="",
        segment_ref="",
        whitelist="alice\nbob",
        whitelist_channel=bank["channel"].name,
    )
    assert answer.status_code == 302
    db.session.expire_all()
    audience = db.session.get(Campaign, campaign.id).draft["audience"]
    assert "whitelist_ref" not in audience and audience["whitelist"] == ["alice", "bob"]


def test_pasted_ids_and_a_library_whitelist_are_not_both_allowed(client, db, bank):
    sign_in(client, bank["marketer"])
    page = audience_post(
        client, bank["campaign"], whitelist_ref="VIP 2026", whitelist="alice"
    ).get_data(as_text=True)
    assert "data-not-saved" in page and "whitelist_ref" in page_errors(page)


def test_sections_round_trip_a_bundle_that_uses_the_libraries(app, db, bank):
    bundle = load_template("decent_lottery")
    bundle["branch"] = "SH001"
    bundle["prizes"][0]["right"] = "jd-ecard-50"
    bundle["audience"]["whitelist"] = None
    bundle["audience"]["whitelist_channel"] = None  # the form keeps a channel only with ids
    bundle["audience"]["whitelist_ref"] = {"name": "VIP 2026", "version": 1}
    bundle["audience"]["segment_ref"] = {"name": "payroll", "version": 1}
    bundle = load_bundle(bundle)
    pools = [p["reward"]["pool"] for p in bundle["prizes"] if p["reward"].get("pool")]
    with app.test_request_context():
        ctx = EditContext(
            lang="zh",
            bundle=bundle,
            branches=[("SH001", "SH001")],
            pools=[(p, p) for p in pools],
            rights=editor_choices(db.session.scalars(select(Right)).all(), "zh"),
            lists={"whitelist": [("VIP 2026", 1, 1)], "segment": [("payroll", 1, 1)]},
        )
        for section in BY_KEY.values():
            posted = flatten(section.form_data(bundle, ctx))
            form = section.form_class(ctx)(formdata=posted, meta={"csrf": False})
            assert form.validate(), (section.key, form.errors)
            again = keep_equal(section.updated_bundle(form, ctx), bundle)
            assert again == bundle, section.key
