"""Nearest branches by great-circle (haversine) distance."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import Branch
from runtime.reads import reading

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearby(lat: float, lon: float, limit: int = 5) -> list[dict[str, Any]]:
    with reading():
        rows = db.session.scalars(
            select(Branch).where(Branch.latitude.is_not(None), Branch.longitude.is_not(None))
        ).all()
        found = [
            {
                "code": b.code,
                "name": b.name,
                "name_en": b.name_en,
                "city": b.city,
                "address": b.address,
                "latitude": b.latitude,
                "longitude": b.longitude,
                "distance_km": round(haversine_km(lat, lon, b.latitude, b.longitude), 3),
            }
            for b in rows
        ]
    found.sort(key=lambda item: item["distance_km"])
    return found[:limit]
