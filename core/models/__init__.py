"""Domain models, split by domain; import them from here."""

from core.models.audiences import AudienceList, AudienceListVersion, AudienceMember
from core.models.audit import AuditEntry
from core.models.base import Base, utcnow
from core.models.campaign import Approval, Campaign, CampaignVersion, Prize
from core.models.catalogue import Right
from core.models.channel import Channel
from core.models.ledger import (
    ChanceEntry,
    Draw,
    Event,
    IdempotencyRecord,
    Membership,
    Participant,
    Reward,
)
from core.models.loyalty import Exchange, ExchangePart, MallStock, TaskCompletion
from core.models.notice import StudioNotice
from core.models.org import Branch, User
from core.models.reports import (
    MEASURES,
    CalendarEntry,
    CampaignInsight,
    RewardState,
    RollupBreakdown,
    RollupCampaignHour,
    RollupCursor,
    RollupDay,
    RollupHour,
    TrafficRollup,
)
from core.models.rights import (
    CouponCode,
    CouponPool,
    Fulfilment,
    PointsAccount,
    PointsEntry,
    PointsRequest,
    RedPacketBudget,
    RedPacketGrant,
)
from core.models.runtime_state import CheckIn, Lead, OddsBoost, ShareRecord, Vote

__all__ = [
    "MEASURES",
    "CalendarEntry",
    "CampaignInsight",
    "RewardState",
    "RollupBreakdown",
    "RollupCampaignHour",
    "RollupCursor",
    "RollupDay",
    "RollupHour",
    "TrafficRollup",
    "CouponCode",
    "CouponPool",
    "Fulfilment",
    "PointsAccount",
    "PointsEntry",
    "PointsRequest",
    "RedPacketBudget",
    "RedPacketGrant",
    "Approval",
    "AudienceList",
    "AudienceListVersion",
    "AudienceMember",
    "AuditEntry",
    "Base",
    "Branch",
    "Campaign",
    "CampaignVersion",
    "ChanceEntry",
    "CheckIn",
    "Channel",
    "Draw",
    "Event",
    "Exchange",
    "ExchangePart",
    "IdempotencyRecord",
    "Lead",
    "MallStock",
    "Membership",
    "OddsBoost",
    "Participant",
    "Prize",
    "Reward",
    "Right",
    "ShareRecord",
    "StudioNotice",
    "TaskCompletion",
    "User",
    "Vote",
    "utcnow",
]
