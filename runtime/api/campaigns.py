"""Campaign endpoints: public view, join, draw, share, referrals, check-in, votes, leads."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import UnprocessableEntity

from runtime import activities, draw, loader, participation
from runtime.activity_state import vote_counts
from runtime.api import schemas as s
from runtime.api.common import (
    BEARER,
    IDEMPOTENCY_HEADER,
    draw_write,
    participant_write,
    principal,
)
from runtime.api.draw_endpoint import answer_response, draw_body, served_by
from runtime.api.limits import counted_by_view, pending_hit, rate_limited
from runtime.api.parsing import ApiBlueprint
from runtime.api.problems import handle_unprocessable

blp = ApiBlueprint("api_campaigns", __name__, url_prefix="/api/v1", description="Campaigns")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "participant", "ip")
WRITE_DOC = {"security": BEARER, "parameters": [IDEMPOTENCY_HEADER]}


def public_view(slug: str) -> dict:
    ref, live = loader.load(slug)
    bundle = live.bundle
    return {
        "slug": slug,
        "name": bundle["name"],
        "name_en": bundle.get("name_en"),
        "description": bundle["description"],
        "status": ref.status,
        "version": live.version_number,
        "widget": bundle["widget"],
        "schedule": bundle["schedule"],
        "chance_kinds": [
            {"key": k["key"], "name": k["name"], "name_en": k.get("name_en")}
            for k in bundle["chances"]["kinds"]
        ],
        "prizes": [draw.public_prize(live, key) for key in live.prizes],
        "vote_counts": vote_counts(live),
    }


@blp.route("/campaigns/<slug>", methods=["GET"])
@blp.response(200, s.CampaignPublic)
def get_campaign(slug: str):
    """Public view of a published campaign (no token needed)."""
    return public_view(slug)


@blp.route("/campaigns/<slug>/join", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.arguments(s.JoinBody())
@blp.response(200, s.JoinResult)
def join(body: dict, slug: str):
    """Join; audience and join rules run; 403 not_eligible with the marketer's message."""
    ref, live = loader.load(slug)
    return participation.join(ref, live, principal(), body.get("referral_code"))


@counted_by_view("api_campaigns.draw_view")
@draw_write
def lean_draw(slug: str):
    """The draw as served (runtime.api.draw_endpoint): the body read and the answer encoded
    without smorest's per-request schema machinery, to the same contract."""
    body = draw_body()
    ref, live = loader.load(slug)
    environ = request.environ
    answer = draw.run_draw(
        ref,
        live,
        principal(),
        body.get("chance_kind"),
        environ.get("studio.idempotency_key"),
        request_hash=environ.get("studio.request_hash"),
        rate_hit=pending_hit(),
    )
    return answer_response(live, answer)


@blp.route("/campaigns/<slug>/draw", methods=["POST"])
@served_by(lean_draw)
@blp.doc(**WRITE_DOC)
@draw_write
@blp.arguments(s.DrawBody())
@blp.response(200, s.DrawResult)
def draw_view(body: dict, slug: str):
    """Draw once with a chance of `chance_kind` (default kind if omitted)."""
    raise AssertionError("documentation only: lean_draw serves the draw")


@blp.route("/campaigns/<slug>/share", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.arguments(s.ShareBody())
@blp.response(200, s.ActivityResult)
def share(body: dict, slug: str):
    """Record a share (counted once per share channel per day); bonuses per rules, capped."""
    ref, live = loader.load(slug)
    return activities.share(ref, live, principal(), body["share_channel"])


@blp.route("/campaigns/<slug>/referrals", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.arguments(s.ReferralBody())
@blp.response(200, s.ReferralResult)
def referrals(body: dict, slug: str):
    """Accept an invitation code (invitee side); the inviter's bonus follows once."""
    ref, live = loader.load(slug)
    return participation.accept_referral(ref, live, principal(), body["code"])


@blp.route("/campaigns/<slug>/check-in", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.response(200, s.ActivityResult)
def check_in(slug: str):
    """Daily check-in in the campaign's time zone; streak and rewards per rules."""
    ref, live = loader.load(slug)
    return activities.check_in(ref, live, principal())


@blp.route("/campaigns/<slug>/votes", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.arguments(s.VoteBody())
@blp.response(200, s.ActivityResult)
def vote(body: dict, slug: str):
    """Vote for a candidate of the widget (one per candidate per day unless configured)."""
    ref, live = loader.load(slug)
    return activities.vote(ref, live, principal(), body["candidate"])


@blp.route("/campaigns/<slug>/leads", methods=["POST"])
@blp.doc(**WRITE_DOC)
@participant_write
@blp.arguments(s.LeadBody())
@blp.response(201, s.LeadResult)
def lead(body: dict, slug: str):
    """Submit a lead form with consent flags."""
    ref, live = loader.load(slug)
    return activities.lead(ref, live, principal(), body)
