"""The knowledge quiz on a phone: an enterprise's QR code opens the quiz with the enterprise
filled in; a worker takes part without an account and the live board moves; a second paper the
same day, a late submission and a replayed (double) submission get the right answers."""

import datetime
import os

import pytest
from django.utils import timezone

from yufang.accounts.tests.factories import PASSWORD, make_world
from yufang.quiz.models import Paper, Participant
from yufang.quiz.tests.factories import an_id, make_competition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("YUFANG_SHOTS")  # a folder: the pages are also saved there as PNG


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _kinds():
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)


def _answer_right(page):
    """The bank's right answer reads 对的, wherever this paper shuffled it."""
    for label in page.locator("label", has_text="对的").all():
        label.click()


def _watch(page, violations: list[str]):
    """The pages of this test open in contexts of their own, not the `page` fixture: each reports
    what the Content-Security-Policy refused (paper.js, the board's polling) like the fixture does."""
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def _join(phone, url, seq, name):
    phone.goto(url)
    phone.fill("#id_name", name)
    phone.fill("#id_id_number", an_id(seq))
    phone.fill("#id_phone", "13812345678")
    phone.get_by_test_id("join").click()
    phone.get_by_test_id("draw").click()
    phone.wait_for_url("**/quiz/p/**")


def test_phone_takes_part_by_the_enterprise_qr_and_the_board_moves(browser, live_server):
    _kinds()
    world = make_world()
    competition = make_competition(world)
    enterprise = world.orgs["enterprise_a"]

    # The enterprise's contact sees the poster's QR code on the competition page.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    violations: list[str] = []
    contact = _watch(desk.new_page(), violations)
    contact.goto("/accounts/login/")
    contact.fill("#id_username", world.users["enterprise_a"].username)
    contact.fill("#id_password", PASSWORD)
    contact.click("button[type=submit]")
    contact.wait_for_url("**/")
    contact.goto(f"/quiz/{competition.pk}/")
    scan_url = contact.get_by_test_id("poster-qr").get_attribute("data-scan-url")
    assert scan_url.endswith(f"?e={enterprise.credit_code}")

    # The launch ceremony's screen.
    board = _watch(desk.new_page(), violations)
    board.goto(f"/quiz/{competition.pk}/board/?live=1")
    assert board.get_by_test_id("participants").inner_text() == "0"

    phone_context = browser.new_context(base_url=live_server.url, **PHONE)
    phone = _watch(phone_context.new_page(), violations)
    phone.goto(scan_url)
    assert enterprise.name in phone.get_by_test_id("enterprise").inner_text()
    assert phone.locator("#id_credit_code").input_value() == enterprise.credit_code
    _shot(phone, "phone_join")
    _join(phone, scan_url, 1, "王小明")
    assert phone.get_by_test_id("question").count() == 5
    _answer_right(phone)
    _shot(phone, "phone_paper")
    # A second tab still shows the same paper: its submission later is a replay.
    twin = _watch(phone_context.new_page(), violations)
    twin.goto(phone.url)
    phone.get_by_test_id("submit").click()
    assert phone.get_by_test_id("score").inner_text() == "100"
    _shot(phone, "phone_result")

    # The board refreshes itself (HTMX polling) and shows the masked name.
    board.get_by_test_id("participants").filter(has_text="1").wait_for(timeout=15000)
    assert "王*明" in board.get_by_test_id("people-board").inner_text()
    assert "王小明" not in board.content()
    _shot(board, "live_board")

    # The replayed submission answers with the first result and scores nothing again.
    twin.get_by_test_id("submit").click()
    assert "重复提交不再计分" in twin.get_by_test_id("replay").inner_text()
    assert twin.get_by_test_id("score").inner_text() == "100"
    assert Participant.objects.get().papers == 1

    # A second paper by the same ID the same day is refused with the reason.
    phone.get_by_test_id("back").click()
    phone.get_by_test_id("draw").click()
    assert "每天最多可答 1 次" in phone.get_by_test_id("start-error").inner_text()

    # A late submission: another worker's paper whose time ran out before they handed it in.
    late_context = browser.new_context(base_url=live_server.url, **PHONE)
    late = _watch(late_context.new_page(), violations)
    _join(late, scan_url, 2, "李四光")
    _answer_right(late)
    token = late.url.rstrip("/").rsplit("/", 1)[1]
    Paper.objects.filter(token=token).update(
        started_at=timezone.now() - datetime.timedelta(minutes=20),
        deadline=timezone.now() - datetime.timedelta(minutes=15),
    )
    late.get_by_test_id("submit").click()
    assert "超过答题时限" in late.get_by_test_id("late").inner_text()
    assert late.get_by_test_id("score").inner_text() == "0"
    board.get_by_test_id("participants").filter(has_text="2").wait_for(timeout=15000)

    for context in (desk, phone_context, late_context):
        context.close()
    assert not violations, violations
