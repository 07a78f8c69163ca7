"""Reward issuance and scheduled work: the outbox claim, issuers, the issuance loop, RQ jobs,
the scheduler and operational metrics. `wake()` tells idle loops a reward is waiting."""

from __future__ import annotations


def wake() -> None:
    """Ring the issuance doorbell after committing new rewards (best effort, never raises)."""
    from runtime.issuance.loop import wake as ring

    ring()


__all__ = ["wake"]
