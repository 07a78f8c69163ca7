"""The studio's mall and tasks sections: forms (no JSON) that round-trip the bundle, save
through `rules` with each problem next to its field, and appear for the campaigns that use
them (and can be added to any other)."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

import widgets
from builder.drafts import new_draft, save_draft
from builder.editor import BY_KEY, sections_for, sections_to_add
from builder.editor.mall import choice_row_form, item_row_form
from builder.editor.tasks import task_row_form
from builder.views.editor import wizard_steps
from core.models import Campaign, CouponPool
from rules import load_bundle
from rules.loyalty_schema import MallChoiceSchema, MallItemSchema, TaskSchema
from tests.builder.studio import sign_in
from tests.builder.test_editor import context, csrf_of, flatten, page_errors
from tests.factories import make_hq, make_user


@pytest.fixture
def marketer(db):
    user = make_user("marketer", branch=make_hq())
    db.session.add(CouponPool(key="phone-credit-10", name="话费券"))
    db.session.commit()
    return user


@pytest.mark.parametrize("widget_type", ["points_mall", "task_center"])
@pytest.mark.parametrize("key", ["mall", "tasks"])
def test_the_sections_round_trip_the_default_loyalty_bundles(app, widget_type, key):
    bundle = load_bundle(widgets.get(widget_type).default_bundle("rt-x", "X", "HQ"))
    section = BY_KEY[key]
    with app.test_request_context():
        ctx = context(bundle, ["phone-credit-10"])
        posted = flatten(section.form_data(bundle, ctx))
        form = section.form_class(ctx)(formdata=posted, meta={"csrf": False})
        assert form.validate(), form.errors
        assert load_bundle(section.updated_bundle(form, ctx)) == bundle


def test_every_field_of_a_task_and_a_mall_right_has_a_place_on_the_row_forms(app):
    """A field of the bundle's schema that no row field holds is dropped by every save (a mall
    right's `image` and a task's `description` were); the rest are the rows' other fields."""
    bundle = load_bundle(widgets.get("points_mall").default_bundle("rt-x", "X", "HQ"))
    with app.test_request_context():
        ctx = context(bundle)
        item, choice = item_row_form(ctx)(), choice_row_form(ctx)()
        task = task_row_form(ctx)()
    assert set(MallItemSchema().fields) - set(item._fields) == {"reward", "choices"}
    assert set(MallChoiceSchema().fields) - set(choice._fields) == {"reward"}  # reward_kind...
    assert set(TaskSchema().fields) - set(task._fields) == {"badge"}  # badge_name, _en, _icon


def test_the_mall_and_task_rows_answer_in_the_users_language(app):
    """WTForms' own messages (a negative stock, a count out of range) on a Chinese page are
    Chinese, as on every other section's rows."""
    from flask_babel import refresh

    bundle = load_bundle(widgets.get("points_mall").default_bundle("rt-x", "X", "HQ"))
    ctx = context(bundle)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        item = item_row_form(ctx)(formdata=MultiDict({"name": "券", "price": "10", "stock": "-1"}))
        task = task_row_form(ctx)(formdata=MultiDict({"name": "任务", "count": "0"}))
        item.validate(), task.validate()
    assert item.errors["stock"] == ["数值大小必须介于 0 到 100000000 之间。"]
    assert task.errors["count"] == ["数值大小必须介于 1 到 366 之间。"]


