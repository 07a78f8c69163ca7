"""红包 (seed 003): open a packet with a random or fixed amount; share to grab more."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class RedPacketConfig(forms.PageSchema):
    greeting = forms.text(
        "红包祝福语", "Greeting on the packet", "恭喜发财,大吉大利", max_length=20
    )
    sender = forms.text(
        "发红包的人",
        "From",
        "",
        max_length=20,
        help_zh="留空则显示活动名称",
        help_en="Empty: the campaign name",
    )
    share_kind = forms.text(
        "分享所送机会类型",
        "Chance kind a share earns",
        "grab",
        max_length=64,
        refers_to="chance_kind",
        help_zh="从本活动的机会类型中选择",
        help_en="One of this campaign's kinds of chance",
    )
    share_bonus = forms.integer("分享得抢红包次数", "Grabs per share", 1, minimum=1, maximum=5)
    shares_per_day = forms.integer(
        "每日最多奖励分享次数", "Rewarded shares per day", 3, minimum=1, maximum=20
    )


class RedPacket(Widget):
    type = "red_packet"
    name_zh = "抢红包"
    name_en = "Red packet"
    description_zh = "拆开红包得到随机或固定金额,分享给好友可再抢。"
    description_en = "Open a red packet for a random or fixed amount; share to grab more."
    icon = "🧧"
    config_schema = RedPacketConfig
    actions = ("draw", "share")
    texts = {
        "open": ("開", "Open"),
        "yuan": ("元", "CNY"),
        "grab_more": ("分享再抢", "Share to grab more"),
        "packet_from": ("的红包", "'s red packet"),
        "share_earns": (
            "每次分享可再抢{count}个,每天最多{times}次",
            "Each share earns {count} more, up to {times} shares a day",
        ),
    }
    managed_rule_settings = {"share-bonus": ("share_kind", "share_bonus", "shares_per_day")}
    managed_limit_settings = {"shares_rewarded_per_day": "shares_per_day"}

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 绑定银行卡的客户可抢1个红包,金额随机。\n"
            "2. 分享给好友可再抢红包,每次可抢个数与每天次数见红包下方。\n"
            "3. 红包金额将在24小时内发放至您的账户。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=1, daily=0, key="grab", name="抢红包", name_en="Grab"
        )
        # red packets are paid from the budget and only promised while it covers them
        bundle["limits"]["budget"] = {"amount": 50000, "currency": "CNY"}
        bundle["prizes"] = [
            defaults.prize(
                "big_packet",
                "88元大红包",
                "¥88 red packet",
                1,
                20,
                88.0,
                {"kind": "red_packet", "mode": "fixed", "amount": 88},
            ),
            defaults.prize(
                "packet",
                "随机红包",
                "Random red packet",
                60,
                10000,
                2.0,
                {"kind": "red_packet", "mode": "random", "min": 0.3, "max": 8.88},
            ),
            defaults.prize(
                "small_packet",
                "0.88元红包",
                "¥0.88 red packet",
                39,
                None,
                0.88,
                {"kind": "red_packet", "mode": "fixed", "amount": 0.88},
                fallback=True,
            ),
        ]
        bundle["rules"] = []

    def rules_from_settings(self, config: dict) -> list[dict]:
        return [
            defaults.share_rule(
                config["share_kind"], config["share_bonus"], config["shares_per_day"]
            )
        ]


WIDGET = RedPacket()
