"""Every demo role, at a desktop width (1366 px) and a phone width (390 px), visits every page
of its menu: no error status, no page slower than one second on the server, no visible English
UI text outside an allowed list (codes, units, names), and a menu that never wraps."""

import re

import pytest
from django.core.management import call_command

from yufang.demo.orgs import LOGINS
from yufang.publicity.defaults import KINDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]+")
# Latin-script words a Chinese user legitimately reads: product and format names, units,
# and the demo's login names (the history shows who acted by login name).
ALLOWED_WORDS = (
    {
        "API",
        "PDF",
        "pdf",
        "docx",
        "doc",
        "jpg",
        "jpeg",
        "png",
        "Excel",
        "QR",
        "ID",
        "CSV",
        "xlsx",
        "xls",
        "csv",
        "mp4",
        "MP",  # MP4
        "HTTP",
        "HTTPS",
        "URL",
        "GB",
        "GBK",
        "UTF",
        "MB",
        "KB",
        "km",
        "kg",
        "PC",
        "IP",
        "HMAC",
        "HTML",
        "yuan",
        "yufang",
        "demo",
        "yf",
    }
    | {login[0] for login in LOGINS}
    | {"rm", "zc", "zx", "tv", "ys"}
    # The publicity deliverable kinds' codes (reference data the owner keys in, shown on the
    # kinds page beside their Chinese names) and MP4 in the evidence types' labels.
    | {word for kind in KINDS for word in LATIN_WORD.findall(kind["code"])}
    | {"MP"}
)
# Codes with letters in them: credit codes, ID numbers' X, certificate, course and account codes
# (hz-101, xy54963300, ZF-2023-0917), and the hazardous-chemicals licence prefix (鲁)WH.
# Certificate codes are random capitals that may hold no digit at all (TJYHXGNSRAKU).
CODE = re.compile(
    r"(?<![A-Za-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{3,}|(?<![A-Za-z])[A-Z]{8,}(?![A-Za-z])|（鲁）WH"
)

SERVER_LIMIT_MS = 1000


@pytest.fixture
def demo():
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", scale=0.02, stdout=devnull)


def _visible_english(page) -> set[str]:
    text = page.evaluate(
        """() => {
          const parts = [document.body.innerText, document.title];
          for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]'))
            if (el.offsetParent !== null) parts.push(el.placeholder);
          for (const el of document.querySelectorAll('[title], [aria-label]'))
            parts.push(el.getAttribute('title') || '', el.getAttribute('aria-label') || '');
          return parts.join('\\n');
        }"""
    )
    text = CODE.sub(" ", text)
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED_WORDS}


def _wrapped_menu_items(page) -> list[str]:
    """Menu entries whose text takes more than one line."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.navbar-nav > .nav-item > .nav-link, .navbar-brand')]
          .filter(a => a.offsetParent !== null)
          .filter(a => {
            const lh = parseFloat(getComputedStyle(a).lineHeight) || 24;
            const range = document.createRange(); range.selectNodeContents(a);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return lines.size > 1 || a.getBoundingClientRect().height > lh * 1.6 + 16;
          })
          .map(a => a.textContent.trim())"""
    )


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "yufang-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.mark.parametrize("width", [1366, 390])
def test_every_role_visits_every_menu_page(browser, live_server, demo, width):
    problems: list[str] = []
    timings: list[tuple[float, str]] = []
    for username, *_ in LOGINS:
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        _login(page, username)
        urls = ["/"] + page.eval_on_selector_all(
            "a[data-testid=nav-link]", "els => els.map(e => e.getAttribute('href'))"
        )
        if width < 992:
            page.locator(".navbar-toggler").click()
            page.locator("#mainnav.show:not(.collapsing)").wait_for()
        else:
            navbar = page.locator("nav.navbar").bounding_box()
            if navbar["height"] > 70:
                problems.append(f"{username}@{width}: 菜单栏高 {navbar['height']:.0f} px（折行）")
        for item in _wrapped_menu_items(page):
            problems.append(f"{username}@{width}: 菜单项「{item}」折行")
        for url in dict.fromkeys(urls):
            response = page.goto(url)
            where = f"{username}@{width} {url}"
            if response is None or response.status >= 400:
                problems.append(f"{where}: 状态 {response.status if response else '无响应'}")
                continue
            timing = response.request.timing
            server_ms = timing["responseStart"] - timing["requestStart"]
            timings.append((server_ms, where))
            if server_ms > SERVER_LIMIT_MS:
                problems.append(f"{where}: 服务器用时 {server_ms:.0f} ms")
            english = _visible_english(page)
            if english:
                problems.append(f"{where}: 页面上的英文 {sorted(english)}")
        context.close()
    timings.sort(reverse=True)
    print("slowest:", [f"{ms:.0f} ms {w}" for ms, w in timings[:5]])
    assert not problems, "\n".join(problems)
