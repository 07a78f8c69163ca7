"""What a participant page shows that comes from the bundle rather than the widget's settings:
the odds boosts ("crazy hour") with the time window they run in, worded in zh and en; the
pictures the marketer linked (a mall right's, a candidate's), only where they are safe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_ZH = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def image_url(value: Any) -> str | None:
    """`value` when it is an http(s) address or a relative one ("/img/a.png", "a.png"), else
    None: never `javascript:`, `data:` or another scheme, nor text with spaces, control
    characters or backslashes (which browsers strip or rewrite before reading the scheme)."""
    if not isinstance(value, str) or not value or len(value) > 2000:
        return None
    if any(ch <= " " or ch == "\\" or ch == "\x7f" for ch in value):
        return None
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in ("", "http", "https") else None


def describe_window(window: dict[str, Any], lang: str) -> str:
    """'每周五 20:00-21:00' / 'Every Fri 20:00-21:00'; monthly days and date ranges likewise."""
    zh = lang == "zh"
    if window.get("dates"):
        dates = window["dates"]
        start, end = (str(dates.get(k, "")).replace("T", " ")[:16] for k in ("from", "to"))
        return f"{start} 至 {end}" if zh else f"{start} to {end}"
    spec = window.get("weekly") or window.get("monthly") or {}
    hours = f"{spec.get('start', '00:00')}-{spec.get('end', '24:00')}"
    if window.get("weekly"):
        index = [WEEKDAYS.index(d) for d in spec.get("days", []) if d in WEEKDAYS]
        if zh:
            return "每周" + "、".join(WEEKDAY_ZH[i] for i in index) + f" {hours}"
        return "Every " + ", ".join(WEEKDAY_EN[i] for i in index) + f" {hours}"
    days = [str(d) for d in spec.get("days", [])]
    if zh:
        return "每月" + "、".join(days) + f"日 {hours}"
    return "Day " + ", ".join(days) + f" of each month {hours}"


def boosts(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The odds boosts a page may advertise: the window's name and times, the factor and the
    names of the prizes it boosts (never weights or stock)."""
    windows = {
        w.get("id"): w
        for w in (bundle.get("schedule") or {}).get("windows") or []
        if isinstance(w, dict)
    }
    prizes = {p.get("key"): p for p in bundle.get("prizes") or [] if isinstance(p, dict)}
    out = []
    for boost in (bundle.get("odds") or {}).get("boosts") or []:
        window = windows.get(boost.get("window"))
        if window is None:
            continue
        out.append(
            {
                "window": window["id"],
                "name": window.get("name") or window["id"],
                "when_zh": describe_window(window, "zh"),
                "when_en": describe_window(window, "en"),
                "factor": f"{boost.get('factor', 1):g}",
                "prizes": [key for key in boost.get("prizes") or [] if key in prizes],
                "prize_names_zh": "、".join(
                    prizes[key].get("name") or key
                    for key in boost.get("prizes") or []
                    if key in prizes
                ),
                "prize_names_en": ", ".join(
                    prizes[key].get("name_en") or prizes[key].get("name") or key
                    for key in boost.get("prizes") or []
                    if key in prizes
                ),
            }
        )
    return out
