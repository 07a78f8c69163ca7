"""九宫格: a running light circles the eight prize cells and stops on the server's result."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class NineGridConfig(forms.PageSchema):
    laps = forms.integer("跑灯圈数", "Laps before stopping", 3, minimum=1, maximum=6)
    button_text = forms.text(
        "按钮文字",
        "Button text",
        "",
        max_length=6,
        help_zh="留空则显示“抽奖”",
        help_en="Empty: “Go”",
    )


class NineGrid(Widget):
    type = "nine_grid"
    name_zh = "九宫格"
    name_en = "Nine-grid"
    description_zh = "八个奖品格围绕中心按钮,跑马灯停在服务器抽中的奖品上。"
    description_en = "Eight prize cells around a button; the light stops on the server's pick."
    icon = "🔲"
    config_schema = NineGridConfig
    actions = ("draw", "share")
    texts = {"go": ("抽奖", "Go")}

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 活动期间每人初始3次抽奖机会,每天再送1次。\n"
            "2. 前1次抽奖必中实物或虚拟奖品。\n"
            "3. 奖品以“我的奖品”中的发放状态为准。"
        )
        bundle["chances"] = defaults.single_kind(initial=3, daily=1)
        bundle["prizes"] = defaults.standard_prizes()
        bundle["odds"]["guaranteed_first"] = 1
        bundle["rules"] = [defaults.share_rule("normal")]


WIDGET = NineGrid()
