"""Every studio page, in Chinese and in English, as each role sees it, shows words: no message
id left untranslated in Chinese, and no internal key (`treasure_dig`, `sub_branch`,
`campaign.update_draft`, `schedule.windows[crazy_hour]...`) in the visible text. The walk
follows the app's URL map, so a new page is covered the day it is added."""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import url_for

from builder.approvals import decide, publish_approved, submit
from builder.drafts import new_draft, save_draft
from core.models import (
    CouponPool,
    Fulfilment,
    Membership,
    Participant,
    PointsRequest,
    Reward,
)
from tests.builder.studio import sign_in
from tests.builder.test_url_map import studio_rules
from tests.factories import make_branch, make_channel, make_hq, make_user

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "builder" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
# what the seed campaigns' marketers typed themselves (a tag), not keys of the software
DATA = {"epay_new"}
# a channel's key is what integrators type into their systems: shown as it is
DATA_PATTERN = re.compile(r"^ch_[0-9a-f]{16}$")
SKIP = {"studio_auth.logout", "studio_auth.set_language", "studio_auth.login"}
INTERNAL_KEYS = [
    re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # snake_case identifiers
    re.compile(r"\b(?:campaign|campaigns|user|users|branches|reward|points|coupons)\.[a-z_]+\b"),
    re.compile(r"\b\w+\[[\w-]+\](?:\.\w+)?"),  # JSON paths such as prizes[gold].weight
    re.compile(r"\{'|'\w+': "),  # Python reprs
]


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
HIDDEN_TAGS = {"script", "style", "template", "textarea"}  # a textarea holds what was typed


