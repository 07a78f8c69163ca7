"""What a bundle refers to in the bank's own data, checked whenever a draft is saved or
published: the audience library's whitelists and segments (`audience.whitelist_ref`,
`audience.segment_ref`) and the rights library item a prize was filled from (`prizes[].right`).

A reference must name something that exists and that the campaign's branch may use: its own
or one of its ancestors' (head office's lists and rights serve the whole bank). A list
reference without a version is pinned to the list's latest upload, so the draft an approver
reads and the version that goes live name exactly the ids they admit (docs/bundle.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, true

from core.extensions import db
from core.models import AudienceList, AudienceListVersion, Branch, Right
from core.scope import ancestors

# bundle field -> the kind of list it names
LIST_REFS: dict[str, str] = {"whitelist_ref": "whitelist", "segment_ref": "segment"}
KIND_WORDS = {"whitelist": ("whitelist", "白名单"), "segment": ("segment", "客群标签")}


def list_refs(bundle: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(field, reference) for each list the bundle's audience names."""
    audience = bundle.get("audience") if isinstance(bundle.get("audience"), dict) else {}
    return [
        (field, ref)
        for field in LIST_REFS
        if isinstance(ref := audience.get(field), dict) and isinstance(ref.get("name"), str)
    ]


def usable_branches(branch_id: int) -> set[int]:
    """The branches whose lists and rights a campaign of `branch_id` may use."""
    return {branch_id, *ancestors(branch_id)}


def latest_numbers(list_ids: list[int]) -> dict[int, int]:
    """list id -> its latest version number (lists without an upload are absent)."""
    if not list_ids:
        return {}
    rows = db.session.execute(
        select(AudienceListVersion.list_id, func.max(AudienceListVersion.number))
        .where(AudienceListVersion.list_id.in_(list_ids))
        .group_by(AudienceListVersion.list_id)
    )
    return dict(rows.all())


def pin_list_versions(bundle: dict[str, Any]) -> None:
    """Fill each list reference's missing version with the list's latest (in place)."""
    refs = [(f, r) for f, r in list_refs(bundle) if r.get("version") is None]
    if not refs:
        return
    lists = {
        row.name: row.id
        for row in db.session.scalars(
            select(AudienceList).where(AudienceList.name.in_([r["name"] for _, r in refs]))
        )
    }
    latest = latest_numbers(list(lists.values()))
    for _field, ref in refs:
        number = latest.get(lists.get(ref["name"], -1))
        if number is not None:
            ref["version"] = number


def _problem(path: str, code: str, message: str, message_zh: str) -> dict[str, Any]:
    return {"path": path, "code": code, "message": message, "message_zh": message_zh}


def reference_problems(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Every reference of `bundle` that names nothing usable, as problems with paths."""
    refs = list_refs(bundle)
    prizes = bundle.get("prizes") if isinstance(bundle.get("prizes"), list) else []
    rights = [
        (i, p["right"])
        for i, p in enumerate(prizes)
        if isinstance(p, dict) and isinstance(p.get("right"), str)
    ]
    if not refs and not rights:
        return []
    branch_id = db.session.scalar(select(Branch.id).where(Branch.code == bundle.get("branch")))
    if branch_id is None:
        return []  # the unknown branch is reported on its own
    usable = usable_branches(branch_id)
    return _list_problems(refs, usable) + _right_problems(rights, usable)


def _list_problems(refs: list[tuple[str, dict[str, Any]]], usable: set[int]) -> list[dict]:
    problems = []
    for field, ref in refs:
        path, name, kind = f"audience.{field}", ref["name"], LIST_REFS[field]
        word, word_zh = KIND_WORDS[kind]
        found = db.session.scalar(select(AudienceList).where(AudienceList.name == name))
        if found is None or found.kind != kind or found.branch_id not in usable:
            problems.append(
                _problem(
                    f"{path}.name",
                    "unknown_audience_list",
                    f"No {word} named '{name}' that this campaign's branch may use; upload it "
                    "in the audience library first.",
                    f"没有本活动所属机构可用的{word_zh}“{name}”,请先在名单库上传。",
                )
            )
            continue
        version = ref.get("version")
        exists = db.session.scalar(
            select(AudienceListVersion.id).where(
                AudienceListVersion.list_id == found.id,
                (AudienceListVersion.number == version) if version else true(),
            )
        )
        if exists is None:
            problems.append(
                _problem(
                    f"{path}.version",
                    "unknown_list_version",
                    f"The {word} '{name}' has no version {version}."
                    if version
                    else f"The {word} '{name}' has no upload yet.",
                    f"{word_zh}“{name}”没有第 {version} 版。"
                    if version
                    else f"{word_zh}“{name}”尚未上传名单。",
                )
            )
    return problems


def _right_problems(rights: list[tuple[int, str]], usable: set[int]) -> list[dict]:
    keys = {key for _, key in rights}
    found = dict(
        db.session.execute(select(Right.key, Right.branch_id).where(Right.key.in_(keys))).all()
    )
    return [
        _problem(
            f"prizes[{index}].right",
            "unknown_right",
            f"No right '{key}' in the rights library that this campaign's branch may use.",
            f"权益库中没有本活动所属机构可用的权益“{key}”。",
        )
        for index, key in rights
        if found.get(key) not in usable
    ]
