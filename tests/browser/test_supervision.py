"""A district officer, on a phone, inspects a session running today: counts the room beside the
live signed-in number, checks people against the roster, answers the checklist with photos and
records a finding; the provider rectifies with evidence and the officer closes it."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from yufang.accounts.tests.factories import PASSWORD, make_world
from yufang.core.dates import today
from yufang.supervision.defaults import load
from yufang.supervision.models import Checklist, ChecklistItem, Finding, FindingStatus, Inspection, InspectionStatus
from yufang.training import services as training_services
from yufang.training.tests.factories import current_project, import_roster, make_session, people_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
# Screenshots for a person to look at, when asked for (YUFANG_SHOTS=/some/dir).
SHOTS = os.environ.get("YUFANG_SHOTS", "")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n%rectification\n"


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_district_inspects_a_running_session_on_a_phone_and_the_provider_rectifies(browser, live_server, tmp_path):
    load(Checklist, ChecklistItem)
    world = make_world()
    project = current_project(world)
    session = make_session(world, project, day=timezone.localdate(), start=0, end=23, topic="危化品企业班组长培训")
    rows = people_rows(6, start=40)
    import_roster(world, session, rows)
    now = timezone.localtime()
    for row in rows[:4]:
        training_services.attendance_mark(
            session=session,
            actor=world.users["provider_a"],
            name=row[1],
            id_number=row[2],
            signed_in_at=now - datetime.timedelta(minutes=5),
            signed_out_at=None,
            reason="签到设备故障，现场核实后补录",
        )
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG)
    evidence = tmp_path / "整改说明.pdf"
    evidence.write_bytes(PDF)

    phone = browser.new_context(base_url=live_server.url, **PHONE)
    page = phone.new_page()
    page.set_default_timeout(15000)
    _login(page, "t_district_a")
    page.goto("/supervision/today/")
    assert page.get_by_test_id("signed").first.inner_text() == "4"
    _shot(page, "on_site_390")
    page.fill("input[name=inspectors]", "赵磊、钱进")
    page.get_by_test_id(f"start-{session.pk}").click()
    page.wait_for_url("**/supervision/*/")
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.ON_SITE and inspection.mode == "unannounced"
    # Count the room: 6 people, 4 signed in.
    page.fill("input[name=head_count]", "6")
    page.click("#count button[type=submit]")
    assert page.get_by_test_id("head-count").inner_text() == "6"
    # Check people against the roster: at once, without leaving the page.
    page.fill("input[name=query]", rows[0][2])
    page.click("#roster button[type=submit]")
    page.get_by_test_id("match").wait_for()
    assert rows[0][2] not in page.get_by_test_id("roster-result").inner_text()
    page.fill("input[name=query]", "冒名者")
    page.click("#roster button[type=submit]")
    page.get_by_test_id("no-match").wait_for()
    # The checklist: everything passes but the head count; photos where required.
    items = list(inspection.checklist.items.all())
    for item in items:
        value = "fail" if "人数" in item.text else "pass"
        page.check(f"input[name=result_{item.pk}][value={value}]")
    page.get_by_test_id("save-answers").click()
    page.wait_for_load_state()
    for item in [i for i in items if i.photo_required]:
        form = page.locator("#photos form")
        form.locator("input[type=file]").set_input_files(str(photo))
        form.locator("select[name=item]").select_option(str(item.pk))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    page.select_option("select[name=kind]", "attendance")
    page.select_option("select[name=severity]", "major")
    page.fill("textarea[name=description]", "现场清点 6 人，平台签到 4 人，2 人未签到")
    page.get_by_test_id("finding-form").locator("button[type=submit]").click()
    page.wait_for_url("**/supervision/findings/*/")
    finding = Finding.objects.get()
    page.fill("[data-testid=note-request]", "补齐签到并说明原因")
    page.fill("[data-testid=deadline-request]", (today() + datetime.timedelta(days=7)).isoformat())
    page.get_by_test_id("action-request").click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING
    page.goto(inspection.get_absolute_url())
    _shot(page, "inspection_390")
    page.get_by_test_id("confirm-finish").locator("summary").click()
    page.get_by_test_id("note-finish").fill("签到不实一项，已下达整改")
    page.get_by_test_id("action-finish").click()
    page.wait_for_load_state()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DONE

    # The provider answers with evidence.
    desk = browser.new_context(base_url=live_server.url, **DESK)
    provider = desk.new_page()
    provider.set_default_timeout(15000)
    _login(provider, "t_provider_a")
    provider.goto(finding.get_absolute_url())
    provider.get_by_test_id("note-answer").fill("两名学员手机无法扫码，已补录并附签到表")
    provider.get_by_test_id("file-answer").set_input_files(str(evidence))
    provider.get_by_test_id("action-answer").click()
    provider.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    desk.close()

    # The officer closes it from the phone.
    page.goto(finding.get_absolute_url())
    page.get_by_test_id("note-verify").fill("核实属实，销号")
    page.get_by_test_id("action-verify").click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.on_time
    _shot(page, "finding_390")
    phone.close()

    # The same records on a desk: the lists, the coverage charts (drawn, under the CSP) and the
    # project's section.
    desk = browser.new_context(base_url=live_server.url, **DESK)
    officer = desk.new_page()
    violations: list[str] = []
    officer.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _login(officer, "t_district_a")
    for name, url in (
        ("list_1366", "/supervision/"),
        ("inspection_1366", inspection.get_absolute_url()),
        ("findings_1366", "/supervision/findings/"),
        ("finding_1366", finding.get_absolute_url()),
        ("coverage_1366", "/supervision/coverage/"),
        ("checklists_1366", "/supervision/checklists/"),
        ("project_1366", project.get_absolute_url()),
    ):
        officer.goto(url)
        officer.wait_for_load_state("networkidle")
        _shot(officer, name)
    officer.goto("/supervision/coverage/")
    officer.wait_for_function("document.querySelector('#chart-coverage canvas') !== null")
    assert not violations, violations
    desk.close()
