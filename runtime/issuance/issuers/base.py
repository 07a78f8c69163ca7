"""The issuer contract, the claimed-reward snapshot issuers receive, and the registry."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from rules.rewards import REWARD_KINDS, RewardKind, check_config
from runtime.issuance.settings import IssuanceSettings


class IssueError(Exception):
    """An issuer could not apply a reward. `permanent` errors go straight to the dead letters;
    others are retried with backoff until the reward's max_attempts."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class DuplicateIssuer(Exception):
    """Two issuers claimed the same type key."""


@dataclass(frozen=True)
class ClaimedReward:
    """A reward row as claimed by one worker; `token` identifies that claim."""

    id: int
    kind: str
    campaign_id: int
    participant_id: int
    prize_key: str | None
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    token: str
    draw_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class BulkOutcome:
    """What `issue_many` did: a result for each reward whose effect it wrote, an error for each
    reward it wrote nothing for. Every reward it was given is in exactly one of the two."""

    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    errors: dict[int, IssueError] = field(default_factory=dict)


class Issuer(abc.ABC):  # noqa: B024 - the three kinds below declare the abstract hooks
    """Base class of every issuer: its type key, which is a reward kind of `rules.rewards`
    (label and config schema come from that kind). Subclass
    `InternalIssuer` (effect written inside the transaction that marks the reward issued),
    `BulkIssuer` (an internal issuer that also writes a whole batch with a few statements) or
    `ExternalIssuer` (effect delivered outside any transaction); each declares the hook the
    engine calls for it as abstract, so an issuer missing its hook cannot be instantiated."""

    type: ClassVar[str] = ""
    internal: ClassVar[bool] = True
    bulk: ClassVar[bool] = False

    def __init__(self, settings: IssuanceSettings):
        self.settings = settings

    def lock_key(self, reward: ClaimedReward) -> tuple:
        """Rows this reward will lock, so a batch takes locks in one global order."""
        return (reward.participant_id, reward.id)

    @classmethod
    def reward_kind(cls) -> RewardKind:
        """The reward kind this issuer fulfils (its type key is the kind's key)."""
        return REWARD_KINDS[cls.type]

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        """JSON Schema of the reward config this issuer reads: its kind's fields, so the issuer
        and the bundle validation cannot disagree."""
        return cls.reward_kind().config_schema()

    def check_payload(self, reward: ClaimedReward) -> None:
        """Refuse (permanently) a payload its reward kind would refuse: a missing or mistyped
        field fails with the field's path instead of deep inside the issuer."""
        for path, _code, message, _zh in check_config(self.type, reward.payload, "payload"):
            raise IssueError(f"{path}: {message}", permanent=True)

    @classmethod
    def to_dict(cls) -> dict[str, Any]:
        kind = cls.reward_kind()
        return {
            "type": cls.type,
            "label": kind.label_en,
            "label_zh": kind.label_zh,
            "internal": cls.internal,
            "bulk": cls.bulk,
            "config_schema": cls.config_schema(),
        }


class InternalIssuer(Issuer):
    """Writes its effect with `issue()` in the caller's transaction (the engine's savepoint
    per reward), the transaction that also marks the reward issued."""

    @abc.abstractmethod
    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        """Apply one reward and return the result participants see."""


class BulkIssuer(InternalIssuer):
    """An internal issuer that also writes a whole batch's effects with a few statements;
    `issue()` stays the one-reward path the engine falls back to."""

    bulk = True

    @abc.abstractmethod
    def issue_many(
        self, session: Session, rewards: list[ClaimedReward], now: datetime
    ) -> BulkOutcome:
        """Write the effects of many rewards in the caller's transaction. Raising abandons the
        whole batch: the engine rolls back and retries it one savepoint per reward."""


class ExternalIssuer(Issuer):
    """Delivers its effect to another system with `deliver()`, outside any transaction; the
    reward id is the idempotency key the other system sees."""

    internal = False

    @abc.abstractmethod
    def deliver(self, reward: ClaimedReward) -> dict[str, Any]:
        """Deliver one reward; raise IssueError for failures (permanent or transient)."""


class IssuerRegistry:
    """Issuer classes by explicit type key; registering a key twice raises."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Issuer]] = {}

    def register(self, issuer_class: type[Issuer]) -> type[Issuer]:
        key = issuer_class.type
        if not key:
            raise ValueError(f"{issuer_class.__name__} has no type key")
        missing = sorted(getattr(issuer_class, "__abstractmethods__", ()))
        if missing:
            raise TypeError(f"issuer {key!r} does not implement {', '.join(missing)}")
        if key not in REWARD_KINDS:
            raise KeyError(f"issuer type {key!r} is not a reward kind of rules.rewards")
        if key in self._classes:
            raise DuplicateIssuer(
                f"issuer type {key!r} is already registered by {self._classes[key].__name__}"
            )
        self._classes[key] = issuer_class
        return issuer_class

    def get(self, key: str) -> type[Issuer]:
        return self._classes[key]

    def keys(self) -> list[str]:
        return sorted(self._classes)

    def __contains__(self, key: object) -> bool:
        return key in self._classes

    def build(self, settings: IssuanceSettings, enabled: Iterable[str] | None = None) -> dict:
        """Instances of the enabled issuers, keyed by type; unknown names raise KeyError."""
        names = list(enabled if enabled is not None else settings.enabled)
        missing = [name for name in names if name not in self._classes]
        if missing:
            raise KeyError(f"no issuer registered for {', '.join(missing)}")
        return {name: self._classes[name](settings) for name in names}
