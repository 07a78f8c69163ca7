"""A bank for report tests: head office, Shanghai (with a sub-branch) and Beijing, staff in
each, campaigns owned by head office and by Shanghai, generated ledgers, rollups caught up."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Branch, Campaign, User
from runtime.rollups import catch_up
from runtime.rollups.states import refresh_reward_states
from tests.factories import make_branch, make_hq, make_user
from tests.issuance.factories import bundle, publish
from tests.runtime import rollup_data as data


@dataclass
class World:
    hq: Branch
    sh: Branch
    sh_sub: Branch
    bj: Branch
    hq_campaign: Campaign
    sh_campaign: Campaign
    users: dict[str, User]


def build(db) -> World:
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行", name_en="Shanghai")
    sh_sub = make_branch("SH001-01", level="sub_branch", parent=sh, name="陆家嘴支行")
    bj = make_branch("BJ001", parent=hq, name="北京分行", name_en="Beijing")
    window = {"starts_at": "2026-03-01T00:00:00", "ends_at": "2026-04-01T00:00:00"}
    hq_campaign = publish(bundle("hq-report", **window))
    sh_campaign = publish(bundle("sh-report", branch="SH001", **window))
    data.generate([hq_campaign, sh_campaign], people=36)
    catch_up(db.session)
    refresh_reward_states(db.session)
    users = {
        "hq_admin": make_user("admin", branch=hq, username="hq-admin"),
        "hq_marketer": make_user("marketer", branch=hq, username="hq-marketer"),
        "sh_marketer": make_user("marketer", branch=sh, username="sh-marketer"),
        "sh_auditor": make_user("auditor", branch=sh, username="sh-auditor"),
        "sh_approver": make_user("approver", branch=sh, username="sh-approver"),
        "bj_auditor": make_user("auditor", branch=bj, username="bj-auditor"),
    }
    return World(hq, sh, sh_sub, bj, hq_campaign, sh_campaign, users)
