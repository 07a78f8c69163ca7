"""Participant-page texts in Chinese and English, shared by templates (server side) and the
page script (client side, for messages that appear after an API call)."""

from __future__ import annotations

from collections.abc import Iterable

LANGS = ("zh", "en")

COMMON: dict[str, tuple[str, str]] = {
    "chances_left": ("剩余机会", "Chances left"),
    "times": ("次", ""),
    "my_prizes": ("我的奖品", "My prizes"),
    "no_prizes": ("还没有奖品,快去参与吧", "No prizes yet. Have a go!"),
    "rules": ("活动规则", "Rules"),
    "prizes": ("活动奖品", "Prizes"),
    "close": ("知道了", "OK"),
    "share": ("分享给好友", "Share with friends"),
    "share_more": ("分享再得机会", "Share for more chances"),
    "copied": ("链接已复制,快去发给好友吧", "Link copied. Send it to your friends!"),
    "copy_failed": ("请长按复制链接", "Press and hold to copy the link"),
    "shared": ("分享成功", "Shared"),
    "loading": ("加载中…", "Loading…"),
    "congrats": ("恭喜您获得", "You won"),
    "you_got": ("您获得", "You got"),
    "consolation": ("参与奖", "Consolation prize"),
    "nothing_won": ("这次没有奖品,再接再厉", "No prize this time"),
    "points_unit": ("积分", "points"),
    "try_again": ("再接再厉", "Better luck next time"),
    "result": ("结果", "Result"),
    "status_pending": ("发放中", "Being issued"),
    "status_issuing": ("发放中", "Being issued"),
    "status_issued": ("已到账", "Received"),
    "status_failed": ("发放失败,请联系客服", "Failed — please contact us"),
    "status_cancelled": ("已取消", "Cancelled"),
    "status_refunded": ("积分已退回", "Points refunded"),
    "redeem_code": ("兑换码", "Code"),
    "valid_until": ("有效期至", "Valid until"),
    "preview_banner": (
        "预览模式 · 示例数据,结果仅供演示",
        "Preview · sample data, results are fake",
    ),
    "sandbox_banner": (
        "草稿预览 · 按草稿的规则和概率抽奖,不记录、不发奖",
        "Draft preview · the draft's rules and odds; nothing is recorded or issued",
    ),
    "sandbox_banner_no_draw": (
        "草稿预览 · 按草稿的规则响应,不记录、不发放",
        "Draft preview · the draft's own rules; nothing is recorded or issued",
    ),
    "open_in_app": ("请在银行App内打开本活动页面", "Please open this page from the bank's app"),
    "points": ("积分", "Points"),
    "streak": ("连续签到", "Streak"),
    "days": ("天", "days"),
    "invited_by": ("您的好友邀请您参加活动", "A friend invited you to this campaign"),
    "campaign_period": ("活动时间", "Campaign period"),
    "not_live_title": ("活动暂未开放", "This campaign is not open"),
    "not_started": ("活动尚未开始,敬请期待", "The campaign has not started yet"),
    "ended": ("活动已结束,感谢您的参与", "The campaign has ended. Thank you for taking part"),
    "paused": ("活动暂停中,请稍后再来", "The campaign is paused. Please come back later"),
    "not_found_title": ("页面不存在", "Page not found"),
    "not_found": (
        "未找到该活动,请检查链接是否正确",
        "We could not find this campaign; please check the link",
    ),
    "network": ("网络不太稳定,请稍后重试", "Network problem, please try again"),
    "draw_again": ("再来一次", "Play again"),
    "sold_out_hint": ("奖品发放以实际到账为准", "Prizes are subject to successful issuance"),
    "points_pending": ("+{n} 到账中", "+{n} on the way"),
    "go_draw": ("去抽奖", "Draw now"),
}

# The lead form (widgets/templates/_lead_form.html, static/common/lead.js) on every page that
# offers one: the invitation page's setting, a vote whose rules pay for a lead.
LEAD: dict[str, tuple[str, str]] = {
    "lead_title": ("留下联系方式", "Leave your contact details"),
    "lead_name": ("姓名", "Name"),
    "lead_phone": ("手机号", "Mobile number"),
    "lead_city": ("所在城市", "City"),
    "lead_submit": ("提交", "Submit"),
    "lead_done": ("提交成功,我们会尽快联系您", "Thank you, we will be in touch"),
    "lead_earns": ("提交即得", "Submit to get"),
    "phone_invalid": ("请输入正确的手机号", "Please enter a valid mobile number"),
    "name_required": ("请输入姓名", "Please enter your name"),
    # what the box says is agreed to, not that submitting agrees: the box must be ticked
    "consent_agree": ("我已阅读并同意", "I have read and agree: "),
    "consent_required": ("请先勾选同意", "Please tick the box to agree first: "),
    "consent_default": (
        "银行客户经理就本活动与您联系",
        "the bank's customer manager may contact me about this campaign",
    ),
}

