"""Nearest branches by coordinates (public)."""

from __future__ import annotations

from werkzeug.exceptions import UnprocessableEntity

from runtime.api import schemas as s
from runtime.api.limits import rate_limited
from runtime.api.parsing import ApiBlueprint
from runtime.api.problems import handle_unprocessable
from runtime.branches import nearby

blp = ApiBlueprint("api_branches", __name__, url_prefix="/api/v1", description="Branches")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "ip")


@blp.route("/branches/nearby", methods=["GET"])
@blp.arguments(s.NearbyQuery(), location="query")
@blp.response(200, s.BranchList)
def branches_nearby(query: dict):
    """Branches with coordinates, nearest first (haversine distance in km)."""
    return {"branches": nearby(query["lat"], query["lon"], query["limit"])}
