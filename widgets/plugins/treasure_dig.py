"""挖宝 (seed 001): gold and silver shovels are chance kinds; sharing earns a shovel."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class TreasureDigConfig(forms.PageSchema):
    plots = forms.integer("宝藏格数", "Dig spots", 9, minimum=4, maximum=12)
    share_kind = forms.text(
        "分享奖励铲子",
        "Shovel earned by sharing",
        "silver",
        max_length=64,
        refers_to="chance_kind",
        help_zh="从本活动的机会类型中选择",
        help_en="One of this campaign's kinds of chance",
    )
    share_bonus = forms.integer("每次分享得铲子数", "Shovels per share", 1, minimum=1, maximum=5)
    shares_per_day = forms.integer(
        "每日最多奖励分享次数", "Rewarded shares per day", 3, minimum=1, maximum=20
    )


class TreasureDig(Widget):
    type = "treasure_dig"
    name_zh = "人脉挖宝"
    name_en = "Treasure dig"
    description_zh = "金铲子、银铲子两种机会挖宝藏,分享链接可得铲子,首三次必中。"
    description_en = "Dig with gold or silver shovels; sharing earns shovels; first digs win."
    icon = "⛏️"
    config_schema = TreasureDigConfig
    actions = ("draw", "share", "referral")
    texts = {
        "pick_spot": ("选择一块土地开挖", "Tap a spot to dig"),
        "digging": ("挖掘中…", "Digging…"),
        "shovel": ("铲子", "Shovel"),
        "no_shovel": ("铲子用完了,分享给好友得铲子", "Out of shovels. Share to earn more"),
        "share_earns": (
            "每次分享得{count}把{kind},每天最多{times}次",
            "Each share earns {count} × {kind}, up to {times} shares a day",
        ),
        "boost_times": ("中奖概率×{factor}", "odds ×{factor}"),
    }
    managed_rule_settings = {"share-bonus": ("share_kind", "share_bonus", "shares_per_day")}
    managed_limit_settings = {"shares_rewarded_per_day": "shares_per_day"}

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 活动期间每人获赠3把金铲子,每天登录再得1把银铲子。\n"
            "2. 分享活动链接可再得铲子,每次所得与每天次数见挖宝区下方。\n"
            "3. 前三次挖宝必中好礼,每一铲都有收获。\n"
            "4. “疯狂一小时”期间大奖概率提升,时间见挖宝区下方。"
        )
        bundle["chances"] = {
            "kinds": [
                {
                    "key": "gold",
                    "name": "金铲子",
                    "name_en": "Gold shovel",
                    "initial": 3,
                    "daily": 0,
                },
                {
                    "key": "silver",
                    "name": "银铲子",
                    "name_en": "Silver shovel",
                    "initial": 0,
                    "daily": 1,
                },
            ],
            "default_kind": "gold",
        }
        bundle["schedule"]["windows"] = [
            {
                "id": "crazy_hour",
                "name": "疯狂一小时",
                "weekly": {"days": ["fri"], "start": "20:00", "end": "21:00"},
            }
        ]
        bundle["prizes"] = [
            defaults.prize(
                "gold_bar",
                "金条(10g)",
                "Gold bar (10 g)",
                1,
                3,
                4500.0,
                {"kind": "physical"},
                per_person_limit=1,
                chance_kinds=["gold"],
            ),
            defaults.prize(
                "epay_coupon",
                "20元支付立减券",
                "¥20 payment coupon",
                20,
                3000,
                20.0,
                {
                    "kind": "coupon_code",
                    "pool": "epay-20",
                    "valid_days": 30,
                    "message": "立减券已到账",
                },
            ),
            defaults.prize(
                "packet",
                "现金红包",
                "Cash red packet",
                25,
                5000,
                2.0,
                {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 6.66},
            ),
            defaults.prize(
                "points", "100积分", "100 points", 30, None, 1.0, {"kind": "points", "amount": 100}
            ),
            defaults.consolation("treasure_map", "藏宝图碎片", "Treasure-map piece", 40),
        ]
        bundle["odds"].update(
            guaranteed_first=3,
            boosts=[{"window": "crazy_hour", "prizes": ["gold_bar", "epay_coupon"], "factor": 2.0}],
        )
        bundle["rules"] = []

    def rules_from_settings(self, config: dict) -> list[dict]:
        return [
            defaults.share_rule(
                config["share_kind"], config["share_bonus"], config["shares_per_day"]
            )
        ]


WIDGET = TreasureDig()
