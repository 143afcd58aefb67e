"""A provider imports a messy roster, trainees sign in and out on their phones by scanning the
venue screen's rotating code (or typing the text code), the provider closes the session, and
the completion facts and the targets move."""

import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from yufang.accounts.tests.factories import PASSWORD, make_world
from yufang.people.models import Person
from yufang.reference.models import Industry
from yufang.targets.models import Completion, Target
from yufang.targets.services import target_save
from yufang.training import services
from yufang.training.models import Attendance, Flag, TrainingSession
from yufang.training.tests.factories import current_project, people_rows, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _scan_url(screen) -> str:
    """What a phone's camera reads from the QR code on the venue screen."""
    return screen.get_by_test_id("qr").get_attribute("data-scan-url")


def test_roster_import_then_phone_sign_in_and_out_moves_the_targets(browser, live_server):
    world = make_world()
    project = current_project(world)
    target = target_save(
        actor=world.owner,
        plan=project.plan,
        data={
            "name": "线下培训人数",
            "metric": "persons",
            "modes": ["offline", "practical"],
            "threshold": Decimal(100),
            "deadline": datetime.date(timezone.localdate().year, 12, 31),
        },
    )
    # The session opens in about a minute and lasts half a minute: trainees sign in before it
    # starts and sign out after it ends, so they are present for all of it.
    start = timezone.now() + datetime.timedelta(seconds=35)
    session = services.session_create(
        project=project,
        data={
            "kind": "centralised",
            "industry": Industry.objects.get(code="hazchem"),
            "topic": "危化品企业工伤预防培训",
            "region": world.orgs["district_a"].region,
            "venue": "张店区人社局培训中心",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(seconds=20),
            "class_hours": "0.5",
            "instructors": "王老师",
            "capacity": 10,
        },
        enterprises=[world.orgs["enterprise_a"]],
        actor=world.users["provider_a"],
    )
    rows = people_rows(4)
    messy = [list(r) for r in rows]
    messy[1][1] = " " + messy[1][1][0] + "\u3000" + messy[1][1][1:]  # stray spaces, an ideographic space
    messy[2][2] = "".join(chr(ord(c) + 0xFEE0) for c in messy[2][2])  # full-width digits
    numeric = people_rows(1, start=20)[0]
    numeric[2] = float(numeric[2][:15] + "000")  # Excel kept it as a number
    duplicate = list(rows[0])
    content = xlsx([*messy, numeric, duplicate])

    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    provider = desk.new_page()
    provider.set_default_timeout(15000)
    _login(provider, "t_provider_a")
    provider.goto(f"/training/sessions/{session.pk}/")
    provider.get_by_test_id("roster-upload").locator("input[type=file]").set_input_files(
        {"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    provider.get_by_test_id("roster-upload").locator("button[type=submit]").click()
    provider.get_by_test_id("job-result").click()
    report = provider.get_by_test_id("roster-report").inner_text()
    assert provider.get_by_test_id("valid").inner_text() == "4"
    assert provider.get_by_test_id("errors").inner_text() == "2"
    assert "被表格保存成了数字" in provider.content() and "与第 4 行为同一人" in provider.content(), report
    with provider.expect_download() as download:
        provider.get_by_test_id("error-file").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    provider.get_by_test_id("confirm").click()
    provider.get_by_test_id("job-result").click()
    provider.wait_for_url(f"**/training/sessions/{session.pk}/")
    assert provider.get_by_test_id("missing-count").inner_text() == "4"

    people = {p.name: p for p in Person.objects.filter(roster_entries__session=session)}
    assert len(people) == 4
    first, second, third, fourth = (people["".join(r[1].split())] for r in rows)
    # One trainee already has an account linked to their archive.
    first.user = world.users["trainee_a"]
    first.save(update_fields=["user"])

    screen = desk.new_page()
    screen.goto(f"/training/sessions/{session.pk}/screen/")
    phones = [browser.new_context(base_url=live_server.url, **PHONE) for _ in range(4)]
    try:
        # The logged-in trainee confirms with one tap.
        logged = phones[0].new_page()
        _login(logged, "t_trainee_a")
        old_link, old_at = _scan_url(screen), time.time()
        logged.goto(old_link)
        assert first.name in logged.content()
        logged.get_by_test_id("sign-submit").click()
        assert "签到成功" in logged.get_by_test_id("sign-done").inner_text()
        # Two type their name and ID number (one in lower case, as phones do).
        for context, person in ((phones[1], second), (phones[2], third)):
            phone = context.new_page()
            phone.goto(_scan_url(screen))
            phone.fill("#id_name", person.name)
            phone.fill("#id_id_number", person.id_number.lower())
            phone.get_by_test_id("sign-submit").click()
            assert "签到成功" in phone.get_by_test_id("sign-done").inner_text()
        # Someone not on the roster is turned away.
        stranger = phones[3].new_page()
        stranger.goto(_scan_url(screen))
        outsider = people_rows(1, start=60)[0]
        stranger.fill("#id_name", outsider[1])
        stranger.fill("#id_id_number", outsider[2])
        stranger.get_by_test_id("sign-submit").click()
        assert "不在本场次花名册" in stranger.get_by_test_id("sign-error").inner_text()
        # The fourth trainee's camera cannot read the screen: the text code.
        typed = phones[3].new_page()
        typed.goto("/training/code/")
        typed.fill("#id_session", str(session.pk))
        typed.fill("#id_code", screen.get_by_test_id("text-code").inner_text())
        typed.fill("#id_name", fourth.name)
        typed.fill("#id_id_number", fourth.id_number)
        typed.get_by_test_id("sign-submit").click()
        assert "签到成功" in typed.get_by_test_id("sign-done").inner_text()

        # The live list on the session page follows without a reload.
        provider.wait_for_function(
            "() => document.querySelector('[data-testid=signed-count]').textContent.trim() === '4'"
        )
        assert provider.get_by_test_id("missing-count").inner_text() == "0"

        # A code photographed earlier is useless once the screen has rotated.
        while timezone.now() < session.ends_at + datetime.timedelta(seconds=1):
            time.sleep(1)
        time.sleep(max(0.0, old_at + 31 - time.time()))  # two rotations since the photo was taken
        reuse = phones[1].new_page()
        reuse.goto(old_link)
        assert "已过期" in reuse.get_by_test_id("sign-error").inner_text()
        assert reuse.goto(old_link.replace("-in-", "-out-")).status == 404  # a forged code

        # Sign-out: three scan the sign-out screen; the fourth leaves without signing out.
        screen.goto(f"/training/sessions/{session.pk}/screen/?direction=out")
        out_link = _scan_url(screen)
        assert "-out-" in out_link
        again = logged
        again.goto(out_link)
        again.get_by_test_id("sign-submit").click()
        assert "签退成功" in again.get_by_test_id("sign-done").inner_text()
        for context, person in ((phones[1], second), (phones[2], third)):
            phone = context.new_page()
            phone.goto(_scan_url(screen))
            phone.fill("#id_name", person.name)
            phone.fill("#id_id_number", person.id_number)
            phone.get_by_test_id("sign-submit").click()
            assert "签退成功" in phone.get_by_test_id("sign-done").inner_text()
    finally:
        for context in phones:
            context.close()

    # The provider closes the session: the attendance rule decides, the facts are written.
    provider.goto(f"/training/sessions/{session.pk}/")
    provider.get_by_test_id("confirm-close").locator("summary").click()
    assert "写入培训记录" in provider.get_by_test_id("confirm-text").inner_text()
    provider.get_by_test_id("action-close").click()
    assert "认定完成 3 人" in provider.locator(".alert-success").inner_text()
    assert provider.get_by_test_id("completed-count").inner_text() == "3"
    assert set(Attendance.objects.filter(session=session, completed=True).values_list("person_id", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }
    assert Completion.objects.filter(source_id=str(session.pk), mode="offline").count() == 3
    assert Target.objects.get(pk=target.pk).achieved == target.achieved + 3
    assert TrainingSession.objects.get(pk=session.pk).status == "closed"
    # The roster's problems are on the session as flags, with their evidence.
    assert {"invalid_id", "duplicate_id"} <= set(Flag.objects.filter(session=session).values_list("kind", flat=True))
    assert "身份证号无效" in provider.get_by_test_id("flags").inner_text()
    # The trainee sees it in their own archive, on the phone.
    phone_context = browser.new_context(base_url=live_server.url, **PHONE)
    archive = phone_context.new_page()
    _login(archive, "t_trainee_a")
    archive.goto("/people/me/")
    assert "危化品企业工伤预防培训" in archive.get_by_test_id("completions").inner_text()
    assert first.id_number not in archive.content()
    # Stop the polling pages and let their last requests finish before the live server goes.
    for page in (provider, screen):
        page.goto("about:blank")
    provider.wait_for_timeout(500)
    phone_context.close()
    desk.close()
