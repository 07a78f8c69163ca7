"""邀请好友 (seeds 000/004): a personal link and code, progress to inviter rewards, a lead form."""

from __future__ import annotations

from typing import Any

from widgets import defaults, forms
from widgets.base import Widget
from widgets.lead import lead_offer


class InviteConfig(forms.PageSchema):
    goal = forms.integer(
        "邀请目标人数", "Friends to invite for the gift", 3, minimum=1, maximum=100
    )
    goal_prize = forms.text(
        "达标奖品编号",
        "Prize key for reaching the goal",
        "mgm_gift",
        max_length=64,
        refers_to="prize",
        help_zh="填写奖品编号",
        help_en="A prize key",
    )
    lead_form = forms.boolean("显示意向登记表", "Show the lead form", True)
    lead_title = forms.text(
        "意向表标题", "Lead form title", "预约开户,专属客户经理联系您", max_length=40
    )
    ask_city = forms.boolean("询问所在城市", "Ask for the city", True)
    consent_text = forms.text(
        "授权说明",
        "Consent text",
        "银行客户经理就本活动与您联系",
        max_length=120,
        help_zh="勾选框显示为“我已阅读并同意”加此说明",
        help_en="The box reads “I have read and agree:” followed by this text",
    )


class Invite(Widget):
    type = "invite"
    name_zh = "邀请好友"
    name_en = "Invite a friend"
    description_zh = "专属邀请链接与邀请码,邀请进度与奖励,潜客意向登记。"
    description_en = "Personal invitation link and code, progress to rewards, a lead form."
    icon = "🤝"
    config_schema = InviteConfig
    actions = ("share", "referral", "lead", "draw")
    texts = {
        "my_code": ("我的邀请码", "My invitation code"),
        "copy_link": ("复制邀请链接", "Copy invitation link"),
        "invite_now": ("立即邀请", "Invite now"),
        "progress": ("邀请进度", "Progress"),
        "invited": ("已邀请", "Invited"),
        "goal_reached": ("已达成目标,奖品发放中", "Goal reached — your gift is on its way"),
        "draw_now": ("抽奖", "Draw"),
        "goal_earns": ("邀请{goal}位好友得{prize}", "Invite {goal} friends to get {prize}"),
    }
    managed_rule_settings = {"invite-goal": ("goal", "goal_prize")}
    parts = ("lead",)

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 分享您的专属链接或邀请码,好友通过链接参加即为邀请成功。\n"
            "2. 每成功邀请1位好友,您获得1次抽奖机会。\n"
            "3. 累计邀请达到目标人数(见邀请进度),额外获得精美礼品一份。\n"
            "4. 同一好友仅可被邀请一次,不可邀请自己。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=0, daily=0, key="invite", name="邀请抽奖", name_en="Invite draw"
        )
        bundle["prizes"] = [
            defaults.prize(
                config["goal_prize"],
                "邀请达人礼盒",
                "Inviter gift box",
                0,
                500,
                99.0,
                {"kind": "physical"},
                per_person_limit=1,
            ),
            *defaults.standard_prizes(),
        ]
        bundle["rules"] = [
            {
                "id": "invite-draw",
                "trigger": "referral",
                "conditions": None,
                "actions": [{"name": "grant_chances", "params": {"kind": "invite", "count": 1}}],
            },
            {
                "id": "lead-tag",
                "trigger": "lead",
                "conditions": None,
                "actions": [{"name": "tag_participant", "params": {"tag": "lead"}}],
            },
        ]

    def page_data(self, bundle: dict[str, Any]) -> dict[str, Any]:
        data = super().page_data(bundle)
        config = data["config"]
        data["lead"] = (
            lead_offer(bundle, config["lead_title"], config["ask_city"], config["consent_text"])
            if config["lead_form"]
            else None
        )
        return data

    def rules_from_settings(self, config: dict) -> list[dict]:
        reached = {
            "all": [{"name": "referrals_total", "operator": "equal_to", "value": config["goal"]}]
        }
        return [
            {
                "id": "invite-goal",
                "trigger": "referral",
                "conditions": reached,
                "actions": [{"name": "issue_prize", "params": {"prize": config["goal_prize"]}}],
            }
        ]


WIDGET = Invite()
