"""Creating branches outside the studio (the `studio branch create` command): the head office
of an empty database, then the branches below it, each with optional coordinates so the
participant API's "nearby branches" finds it. Validation names the option at fault."""

from __future__ import annotations

import re

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import Branch

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# the level a branch takes below a parent of each level
CHILD_LEVEL = {"hq": "branch", "branch": "sub_branch", "sub_branch": "sub_branch"}


class BranchError(ValueError):
    """Bad input for a branch; the message starts with the option at fault."""


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """Both or neither, each in range (the database CHECKs say the same)."""
    if (latitude is None) != (longitude is None):
        missing = "--lon" if longitude is None else "--lat"
        raise BranchError(f"{missing}: give both latitude and longitude, or neither")
    if latitude is not None and not -90 <= latitude <= 90:
        raise BranchError(f"--lat: {latitude} is not a latitude (-90 to 90)")
    if longitude is not None and not -180 <= longitude <= 180:
        raise BranchError(f"--lon: {longitude} is not a longitude (-180 to 180)")


def create_branch(
    code: str,
    name: str,
    *,
    parent_code: str | None = None,
    head_office: bool = False,
    name_en: str | None = None,
    city: str | None = None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    approval_levels: int = 1,
) -> Branch:
    """The head office (no parent; only one) or a branch below an existing parent, its level
    following the parent's (head office -> branch -> sub-branch). Caller commits."""
    code, name = (code or "").strip(), (name or "").strip()
    if not CODE_PATTERN.match(code):
        raise BranchError("CODE: 1-32 letters, digits, '-' or '_'")
    if not name or len(name) > 120:
        raise BranchError("--name: 1-120 characters")
    if db.session.scalar(select(Branch.id).where(Branch.code == code)):
        raise BranchError(f"CODE: a branch {code!r} already exists")
    if not 1 <= approval_levels <= 5:
        raise BranchError("--approval-levels: 1 to 5")
    check_coordinates(latitude, longitude)
    root = db.session.scalar(select(Branch).where(Branch.parent_id.is_(None)))
    if head_office:
        if parent_code:
            raise BranchError("--parent: the head office has no parent")
        if root is not None:
            raise BranchError(f"--hq: the head office exists already ({root.code})")
        parent, level = None, "hq"
    else:
        if not parent_code:
            raise BranchError("--parent: give the parent's code (or --hq for the head office)")
        parent = db.session.scalar(select(Branch).where(Branch.code == parent_code))
        if parent is None:
            raise BranchError(f"--parent: no branch with code {parent_code!r}")
        level = CHILD_LEVEL[parent.level]
    branch = Branch(
        code=code,
        name=name,
        name_en=name_en or None,
        level=level,
        parent_id=parent.id if parent else None,
        city=city or None,
        address=address or None,
        latitude=latitude,
        longitude=longitude,
        approval_levels=approval_levels,
    )
    db.session.add(branch)
    db.session.flush()
    audit.record(
        "branch.create",
        "branch",
        branch.id,
        actor_label="cli",
        after={
            "code": code,
            "name": name,
            "level": level,
            "parent": parent_code,
            "latitude": latitude,
            "longitude": longitude,
            "approval_levels": approval_levels,
        },
    )
    return branch
