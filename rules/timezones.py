"""The time zones a bundle may name: the IANA zones of the `tzdata` package.

One fixed list (not the host's /usr/share/zoneinfo) so a bundle valid on one machine is valid
on every machine, and the bundle JSON Schema can list the same names marshmallow accepts.
"""

from __future__ import annotations

import functools
from importlib.resources import files


@functools.cache
def time_zones() -> frozenset[str]:
    """Every zone name of the installed `tzdata` package (each one loads with ZoneInfo)."""
    return frozenset(files("tzdata").joinpath("zones").read_text(encoding="utf-8").split())
