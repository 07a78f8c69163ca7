"""投票 (seed 000): candidates with pictures and live counts, a daily vote limit, one vote per
candidate a day (or ever). A campaign whose rules grant draws (votes earn a lucky draw) or pay
for a lead (留下联系方式送积分) gets the draw button and the lead form on its page."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, validates_schema

from widgets import forms
from widgets.base import Widget
from widgets.lead import lead_offer, pays_for_leads

SAMPLE_CANDIDATES = [
    {
        "id": "c1",
        "name": "王阿姨广场舞队",
        "name_en": "Auntie Wang's dance team",
        "description": "社区里最有活力的舞蹈队",
        "image": "",
    },
    {
        "id": "c2",
        "name": "李师傅",
        "name_en": "Master Li",
        "description": "二十年义务修车",
        "image": "",
    },
    {
        "id": "c3",
        "name": "小区合唱团",
        "name_en": "Community choir",
        "description": "每周六晚上的歌声",
        "image": "",
    },
    {
        "id": "c4",
        "name": "张老师",
        "name_en": "Teacher Zhang",
        "description": "周末免费辅导作业",
        "image": "",
    },
]


class CandidateSchema(Schema):
    class Meta:
        unknown = "raise"

    id = forms.text(
        "编号",
        "Key",
        "",
        max_length=64,
        help_zh="字母或数字,投票时使用",
        help_en="Letters or digits; what a vote names",
    )
    name = forms.text("名称", "Name", "", max_length=40)
    name_en = forms.text("英文名称", "Name (English)", "", max_length=60)
    description = forms.text("介绍", "Description", "", max_length=120)
    image = forms.text(
        "图片地址",
        "Picture URL",
        "",
        max_length=300,
        help_zh="留空则显示名字首字",
        help_en="Empty: the name's initial",
    )


class VoteConfig(forms.PageSchema):
    candidates = forms.object_list(
        CandidateSchema, "候选人", "Candidates", SAMPLE_CANDIDATES, min_items=2, max_items=100
    )
    votes_per_day = forms.integer(
        "每人每日票数", "Votes per person per day", 3, minimum=1, maximum=100
    )
    vote_period = forms.text(
        "同一候选人可投",
        "Same candidate again",
        "day",
        choices=("day", "once"),
        widget="select",
        choice_labels={"day": ("每天一次", "Once a day"), "once": ("活动期间一次", "Once only")},
    )
    show_counts = forms.boolean("显示实时票数", "Show live counts", True)

    @validates_schema
    def keys_unique(self, data: dict, **kwargs) -> None:
        from marshmallow import ValidationError

        keys = [c.get("id") for c in data.get("candidates", [])]
        if any(not k for k in keys):
            raise ValidationError("Every candidate needs a key.", "candidates")
        if len(set(keys)) != len(keys):
            raise ValidationError("Candidate keys must be unique.", "candidates")


class Vote(Widget):
    type = "vote"
    name_zh = "投票评选"
    name_en = "Vote contest"
    description_zh = "候选人展示与实时票数,每人每日限定票数。"
    description_en = "Candidates with live vote counts and a daily vote limit per person."
    icon = "🗳️"
    config_schema = VoteConfig
    actions = ("vote", "share")
    texts = {
        "vote": ("投票", "Vote"),
        "votes": ("票", "votes"),
        "votes_left": ("今日剩余票数", "Votes left today"),
        "voted": ("投票成功", "Vote counted"),
        "per_candidate_day": (
            "每人每天{n}票,每位候选人每天限投1票",
            "{n} votes a day, one per candidate a day",
        ),
        "per_candidate_once": (
            "每人每天{n}票,每位候选人限投1票",
            "{n} votes a day, one per candidate in all",
        ),
        "all_voted_day": (
            "今天已为全部候选人投票,明天再来吧",
            "You have voted for every candidate today; come back tomorrow",
        ),
        "all_voted_once": ("您已为全部候选人投票", "You have voted for every candidate"),
    }
    managed_rule_settings = {"daily-vote-limit": ("votes_per_day",)}
    parts = ("lead",)

    def customize_bundle(self, bundle, config) -> None:
        bundle["description"] = (
            "1. 每人每天的票数见页面上方“今日剩余票数”,可投给不同候选人。\n"
            "2. 票数实时更新,严禁刷票,违规票数将被清除。\n"
            "3. 活动结束后按票数评选前三名。"
        )
        bundle["chances"] = {"kinds": [], "default_kind": None}
        bundle["prizes"] = []
        bundle["odds"]["exhausted"] = "remove"
        bundle["rules"] = []

    def page_data(self, bundle: dict[str, Any]) -> dict[str, Any]:
        data = super().page_data(bundle)
        # votes draw nothing themselves: a campaign with prizes draws its default kind, which
        # its rules grant (e.g. one lucky draw a vote)
        kinds = {k["key"] for k in data["chance_kinds"]}
        has_draw = data["prizes"] and data["default_kind"] in kinds
        data["draw_kind"] = data["default_kind"] if has_draw else None
        data["lead"] = lead_offer(bundle) if pays_for_leads(bundle) else None
        return data

    def rules_from_settings(self, config: dict) -> list[dict]:
        used_up = {
            "all": [
                {
                    "name": "votes_today",
                    "operator": "greater_than_or_equal_to",
                    "value": config["votes_per_day"],
                }
            ]
        }
        refuse = {"name": "deny", "params": {"message": "今日投票次数已用完,明天再来吧"}}
        return [
            {
                "id": "daily-vote-limit",
                "trigger": "vote",
                "conditions": used_up,
                "actions": [refuse],
            }
        ]

    def preview_state(self, bundle):
        state = super().preview_state(bundle)
        state["counts"] = {
            c["id"]: 1200 - 173 * i for i, c in enumerate(bundle["widget"]["config"]["candidates"])
        }
        return state


WIDGET = Vote()
