"""A trainee on a phone: watches a video, is refused a seek, answers an attention check, reads a
text lesson, passes the exam, meets the rule and downloads a certificate that the public page
verifies; the online target moves by exactly one person."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from yufang.accounts.tests.factories import PASSWORD, make_world
from yufang.learning import services
from yufang.learning.media import lesson_video
from yufang.learning.models import Certificate, StudyInterval, Verdict
from yufang.learning.tests.factories import make_questions, make_trainee_enrolment
from yufang.plans.models import Plan
from yufang.plans.tests.factories import make_plan
from yufang.targets.models import Target
from yufang.targets.services import target_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learning_world():
    world = make_world()
    plan = make_plan(world, year=timezone.localdate().year)
    # A short year for a short test: 1 class hour = 1 minute, 0.1 elective hours = 6 seconds.
    Plan.objects.filter(pk=plan.pk).update(class_hour_minutes=1, online_elective_hours=Decimal("0.1"))
    plan.refresh_from_db()
    rule = services.study_rule_for(plan=plan)
    rule.beat_seconds, rule.beat_cap_seconds, rule.check_min_seconds, rule.check_max_seconds = 1, 3, 3, 3
    rule.save()
    owner = world.owner
    required = services.course_save(actor=owner, data={"code": "hz", "title": "危险化学品安全基础"})
    services.lesson_add(
        actor=owner,
        course=required,
        data={
            "title": "储存与装卸",
            "kind": "video",
            "class_hours": Decimal("0.1"),
            "duration_seconds": 8,
            "video": ContentFile(lesson_video(seconds=8), name="hz.mp4"),
        },
    )
    elective = services.course_save(actor=owner, data={"code": "case", "title": "事故案例选讲"})
    services.lesson_add(
        actor=owner,
        course=elective,
        data={
            "title": "案例一",
            "kind": "text",
            "class_hours": Decimal("0.1"),
            "duration_seconds": 5,
            "body": "案例正文。",
        },
    )
    make_questions("案例", 2)
    services.exam_save(
        actor=owner,
        course=elective,
        data={"draw": {"案例": 2}, "time_limit_minutes": 5, "max_attempts": 2, "pass_mark": 100},
    )
    services.curriculum_set(actor=owner, plan=plan, course=required, kind="required")
    services.curriculum_set(actor=owner, plan=plan, course=elective, kind="elective")
    enrolment = make_trainee_enrolment(world, plan)
    target = target_save(
        actor=owner,
        plan=plan,
        data={
            "name": "线上培训人数",
            "metric": "persons",
            "modes": ["online"],
            "threshold": Decimal(100),
            "deadline": datetime.date(plan.year, 12, 31),
        },
    )
    return world, enrolment, target


def _answer_checks_until(page, selector):
    """Waits for `selector`, tapping "continue" on any attention check that comes first."""
    for _ in range(60):
        if page.locator(selector).is_visible():
            return
        button = page.get_by_test_id("check-continue")
        if button.is_visible():
            button.click()
        page.wait_for_timeout(500)
    raise AssertionError(f"{selector} never appeared")


def test_trainee_studies_to_a_verified_certificate(page, learning_world, browser):
    world, enrolment, target = learning_world
    page.goto("/accounts/login/")
    page.fill("#id_username", world.users["trainee_a"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/learning/")
    page.get_by_role("link", name="储存与装卸").click()
    page.wait_for_selector("#status[data-ready='1']")
    page.evaluate("() => { const v = document.getElementById('media'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('media').currentTime > 1.5")
    # Drag ahead past what has been credited: the server refuses and the player goes back.
    page.evaluate("() => { document.getElementById('media').currentTime = 7.5; }")
    page.wait_for_function("() => document.getElementById('notice').textContent.includes('不能拖动')")
    assert page.evaluate("() => document.getElementById('media').currentTime") < 6
    assert StudyInterval.objects.filter(enrolment=enrolment, verdict=Verdict.SEEK).exists()
    # The attention check comes after 3 credited seconds and stops the clock until answered.
    page.get_by_test_id("check-continue").wait_for(state="visible")
    page.get_by_test_id("check-continue").click()
    _answer_checks_until(page, "[data-testid=lesson-done]")
    assert StudyInterval.objects.filter(enrolment=enrolment, verdict=Verdict.CHECK_ANSWERED).exists()

    page.goto("/learning/")
    page.get_by_role("link", name="案例一").click()
    page.wait_for_selector("#status[data-ready='1']")
    _answer_checks_until(page, "[data-testid=lesson-done]")

    page.goto("/learning/")
    page.get_by_test_id("exam-case").click()
    for radio in page.locator("input[type=radio][value=A]").all():
        radio.check()
    page.get_by_test_id("exam-submit").click()
    page.get_by_test_id("rule-met").wait_for()
    code = page.get_by_test_id("certificate-code").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    anonymous = browser.new_context(base_url=page.context._impl_obj._options.get("baseURL"))
    public = anonymous.new_page()
    public.goto(f"/learning/verify/{code}/")
    text = public.get_by_test_id("verified").inner_text()
    assert "学员a" in text and enrolment.person.id_number not in text and "****" in text
    anonymous.close()

    assert Certificate.objects.get(code=code).enrolment_id == enrolment.pk
    assert Target.objects.get(pk=target.pk).achieved == 1


def test_the_player_keeps_the_login_alive_while_studying_and_stops_when_it_is_gone(page, learning_world):
    """Heartbeats never touch the login session: the player keeps it alive every five minutes
    while the lesson plays, not while it is paused, and stops once the login is gone."""
    from django.contrib.sessions.models import Session

    from yufang.learning.models import StudyRule

    world, enrolment, _ = learning_world
    StudyRule.objects.filter(plan=enrolment.plan).update(check_min_seconds=600, check_max_seconds=600)
    course = services.course_save(actor=world.owner, data={"code": "long", "title": "长课程"})
    lesson = services.lesson_add(
        actor=world.owner,
        course=course,
        data={
            "title": "长视频",
            "kind": "video",
            "class_hours": Decimal("0.5"),
            "duration_seconds": 60,
            "video": ContentFile(lesson_video(seconds=60), name="long.mp4"),
        },
    )
    services.curriculum_set(actor=world.owner, plan=enrolment.plan, course=course, kind="required")
    keepalives, beats = [], []
    page.on("response", lambda r: keepalives.append(r.status) if "/learning/keepalive/" in r.url else None)
    page.on("request", lambda r: beats.append(r.url) if r.url.endswith("/learning/beat") else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", world.users["trainee_a"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.clock.install()
    page.goto(f"/learning/lessons/{lesson.pk}/")
    page.wait_for_selector("#status[data-ready='1']")
    page.evaluate("() => { const v = document.getElementById('media'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('media').currentTime > 1.5")
    with page.expect_response(lambda r: "/learning/keepalive/" in r.url) as answer:
        page.clock.fast_forward("05:01")
    assert answer.value.status == 204

    # Paused: the stretch before the pause still counts once, then nothing.
    page.evaluate("() => document.getElementById('media').pause()")
    page.wait_for_timeout(300)
    page.clock.fast_forward("05:01")
    page.wait_for_timeout(2500)
    before = len(keepalives)
    page.clock.fast_forward("05:01")
    page.wait_for_timeout(1500)
    assert before == 2 and len(keepalives) == before and keepalives == [204, 204]

    # The login ends (timed out, or logged out elsewhere): the player stops and says so.
    page.evaluate("() => document.getElementById('media').play()")
    page.wait_for_timeout(1500)
    Session.objects.all().delete()
    page.clock.fast_forward("05:01")
    page.wait_for_function("() => document.getElementById('notice').textContent.includes('登录已失效')")
    assert keepalives[-1] == 302
    assert page.evaluate("() => document.getElementById('media').paused")
    assert page.get_by_role("link", name="重新登录").get_attribute("href").startswith("/accounts/login/?next=")
    sent = len(beats)
    page.wait_for_timeout(2500)
    assert len(beats) == sent
