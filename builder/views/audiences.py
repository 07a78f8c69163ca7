"""The audience library's pages: whitelists and tag segments, their versions and uploads.

Customer ids are never shown: a page lists names, sizes, versions, who uploaded what and
which campaigns use each list."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from builder import audience_lists as lists
from builder.auth import branch_scope
from builder.csrf import check_csrf
from builder.i18n import N_, translate
from builder.rights import visible_branches
from builder.views.base import SecureViewMixin
from builder.views.org import branches_in_scope
from core.extensions import db
from core.models import AudienceList, AudienceListVersion, Channel, User
from core.roles import has_permission

MAX_UPLOAD_BYTES = 16 * 1024 * 1024


def read_upload() -> tuple[str, str]:
    """The uploaded file's text and name, or ListError naming the problem."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise lists.ListError("file", N_("Choose a CSV file of customer ids."))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise lists.ListError("file", N_("The file is larger than 16 MB."))
    try:
        return data.decode("utf-8-sig"), upload.filename
    except UnicodeDecodeError:
        raise lists.ListError("file", N_("The file is not UTF-8 text.")) from None


class AudienceListView(SecureViewMixin, BaseView):
    required_permission = "view"
    upload_permission = "edit_campaign"

    def can_upload(self) -> bool:
        return has_permission(current_user.role, self.upload_permission)

    def visible(self, list_id: int) -> AudienceList:
        found = db.session.get(AudienceList, list_id)
        if found is None or found.branch_id not in visible_branches(current_user.branch_id):
            abort(404)
        return found

    def page(self, errors: dict | None = None, report: dict | None = None, form=None):
        shown = lists.visible_lists(current_user)
        return self.render(
            "admin/audiences_index.html",
            lists=shown,
            latest=lists.latest_versions([x.id for x in shown]),
            kinds=lists.KIND_LABELS,
            reasons=lists.LINE_REASONS,
            channels=db.session.scalars(select(Channel).order_by(Channel.name)).all(),
            branches=branches_in_scope(),
            can_upload=self.can_upload(),
            errors=errors or {},
            report=report,
            form=form or {},
        )

    @expose("/")
    def index(self):
        return self.page()

    @expose("/new", methods=("POST",))
    def create(self):
        check_csrf()
        if not self.can_upload():
            abort(403)
        user = current_user._get_current_object()
        try:
            text, file_name = read_upload()
            created = lists.create_list(
                user,
                request.form.get("name", ""),
                request.form.get("kind", ""),
                request.form.get("channel", type=int),
                request.form.get("branch", type=int),
                request.form.get("description"),
            )
            version, report = lists.add_version(user, created, text, file_name)
            db.session.commit()
        except lists.ListError as exc:
            db.session.rollback()
            return self.page({exc.field: translate(exc.message)}, exc.report, request.form), 422
        flash(
            translate("List {name} saved as version {n} with {size} customer ids.").format(
                name=created.name, n=version.number, size=version.size
            ),
            "success",
        )
        return redirect(url_for(".detail", list_id=created.id))

    def detail_page(self, target: AudienceList, errors=None, report=None):
        versions = db.session.scalars(
            select(AudienceListVersion)
            .where(AudienceListVersion.list_id == target.id)
            .order_by(AudienceListVersion.number.desc())
        ).all()
        uploaders = {
            u.id: u.username
            for u in db.session.scalars(
                select(User).where(User.id.in_({v.created_by_id for v in versions}))
            )
        }
        return self.render(
            "admin/audiences_detail.html",
            target=target,
            versions=versions,
            uploaders=uploaders,
            kinds=lists.KIND_LABELS,
            reasons=lists.LINE_REASONS,
            used_by=lists.campaigns_using(target.name, branch_scope(current_user)),
            can_upload=self.can_upload() and target.branch_id in branch_scope(current_user),
            errors=errors or {},
            report=report,
        )

    @expose("/<int:list_id>")
    def detail(self, list_id: int):
        return self.detail_page(self.visible(list_id))

    @expose("/<int:list_id>/upload", methods=("POST",))
    def upload(self, list_id: int):
        check_csrf()
        target = self.visible(list_id)
        if not self.can_upload() or target.branch_id not in branch_scope(current_user):
            abort(403)
        try:
            text, file_name = read_upload()
            version, _report = lists.add_version(
                current_user._get_current_object(), target, text, file_name
            )
            db.session.commit()
        except lists.ListError as exc:
            db.session.rollback()
            return self.detail_page(target, {exc.field: translate(exc.message)}, exc.report), 422
        flash(
            translate("List {name} saved as version {n} with {size} customer ids.").format(
                name=target.name, n=version.number, size=version.size
            ),
            "success",
        )
        return redirect(url_for(".detail", list_id=target.id))
