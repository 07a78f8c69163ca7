"""Studio wording in Chinese and English. Flask-Admin's own strings use its translations;
ours are kept here as a plain table so a marketer sees one language throughout."""

from __future__ import annotations

from flask import has_request_context, request, session

LANGUAGES = ("zh", "en")

ZH = {
    "Campaign Studio": "营销活动工作室",
    "Sign in": "登录",
    "Sign out": "退出",
    "Username": "用户名",
    "Password": "密码",
    "Wrong username or password.": "用户名或密码错误。",
    "Your account is disabled; ask an administrator.": "您的账号已停用,请联系管理员。",
    "Please sign in to continue.": "请先登录。",
    "You do not have permission to open this page.": "您没有权限访问此页面。",
    "Home": "首页",
    "Campaigns": "营销活动",
    "Published versions": "已发布版本",
    "Organisation": "机构与人员",
    "Branches": "机构网点",
    "Staff": "员工账号",
    "Channels": "接入渠道",
    "Audit log": "审计日志",
    "Rewards": "奖励发放",
    "Signed in as": "当前用户",
    "Role": "角色",
    "Branch": "所属机构",
    "Welcome": "欢迎",
    "Live campaigns": "进行中的活动",
    "Drafts": "草稿",
    "Pending approval": "待审批",
    "Participants": "参与人数",
    "Draws today": "今日抽奖",
    "Rewards pending": "待发放奖励",
    "Language": "语言",
    "Name": "名称",
    "Slug": "活动代码",
    "Status": "状态",
    "Widget": "互动组件",
    "Starts": "开始时间",
    "Ends": "结束时间",
    "Code": "代码",
    "Level": "层级",
    "City": "城市",
    "Latitude": "纬度",
    "Longitude": "经度",
    "Approval levels": "审批层级",
    "Parent": "上级机构",
    "Active": "启用",
    "Display name": "显示名",
    "Key": "渠道标识",
    "Created": "创建时间",
    "When": "时间",
    "Who": "操作人",
    "Action": "操作",
    "Object": "对象",
    "Before": "变更前",
    "After": "变更后",
    "Version": "版本",
    "Content hash": "内容指纹",
    "Note": "说明",
    "Participant link": "参与链接",
    "Audit": "审计",
}

STATUS_ZH = {
    "draft": "草稿",
    "pending_approval": "待审批",
    "approved": "已审批",
    "live": "进行中",
    "paused": "已暂停",
    "ended": "已结束",
}


def current_language() -> str:
    if not has_request_context():
        return "en"
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def translate(text: str) -> str:
    return ZH.get(text, text) if current_language() == "zh" else text


def status_label(status: str) -> str:
    return STATUS_ZH.get(status, status) if current_language() == "zh" else status.replace("_", " ")


class LazyText:
    """A label translated when rendered, so menus and column headers follow the user's language."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return translate(self.text)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text)

    def __bool__(self) -> bool:
        return True


def lazy(text: str) -> LazyText:
    return LazyText(text)


def local_time(value) -> str:
    """A UTC datetime shown in the studio's zone (STUDIO_TIMEZONE), to the minute."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["STUDIO_TIMEZONE"])).strftime(
        "%Y-%m-%d %H:%M"
    )
