"""Rollups of the ledgers for reports.

Draws, rewards, memberships, shares, check-ins, votes, leads and server events are counted
into campaign x branch x hour, campaign x hour, campaign x branch x local day and breakdown
tables by incremental jobs: each ledger has a cursor (the last id counted, plus ids not yet
visible when their successors were counted), and each chunk moves its cursor and adds its
counts in one transaction, so a job killed mid-run loses nothing and counts nothing twice.
The ledgers stay the source of truth: `rebuild` recounts everything from them.
Nothing here runs on the draw path; traffic (page views, visitors, invitation clicks) is the
only thing counted online, in Redis, by the participant page (runtime.rollups.traffic).
"""

from __future__ import annotations

from runtime.rollups.runner import catch_up, rebuild

__all__ = ["catch_up", "rebuild"]
