"""Flask's JSON provider with strict parsing (rules.json_text): `request.get_json()` refuses
NaN/Infinity, duplicate keys and documents nested deeper than MAX_JSON_DEPTH, with a 400,
instead of reading `inf`, keeping the last key, or failing with a RecursionError (a 500)."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class StrictJSONProvider(DefaultJSONProvider):
    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        from rules.json_text import loads

        return loads(s)
