"""The participant API under /api/v1."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def init_api(app: Flask) -> None:
    app.register_blueprint(bp)
