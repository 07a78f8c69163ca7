"""The draw endpoint's lean request and answer handling (the hottest path of the API).

flask-smorest documents the draw from the same declarations as every other endpoint
(`@blp.arguments(DrawBody)`, `@blp.response(200, DrawResult)`: the OpenAPI document does not
change), but at run time its wrappers (webargs' parser pipeline, the schema dump of the
answer, jsonify) cost more CPU than the draw's own Python work. `served_by(view)` keeps the
documented function's docs and serves `view` instead, which:

* reads the body as runtime.api.parsing does (415 for a body that is not JSON, 400 for JSON
  rules.json_text refuses, an empty body means no fields) and validates it with the same
  DrawBody schema (a 422 webargs would raise, answered by handle_unprocessable);
* encodes the answer with `AnswerEncoder`: each prize's public view is dumped through the
  PrizePublic schema and serialised ONCE per version, the rest is a few typed fields; the
  bytes are those DrawResult + the app's JSON provider give (tests/runtime/
  test_draw_endpoint.py compares them).
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, request
from marshmallow import ValidationError
from webargs import core as webargs_core
from webargs.flaskparser import is_json_request
from werkzeug.exceptions import UnprocessableEntity

from rules import json_text
from runtime.api import schemas as s
from runtime.api.parsing import StrictJsonParser

_BODY = s.DrawBody()
_PRIZE = s.PrizePublic()
_PARSER = StrictJsonParser()


def _text(value: Any) -> str:
    """JSON text as the app's provider writes it: sorted keys, compact, UTF-8 kept."""
    return json_text.dumps(value, sort_keys=True)


def draw_body() -> dict[str, Any]:
    """The request body as DrawBody loads it; 400/415/422 problems as the documented
    parser gives them."""
    raw = request.get_data(cache=True)
    if not raw or (raw == b"{}" and is_json_request(request)):
        return {}  # what the parser and DrawBody make of the two bodies most draws send
    data = _PARSER._raw_load_json(request)
    try:
        return _BODY.load({} if data is webargs_core.missing else data)
    except ValidationError as exc:  # answered by runtime.api.problems.handle_unprocessable
        error = UnprocessableEntity()
        error.data = {"messages": {"json": exc.messages}}
        raise error from None


class AnswerEncoder:
    """Draw answers of one version (runtime.draw's dict) as the JSON bytes DrawResult would
    give; `public` is the version's prize views (runtime.draw_plan), dumped once."""

    def __init__(self, public: dict[str, dict[str, Any]]) -> None:
        self._public = public
        self._prizes = {key: _text(_PRIZE.dump(view)) for key, view in public.items()}

    def prize(self, public: dict[str, Any] | None) -> str:
        if public is None:
            return "null"
        key = public.get("key")
        if self._public.get(key) is public:
            return self._prizes[key]
        return _text(_PRIZE.dump(public))  # a replayed answer's view, read from its evidence

    def encode(self, answer: dict[str, Any]) -> bytes:
        reward = answer["reward"]
        if reward is not None:
            reward = {
                "id": int(reward["id"]),
                "kind": str(reward["kind"]),
                "status": str(reward["status"]),
                **({"amount": float(reward["amount"])} if "amount" in reward else {}),
            }
        chances = answer.get("chances_left")
        if chances is not None:
            chances = {str(k): int(v) for k, v in chances.items()}
        parts = [
            *([f'"chances_left":{_text(chances)}'] if "chances_left" in answer else []),
            f'"consolation":{_text(bool(answer["consolation"]))}',
            f'"draw_id":{int(answer["draw_id"])}',
            *(
                [f'"messages":{_text([str(m) for m in answer["messages"]])}']
                if "messages" in answer
                else []
            ),
            f'"prize":{self.prize(answer["prize"])}',
            *([f'"replayed":{_text(bool(answer["replayed"]))}'] if "replayed" in answer else []),
            f'"reward":{_text(reward)}',
            f'"won":{_text(bool(answer["won"]))}',
        ]
        return ("{" + ",".join(parts) + "}\n").encode()


def answer_encoder(live) -> AnswerEncoder:
    """The version's encoder, made on its first draw (runtime.loader.LiveVersion.memo)."""
    from runtime.draw_plan import draw_plan

    found = live.memo.get("answer_encoder")
    if found is None:
        found = live.memo["answer_encoder"] = AnswerEncoder(draw_plan(live).public)
    return found


def answer_response(live, answer: dict[str, Any]) -> Response:
    return Response(answer_encoder(live).encode(answer), 200, mimetype="application/json")


def served_by(view):
    """Decorator: the documented function (its `_apidoc` and docstring, which flask-smorest
    reads when the route is registered) served by `view` at run time."""

    def decorator(documented):
        @functools.wraps(documented)
        def serve(*args, **kwargs):
            return view(*args, **kwargs)

        return serve

    return decorator
