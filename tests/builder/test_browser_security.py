"""In Chromium: the studio works under its Content-Security-Policy (Flask-Admin's scripts run
by nonce, nothing is blocked), signing in through the form carries the CSRF token, studio pages
refuse to be framed, and participant pages may be framed by the studio only."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.runtime.conftest import base_bundle, publish

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def chromium(browser):
    """The session's shared Chromium (tests/conftest.py)."""
    return browser


@pytest.fixture
def server(live_server, db):
    make_user("admin", username="hq-admin")
    campaign_id = publish(base_bundle()).id
    db.session.commit()
    db.session.close()
    base = live_server(workers=1, threads=4)
    return Server(base, campaign_id)


class Server(str):
    """The live server's address, with the id of its published campaign."""

    def __new__(cls, base: str, campaign_id: int):
        server = super().__new__(cls, base)
        server.campaign_id = campaign_id
        return server


def sign_in(page, base: str) -> None:
    page.goto(base + "/studio/login")
    page.fill("#username", "hq-admin")
    page.fill("#password", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/studio/")


def test_studio_pages_run_under_their_policy(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, server)
    for path in ("/studio/", "/studio/staff/", "/studio/staff/new/", "/studio/audit/"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.jQuery") == "function", path  # nonce'd scripts ran
        assert page.evaluate("window.__cspViolations") == [], path
    # a script injected into the page (as an XSS would) does not run
    page.goto(server + "/studio/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__injected") is None
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
    assert errors == []
    context.close()


def test_studio_pages_log_nothing_in_the_console(chromium, server):
    """No 404 (the browser's favicon request), no <base> refused by base-uri (QueryBuilder's
    parsing), no pattern attribute Chrome cannot compile (the new campaign's slug)."""
    context = chromium.new_context()
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda m: m.type == "error" and logged.append(m.text))
    page.on("response", lambda r: r.status >= 400 and logged.append(f"{r.status} {r.url}"))
    sign_in(page, server)
    editor = f"/studio/campaign/{server.campaign_id}/edit"
    for path in ("/studio/", "/studio/campaign/new", editor + "/rules", editor + "/audience"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert logged == [], path
    # the slug's pattern is checked in the page, with the server's meaning
    page.goto(server + "/studio/campaign/new")
    for slug, valid in (("spring-draw", True), ("ab", False), ("Spring", False), ("a/b-c", False)):
        page.fill("#slug", slug)
        assert page.evaluate("document.getElementById('slug').validity.valid") is valid, slug
    context.close()


def frame_loaded(page, src: str) -> bool:
    """Add an iframe of `src` to the page; True if its document loaded from `src`."""
    page.evaluate(
        "(src) => new Promise((done) => { const f = document.createElement('iframe');"
        " f.src = src; f.onload = () => done(); document.body.appendChild(f);"
        " setTimeout(done, 5000); })",
        src,
    )
    frame = next((f for f in page.frames if f.url.startswith(src)), None)
    if frame is None:
        return False
    try:
        return frame.evaluate("document.location.href").startswith(src)
    except Exception:  # a blocked frame shows the browser's error page, from another origin
        return False


def test_framing_is_same_origin_for_participant_pages_and_never_for_the_studio(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, server)

    assert frame_loaded(page, server + "/c/test-draw")  # the studio's preview of a campaign
    assert not frame_loaded(page, server + "/studio/staff/")

    # another origin (the same server under another host name) frames neither
    other_origin = server.replace("127.0.0.1", "localhost")
    page.goto(other_origin + "/c/test-draw")
    assert not frame_loaded(page, server + "/c/test-draw")
    assert not frame_loaded(page, server + "/studio/login")
    context.close()
