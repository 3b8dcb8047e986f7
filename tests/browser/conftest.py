"""Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server. Every test module here sets ``pytestmark = pytest.mark.browser`` (skipped outside CI when
Chromium is missing; a failure under CI)."""
import os

import pytest

# The live server runs in a thread while Playwright's sync API runs an event
# loop in this one: Django must let the test thread use the ORM anyway.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a folder: save a picture of each step there


@pytest.fixture(scope="session")
def playwright_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_axes_between_tests(settings):
    # Browser tests sign in and out many times from one address.
    settings.AXES_ENABLED = False


def pick(scope, label, typed, option=None):
    """Choose in a searchable picker (Tom Select, static/js/pickers.js): type
    into the box the label names, then click the option the search offers."""
    box = scope.locator("input[role=combobox]").and_(scope.get_by_role("combobox", name=label))
    # A single picker with a value moves its input aside until the control is clicked.
    box.locator("xpath=..").click()
    box.fill(typed)
    scope.get_by_role("option", name=option or typed).click()
    # Close the list (a multiple picker keeps it open) so that it covers nothing.
    page = scope.page if hasattr(scope, "page") else scope
    page.keyboard.press("Escape")
    scope.locator(".ts-dropdown:visible").wait_for(state="detached")


def follow_nav(page, name):
    """Follow a link of the site navigation, opening the phone's menu first
    when it is folded (static/js/layout.js)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    page.locator("#site-nav-links").get_by_role("link", name=name).click()


class Browser:
    """One person at one browser: their own context (cookies), the live server's address."""

    def __init__(self, browser, base_url, device, name):
        self.context = browser.new_context(base_url=base_url, locale="zh-CN", **device)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.name = name
        self.shots = 0

    def sign_in(self, username, password="pass-1234-word"):
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label("用户名或手机号码").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, page.content()

    def sign_out(self):
        self.page.get_by_role("button", name="退出").click()
        self.page.wait_for_load_state()

    def shot(self, label):
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            self.shots += 1
            self.page.screenshot(path=os.path.join(SCREENSHOTS, f"{self.name}-{self.shots:02d}-{label}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture(params=[pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def device(request):
    return request.param


@pytest.fixture
def open_browser(playwright_browser, live_server, device, request):
    opened = []

    def _open(name="user", device_override=None):
        person = Browser(playwright_browser, live_server.url, device_override or device, f"{request.node.name}-{name}")
        opened.append(person)
        return person

    yield _open
    for person in opened:
        person.close()