def test_only_campaigns_that_use_them_list_the_loyalty_sections(client, db, marketer):
    wheel = new_draft(marketer, "widget:lucky_wheel", "wheel-plain", "转盘")
    mall = new_draft(marketer, "widget:points_mall", "mall-plain", "商城")
    tasks = new_draft(marketer, "widget:task_center", "tasks-plain", "任务")
    keys = lambda c: [s.key for s in sections_for(c.draft)]  # noqa: E731
    assert "mall" not in keys(wheel) and "tasks" not in keys(wheel)
    assert {"mall", "tasks"} <= set(keys(mall)) and "mall" not in keys(tasks)
    assert "tasks" in keys(tasks)
    assert wizard_steps(tasks.draft)[:6] == (
        "basics",
        "windows",
        "widget",
        "prizes",
        "tasks",
        "chances",
    )
    sign_in(client, marketer)
    page = client.get(f"/studio/campaign/{wheel.id}").get_data(as_text=True)
    assert 'data-section="tasks"' not in page and "data-sections-to-add" in page
    assert f"/studio/campaign/{wheel.id}/edit/tasks" in page
    editor = client.get(f"/studio/campaign/{wheel.id}/edit/prizes").get_data(as_text=True)
    assert 'data-section-link="tasks"' not in editor
    page = client.get(f"/studio/campaign/{mall.id}").get_data(as_text=True)
    assert 'data-section="mall"' in page and 'data-section="tasks"' in page