class VisibleText(HTMLParser):
    """The text a person reads: text nodes outside script, style and hidden elements (Flask-
    Admin keeps filter data and row templates in `d-none` blocks), and the placeholders and
    titles of controls. A textarea's content is what someone typed, not the studio's words."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self._stack: list[bool] = []  # per open element: hidden?

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        hidden = (
            tag in HIDDEN_TAGS
            or "d-none" in classes
            or "hidden" in values
            or "display:none" in (values.get("style") or "").replace(" ", "")
        )
        if not self.hidden:
            for name in ("placeholder", "title", "aria-label"):
                if values.get(name):
                    self.nodes.append(values[name].strip())
        if tag not in VOID:
            self._stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in VOID and self._stack:
            self._stack.pop()

    @property
    def hidden(self) -> bool:
        return any(self._stack)

    def handle_data(self, data):
        text = data.strip()
        if text and not self.hidden:
            self.nodes.append(html.unescape(text))


def visible(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return parser.nodes


def message_ids() -> set[str]:
    return {m.id for m in read_po(CATALOG.open("rb")) if m.id and re.search(r"[A-Za-z]{3}", m.id)}


@pytest.fixture
def world(db):
    """A bank with a three-level branch, a campaign live with a change under review, one sent
    back, rewards, a parcel, a points request, and audit rows of many kinds."""
    hq = make_hq()
    region = make_branch("SH001", parent=hq, approval_levels=2, name="上海分行", name_en="Shanghai")
    branch = make_branch(
        "SH001-01", level="sub_branch", parent=region, approval_levels=3, name="陆家嘴支行"
    )
    people = {
        "admin": make_user("admin", branch=hq, username="boss"),
        "marketer": make_user("marketer", branch=branch, username="mia"),
        "approver": make_user("approver", branch=branch, username="alan"),
        "region": make_user("approver", branch=region, username="rita"),
        "head": make_user("approver", branch=hq, username="hank"),
        "auditor": make_user("auditor", branch=hq, username="audrey"),
        "operator": make_user("operator", branch=hq, username="otto"),
    }
    campaign = new_draft(people["marketer"], "template:icbc_treasure_dig", "dig-words", "人脉挖宝")
    submit(campaign, people["marketer"])
    for who in ("approver", "region", "head"):
        decide(campaign, people[who], approve=True)
    version = publish_approved(campaign, people["head"])
    changed = copy.deepcopy(campaign.draft)
    changed["prizes"][1]["weight"] += 3
    changed["rules"][2]["conditions"]["all"][0]["value"] = 5
    changed["audience"]["conditions"] = {
        "all": [{"name": "age", "operator": "greater_than_or_equal_to", "value": 25}]
    }
    changed["schedule"]["windows"][0]["weekly"]["start"] = "19:00"
    save_draft(campaign, changed, people["marketer"])
    submit(campaign, people["marketer"])
    decide(campaign, people["approver"], approve=True)

    other = new_draft(people["marketer"], "template:qingdao_checkin", "checkin-words", "签到有礼")
    submit(other, people["marketer"])
    decide(other, people["approver"], approve=False, reason="奖品成本过高")

    channel, _ = make_channel("bank-app")
    customer = Participant(channel_id=channel.id, external_id="customer-1")
    db.session.add(customer)
    db.session.flush()
    db.session.add(
        Membership(campaign_id=campaign.id, participant_id=customer.id, referral_code="R1")
    )
    failed = Reward(
        source_key="words:reward",
        campaign_id=campaign.id,
        participant_id=customer.id,
        kind="coupon_code",
        prize_key="fuel_card",
        status="failed",
        attempts=8,
        payload={},
        last_error="partner timeout",
    )
    parcel = Reward(
        source_key="words:parcel",
        campaign_id=campaign.id,
        participant_id=customer.id,
        kind="physical",
        prize_key="car",
        status="issuing",
        payload={},
    )
    db.session.add_all([failed, parcel, CouponPool(key="fuel-100", name="加油卡100元")])
    db.session.flush()
    db.session.add(
        Fulfilment(
            reward_id=parcel.id,
            campaign_id=campaign.id,
            participant_id=customer.id,
            status="awaiting_address",
        )
    )
    held = PointsRequest(
        participant_id=customer.id,
        campaign_id=campaign.id,
        branch_id=branch.id,
        amount=9_000,
        note="big deposit",
        requested_by_id=people["operator"].id,
    )
    db.session.add(held)
    db.session.commit()
    return {
        "people": people,
        "args": {
            "campaign_id": campaign.id,
            "version_id": version.id,
            "reward_id": failed.id,
            "request_id": held.id,
        },
    }


def pages(app, world) -> list[str]:
    from builder.editor import SECTIONS

    urls = []
    for rule in studio_rules(app):
        if rule.endpoint in SKIP or "GET" not in rule.methods or "export_type" in rule.arguments:
            continue
        keys = [s.key for s in SECTIONS] + ["review"] if "key" in rule.arguments else [None]
        for key in keys:
            values = {arg: world["args"].get(arg, "1") for arg in rule.arguments}
            if key:
                values["key"] = key
            with app.test_request_context():
                urls.append(url_for(rule.endpoint, **values))
    return urls + ["/studio/campaigns/?flt1_0=live_change", "/studio/audit/?page=0"]


def leaks(text: str, ids: set[str], lang: str) -> list[str]:
    found = [
        m.group(0)
        for pattern in INTERNAL_KEYS
        for m in pattern.finditer(text)
        if m.group(0) not in DATA and not DATA_PATTERN.match(m.group(0))
    ]
    if lang == "zh" and (text in ids or any(text.startswith(i + ":") for i in ids)):
        found.append(f"untranslated: {text}")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_studio_page_shows_a_key_or_an_untranslated_message(app, db, world, lang):
    ids = message_ids()
    problems: dict[str, list[str]] = {}
    walked = 0
    for role in ("admin", "marketer", "region", "auditor", "operator"):
        client = app.test_client()
        sign_in(client, world["people"][role])
        client.get(f"/studio/language/{lang}")
        for url in pages(app, world):
            answer = client.get(url)
            if answer.status_code != 200 or answer.mimetype != "text/html":
                continue
            walked += 1
            for text in visible(answer.get_data(as_text=True)):
                found = leaks(text, ids, lang)
                if found:
                    problems.setdefault(f"{role} {url}", []).extend(found)
    assert walked > 60
    assert not problems, problems
