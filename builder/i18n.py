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
    "Review": "审批状态",
    "Next step": "下一步",
    "Edit draft (JSON)": "编辑草稿(JSON)",
    "Submit for approval": "提交审批",
    "Approve level": "审批通过 第",
    "Reason": "原因",
    "Send back": "退回修改",
    "Publish": "发布",
    "Pause": "暂停",
    "Resume": "恢复",
    "End campaign": "结束活动",
    "Simulate 100,000 draws": "模拟10万次抽奖",
    "The draft has problems": "草稿存在问题",
    "Simulation": "模拟结果",
    "draws": "次抽奖",
    "Prize": "奖品",
    "Wins": "中奖次数",
    "Share": "占比",
    "Stock runs out": "库存耗尽时间",
    "Expected cost": "预计成本",
    "budget": "预算",
    "over budget": "超出预算",
    "Changes against the live version": "与线上版本相比的变更",
    "Prizes": "奖品",
    "Weight": "权重",
    "Stock": "库存",
    "Won": "已中出",
    "Reward": "奖励类型",
    "fallback": "保底",
    "Rules": "规则",
    "Then": "则",
    "Approvals": "审批记录",
    "Approval level": "审批层级",
    "No decisions on this draft yet.": "此草稿尚无审批记录。",
    "Roll back to this": "回滚到此版本",
    "live": "线上",
    "Saved. Submit the draft for approval when it is ready.": "已保存。准备好后请提交审批。",
    "Refused": "操作被拒绝",
    "Submitted for approval.": "已提交审批。",
    "Decision recorded.": "审批意见已记录。",
    "Status changed.": "状态已更新。",
    "Not saved": "未保存",
    "Save draft": "保存草稿",
    "Cancel": "取消",
    "New campaign": "新建活动",
    "Start from": "从模板开始",
    "Create draft": "创建草稿",
    "Used in the participant link: lowercase letters, digits and -": (
        "用于参与链接:小写字母、数字和 -"
    ),
    "The whole campaign as one bundle. Saving checks every field; "
    "problems are listed with where they are.": (
        "整个活动即一个配置包。保存时会检查每个字段,并列出问题所在位置。"
    ),
    "Issuance and failures": "发放与失败",
    "Parcels": "实物寄送",
    "Code pools": "券码池",
    "Points": "积分",
    "Pending": "待发放",
    "Issuing": "发放中",
    "Failed": "发放失败",
    "Workers": "发放进程",
    "Queue": "队列",
    "queued": "排队",
    "failed jobs": "失败任务",
    "Rewards that could not be issued": "未能发放的奖励",
    "Participant": "参与者",
    "Attempts": "尝试次数",
    "Last error": "最近错误",
    "Retry": "重试",
    "Cancel reward": "取消发放",
    "None. Every reward is issued or on its way.": "无。所有奖励均已发放或正在发放。",
    "Done.": "已完成。",
    "Address": "地址",
    "Phone": "电话",
    "Save address": "保存地址",
    "Carrier": "快递公司",
    "Tracking number": "运单号",
    "Mark shipped": "标记已发货",
    "Mark delivered": "标记已签收",
    "No parcels.": "暂无实物奖品待寄送。",
    "Added": "新增",
    "already in the pool": "已存在",
    "lines refused": "行被拒绝",
    "Total": "总数",
    "Assigned": "已分配",
    "Left": "剩余",
    "Upload codes (CSV, one code per line in the first column)": "上传券码(CSV,第一列每行一个券码)",
    "Pool key (as used by prizes)": "券码池标识(与奖品配置一致)",
    "Valid days": "有效天数",
    "Redemptions per code": "每码可核销次数",
    "Arrival message": "到账提示",
    "Upload": "上传",
    "Choose a CSV file of codes.": "请选择券码 CSV 文件。",
    "The file is larger than 5 MB.": "文件超过 5 MB。",
    "The file is not UTF-8 text.": "文件不是 UTF-8 文本。",
    "Credit points for a customer, e.g. for a deposit; a negative amount takes points back. "
    "Every entry is audited.": "为客户录入积分(如存款奖励);负数为扣回。每笔均记入审计日志。",
    "Balance now": "当前余额",
    "Customer id in that channel": "客户在该渠道的编号",
    "Credit points": "录入积分",
    "Reward operations": "奖励运营",
    "No rules.": "暂无规则。",
}

REVIEW_ZH = {
    "editing": "编辑中",
    "submitted": "待审批",
    "approved": "已审批",
    "rejected": "已退回",
    "published": "已发布",
}

STATUS_ZH = {
    "draft": "草稿",
    "pending_approval": "待审批",
    "approved": "已审批",
    "live": "进行中",
    "paused": "已暂停",
    "ended": "已结束",
}


# Access control and sign-in (docs/security.md).
ZH.update(
    {
        "The form expired; reload the page and try again.": "表单已过期,请刷新页面后重试。",
        "Too many sign-in attempts; try again later.": "登录尝试次数过多,请稍后再试。",
        "Waiting for approval.": "已提交,等待另一位同事审批。",
        "At most": "每笔最多",
        "points per entry; above": "积分;超过",
        "a second person approves.": "积分需另一位同事审批。",
        "Bank-wide points": "全行积分(不限活动)",
        "Entries waiting for approval": "待审批的积分录入",
        "Another person decides.": "需由另一位同事审批。",
        "Nothing waiting.": "暂无待审批项。",
        "no such pool in your branch": "本机构没有这个券码池",
        "Approve": "批准",
        "Refuse": "拒绝",
        "This user belongs to a branch outside yours.": "该用户属于您管辖范围以外的机构。",
        "Choose your own branch or a branch below it.": "请选择本机构或下级机构。",
        "Your own branch is managed by the branches above it.": "本机构由上级机构管理。",
        "Choose a parent branch: only head office is the top.": "请选择上级机构:总行在最顶层。",
        "Head office stays at the top of the tree.": "总行必须位于最顶层。",
        "A branch cannot sit below itself or its own branches.": "机构不能挂在自身或下级之下。",
        "Only the top of the tree is head office.": "只有最顶层机构可以是总行。",
    }
)


def current_language() -> str:
    if not has_request_context():
        return "en"
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def translate(text: str) -> str:
    return ZH.get(text, text) if current_language() == "zh" else text


def review_label(status: str) -> str:
    return REVIEW_ZH.get(status, status) if current_language() == "zh" else status


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
