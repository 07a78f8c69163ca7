"""The points mall and the task centre: rights and what I may take, exchanges (idempotent,
in one transaction) and their history, and my tasks and badges."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from runtime import loader
from runtime.api import loyalty_schemas as s
from runtime.api.common import BEARER, IDEMPOTENCY_HEADER, participant_write, principal
from runtime.api.limits import rate_limited
from runtime.api.problems import handle_unprocessable
from runtime.loyalty import exchange as exchanges
from runtime.loyalty import history, progress

blp = Blueprint("api_loyalty", __name__, url_prefix="/api/v1", description="Mall and tasks")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "participant", "ip")


def _lang() -> str:
    return "en" if (request.accept_languages.best_match(["zh", "en"]) or "zh") == "en" else "zh"


@blp.route("/campaigns/<slug>/mall", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.MallState)
def mall(slug: str):
    """The mall's rights with stock left, my spendable points and what I may still take."""
    _, live = loader.load(slug)
    return history.mall_state(live, principal())


@blp.route("/campaigns/<slug>/exchanges", methods=["POST"])
@blp.doc(security=BEARER, parameters=[IDEMPOTENCY_HEADER])
@participant_write
@blp.arguments(s.ExchangeBody())
@blp.response(200, s.ExchangeView)
def exchange(body: dict, slug: str):
    """Spend points on a right (409 insufficient_points, sold_out or limit_reached)."""
    ref, live = loader.load(slug)
    environ = request.environ
    return exchanges.exchange(
        ref,
        live,
        principal(),
        body,
        environ.get("studio.idempotency_key"),
        request_hash=environ.get("studio.request_hash"),
    )


@blp.route("/campaigns/<slug>/exchanges", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.ExchangeList)
def my_exchanges(slug: str):
    """My exchanges, newest first, with each part's issuance progress and any refund."""
    _, live = loader.load(slug)
    return {"exchanges": history.my_exchanges(live, principal())}


@blp.route("/campaigns/<slug>/tasks", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, s.TaskState)
def tasks(slug: str):
    """Each task's state for me (done, or how far along) and the badges I hold."""
    _, live = loader.load(slug)
    return progress.task_state(live, principal(), _lang())
