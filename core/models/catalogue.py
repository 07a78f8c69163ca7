"""The rights library (权益库, seed 003): the catalogue of rights marketers pick prizes from.

A right is a ready-made reward (its kind and that kind's fields, rules.rewards) with what the
catalogue adds: a category, a cost, a validity, a redemption count, the arrival message and,
for coupon rights, the stock level below which operators are alerted. Its `config` holds the
kind's fields except `valid_days` and `message`, which are the right's own columns
(builder.rights.right_reward joins them into the reward a prize carries).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.org import Branch
from rules.rewards import REWARD_KIND_KEYS

# key -> (Chinese, English) label; the CHECK and the studio's select derive from it
RIGHT_CATEGORIES: dict[str, tuple[str, str]] = {
    "phone_credit": ("话费", "Phone credit"),
    "mobile_data": ("流量", "Mobile data"),
    "e_card": ("电商卡", "E-card"),
    "fuel_card": ("加油卡", "Fuel card"),
    "video_membership": ("视频会员", "Video membership"),
    "points": ("积分", "Points"),
    "cash": ("现金红包", "Cash"),
    "gift": ("实物礼品", "Gift"),
    "other": ("其他", "Other"),
}
RIGHT_CATEGORY_KEYS = tuple(RIGHT_CATEGORIES)


class Right(Base):
    """One item of the rights library, owned by a branch: head office's serve the whole bank,
    a branch's serve the campaigns of that branch and the branches below it."""

    __tablename__ = "rights"
    __table_args__ = (
        CheckConstraint(f"kind IN {REWARD_KIND_KEYS!r}", name="kind"),
        CheckConstraint(f"category IN {RIGHT_CATEGORY_KEYS!r}", name="category"),
        CheckConstraint("cost >= 0", name="cost"),
        CheckConstraint("valid_days IS NULL OR valid_days > 0", name="valid_days"),
        CheckConstraint("redemption_limit >= 1", name="redemption_limit"),
        CheckConstraint(
            "low_stock_threshold IS NULL OR low_stock_threshold >= 0", name="low_stock_threshold"
        ),
        Index("ix_rights_category_kind", "category", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(24), default="other")
    kind: Mapped[str] = mapped_column(String(16))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    cost: Mapped[float] = mapped_column(Float, default=0.0)  # CNY per right handed out
    valid_days: Mapped[int | None] = mapped_column(Integer)
    redemption_limit: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str | None] = mapped_column(Text)
    # coupon rights: alert operators when the pool has this many codes left or fewer
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()

    @property
    def pool_key(self) -> str | None:
        """The code pool of a coupon right."""
        return (self.config or {}).get("pool") if self.kind == "coupon_code" else None

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"
