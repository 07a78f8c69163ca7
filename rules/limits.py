"""Bounds on every number, count, length and depth of a campaign bundle, defined once.

The marshmallow schemas (rules/schema.py, through rules/schema_bounds.py), the semantic checks
(rules/validate_rules.py, rules/rewards.py), the whole-document sweep (rules/bounds.py) and the
JSON reader (rules/json_text.py) use these names; docs/bundle.md lists them in one table, and a
test checks that table against this module. The bounds keep every value inside what the
database columns hold (32-bit integers on PostgreSQL), what a float represents exactly, and
what one request can afford to evaluate.
"""

from __future__ import annotations

# The document
MAX_BUNDLE_BYTES = 2 * 1024 * 1024  # a bundle file or the studio's JSON text, UTF-8
MAX_JSON_DEPTH = 32  # objects and lists nested in one another, anywhere (API bodies too)
MAX_NUMBER = 10**15  # absolute value of any number (floats are exact up to 2**53)
MAX_TEXT_LENGTH = 10_000  # characters in any text
MAX_LIST_ITEMS = 1_000  # items in any list (the whitelist has its own bound)
MAX_OBJECT_KEYS = 1_000  # keys in any object (widget.config, limits.branch_quotas, ...)

# Keys, names and messages
MAX_KEY_LENGTH = 64  # prize keys, rule ids, window ids, the widget type (and the slug)
MAX_CHANCE_KIND_LENGTH = 32  # chance kind keys (stored with every draw and grant)
MAX_CODE_LENGTH = 32  # branch codes: `branch`, the keys of limits.branch_quotas
MAX_CURRENCY_LENGTH = 8  # limits.budget.currency
MAX_NAME_LENGTH = 100  # name, name_en of the campaign, prizes, chance kinds and windows
MAX_MESSAGE_LENGTH = 500  # audience.message and the text parameters of actions
MAX_PARTICIPANT_ID_LENGTH = 128  # a whitelist entry (a token's `sub`)

# Counts of parts
MAX_PRIZES = 100
MAX_CHANCE_KINDS = 20
MAX_WINDOWS = 100
MAX_BOOSTS = 50
MAX_RULES = 200
MAX_ACTIONS_PER_RULE = 20
MAX_CONDITIONS_PER_RULE = 100  # leaf conditions of one rule (or of the audience)
MAX_CONDITIONS_TOTAL = 2_000  # leaf conditions of all rules and the audience together
MAX_CONDITION_DEPTH = 8  # all/any groups nested in one another
MAX_WHITELIST = 100_000  # participant ids in audience.whitelist

# Quantities
MAX_STOCK = 100_000_000  # stock, daily_release, per-person limits, branch quotas, first-N
MAX_CHANCES = 10_000  # initial and daily chances of a kind
MAX_WEIGHT = 1_000_000_000  # a prize's weight
MAX_BOOST_FACTOR = 1_000  # odds boost factors (boosts and the boost_odds action)
MAX_MONEY = 10_000_000  # a prize's value, a red packet amount (currency units)
MAX_BUDGET = 10_000_000_000  # limits.budget.amount
MAX_REWARD_INTEGER = 10_000_000  # points per reward, coupon valid_days
MAX_ACTION_INTEGER = 10_000_000  # integer action parameters (count, amount, minutes)

# Loyalty (`tasks`, `mall`): a price times the most parts stays far inside a 32-bit column
MAX_TASKS = 200  # tasks of a campaign
MAX_MALL_ITEMS = 500  # rights on sale in the points mall
MAX_MALL_CHOICES = 20  # options of one selectable right
MAX_PRICE = 10_000_000  # points: a right's price, a task's points
MAX_PARTS = 100  # parts of a splittable right taken in one exchange
MAX_VALID_DAYS = 3_650  # days a right or a task's points stay valid
