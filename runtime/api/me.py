"""The participant's own state: per campaign, and rewards across campaigns."""

from __future__ import annotations

from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from core.extensions import limiter
from runtime import loader, state
from runtime.api import schemas as s
from runtime.api.common import BEARER, ip_limit, participant_limit, principal, rate_limit_key
from runtime.api.problems import handle_unprocessable

blp = Blueprint("api_me", __name__, url_prefix="/api/v1", description="My state")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
limiter.limit(participant_limit, key_func=rate_limit_key)(blp)
limiter.limit(ip_limit)(blp)


@blp.route("/campaigns/<slug>/me", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.MeState)
def campaign_me(slug: str):
    """Chances by kind, draws, wins, points, streak, referral code and share link."""
    ref, live = loader.load(slug)
    return state.campaign_state(live, principal())


@blp.route("/me/rewards", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.RewardList)
def my_rewards():
    """My rewards across campaigns with status and, once issued, redemption details."""
    return {"rewards": state.rewards(principal())}
