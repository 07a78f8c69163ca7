"""The participant's own state: per campaign, and rewards across campaigns."""

from __future__ import annotations

from werkzeug.exceptions import UnprocessableEntity

from runtime import loader, state
from runtime.activity_state import activity_state, empty_activity_state
from runtime.api import schemas as s
from runtime.api.common import BEARER, principal
from runtime.api.limits import rate_limited
from runtime.api.parsing import ApiBlueprint
from runtime.api.problems import handle_unprocessable
from runtime.members import find_participant

blp = ApiBlueprint("api_me", __name__, url_prefix="/api/v1", description="My state")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "participant", "ip")


@blp.route("/campaigns/<slug>/me", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.MeState)
def campaign_me(slug: str):
    """Chances by kind, draws, wins, points, streak, referral code and share link."""
    ref, live = loader.load(slug)
    caller = principal()
    body = state.campaign_state(live, caller)
    participant_id = find_participant(caller) if body["joined"] else None
    extra = activity_state(live, participant_id) if participant_id else empty_activity_state()
    return {**body, **extra}


@blp.route("/me/rewards", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.RewardList)
def my_rewards():
    """My rewards across campaigns with status and, once issued, redemption details."""
    return {"rewards": state.rewards(principal())}
