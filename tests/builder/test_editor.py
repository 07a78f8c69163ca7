"""The campaign editor: each section's form round-trips a bundle, saves through `rules`, and puts
each problem next to its field."""

from __future__ import annotations

import copy
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from builder.drafts import new_draft, save_draft
from builder.editor import BY_KEY, SECTIONS, EditContext
from builder.editor.base import form_values
from builder.editor.save import keep_equal
from core.models import Campaign, CouponPool
from rules import load_bundle
from rules.templates import list_templates, load_template
from tests.builder.studio import sign_in
from tests.factories import make_hq, make_user

PASSWORD = "password-123"


def flatten(data, prefix=""):
    """Form data as the browser posts it (`prizes-0-name=...`), from a section's form_data."""
    out = MultiDict()
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key in ("conditions", "rules"):  # hidden fields the page's components fill
            out.add(name, json.dumps(value, ensure_ascii=False))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                for k, v in flatten(row, f"{name}-{i}-").items(multi=True):
                    out.add(k, v)
        elif isinstance(value, list):
            for v in value:
                out.add(name, str(v))
        elif isinstance(value, bool):
            if value:
                out.add(name, "y")
        elif value is None:
            out.add(name, "")
        else:
            out.add(name, str(value))
    return out


def context(bundle, pools=()):
    return EditContext(
        lang="zh",
        bundle=bundle,
        branches=[(bundle["branch"], bundle["branch"])],
        pools=[(p, p) for p in pools],
    )


def pools_of(bundle):
    return [
        p["reward"]["pool"] for p in bundle["prizes"] if p["reward"].get("kind") == "coupon_code"
    ]


# rows written without their empty optional fields; loading fills them (a draft is stored
# loaded, so its hash does not change)
COMPACT_ROWS = {"tasks"}
# optional texts the seed templates leave empty, each given a value before the round trip: a
# form that has no field for one drops it at every save (the mall's pictures and the tasks'
# descriptions were dropped while no template had one)
SAMPLE_TEXTS = {
    "prizes": {"description": "奖品说明", "image": "https://img.example/prize.png"},
    "tasks": {"description": "完成后点亮勋章\n每人一次"},
    "mall": {"description": "权益说明", "image": "https://img.example/right.png"},
}


def with_sample_texts(bundle: dict) -> dict:
    """`bundle` with every prize, task and mall right carrying each of SAMPLE_TEXTS."""
    bundle = copy.deepcopy(bundle)
    rows = {
        "prizes": bundle.get("prizes") or [],
        "tasks": bundle.get("tasks") or [],
        "mall": (bundle.get("mall") or {}).get("items") or [],
    }
    for part, texts in SAMPLE_TEXTS.items():
        for row in rows[part]:
            for name, text in texts.items():
                if row.get(name) is None:
                    row[name] = text
    return bundle


@pytest.mark.parametrize("name", list_templates())
def test_every_section_round_trips_each_seed_template(app, name):
    """form -> bundle -> form -> bundle is the identity for the seed templates, with every
    optional text they leave empty filled in."""
    bundle = load_bundle(with_sample_texts(load_template(name)))
    with app.test_request_context():
        for section in SECTIONS:
            ctx = context(bundle, pools_of(bundle))
            posted = flatten(section.form_data(bundle, ctx))
            form = section.form_class(ctx)(formdata=posted, meta={"csrf": False})
            assert form.validate(), (section.key, form.errors)
            again = keep_equal(section.updated_bundle(form, ctx), bundle)
            assert load_bundle(again) == bundle, section.key
            if section.key not in COMPACT_ROWS:
                assert again == bundle, section.key


@pytest.fixture
def marketer(db):
    hq = make_hq()
    user = make_user("marketer", branch=hq)
    db.session.add(CouponPool(key="epay-20", name="支付立减券"))
    db.session.add(CouponPool(key="phone-credit-10", name="话费券"))
    db.session.commit()
    return user


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_prize_section_saves_and_shows_problems_next_to_fields(client, db, marketer):
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-editor", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/prizes"
    page = client.get(url).get_data(as_text=True)
    assert "奖品" in page and "权重" in page
    ctx = context(campaign.draft)
    data = flatten(SECTIONS[3].form_data(campaign.draft, ctx))
    data["csrf_token"] = csrf_of(page)
    data["prizes-0-stock"] = "-5"
    data["prizes-1-weight"] = "abc"
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-not-saved" in page
    assert page.count("is-invalid") >= 2
    assert "不是有效的" in page or "必须" in page  # WTForms' own messages in the user's language
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).draft_hash == campaign.draft_hash

    data["prizes-0-stock"] = "7"
    data["prizes-1-weight"] = "3.5"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id).draft
    assert saved["prizes"][0]["stock"] == 7 and saved["prizes"][1]["weight"] == 3.5

    data["prizes-1-weight"] = "5"  # a whole weight stays whole: 5, never 5.0
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    weight = db.session.get(Campaign, campaign.id).draft["prizes"][1]["weight"]
    assert weight == 5 and isinstance(weight, int)
    page = client.get(url).get_data(as_text=True)
    assert 'value="5"' in re.search(r'<input[^>]*name="prizes-1-weight"[^>]*>', page).group()


