"""刮刮乐: the card is drawn by the server first; scratching the canvas reveals its result."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class ScratchCardConfig(forms.PageSchema):
    cover_text = forms.text("涂层文字", "Cover text", "刮开有惊喜", max_length=12)
    reveal_percent = forms.integer(
        "刮开比例(%)",
        "Reveal at (%)",
        45,
        minimum=20,
        maximum=90,
        help_zh="刮开面积达到该比例后自动揭晓",
        help_en="Reveal the whole card once this much is scratched",
    )


class ScratchCard(Widget):
    type = "scratch_card"
    name_zh = "刮刮乐"
    name_en = "Scratch card"
    description_zh = "手指刮开涂层揭晓结果,结果由服务器在刮开前确定。"
    description_en = "Scratch the coating to reveal a result the server decided beforehand."
    icon = "🎫"
    config_schema = ScratchCardConfig
    actions = ("draw", "share")
    texts = {
        "get_card": ("领一张刮刮卡", "Get a card"),
        "scratch_here": ("用手指刮开涂层", "Scratch with your finger"),
        "reveal_all": ("一键刮开", "Reveal all"),
        "next_card": ("再刮一张", "Next card"),
    }

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 每人每天1张刮刮卡,活动首日赠送2张。\n"
            "2. 分享给好友每天最多再得3张。\n"
            "3. 刮开即可查看结果,奖品自动发放。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=2, daily=1, name="刮刮卡", name_en="Scratch card"
        )
        bundle["prizes"] = defaults.standard_prizes()
        bundle["rules"] = [defaults.share_rule("normal")]


WIDGET = ScratchCard()
