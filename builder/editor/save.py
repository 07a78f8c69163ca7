"""Saving one section: the form's own checks, then the whole bundle through `rules` and the
widget's schema; each problem lands next to its field, and nothing is saved while any remains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wtforms import Form

from builder.editor.base import EditContext, Section


@dataclass
class SaveResult:
    saved: bool
    bundle: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)  # every problem, with paths
    elsewhere: list[dict[str, Any]] = field(default_factory=list)  # not in this form


def keep_equal(new: Any, old: Any) -> Any:
    """`new` with values equal to `old`'s kept as they were (2 stays 2, not 2.0), so saving a
    form without changes leaves the draft, its hash and its approvals untouched."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: keep_equal(v, old[k]) if k in old else v for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [keep_equal(n, o) for n, o in zip(new, old, strict=True)]
    numbers = (int, float)
    if (
        isinstance(new, numbers)
        and isinstance(old, numbers)
        and not isinstance(new, bool)
        and not isinstance(old, bool)
        and new == old
    ):
        return old
    return new


def bundle_problems(bundle: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every problem saving `bundle` would meet, as {path, message} in the user's language."""
    from runtime.publishing import bundle_problems as problems_of

    return [
        {
            "path": p["path"],
            "message": p.get("message_zh")
            if lang == "zh" and p.get("message_zh")
            else p["message"],
        }
        for p in problems_of(bundle)
    ]


def place_problems(
    section: Section, form: Form, problems: list[dict[str, Any]], bundle: dict[str, Any]
) -> list[dict[str, Any]]:
    """Attach each problem to its field; return those this form has no field for."""
    elsewhere = []
    for problem in problems:
        name = section.field_for(problem["path"], bundle) if section.owns(problem["path"]) else None
        target = find_field(form, name) if name else None
        if target is None:
            elsewhere.append(problem)
            continue
        errors = list(target.errors) if isinstance(target.errors, list | tuple) else []
        if problem["message"] not in errors:
            errors.append(problem["message"])
        target.errors = errors
    return elsewhere


def find_field(form: Form, dashed_name: str):
    """A bound field by its full dashed name (`prizes-2-stock`), inside lists and sub-forms."""
    from wtforms.fields import FieldList, FormField

    for bound in form:
        if bound.name == dashed_name:
            return bound
        if dashed_name.startswith(bound.name + "-"):
            if isinstance(bound, FieldList):
                for entry in bound.entries:
                    if entry.name == dashed_name:
                        return entry
                    if dashed_name.startswith(entry.name + "-"):
                        found = (
                            find_field(entry.form, dashed_name)
                            if isinstance(entry, FormField)
                            else None
                        )
                        if found is not None:
                            return found
            elif isinstance(bound, FormField):
                found = find_field(bound.form, dashed_name)
                if found is not None:
                    return found
    return None


def save_section(section: Section, form: Form, ctx: EditContext, campaign, user) -> SaveResult:
    """Validate `form`, apply it to the draft and save it when the whole bundle is valid."""
    from builder.drafts import save_draft

    if not form.validate():
        return SaveResult(saved=False)
    bundle = keep_equal(section.updated_bundle(form, ctx), ctx.bundle)
    problems = bundle_problems(bundle, ctx.lang)
    problems += extra_problems(bundle, ctx)
    if problems:
        elsewhere = place_problems(section, form, problems, bundle)
        return SaveResult(saved=False, bundle=bundle, problems=problems, elsewhere=elsewhere)
    save_draft(campaign, bundle, user)
    return SaveResult(saved=True, bundle=bundle)


def extra_problems(bundle: dict[str, Any], ctx: EditContext) -> list[dict[str, Any]]:
    """Checks that need the bank's data, not only the bundle: code pools must exist (for
    prizes and mall rights)."""
    from builder.i18n import translate

    known = {key for key, _ in ctx.pools}
    problems = []
    rewards = [(f"prizes[{i}]", p.get("reward")) for i, p in enumerate(bundle.get("prizes") or [])]
    for i, item in enumerate((bundle.get("mall") or {}).get("items") or []):
        rewards.append((f"mall.items[{i}]", item.get("reward")))
        for j, choice in enumerate(item.get("choices") or []):
            rewards.append((f"mall.items[{i}].choices[{j}]", choice.get("reward")))
    for where, reward in rewards:
        reward = reward or {}
        pool = reward.get("pool")
        if reward.get("kind") == "coupon_code" and pool and pool not in known:
            problems.append(
                {
                    "path": f"{where}.reward.pool",
                    "message": translate(
                        "No code pool '{pool}'. Upload its codes in Reward operations first."
                    ).format(pool=pool),
                }
            )
    return problems