def test_unknown_code_pool_is_refused_next_to_its_field(client, db, marketer):
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-pools", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/prizes"
    page = client.get(url).get_data(as_text=True)
    ctx = context(campaign.draft, ["epay-20"])
    data = flatten(SECTIONS[3].form_data(campaign.draft, ctx))
    data["csrf_token"] = csrf_of(page)
    data["prizes-0-reward_kind"] = "coupon_code"
    data["prizes-0-r_coupon_code_pool"] = "no-such-pool"
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page
    data["prizes-0-r_coupon_code_pool"] = "epay-20"
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    reward = db.session.get(Campaign, campaign.id).draft["prizes"][0]["reward"]
    assert reward == {"kind": "coupon_code", "pool": "epay-20"}


def test_saving_an_unchanged_section_keeps_the_draft_hash(client, db, marketer):
    campaign = new_draft(marketer, "template:icbc_treasure_dig", "dig-unchanged", "挖宝")
    db.session.add(CouponPool(key="iphone-voucher-500", name="x"))
    db.session.commit()
    sign_in(client, marketer)
    for section in SECTIONS:
        url = f"/studio/campaign/{campaign.id}/edit/{section.key}"
        page = client.get(url).get_data(as_text=True)
        ctx = context(campaign.draft, pools_of(campaign.draft))
        data = flatten(section.form_data(campaign.draft, ctx))
        data["csrf_token"] = csrf_of(page)
        response = client.post(url, data=data)
        assert response.status_code == 302, (
            section.key,
            page_errors(response.get_data(as_text=True)),
        )
        db.session.expire_all()
        assert db.session.get(Campaign, campaign.id).draft_hash == campaign.draft_hash, section.key


def test_a_deleted_prize_used_by_a_rule_is_reported_with_a_link(client, db, marketer):
    campaign = new_draft(marketer, "template:icbc_treasure_dig", "dig-delete", "挖宝")
    db.session.add(CouponPool(key="iphone-voucher-500", name="x"))
    db.session.commit()
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/prizes"
    page = client.get(url).get_data(as_text=True)
    ctx = context(campaign.draft, pools_of(campaign.draft))
    values = SECTIONS[3].form_data(campaign.draft, ctx)
    values["prizes"] = [p for p in values["prizes"] if p["key"] != "iphone_voucher"]
    data = flatten(values)
    data["csrf_token"] = csrf_of(page)
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-problems-elsewhere" not in page or "/edit/" in page
    assert "data-not-saved" in page


def test_the_review_step_refuses_a_campaign_whose_period_is_over(client, db, marketer):
    """The review step lists a period already over as a problem at the end field (no submit
    button), in the campaign's zone; the submit step refuses it too."""
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-over", "转盘")
    bundle = copy.deepcopy(campaign.draft)
    bundle["schedule"].update(starts_at="2026-06-01T00:00:00", ends_at="2026-07-01T00:00:00")
    save_draft(campaign, bundle, marketer)
    sign_in(client, marketer)
    page = client.get(f"/studio/campaign/{campaign.id}/wizard/review").get_data(as_text=True)
    assert "data-review-problems" in page and "data-submit" not in page
    assert "结束时间 2026-07-01 00:00(Asia/Shanghai)已经过去" in page
    assert f"/studio/campaign/{campaign.id}/edit/basics#ends_at" in page
    detail = client.get(f"/studio/campaign/{campaign.id}").get_data(as_text=True)
    assert "结束时间 2026-07-01 00:00" in detail  # the campaign page says why it cannot go
    client.post(f"/studio/campaign/{campaign.id}/submit", data={"csrf_token": csrf_of(page)})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).review_status == "editing"


