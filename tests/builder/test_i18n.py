"""The studio's wording: every message id in the code has a Chinese translation in the catalogue,
and the compiled catalogue the app loads is the one the .po file describes."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import refresh

from builder.i18n import review_label, status_label, translate

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "builder" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {"translate": None, "lazy": None, "_t": None, "N_": None, "lazy_gettext": None}


def message_ids() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "builder"), method_map=method_map, keywords=KEYWORDS
    ):
        if isinstance(message, str) and message:
            found.add(message)
    return found


def test_every_studio_message_has_a_chinese_translation():
    catalog = read_po((CATALOG / "messages.po").open("rb"))
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(message_ids() - translated)
    assert not missing, f"add these to messages.po (make i18n): {missing}"


def test_compiled_catalogue_matches_the_po_file():
    po = read_po((CATALOG / "messages.po").open("rb"))
    mo = read_mo((CATALOG / "messages.mo").open("rb"))
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}, (
        "run make i18n to compile messages.po"
    )


def test_pages_follow_the_chosen_language(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert translate("Save") == "保存"
        assert status_label("live") == "进行中" and review_label("rejected") == "已退回"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()  # the test's one app context is shared by both requests
        assert translate("Save") == "Save"
        assert status_label("pending_approval") == "Pending approval"
