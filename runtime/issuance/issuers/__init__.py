"""Issuers: one per reward kind, registered under explicit type keys."""

from __future__ import annotations

from runtime.issuance.issuers.base import (
    BulkIssuer,
    BulkOutcome,
    ClaimedReward,
    DuplicateIssuer,
    ExternalIssuer,
    InternalIssuer,
    IssueError,
    Issuer,
    IssuerRegistry,
)


def default_registry() -> IssuerRegistry:
    """The registry of built-in issuers (imports are explicit, nothing is discovered)."""
    from runtime.issuance.issuers.coupon import CouponCodeIssuer
    from runtime.issuance.issuers.none import NoneIssuer
    from runtime.issuance.issuers.physical import PhysicalIssuer
    from runtime.issuance.issuers.points import PointsIssuer
    from runtime.issuance.issuers.red_packet import RedPacketIssuer
    from runtime.issuance.issuers.webhook import WebhookIssuer

    registry = IssuerRegistry()
    for issuer_class in (
        PointsIssuer,
        CouponCodeIssuer,
        RedPacketIssuer,
        WebhookIssuer,
        PhysicalIssuer,
        NoneIssuer,
    ):
        registry.register(issuer_class)
    return registry


__all__ = [
    "BulkIssuer",
    "BulkOutcome",
    "ClaimedReward",
    "DuplicateIssuer",
    "ExternalIssuer",
    "InternalIssuer",
    "IssueError",
    "Issuer",
    "IssuerRegistry",
    "default_registry",
]
