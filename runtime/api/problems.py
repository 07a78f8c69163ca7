"""Request validation errors (webargs 422) as problem+json with a list of {path, message}."""

from __future__ import annotations

from werkzeug.exceptions import UnprocessableEntity

from core.errors import problem_response


def flatten_messages(messages, path: str = ""):
    """webargs/marshmallow messages -> [{path, message}]."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "headers", "_schema") and not path:
                yield from flatten_messages(value, "")
            else:
                yield from flatten_messages(value, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield {"path": path, "message": message}
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten_messages(message, path)
    else:
        yield {"path": path, "message": str(messages)}


def handle_unprocessable(exc: UnprocessableEntity):
    messages = (getattr(exc, "data", None) or {}).get("messages", {})
    errors = list(flatten_messages(messages)) or [{"path": "", "message": "Invalid request."}]
    detail = "; ".join(f"{e['path'] or '(body)'}: {e['message']}" for e in errors[:5])
    return problem_response(422, "validation_error", detail, errors=errors)
