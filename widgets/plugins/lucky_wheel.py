"""大转盘: segments from the prize table; the spin lands on the prize the server chose."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class LuckyWheelConfig(forms.PageSchema):
    spin_seconds = forms.integer("转动时长(秒)", "Spin time (seconds)", 4, minimum=2, maximum=8)
    button_text = forms.text(
        "按钮文字",
        "Button text",
        "",
        max_length=8,
        help_zh="留空则显示“抽奖”",
        help_en="Empty: “Spin”",
    )


class LuckyWheel(Widget):
    type = "lucky_wheel"
    name_zh = "大转盘"
    name_en = "Lucky wheel"
    description_zh = "经典转盘抽奖,扇区来自奖品表,转盘停在服务器抽中的奖品上。"
    description_en = "Classic prize wheel: one segment per prize; it stops on the server's pick."
    icon = "🎡"
    config_schema = LuckyWheelConfig
    actions = ("draw", "share")
    texts = {"spin": ("抽奖", "Spin"), "spinning": ("转动中…", "Spinning…")}

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 每位客户活动期间初始获得3次抽奖机会,每天再送1次。\n"
            "2. 分享活动给好友,每天最多额外获得3次机会。\n"
            "3. 奖品将在中奖后自动发放,可在“我的奖品”查看发放进度。"
        )
        bundle["chances"] = defaults.single_kind(initial=3, daily=1)
        bundle["prizes"] = defaults.standard_prizes()
        bundle["rules"] = [defaults.share_rule("normal")]


WIDGET = LuckyWheel()
