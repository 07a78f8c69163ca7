"""Catalogs of triggers, variables and actions: the vocabulary every rule is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog_actions import (  # noqa: F401  (re-exported)
    ACTIONS,
    PARAM_FIELD_TYPES,
    PARAM_VALUE_TYPES,
    Action,
    Param,
)
from .vocabulary import (  # noqa: F401  (re-exported: rules.catalog is the entry point)
    ALL_TRIGGERS,
    BOOLEAN,
    NUMERIC,
    SELECT,
    SELECT_MULTIPLE,
    STRING,
    TRIGGERS,
)

# Operators per variable type, exactly as business_rules.operators defines them.
OPERATORS: dict[str, dict[str, str]] = {
    NUMERIC: {
        "equal_to": "numeric",
        "greater_than": "numeric",
        "greater_than_or_equal_to": "numeric",
        "less_than": "numeric",
        "less_than_or_equal_to": "numeric",
    },
    STRING: {
        "equal_to": "text",
        "equal_to_case_insensitive": "text",
        "starts_with": "text",
        "ends_with": "text",
        "contains": "text",
        "matches_regex": "text",
        "non_empty": "none",
    },
    BOOLEAN: {"is_true": "none", "is_false": "none"},
    SELECT: {"contains": "select", "does_not_contain": "select"},
    SELECT_MULTIPLE: {
        "contains_all": "select_multiple",
        "is_contained_by": "select_multiple",
        "shares_at_least_one_element_with": "select_multiple",
        "shares_exactly_one_element_with": "select_multiple",
        "shares_no_elements_with": "select_multiple",
    },
}

OPERATOR_LABELS: dict[str, tuple[str, str]] = {
    "equal_to": ("等于", "equals"),
    "greater_than": ("大于", "is greater than"),
    "greater_than_or_equal_to": ("大于等于", "is at least"),
    "less_than": ("小于", "is less than"),
    "less_than_or_equal_to": ("小于等于", "is at most"),
    "equal_to_case_insensitive": ("等于(不区分大小写)", "equals (any case)"),
    "starts_with": ("开头是", "starts with"),
    "ends_with": ("结尾是", "ends with"),
    "contains": ("包含", "contains"),
    "matches_regex": ("匹配正则", "matches pattern"),
    "non_empty": ("不为空", "is not empty"),
    "is_true": ("为是", "is yes"),
    "is_false": ("为否", "is no"),
    "does_not_contain": ("不包含", "does not contain"),
    "contains_all": ("包含全部", "contains all of"),
    "is_contained_by": ("全部属于", "is within"),
    "shares_at_least_one_element_with": ("至少包含一个", "has any of"),
    "shares_exactly_one_element_with": ("恰好包含一个", "has exactly one of"),
    "shares_no_elements_with": ("不包含任何", "has none of"),
}

DEFAULTS: dict[str, Any] = {NUMERIC: 0, STRING: "", BOOLEAN: False, SELECT: (), SELECT_MULTIPLE: ()}


@dataclass(frozen=True)
class Variable:
    """One rule variable: the runtime supplies its value in the variables dict."""

    name: str
    type: str
    label_zh: str
    label_en: str
    triggers: frozenset[str] = ALL_TRIGGERS
    options: tuple[Any, ...] = ()
    open_options: bool = False  # options are suggestions (e.g. tags): other values are allowed

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "triggers": sorted(self.triggers),
            "options": list(self.options),
            "open_options": self.open_options,
            "operators": list(OPERATORS[self.type]),
        }


def _v(
    name: str,
    type_: str,
    zh: str,
    en: str,
    triggers: tuple[str, ...] | None = None,
    options: tuple[Any, ...] = (),
    open_options: bool = False,
) -> Variable:
    trig = frozenset(triggers) if triggers else ALL_TRIGGERS
    return Variable(name, type_, zh, en, trig, options, open_options)


SEGMENTS = ("new", "existing", "dormant", "precision")
TRANSACTION_TYPES = (
    "transfer",
    "deposit",
    "time_deposit",
    "wealth",
    "fund",
    "large_cd",
    "bill_payment",
    "card_binding",
    "card_spend",
)
SHARE_CHANNELS = ("wechat_friend", "wechat_moments", "weibo", "qq", "link", "other")
ACCOUNT_TYPES = ("debit_card", "credit_card", "e_payment", "mobile_banking", "wealth_account")
ASSET_LEVELS = ("mass", "affluent", "wealth", "private")

VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        _v(
            "tags",
            SELECT_MULTIPLE,
            "客户标签",
            "Customer tags",
            open_options=True,
            options=(
                "vip",
                "payroll",
                "credit_card",
                "wealth_holder",
                "fund_holder",
                "young",
                "senior",
                "staff",
            ),
        ),
        _v("age", NUMERIC, "年龄", "Age"),
        _v("asset_level", SELECT, "资产等级", "Asset level", options=ASSET_LEVELS),
        _v("branch", STRING, "所属网点代码", "Branch code"),
        _v("city", STRING, "城市", "City"),
        _v("customer_segment", SELECT, "客户分群", "Customer segment", options=SEGMENTS),
        _v("is_new_customer", BOOLEAN, "是否新客户", "Is a new customer"),
        _v("card_bound", BOOLEAN, "已绑卡", "Has bound a card"),
        _v("days_since_registration", NUMERIC, "注册天数", "Days since registration"),
        _v("days_since_last_login", NUMERIC, "距上次登录天数", "Days since last login"),
        _v("draws_today", NUMERIC, "今日抽奖次数", "Draws today"),
        _v("draws_total", NUMERIC, "累计抽奖次数", "Draws in total"),
        _v("wins_total", NUMERIC, "累计中奖次数", "Wins in total"),
        _v("shares_today", NUMERIC, "今日分享次数", "Shares today"),
        _v("shares_total", NUMERIC, "累计分享次数", "Shares in total"),
        _v("referrals_today", NUMERIC, "今日邀请成功数", "Referrals today"),
        _v("referrals_total", NUMERIC, "累计邀请成功数", "Referrals in total"),
        _v("checkin_streak", NUMERIC, "连续签到天数", "Check-in streak (days)"),
        _v("checkins_total", NUMERIC, "累计签到天数", "Check-ins in total"),
        _v("checkins_this_month", NUMERIC, "本月签到天数", "Check-ins this month"),
        _v("votes_today", NUMERIC, "今日投票数", "Votes today"),
        _v("points_balance", NUMERIC, "积分余额", "Points balance"),
        _v("chances_left", NUMERIC, "剩余机会(合计)", "Chances left (all kinds)"),
        _v("hour", NUMERIC, "当地小时(0-23)", "Local hour (0-23)"),
        _v("weekday", NUMERIC, "星期(1=周一…7=周日)", "Weekday (1=Mon … 7=Sun)"),
        _v("day_of_month", NUMERIC, "当月几号", "Day of month"),
        _v("date", STRING, "当地日期(YYYY-MM-DD)", "Local date (YYYY-MM-DD)"),
        _v("minutes_since_start", NUMERIC, "活动开始后分钟数", "Minutes since campaign start"),
        _v("active_windows", SELECT, "当前开放时段", "Open time windows", open_options=True),
        _v(
            "transaction_type",
            SELECT,
            "交易类型",
            "Transaction type",
            ("transaction",),
            TRANSACTION_TYPES,
        ),
        _v("transaction_amount", NUMERIC, "交易金额", "Transaction amount", ("transaction",)),
        _v("share_channel", SELECT, "分享渠道", "Share channel", ("share",), SHARE_CHANNELS),
        _v(
            "invitee_is_new_customer",
            BOOLEAN,
            "被邀请人是新客户",
            "Invitee is a new customer",
            ("referral",),
        ),
        _v("account_type", SELECT, "开户类型", "Account type", ("account_opened",), ACCOUNT_TYPES),
        _v("vote_candidate", STRING, "投票对象", "Vote candidate", ("vote",)),
        # badges: the bundle's task badges (keys = task keys), checked like active_windows
        _v("badges", SELECT_MULTIPLE, "已获勋章", "Badges held", open_options=True),
        _v("badges_count", NUMERIC, "已获勋章数", "Badges held (count)"),
        _v(
            "badge_earned",
            SELECT,
            "本次获得的勋章",
            "Badge just earned",
            ("badge",),
            open_options=True,
        ),
    )
}

OPTION_LABELS: dict[str, tuple[str, str]] = {
    "vip": ("贵宾客户", "VIP"),
    "payroll": ("代发工资", "Payroll"),
    "credit_card": ("信用卡", "Credit card"),
    "wealth_holder": ("理财客户", "Wealth holder"),
    "fund_holder": ("基金客户", "Fund holder"),
    "young": ("年轻客群", "Young"),
    "senior": ("银发客群", "Senior"),
    "staff": ("员工", "Staff"),
    "new": ("新客户", "New"),
    "existing": ("存量客户", "Existing"),
    "dormant": ("睡眠客户", "Dormant"),
    "precision": ("精准营销客户", "Precision target"),
    "transfer": ("转账", "Transfer"),
    "deposit": ("存款", "Deposit"),
    "time_deposit": ("定期存款", "Time deposit"),
    "wealth": ("理财购买", "Wealth product"),
    "fund": ("基金购买", "Fund"),
    "large_cd": ("大额存单", "Large CD"),
    "bill_payment": ("生活缴费", "Bill payment"),
    "card_binding": ("绑卡", "Card binding"),
    "card_spend": ("刷卡消费", "Card spending"),
    "wechat_friend": ("微信好友", "WeChat friend"),
    "wechat_moments": ("朋友圈", "WeChat Moments"),
    "weibo": ("微博", "Weibo"),
    "qq": ("QQ", "QQ"),
    "link": ("复制链接", "Link"),
    "other": ("其他", "Other"),
    "debit_card": ("借记卡", "Debit card"),
    "e_payment": ("e支付", "e-Payment"),
    "mobile_banking": ("手机银行", "Mobile banking"),
    "wealth_account": ("理财账户", "Wealth account"),
    "mass": ("大众客户", "Mass"),
    "affluent": ("富裕客户", "Affluent"),
    "private": ("私人银行客户", "Private banking"),
}


def option_label(variable: str, option: Any, lang: str) -> str:
    """The wording of one option of `variable` in `lang` ("zh" or "en")."""
    pair = OPTION_LABELS.get(str(option))
    if variable == "asset_level" and option == "wealth":
        pair = ("财富客户", "Wealth")
    if pair is None:
        return str(option)
    return pair[0] if lang == "zh" else pair[1]


def variables_for(trigger: str) -> list[Variable]:
    """Variables a rule on `trigger` may use."""
    return [v for v in VARIABLES.values() if trigger in v.triggers]


def export() -> dict[str, Any]:
    """Everything the studio's visual rule builder needs, built on business-rules' export."""
    from business_rules.utils import export_rule_data

    from .engine_adapter import catalog_actions_class, catalog_variables_class

    data = export_rule_data(catalog_variables_class(), catalog_actions_class())
    data["triggers"] = [
        {"name": k, "label_zh": zh, "label_en": en} for k, (zh, en) in TRIGGERS.items()
    ]
    data["catalog_variables"] = [v.to_dict() for v in VARIABLES.values()]
    data["catalog_actions"] = [a.to_dict() for a in ACTIONS.values()]
    data["operator_labels"] = {k: {"zh": zh, "en": en} for k, (zh, en) in OPERATOR_LABELS.items()}
    data["option_labels"] = {k: {"zh": zh, "en": en} for k, (zh, en) in OPTION_LABELS.items()}
    data["variables_by_trigger"] = {t: [v.name for v in variables_for(t)] for t in TRIGGERS}
    data["actions_by_trigger"] = {
        t: [a.name for a in ACTIONS.values() if t in a.triggers] for t in TRIGGERS
    }
    return data
