"""RFC 9457 problem+json errors for /api, and no stack traces anywhere."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://campaign-studio.invalid/problems/"
GENERIC_CODES = {
    400: "bad_request",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "unavailable",
}
REDIS_RETRY_AFTER_SECONDS = 2  # the supervisor restarts a dead Redis within about this long
UNAVAILABLE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>暂时不可用 / Temporarily unavailable</title>"
    "<h1>服务暂时不可用 / Temporarily unavailable</h1>"
    "<p>系统正在自动恢复，请稍后刷新页面。</p>"
    "<p>The system is recovering by itself; please reload the page in a moment.</p>"
)


class ApiProblem(Exception):
    """Raise from service code to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, title: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("_", " ").capitalize()
        self.extra = extra


def problem_document(
    status: int, code: str, detail: str, title: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The RFC 9457 body (also written by gunicorn's error path, core/gunicorn_conf.py)."""
    return {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_response(status: int, code: str, detail: str, title: str | None = None, **extra: Any):
    body = problem_document(status, code, detail, title, **extra)
    if g.get("request_id"):
        body["request_id"] = g.request_id
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def html_error_page(status: int, description: str | None = None):
    """The error page of the part of the app the request is in (the studio registers one as
    `app.extensions["html_error_page"]`), or None for the plain answer."""
    render = current_app.extensions.get("html_error_page")
    if render is None:
        return None
    try:
        return render(status, description)
    except Exception:  # the error page itself failed: fall back to the plain answer
        logger.exception("error page %s failed on %s", status, request.path)
        return None


def _retry_after(exc: HTTPException) -> int | None:
    """A TooManyRequests' retry_after in seconds (runtime.api.limits sets one)."""
    value = getattr(exc, "retry_after", None)
    return value if isinstance(value, int) else None


def init_errors(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def handle_api_problem(exc: ApiProblem):
        response = problem_response(exc.status, exc.code, exc.detail, exc.title, **exc.extra)
        if isinstance(exc.extra.get("retry_after"), int):
            response.headers["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if not wants_problem_json():
            page = html_error_page(exc.code or 500, exc.description)
            return exc if page is None else page
        status = exc.code or 500
        code = GENERIC_CODES.get(status, "http_error")
        extra = {}
        wait = None
        if status == 429:
            wait = _retry_after(exc)
            extra["limit"] = exc.description
            if wait is not None:
                extra["retry_after"] = wait
            detail = "Too many requests; please wait a moment and try again."
        else:
            detail = exc.description or exc.name
        response = problem_response(status, code, detail, exc.name, **extra)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        if status == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    def handle_redis_away(exc: redis.RedisError):
        """Redis is down or restarting (loading its AOF): a dependency is away, not a bug."""
        logger.warning("redis unavailable on %s %s: %s", request.method, request.path, exc)
        if wants_problem_json():
            response = problem_response(
                503,
                "unavailable",
                "A service we depend on is restarting; please try again in a moment.",
                retry_after=REDIS_RETRY_AFTER_SECONDS,
            )
        else:
            response = app.response_class(UNAVAILABLE_PAGE, 503, mimetype="text/html")
        response.headers["Retry-After"] = str(REDIS_RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_problem_json():
            return problem_response(
                500, "internal_error", "Something went wrong on our side; please try again."
            )
        page = html_error_page(500)
        return page if page is not None else ("Internal server error / 服务器内部错误", 500)
