"""Playwright helpers for the widget browser tests (one Chromium per test session)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "widgets"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def open_page(page: Page, url: str) -> None:
    """Open a campaign page and wait until it has joined (or been refused)."""
    page.goto(url)
    page.wait_for_selector("body[data-state]", timeout=15000)
    state = page.get_attribute("body", "data-state")
    assert state == "ready", (
        f"page refused: {page.get_attribute('body', 'data-last-error')} "
        f"{page.inner_text('#modal-title')}"
    )


def wait_modal(page: Page, timeout: float = 15000) -> str:
    page.wait_for_selector("#modal:not([hidden])", timeout=timeout)
    return page.inner_text("#modal-title")


def close_modal(page: Page) -> None:
    page.click("#modal-close")
    page.wait_for_selector("#modal", state="hidden")


def settle(page: Page) -> None:
    """Wait for the page's refresh after an action (no request in flight for a moment)."""
    page.wait_for_load_state("networkidle")


def check_phone_layout(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: horizontal overflow ({width}px wide at 360px)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