def test_a_window_ending_before_it_starts_is_named_and_shown_at_its_end(client, db, marketer):
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-window", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/windows"
    data = MultiDict({"csrf_token": csrf_of(client.get(url).get_data(as_text=True))})
    row = {"id": "", "name": "疯狂一小时", "shape": "monthly", "start": "21:00", "end": "20:00"}
    for name, value in row.items():
        data.add(f"windows-0-{name}", value)
    data.add("windows-0-month_days", "18")
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page and "时段“疯狂一小时”:结束时间须晚于开始时间。" in page
    assert "window-1" not in page
    assert "windows-0-end" in page_errors(page) and "windows-0-name" not in page_errors(page)


def test_a_new_rule_without_an_action_is_refused_by_its_name(client, db, marketer):
    """The "+ 添加规则" card's action row starts on "请选择动作"; saving it (or a rule whose rows
    were all removed) says which rule needs an action, never an empty-quoted internal name."""
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-rule", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/rules"
    page = client.get(url).get_data(as_text=True)
    ctx = context(campaign.draft)
    models = BY_KEY["rules"].form_data(campaign.draft, ctx)["rules"]
    n = len(models)
    models += [
        {"trigger": "join", "description": "", "actions": [{"name": "", "params": {}}]},
        {"trigger": "share", "description": "分享有礼", "actions": []},
    ]
    data = {"csrf_token": csrf_of(page), "rules": json.dumps(models, ensure_ascii=False)}
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page
    assert f"第 {n + 1} 条规则:请选择这条规则要做什么(动作)。" in page
    assert "规则“分享有礼”:请选择这条规则要做什么(动作)。" in page
    assert "未知动作" not in page


def test_a_mall_right_says_which_validity_and_message_is_which_and_refuses_a_script_picture(
    client, db, marketer
):
    campaign = new_draft(marketer, "widget:points_mall", "mall-picture", "商城")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/mall"
    page = client.get(url).get_data(as_text=True)
    labels = ("商城展示的有效期(天)", "有效天数(奖励自身的)", "商城展示的到账提示")
    for label in (*labels, "到账提示(奖励自身的)"):
        assert label in page, label
    values = BY_KEY["mall"].form_data(campaign.draft, context(campaign.draft, ["phone-credit-10"]))
    data = flatten(values)
    data["csrf_token"] = csrf_of(page)
    for picture in ("javascript:alert(1)", "phone.png"):
        data["items-0-image"] = picture
        page = client.post(url, data=data).get_data(as_text=True)
        assert "data-not-saved" in page and "items-0-image" in page_errors(page), picture
        assert "图片地址须以 http:// 或 https:// 开头,或是本站以 / 开头的路径。" in page
    data["items-0-image"] = "/pictures/phone.png"
    assert client.post(url, data=data).status_code == 302


def test_a_window_shows_only_the_fields_of_its_repeat(app):
    """Each day and time field says which repeats show it (editor.js hides the others, as a
    task's event fields); a saved window keeps only its own repeat's values."""
    section = BY_KEY["windows"]
    bundle = load_bundle(load_template("icbc_treasure_dig"))
    with app.test_request_context():
        form = section.form_class(context(bundle))(
            formdata=flatten(section.form_data(bundle, context(bundle))), meta={"csrf": False}
        )
        row = form.windows.entries[0].form
        shown = {f.name: str(f()) for f in row if f.name.split("-")[-1] != "id"}
    wanted = {
        "weekdays": "shape:weekly",
        "month_days": "shape:monthly",
        "start": "shape:weekly,monthly",
        "end": "shape:weekly,monthly",
        "date_from": "shape:dates",
        "date_to": "shape:dates",
    }
    for name, html in shown.items():
        leaf = name.split("-")[-1]
        if leaf in wanted:
            assert f'data-shown-with="{wanted[leaf]}"' in html, leaf
        else:
            assert "data-shown-with" not in html, leaf


def test_form_values_drop_rows_marked_for_deletion(app):
    bundle = load_bundle(load_template("icbc_treasure_dig"))
    section = BY_KEY["chances"]
    with app.test_request_context():
        ctx = context(bundle)
        posted = flatten(section.form_data(bundle, ctx))
        posted["del-kinds-1"] = "y"
        form = section.form_class(ctx)(formdata=posted, meta={"csrf": False})
        assert [row["key"] for row in form_values(form)["kinds"]] == ["gold"]


def page_errors(page: str) -> list[str]:
    """The problems a page shows (for assertion messages)."""
    found = re.findall(r"<li>([^<]{1,300})</li>", page)
    found += re.findall(r'id="([\w-]+)"[^>]*class="[^"]*is-invalid', page)
    found += re.findall(r'class="[^"]*is-invalid[^"]*"[^>]*id="([\w-]+)"', page)
    return found
