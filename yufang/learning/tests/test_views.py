import datetime
import io
import json
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from yufang.core.models import Job
from yufang.learning import services
from yufang.learning.models import Enrolment, Question, StudyInterval
from yufang.targets.tests.factories import id_number


def xlsx(rows) -> ContentFile:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return ContentFile(buffer.getvalue(), name="名单.xlsx")


def test_enterprise_imports_a_roster_with_a_per_row_report(setup, world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["enterprise_a"])
    good = id_number("370303", datetime.date(1985, 1, 2), 11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    file = xlsx(
        [
            ["2023年线上培训报名表"],
            ["姓名", "身份证号", "手机号", "岗位"],
            ["张 三", good, "13800000001", "一线班组长"],
            ["李四", bad, "", ""],
            ["王五", 370303198501020011, "", ""],
            ["张三", good, "", ""],
            ["赵六", id_number("370303", datetime.date(1986, 1, 2), 12), "", "厨师"],
            ["合计：5 人"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learning:roster"), {"file": file})
    job = Job.objects.get(kind="learning.roster_check")
    assert response.status_code == 302
    report = client.get(reverse("learning:import_review", args=[job.pk])).content.decode()
    assert "有效 <strong>2</strong> 行" in report and "错误 <strong>3</strong> 行" in report
    assert "校验位不正确" in report and "保存成了数字" in report and "与第 3 行为同一人" in report
    assert "岗位「厨师」不在平台的岗位名录" in report and good not in report
    assert "已跳过 1 行非数据行" in report and "行：合计行，已跳过" in report
    errors = client.get(reverse("learning:import_errors", args=[job.pk]))
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning:import_confirm", args=[job.pk]))
    applied = Job.objects.get(kind="learning.roster_apply")
    done = client.get(reverse("learning:enrolment_result", args=[applied.pk])).content.decode()
    assert "新报名 <strong>2</strong> 人" in done and good not in done
    enrolment = Enrolment.objects.get(person__name="张三")
    assert enrolment.enterprise == world.orgs["enterprise_a"] and enrolment.person.user.has_role("trainee")
    assert enrolment.person.position.code == "team_leader"
    assert enrolment.person.user.password.startswith("pbkdf2_sha256_issued$")  # one-time, must be changed
    # The same file twice does not enrol twice.
    again = client.post(reverse("learning:import_confirm", args=[job.pk]))
    assert again.status_code == 302 and Enrolment.objects.filter(person__name="张三").count() == 1


def test_question_import_reports_each_bad_row(setup, world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["agency"])
    file = xlsx(
        [
            ["题目分类", "题型", "题干", "选项A", "选项B", "选项C", "答案"],
            ["危化", "单选题", "储存危化品应当？", "专库专储", "混放", "露天", "A"],
            ["危化", "多选题", "哪些属于个体防护？", "安全帽", "防护服", "拖鞋", "AB"],
            ["危化", "判断题", "可以在库房吸烟。", "", "", "", "错"],
            ["危化", "单选题", "缺答案的题", "甲", "乙", "", ""],
            ["危化", "多选题", "只有一个答案的多选", "甲", "乙", "", "A"],
            ["危化", "问答题", "不支持的题型", "", "", "", "A"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning:questions"), {"file": file})
    job = Job.objects.get(kind="learning.questions_check")
    report = client.get(reverse("learning:import_review", args=[job.pk])).content.decode()
    assert "有效 <strong>3</strong> 行，错误 <strong>3</strong> 行" in report
    assert "多选题至少有两个正确答案" in report and "题型「问答题」" in report
    client.post(reverse("learning:import_confirm", args=[job.pk]))
    tf = Question.objects.get(stem="可以在库房吸烟。")
    assert (tf.kind, tf.answer, tf.options) == ("true_false", "B", ["正确", "错误"])


def test_question_import_reads_the_difficulty_the_quiz_draws_by(
    setup, world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["agency"])
    file = xlsx(
        [
            ["题目分类", "题型", "题干", "选项A", "选项B", "答案", "难度"],
            ["竞答", "判断题", "容易的题", "", "", "对", "易"],
            ["竞答", "判断题", "没写难度的题", "", "", "错", ""],
            ["竞答", "判断题", "难度写错的题", "", "", "对", "超难"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning:questions"), {"file": file})
    job = Job.objects.get(kind="learning.questions_check")
    report = client.get(reverse("learning:import_review", args=[job.pk])).content.decode()
    assert "难度「超难」应为易、中或难" in report
    client.post(reverse("learning:import_confirm", args=[job.pk]))
    assert dict(Question.objects.filter(category="竞答").values_list("stem", "difficulty")) == {
        "容易的题": 1,
        "没写难度的题": 2,
    }


def test_video_is_served_with_range_requests(setup, world, client):
    client.force_login(world.users["trainee_a"])
    lesson = setup.required.lessons.get()
    size = lesson.video.size
    response = client.get(reverse("learning:media", args=[lesson.pk]), HTTP_RANGE="bytes=4-11")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 4-11/{size}"
    assert b"".join(response.streaming_content) == b"ftypmp42"
    assert client.get(reverse("learning:media", args=[lesson.pk]), HTTP_RANGE=f"bytes={size}-").status_code == 416
    # Another trainee whose curriculum does not hold it: as if it did not exist.
    client.force_login(world.users["trainee_b"])
    assert client.get(reverse("learning:media", args=[lesson.pk])).status_code == 404


def test_player_api_start_beat_and_progress(setup, world, client):
    client.force_login(world.users["trainee_a"])
    lesson = setup.required.lessons.get()
    started = client.post(
        "/api/v1/learning/sessions", {"lesson_id": lesson.pk, "device_id": "d1"}, content_type="application/json"
    )
    assert started.status_code == 200
    token = started.json()["token"]
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(
        last_beat_ms=int((time.time() - 12) * 1000), check_due_ms=10**12
    )
    beat = client.post(
        "/api/v1/learning/beat",
        {"seq": 1, "position": 12, "rate": 1, "visible": True, "playing": True},
        content_type="application/json",
        HTTP_X_LEARNING_TOKEN=token,
    )
    assert beat.status_code == 200 and beat.json()["verdict"] == "credited"
    assert 11_000 <= beat.json()["credited_ms"] <= 12_500
    bad = client.post(
        "/api/v1/learning/beat",
        {"seq": 1, "position": -5, "visible": True, "playing": True},
        content_type="application/json",
        HTTP_X_LEARNING_TOKEN=token,
    )
    assert bad.status_code == 422
    wrong = client.post(
        "/api/v1/learning/beat",
        {"seq": 2, "position": 13, "visible": True, "playing": True},
        content_type="application/json",
        HTTP_X_LEARNING_TOKEN=token[:-1] + ("0" if token[-1] != "0" else "1"),
    )
    assert wrong.status_code == 404
    mine = client.get("/api/v1/learning/progress").json()
    assert mine["required_total"] == 1 and mine["elective_needed"] == "2.0"
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/learning/beat" in schema["paths"]


def test_fast_path_answers_like_the_api(setup, world):
    from yufang.learning.fastpath import BEAT_PATH, wrap

    session, token = services.session_start(user=world.users["trainee_a"], lesson=setup.required.lessons.get())
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(
        last_beat_ms=int((time.time() - 12) * 1000), check_due_ms=10**12
    )
    body = json.dumps({"seq": 1, "position": 12, "rate": 1, "visible": True, "playing": True}).encode()
    statuses = []
    app = wrap(lambda environ, start_response: [b"django"])
    out = app(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": BEAT_PATH,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_X_LEARNING_TOKEN": token,
        },
        lambda status, headers: statuses.append(status),
    )
    result = json.loads(b"".join(out))
    assert statuses == ["200 OK"] and result["verdict"] == "credited"
    assert StudyInterval.objects.get().credited_ms == result["credited_ms"]
    assert app({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *a: None) == [b"django"]


def test_public_verification_shows_only_the_certificate(setup, world, client):
    from yufang.learning.models import Certificate

    e = setup.enrolment
    cert = Certificate.objects.create(
        enrolment=e,
        code="ABCDEFGH2345",
        issued_on=datetime.date(2023, 6, 1),
        name=e.person.name,
        id_masked=e.person.id_masked,
        courses=[{"title": "危险化学品安全基础", "kind": "必修", "hours": "1"}],
        total_hours=1,
        issuer="测试经办机构",
        year=e.plan.year,
    )
    page = client.get(reverse("learning:verify_code", args=[cert.code])).content.decode()
    person = cert.enrolment.person
    assert "证书真实有效" in page and cert.name in page and cert.id_masked in page
    assert person.id_number not in page and cert.enrolment.enterprise.name not in page
    assert "未找到验证码" in client.get(reverse("learning:verify"), {"code": "NOPE"}).content.decode()


def test_learner_home_and_staff_pages_render(setup, world, client):
    client.force_login(world.users["trainee_a"])
    assert "危险化学品安全基础" in client.get(reverse("learning:home")).content.decode()
    for role in ("owner", "agency", "provider_a", "enterprise_a", "district_a"):
        client.force_login(world.users[role])
        assert client.get(reverse("learning:learners")).status_code == 200, role
    client.force_login(world.users["agency"])
    for name in ("patterns", "statistics", "courses", "course_create"):
        assert client.get(reverse(f"learning:{name}")).status_code == 200, name
    assert client.get(reverse("learning:course", args=[setup.required.pk])).status_code == 200
    client.force_login(world.users["enterprise_a"])
    assert client.get(reverse("learning:patterns")).status_code == 403


def test_statistics_count_hours_once_per_enrolment(setup, world):
    from yufang.learning.models import LessonProgress
    from yufang.learning.selectors import platform_figures

    LessonProgress.objects.create(enrolment=setup.enrolment, lesson=setup.required.lessons.get())
    LessonProgress.objects.create(enrolment=setup.enrolment, lesson=setup.elective.lessons.get())
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(credited_ms=setup.plan.class_hour_minutes * 60_000)
    figures = platform_figures(user=world.users["agency"], plan=setup.plan)
    assert [(f.name, f.enrolled, f.hours) for f in figures["industry"]] == [("危险化学品", 1, 1)]


# --- The year's study settings ---------------------------------------------------------------


def settings_form(**changes) -> dict:
    data = {
        "online_elective_hours": "2",
        "beat_cap_seconds": "20",
        "check_min_seconds": "300",
        "check_max_seconds": "900",
        "daily_cap_hours": "8",
    }
    return data | {k: str(v) for k, v in changes.items()}


@pytest.mark.parametrize("role", ["agency", "owner"])
def test_the_agency_edits_the_years_study_settings_and_the_change_is_audited(setup, world, client, role):
    from yufang.core.models import AuditLog
    from yufang.learning.models import StudyRule

    client.force_login(world.users[role])
    url = reverse("learning:study_rule", args=[setup.plan.pk])
    page = client.get(url).content.decode()
    assert '1 学时 = <strong data-testid="class-hour-minutes">45</strong> 分钟' in page
    # The plan is issued: its elective hours are shown, not editable, with the reason.
    assert "已印发的实施方案不能修改" in page or "实施方案只能由市人社局编制和修改" in page
    response = client.post(url, settings_form(check_min_seconds=120, check_max_seconds=600, daily_cap_hours="6.5"))
    assert response.status_code == 302 and response["Location"] == url
    rule = StudyRule.objects.get(plan=setup.plan)
    assert (rule.check_min_seconds, rule.check_max_seconds, rule.daily_cap_hours) == (120, 600, Decimal("6.5"))
    entry = AuditLog.objects.for_object(rule).filter(action="update").get()
    assert entry.actor == world.users[role]
    assert entry.changes == {
        "check_min_seconds": [300, 120],
        "check_max_seconds": [900, 600],
        "daily_cap_hours": ["8.0", "6.5"],
    }
    page = client.get(url).content.decode()
    assert "学习设置已保存" in page and "变更历史" in page


def test_the_settings_page_is_linked_from_the_course_catalogue(setup, world, client):
    client.force_login(world.users["agency"])
    page = client.get(reverse("learning:courses")).content.decode()
    assert reverse("learning:study_rule", args=[setup.plan.pk]) in page
    client.force_login(world.users["provider_a"])  # a provider keeps courses but not the year's settings
    assert (
        reverse("learning:study_rule", args=[setup.plan.pk])
        not in client.get(reverse("learning:courses")).content.decode()
    )


@pytest.mark.parametrize("role", ["provider_a", "enterprise_a", "district_a", "partner", "trainee_a"])
def test_other_roles_can_neither_see_nor_change_the_settings(setup, world, client, role):
    from yufang.core.models import AuditLog
    from yufang.learning.models import StudyRule

    client.force_login(world.users[role])
    url = reverse("learning:study_rule", args=[setup.plan.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, settings_form(beat_cap_seconds=120)).status_code in (403, 404)
    assert StudyRule.objects.get(plan=setup.plan).beat_cap_seconds == 20
    assert not AuditLog.objects.filter(content_type__model="studyrule", action="update").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"check_min_seconds": 600, "check_max_seconds": 300},
            "check_max_seconds",
            "最长间隔不能短于最短间隔（600 秒）",
        ),
        ({"beat_cap_seconds": 5}, "beat_cap_seconds", "不能小于心跳间隔（12 秒）"),
        ({"beat_cap_seconds": 0}, "beat_cap_seconds", "每次心跳最多计入须为 1 至 120 之间的整数（秒）"),
        ({"check_min_seconds": "abc"}, "check_min_seconds", "随机验证最短间隔须为不小于 1 的整数（秒）"),
        ({"daily_cap_hours": 0}, "daily_cap_hours", "每日上限须大于 0"),
        ({"daily_cap_hours": "6.25"}, "daily_cap_hours", "每日上限最多保留一位小数"),
        ({"daily_cap_hours": 40}, "daily_cap_hours", "40 学时折合 1800 分钟（1 学时 = 45 分钟），超过一天的 1440 分钟"),
    ],
)
def test_invalid_settings_are_shown_beside_the_field_and_nothing_is_saved(
    setup, world, client, changes, field, message
):
    from yufang.core.models import AuditLog
    from yufang.learning.models import StudyRule

    client.force_login(world.users["agency"])
    response = client.post(reverse("learning:study_rule", args=[setup.plan.pk]), settings_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert message in response.content.decode()
    assert not AuditLog.objects.filter(content_type__model="studyrule", action="update").exists()
    assert StudyRule.objects.get(plan=setup.plan).check_max_seconds == 900


def test_htmx_submission_swaps_the_form_or_redirects(setup, world, client):
    client.force_login(world.users["agency"])
    url = reverse("learning:study_rule", args=[setup.plan.pk])
    bad = client.post(url, settings_form(check_min_seconds=901), HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert bad.status_code == 200 and body.lstrip().startswith("<form") and "最长间隔不能短于最短间隔" in body
    good = client.post(url, settings_form(beat_cap_seconds=30), HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and good["HX-Redirect"] == url


def test_elective_hours_are_the_plans_and_locked_once_it_is_issued(setup, world, client):
    from yufang.plans.models import Plan

    client.force_login(world.users["owner"])
    url = reverse("learning:study_rule", args=[setup.plan.pk])
    page = client.get(url).content.decode()
    assert 'name="online_elective_hours"' in page and "disabled" in page
    # A disabled field keeps the plan's value whatever is posted.
    assert client.post(url, settings_form(online_elective_hours="0.5")).status_code == 302
    assert Plan.objects.get(pk=setup.plan.pk).online_elective_hours == Decimal("2")


def test_lowering_the_elective_hours_certifies_whoever_now_meets_the_rule(
    setup, world, client, django_capture_on_commit_callbacks
):
    from yufang.core.models import AuditLog, Job
    from yufang.learning.models import Certificate, LessonProgress
    from yufang.plans.models import Plan
    from yufang.plans.services import plan_transition
    from yufang.targets.models import Target

    # The learner has finished the required course and no elective.
    LessonProgress.objects.create(
        enrolment=setup.enrolment, lesson=setup.required.lessons.get(), completed_at=timezone.now()
    )
    assert services.enrolment_evaluate(enrolment_id=setup.enrolment.pk) is None
    plan_transition(plan=setup.plan, action="withdraw", actor=world.owner, note="调整选修学时")
    client.force_login(world.users["owner"])
    url = reverse("learning:study_rule", args=[setup.plan.pk])
    assert "在实施方案中修改每学时分钟数" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, settings_form(online_elective_hours="0"))
    job = Job.objects.get(kind="learning.enrolments_evaluate")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == "succeeded" and job.result == {"met": 1, "evaluated": 1}
    assert "新达标 1 人" in client.get(response["Location"]).content.decode()
    plan = Plan.objects.get(pk=setup.plan.pk)
    assert plan.online_elective_hours == 0
    assert AuditLog.objects.for_object(plan).filter(changes__has_key="online_elective_hours").exists()
    assert Certificate.objects.filter(enrolment=setup.enrolment).exists()
    assert Target.objects.get(pk=setup.target.pk).achieved == 1


# --- Keeping the login alive while studying ----------------------------------------------------


def test_keepalive_needs_a_login(client):
    response = client.get(reverse("learning:keepalive"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_keepalive_pushes_the_login_session_expiry_forward(world, client):
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone as tz

    client.force_login(world.users["trainee_a"])
    key = client.session.session_key
    soon = tz.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    for method in (client.get, client.post):
        response = method(reverse("learning:keepalive"))
        assert response.status_code == 204 and response.content == b""
        assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry >= tz.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert client.put(reverse("learning:keepalive")).status_code == 405


def test_the_player_is_told_where_to_keep_the_login_alive(setup, world, client):
    client.force_login(world.users["trainee_a"])
    page = client.get(reverse("learning:lesson", args=[setup.required.lessons.get().pk])).content.decode()
    cfg = json.loads(page.split('id="player-cfg">')[1].split("</script>")[0])
    assert cfg["keepAliveUrl"] == reverse("learning:keepalive")
    assert cfg["loginUrl"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("session_id", ["9" * 40, "²", "9223372036854775808"])
def test_a_beat_with_an_impossible_token_is_refused_not_a_server_error(db, client, session_id):
    from yufang.learning.fastpath import BEAT_PATH, wrap

    token = f"{session_id}.{'a' * 32}"
    body = json.dumps({"seq": 1, "position": 1, "rate": 1, "visible": True, "playing": True}).encode()
    statuses = []
    wrap(lambda environ, start_response: [b"django"])(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": BEAT_PATH,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_X_LEARNING_TOKEN": token,
        },
        lambda status, headers: statuses.append(status),
    )
    assert statuses == ["404 Not Found"]
    # The documented endpoint (the fast path's twin) and the attention check answer the same way.
    for path in ("/api/v1/learning/beat", "/api/v1/learning/check"):
        response = client.post(path, body, content_type="application/json", HTTP_X_LEARNING_TOKEN=token)
        assert response.status_code in (401, 404, 422), (path, response.status_code)


def test_opening_the_exam_page_does_not_use_up_an_attempt(setup, world, client):
    """A GET (a prefetching browser, a link preview, a reload) never starts an attempt: only the
    start button's POST does; the paper is then shown again on reload and submitted once."""
    from yufang.learning.models import ExamAttempt
    from yufang.learning.tests.test_services import lesson_of, start, watch

    user = world.users["trainee_a"]
    t = time.time()
    _, token = start(user, lesson_of(setup.elective), t)
    watch(token, start=t, seconds=36)
    client.force_login(user)
    url = reverse("learning:exam", args=[setup.elective.pk])
    for _ in range(4):
        page = client.get(url)
        assert page.status_code == 200 and "开始考试" in page.content.decode()
    assert not ExamAttempt.objects.exists()
    assert client.post(url, {"start": "1"})["Location"] == url
    attempt = ExamAttempt.objects.get()
    # Reloading the paper shows the same attempt.
    page = client.get(url).content.decode()
    assert f'name="attempt" value="{attempt.pk}"' in page and "交卷" in page
    assert ExamAttempt.objects.count() == 1
    answers = {f"q{q}": "A" for q in attempt.question_ids}
    assert client.post(url, {"attempt": attempt.pk, **answers}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 100
    assert ExamAttempt.objects.count() == 1


def test_in_production_nginx_streams_the_lesson_video_after_the_check(setup, world, client, settings):
    settings.YUFANG_MEDIA_ACCEL_REDIRECT = "/media/"
    lesson = setup.required.lessons.get()
    client.force_login(world.users["trainee_a"])
    response = client.get(reverse("learning:media", args=[lesson.pk]))
    assert response.status_code == 200 and response["X-Accel-Redirect"] == "/media/" + lesson.video.name
    assert response["Content-Disposition"].startswith("inline;")