# Tasks and badges (widgets/templates/_tasks.html, static/common/tasks.js): the task centre
# and the points mall's "earn points" list.
TASKS: dict[str, tuple[str, str]] = {
    "badges": ("我的勋章", "My badges"),
    "badge_count": ("已点亮 {n}/{total}", "{n} of {total} lit"),
    "done": ("已完成", "Done"),
    "todo": ("未完成", "To do"),
    "go_check_in": ("签到", "Check in"),
    "go_invite": ("邀请好友", "Invite"),
    "auto": ("在银行App完成后自动点亮", "Lights up once done in the bank's app"),
    "earns_badge": ("得勋章", "Badge"),
    "earns_points": ("+{n} {unit}", "+{n} {unit}"),
    "checked": ("签到成功", "Checked in"),
    "task_done_toast": ("任务完成,勋章已点亮", "Task done: badge lit"),
}

# One message per refusal code the API can answer with (CONTRACTS.md, problem+json `code`).
ERRORS: dict[str, tuple[str, str]] = {
    "not_eligible": (
        "很抱歉,您暂不符合本活动的参与条件",
        "Sorry, you are not eligible for this campaign",
    ),
    "no_chances": (
        "您的机会已用完,分享或明天再来吧",
        "No chances left. Share or come back tomorrow",
    ),
    "campaign_not_live": ("活动未在进行中", "The campaign is not running right now"),
    "quota_exceeded": ("本轮名额已满,请稍后再试", "This round's quota is used up; try again later"),
    "rate_limited": ("操作太频繁,请稍后再试", "Too many tries; please wait a moment"),
    "invalid_token": (
        "登录已失效,请从银行App重新进入",
        "Your session expired; reopen from the app",
    ),
    "validation_error": ("填写的信息有误,请检查", "Please check what you entered"),
    "not_found": ("活动不存在", "Campaign not found"),
    "not_joined": ("请先参加活动", "Please join the campaign first"),
    "already_checked_in": (
        "今天已经签过到了,明天再来吧",
        "Already checked in today; see you tomorrow",
    ),
    "already_voted": (
        "今天已经为TA投过票了,试试其他候选人吧",
        "You already voted for this candidate today",
    ),
    "denied": ("暂时无法参与,请稍后再试", "Not available right now"),
    "invalid_referral_code": ("邀请码无效", "That invitation code is not valid"),
    "self_referral": ("不能使用自己的邀请码", "You cannot use your own invitation code"),
    "already_referred": ("您已接受过邀请", "You have already accepted an invitation"),
    "idempotency_in_progress": ("请求处理中,请稍候", "Still working on it, please wait"),
    "insufficient_points": ("积分不足,完成任务可赚取更多积分", "Not enough points yet"),
    "sold_out": ("该权益已兑完,看看其他权益吧", "This one is sold out"),
    "limit_reached": ("已达到兑换上限", "You have reached the limit for this one"),
    "vote_limit": ("今日投票次数已用完,明天再来吧", "No votes left today; come back tomorrow"),
    "duplicate": ("您已提交过,无需重复提交", "You have already submitted this"),
    "conflict": ("请求正在处理中,请稍候", "Your request is being processed"),
    "internal_error": ("系统繁忙,请稍后再试", "The system is busy; please try again"),
    "unavailable": ("系统繁忙,请稍后再试", "The system is busy; please try again"),
    "network": ("网络不太稳定,请稍后重试", "Network problem, please try again"),
    "unknown": ("操作未成功,请稍后再试", "That did not work; please try again"),
}

PARTS: dict[str, dict[str, tuple[str, str]]] = {"lead": LEAD, "tasks": TASKS}


def pick_language(setting: str, accept_language: Iterable[str] = ()) -> str:
    """`setting` is the widget's language option: zh, en, or auto (first of the phone's)."""
    if setting in LANGS:
        return setting
    for tag in accept_language:
        primary = tag.split("-")[0].lower()
        if primary in LANGS:
            return primary
    return "zh"


def texts(lang: str, extra: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Every common text plus `extra` (a widget's own) in one language."""
    index = 0 if lang == "zh" else 1
    merged = {**COMMON, **(extra or {})}
    return {key: pair[index] or pair[0] for key, pair in merged.items()}


def error_texts(lang: str) -> dict[str, str]:
    index = 0 if lang == "zh" else 1
    return {code: pair[index] for code, pair in ERRORS.items()}
