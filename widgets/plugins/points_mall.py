"""积分商城 (seed 003): rights bought with points, each with its price, stock, limits, validity
and arrival message; selectable rights (pick one) and splittable ones (take parts); my
exchanges with their issuance progress and refunds. The rights are the bundle's `mall`
(edited in the studio's mall section); the page's settings only say how it looks."""

from __future__ import annotations

from typing import Any

from widgets import forms
from widgets.base import Widget
from widgets.loyalty import page_tasks, public_mall_items


class PointsMallConfig(forms.PageSchema):
    points_name = forms.text("积分名称", "Points name", "积分", max_length=8)
    show_stock = forms.boolean(
        "显示剩余库存",
        "Show the stock left",
        True,
        help_zh="关闭后只在兑完时提示",
        help_en="Off: only say when a right is sold out",
    )
    show_tasks = forms.boolean(
        "显示赚积分任务",
        "Show the tasks that earn points",
        True,
        help_zh="本活动设置了任务时,在商城下方列出",
        help_en="Listed under the mall when the campaign has tasks",
    )


class PointsMall(Widget):
    type = "points_mall"
    name_zh = "积分商城"
    name_en = "Points mall"
    description_zh = (
        "用积分兑换权益:价格、库存、限兑、有效期与到账提示,可选、可拆分权益,兑换进度随时查。"
    )
    description_en = (
        "Spend points on rights: price, stock, limits, validity and arrival message; "
        "selectable and splittable rights; every exchange's progress."
    )
    icon = "🛍️"
    config_schema = PointsMallConfig
    actions = ("exchange", "share")
    parts = ("tasks",)
    texts = {
        "my_points": ("我的积分", "My points"),
        "exchange": ("兑换", "Exchange"),
        "confirm": ("确认兑换", "Confirm"),
        "cancel": ("再想想", "Not now"),
        "stock_left": ("剩余 {n}", "{n} left"),
        "sold_out": ("已兑完", "Sold out"),
        "limit_person": ("每人限兑 {n}", "{n} per person"),
        "limit_day": ("每日限兑 {n}", "{n} a day"),
        "valid_days": ("有效期 {n} 天", "Valid {n} days"),
        "arrival": ("到账提示", "On arrival"),
        "not_enough": ("积分不足", "Not enough points"),
        "limit_hit": ("已达兑换上限", "Limit reached"),
        "limit_today": ("今日已达兑换上限", "Today's limit reached"),
        "limit_today_error": (
            "今日兑换已达上限,明天再来吧",
            "You have reached today's limit for this one; come back tomorrow",
        ),
        "choose": ("请选择", "Choose one"),
        "quantity": ("份数", "Parts"),
        "total": ("共需", "Total"),
        "exchanged": ("兑换成功", "Exchanged"),
        "issuing_note": ("权益发放中,可在兑换记录查看进度", "Being issued; see My exchanges"),
        "history": ("兑换记录", "My exchanges"),
        "no_history": ("还没有兑换记录", "No exchanges yet"),
        "ex_issuing": ("发放中", "Being issued"),
        "ex_issued": ("已到账", "Received"),
        "ex_refunded": ("发放失败,积分已退回", "Failed — points refunded"),
        "ex_partly_refunded": ("部分已退回积分", "Partly refunded"),
        "ex_failed": ("发放失败,积分退回中", "Failed — refund on its way"),
        "refunded_points": ("已退回 {n}", "{n} refunded"),
        "earn": ("赚积分", "Earn points"),
        "per": ("/", " per "),
    }

    def customize_bundle(self, bundle: dict[str, Any], config: dict[str, Any]) -> None:
        bundle["description"] = (
            "1. 积分可兑换下列权益,兑换后积分即时扣减,权益发放进度可在兑换记录查看。\n"
            "2. 先到期的积分优先使用;已过期的积分不能兑换。\n"
            "3. 权益发放失败时,所用积分自动退回。\n"
            "4. 完成任务可赚取积分。"
        )
        bundle["chances"] = {"kinds": [], "default_kind": None}
        bundle["prizes"] = []
        bundle["odds"] = {"exhausted": "remove", "guaranteed_first": 0, "boosts": []}
        bundle["limits"]["per_person"]["draws_per_day"] = None  # a mall page does not draw
        bundle["tasks"] = [
            {
                "key": "open-account",
                "name": "开立借记卡",
                "name_en": "Open a debit card",
                "event": "account_opened",
                "account_type": "debit_card",
                "points": 500,
            },
            {
                "key": "buy-fund",
                "name": "购买基金满1000元",
                "name_en": "Buy 1,000 of a fund",
                "event": "transaction",
                "transaction_type": "fund",
                "min_amount": 1000,
                "points": 1000,
            },
            {
                "key": "invite",
                "name": "邀请1位好友",
                "name_en": "Invite a friend",
                "event": "referral",
                "count": 1,
                "points": 200,
            },
        ]
        bundle["mall"] = {"points_from": "campaign", "items": sample_items()}

    def page_data(self, bundle: dict[str, Any]) -> dict[str, Any]:
        data = super().page_data(bundle)
        data["mall_items"] = public_mall_items(bundle)
        data["tasks"] = page_tasks(bundle)
        return data

    def preview_state(self, bundle: dict[str, Any]) -> dict[str, Any]:
        state = super().preview_state(bundle)
        state["me"]["points"] = 2600
        return state


def sample_items() -> list[dict[str, Any]]:
    """The wizard's starting rights: a coupon, a selectable membership, a splittable fuel
    card, a gift by post."""
    return [
        {
            "key": "phone-credit",
            "name": "10元话费券",
            "name_en": "¥10 phone credit",
            "price": 1000,
            "stock": 100,
            "per_person_limit": 2,
            "per_day_limit": 1,
            "valid_days": 30,
            "message": "话费券已到账,请在有效期内使用",
            "reward": {"kind": "coupon_code", "pool": "phone-credit-10"},
        },
        {
            "key": "video",
            "name": "视频会员月卡",
            "name_en": "Video membership (1 month)",
            "price": 1500,
            "stock": 50,
            "per_person_limit": 1,
            "message": "会员已开通",
            "choices": [
                {
                    "key": "tencent",
                    "name": "腾讯视频",
                    "name_en": "Tencent Video",
                    "reward": {"kind": "webhook", "sku": "VIDEO-TX-1M"},
                },
                {
                    "key": "iqiyi",
                    "name": "爱奇艺",
                    "name_en": "iQIYI",
                    "reward": {"kind": "webhook", "sku": "VIDEO-IQ-1M"},
                },
            ],
        },
        {
            "key": "fuel",
            "name": "加油卡",
            "name_en": "Fuel card",
            "price": 800,
            "stock": 200,
            "per_person_limit": 10,
            "max_quantity": 5,
            "unit": "10元",
            "valid_days": 365,
            "reward": {"kind": "webhook", "sku": "FUEL-10"},
        },
        {
            "key": "mug",
            "name": "定制保温杯",
            "name_en": "Thermos mug",
            "price": 3000,
            "stock": 20,
            "per_person_limit": 1,
            "message": "7个工作日内寄出",
            "reward": {"kind": "physical"},
        },
    ]


WIDGET = PointsMall()