def test_tasks_added_to_a_lucky_wheel_with_the_form(client, db, marketer):
    campaign = new_draft(marketer, "widget:lucky_wheel", "wheel-tasks", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/tasks"
    page = client.get(url).get_data(as_text=True)
    assert "任务" in page and "勋章" in page
    form = {
        "csrf_token": csrf_of(page),
        "tasks-0-key": "",
        "tasks-0-name": "购买基金",
        "tasks-0-name_en": "",
        "tasks-0-description": "买任意一只基金满1000元\r\n即可点亮",
        "tasks-0-event": "transaction",
        "tasks-0-account_type": "debit_card",  # hidden for a transaction: not saved
        "tasks-0-transaction_type": "fund",
        "tasks-0-min_amount": "1000",
        "tasks-0-count": "",
        "tasks-0-candidate": "",
        "tasks-0-badge_name": "理财达人",
        "tasks-0-badge_name_en": "",
        "tasks-0-badge_icon": "🐷",
        "tasks-0-points": "",
        "tasks-0-points_valid_days": "",
    }
    # a task that awards nothing is refused next to its points field
    page = client.post(url, data={**form, "tasks-0-badge_name": ""}).get_data(as_text=True)
    assert "data-not-saved" in page and 'id="tasks-0-points"' in page
    assert "任务至少要颁发勋章或奖励积分" in page
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    draft = db.session.get(Campaign, campaign.id).draft
    [task] = draft["tasks"]
    assert task["event"] == "transaction" and task["transaction_type"] == "fund"
    assert task["min_amount"] == 1000 and task["account_type"] is None
    assert task["badge"] == {"name": "理财达人", "name_en": None, "icon": "🐷"}
    assert task["description"] == "买任意一只基金满1000元\n即可点亮"  # the textarea's CRLF: LF
    assert "tasks" in [s.key for s in sections_for(draft)]
    page = client.get(url).get_data(as_text=True)
    assert "说明" in page and "买任意一只基金满1000元\n即可点亮</textarea>" in page


def test_the_add_row_button_names_its_row_as_each_language_writes_it(client, db, marketer):
    campaign = new_draft(marketer, "widget:points_mall", "mall-add", "商城")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/mall"
    button = re.compile(r'data-add-row="items">([^<]*)</button>')
    assert button.search(client.get(url).get_data(as_text=True)).group(1) == "+ 添加权益"
    client.get("/studio/language/en")
    assert button.search(client.get(url).get_data(as_text=True)).group(1) == "+ Add Right"


def test_a_mall_right_with_options_and_a_problem_next_to_its_field(client, db, marketer):
    campaign = new_draft(marketer, "widget:points_mall", "mall-form", "商城")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/edit/mall"
    page = client.get(url).get_data(as_text=True)
    assert "积分商城" in page and "到账提示" in page
    ctx = context(campaign.draft, ["phone-credit-10"])
    values = BY_KEY["mall"].form_data(campaign.draft, ctx)
    data = flatten(values)
    data["csrf_token"] = csrf_of(page)
    data["items-0-price"] = "0"
    data["items-0-r_coupon_code_pool"] = "no-such-pool"
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page and page.count("is-invalid") >= 1
    data["items-0-price"] = "800"
    page = client.post(url, data=data).get_data(as_text=True)
    assert "data-not-saved" in page  # the pool must exist
    assert 'is-invalid" id="items-0-r_coupon_code_pool"' in page or (
        'id="items-0-r_coupon_code_pool"' in page and page.count("is-invalid") == 1
    )
    data["items-0-r_coupon_code_pool"] = "phone-credit-10"
    data["items-0-per_day_limit"] = "5"  # above the per-person limit of 2
    page = client.post(url, data=data).get_data(as_text=True)
    assert "每日限兑不能大于每人限兑" in page
    data["items-0-per_day_limit"] = "1"
    data["items-0-image"] = " https://img.example/phone-credit.png "
    # a third option for the video membership, and the mug becomes a partner right
    n = len(values["choices"])
    new_row = {**values["choices"][0], "key": "", "name": "优酷", "name_en": ""}
    new_row["r_webhook_sku"] = "VIDEO-YK-1M"  # what the browser posts: every field of the row
    for name, value in flatten(new_row, f"choices-{n}-").items(multi=True):
        data[name] = value
    saved = client.post(url, data=data)
    assert saved.status_code == 302, page_errors(saved.get_data(as_text=True))
    db.session.expire_all()
    items = {i["key"]: i for i in db.session.get(Campaign, campaign.id).draft["mall"]["items"]}
    assert items["phone-credit"]["price"] == 800 and items["phone-credit"]["per_day_limit"] == 1
    assert items["phone-credit"]["image"] == "https://img.example/phone-credit.png"
    options = items["video"]["choices"]
    assert [o["name"] for o in options] == ["腾讯视频", "爱奇艺", "优酷"]
    assert options[2]["reward"] == {"kind": "webhook", "sku": "VIDEO-YK-1M"}
    assert items["video"]["reward"] is None
    page = client.get(url).get_data(as_text=True)  # the marketer sees the picture's address
    assert "图片地址" in page and 'value="https://img.example/phone-credit.png"' in page


def test_the_rule_builder_and_the_tester_offer_the_campaigns_badges(app):
    from datetime import datetime

    from builder.describe import bundle_names, rule_sentence
    from builder.editor.rule_builder import builder_config
    from builder.editor.tester import tester_form
    from rules.tester import SampleParticipant, run_trigger

    bundle = load_bundle(widgets.get("task_center").default_bundle("badge-ui", "X", "HQ"))
    with app.test_request_context():
        ctx = context(bundle)
        filters = {f["id"]: f for f in builder_config(ctx)["filters"]["badge"]}
        assert {"开户小达人", "分享小使者"} <= {
            label for v in filters["badges"]["values"] for label in v.values()
        }
        assert filters["badge_earned"]["values"] and "badges_count" in filters
        form = tester_form(ctx)()
        assert ("open-card", "开户小达人") in list(form.v_badges.choices)
    goal = next(r for r in bundle["rules"] if r["id"] == "badge-goal")
    assert "获得勋章" in rule_sentence(goal, "zh", bundle_names(bundle, "zh"))
    from zoneinfo import ZoneInfo

    start = datetime.fromisoformat(bundle["schedule"]["starts_at"])
    moment = start.replace(hour=10, tzinfo=ZoneInfo("Asia/Shanghai"))
    fired = run_trigger(bundle, "badge", SampleParticipant(values={"badges_count": 3}), moment)
    assert [r["id"] for r in fired["rules"] if r["fired"]] == ["badge-goal"]


def test_a_points_mall_saves_its_chances_step_without_a_kind_of_chance(client, db, marketer):
    """A mall draws nothing: its wizard's chances step shows no empty kind row to fill and
    saves as it is (a lucky wheel still needs a kind)."""
    for pool in ("mall-phone-10", "mall-tencent-1m", "mall-iqiyi-1m"):  # the template's
        db.session.add(CouponPool(key=pool, name=pool))
    db.session.commit()
    mall = new_draft(marketer, "template:points_mall_tasks", "mall-chances", "积分商城")
    wheel = new_draft(marketer, "widget:lucky_wheel", "wheel-chances", "转盘")
    sign_in(client, marketer)
    url = f"/studio/campaign/{mall.id}/edit/chances"
    page = client.get(url).get_data(as_text=True)
    assert 'name="kinds-0-name"' not in page
    saved = client.post(url, data={"csrf_token": csrf_of(page), "draws_per_day": "20"})
    assert saved.status_code == 302, page_errors(saved.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Campaign, mall.id).draft["chances"] == {"kinds": [], "default_kind": None}
    url = f"/studio/campaign/{wheel.id}/edit/chances"
    page = client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"csrf_token": csrf_of(page)}).get_data(as_text=True)
    assert "data-not-saved" in refused


