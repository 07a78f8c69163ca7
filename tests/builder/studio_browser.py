"""Driving the studio in Chromium as a marketer does, counting what they had to do: pages
opened, fields filled or chosen, and JSON values typed (the target is none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "docs" / "images" / "studio"


@dataclass
class Studio:
    page: Page
    base: str
    pages: int = 0
    fields: int = 0
    json_values: int = 0
    visited: list[str] = field(default_factory=list)
    shots: bool = False

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self._arrived()

    def _arrived(self) -> None:
        self.page.wait_for_load_state("load")
        self.pages += 1
        self.visited.append(self.page.url.replace(self.base, ""))

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/studio/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.click_and_wait("button[type=submit]")

    def click_and_wait(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        self._arrived()

    def link(self, text_or_selector: str) -> None:
        self.click_and_wait(text_or_selector)

    def fill(self, name: str, value: str) -> None:
        self.page.fill(f"[name='{name}']", value)
        self.fields += 1

    def choose(self, name: str, value: str) -> None:
        self.page.select_option(f"select[name='{name}']", value)
        self.fields += 1

    def tick(self, selector: str, on: bool = True) -> None:
        box = self.page.locator(selector)
        if box.is_checked() != on:
            box.click()
            self.fields += 1

    def tick_choice(self, name: str, value: str, on: bool = True) -> None:
        self.tick(f"input[name='{name}'][value='{value}']", on)

    def save(self, button: str = "[data-save]") -> None:
        self.click_and_wait(button)
        problems = self.page.locator("[data-not-saved], .is-invalid, [data-rule-problem]")
        if problems.count():
            texts = self.page.locator(
                ".invalid-feedback, [data-rule-problem], .alert"
            ).all_inner_texts()
            raise AssertionError(f"not saved on {self.page.url}: {texts}")

    def screenshot(self, name: str) -> None:
        """A picture of the page for docs/studio.md (only with --studio-screenshots). It is
        taken at the page's full height (up to 4,000 px), then the window is put back."""
        if not self.shots:
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size({"width": 1366, "height": min(max(height, 900), 4000)})
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        self.page.set_viewport_size({"width": 1366, "height": 900})