def test_the_wizard_of_a_page_that_does_not_draw_skips_the_prizes(client, db, marketer):
    """A points mall draws nothing: its wizard goes from the widget settings to the tasks, and
    the campaign page offers prizes as a section to add (for a rule's "issue a prize"); with
    prizes it has the step again. A task centre's badges unlock draws: it keeps its prizes."""
    for pool in ("mall-phone-10", "mall-tencent-1m", "mall-iqiyi-1m"):  # the template's
        db.session.add(CouponPool(key=pool, name=pool))
    db.session.commit()
    mall = new_draft(marketer, "template:points_mall_tasks", "mall-wizard", "积分商城")
    wheel = new_draft(marketer, "widget:lucky_wheel", "wheel-wizard", "转盘")
    assert wizard_steps(mall.draft)[:4] == ("basics", "windows", "widget", "tasks")
    assert "prizes" not in wizard_steps(mall.draft)
    assert BY_KEY["prizes"] in sections_to_add(mall.draft)
    assert "prizes" in wizard_steps({**mall.draft, "prizes": wheel.draft["prizes"]})
    assert "prizes" not in wizard_steps(widgets.get("vote").default_bundle("v-x", "X", "HQ"))
    assert "prizes" in wizard_steps(widgets.get("task_center").default_bundle("t-x", "X", "HQ"))
    assert "prizes" in wizard_steps(wheel.draft)

    sign_in(client, marketer)
    url = f"/studio/campaign/{mall.id}/wizard/widget"
    page = client.get(url).get_data(as_text=True)
    assert f"/studio/campaign/{mall.id}/wizard/tasks" in page
    assert f"/studio/campaign/{mall.id}/wizard/prizes" not in page
    data = flatten(BY_KEY["widget"].form_data(mall.draft, context(mall.draft)))
    data["csrf_token"] = csrf_of(page)
    data["go"] = "next"
    saved = client.post(url, data=data)
    assert saved.status_code == 302, page_errors(saved.get_data(as_text=True))
    assert saved.headers["Location"].endswith(f"/studio/campaign/{mall.id}/wizard/tasks")
    assert client.get(f"/studio/campaign/{mall.id}/wizard/prizes").status_code == 404
    page = client.get(f"/studio/campaign/{mall.id}").get_data(as_text=True)
    assert 'data-section="prizes"' not in page and "data-sections-to-add" in page
    assert f"/studio/campaign/{mall.id}/edit/prizes" in page
    page = client.get(f"/studio/campaign/{wheel.id}/wizard/widget").get_data(as_text=True)
    assert f"/studio/campaign/{wheel.id}/wizard/prizes" in page

    # prizes added to the mall are a step; removing the last one goes on to the tasks
    save_draft(mall, {**mall.draft, "prizes": wheel.draft["prizes"][:1]}, marketer)
    url = f"/studio/campaign/{mall.id}/wizard/prizes"
    page = client.get(url).get_data(as_text=True)
    empty = {**BY_KEY["prizes"].form_data(mall.draft, context(mall.draft)), "prizes": []}
    data = flatten(empty)
    data.update({"csrf_token": csrf_of(page), "go": "next"})
    saved = client.post(url, data=data)
    assert saved.status_code == 302, page_errors(saved.get_data(as_text=True))
    assert saved.headers["Location"].endswith(f"/studio/campaign/{mall.id}/wizard/tasks")
    db.session.expire_all()
    assert db.session.get(Campaign, mall.id).draft["prizes"] == []
