import datetime
import io
import json
import time

from django.core.files.base import ContentFile
from django.urls import reverse
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
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learning:roster"), {"file": file})
    job = Job.objects.get(kind="learning.roster_check")
    assert response.status_code == 302
    report = client.get(reverse("learning:import_review", args=[job.pk])).content.decode()
    assert "有效 <strong>1</strong> 行，错误 <strong>4</strong> 行" in report
    assert "校验位不正确" in report and "保存成了数字" in report and "与第 3 行是同一人" in report
    assert "岗位「厨师」" in report and good not in report
    done = client.post(reverse("learning:import_confirm", args=[job.pk])).content.decode()
    assert "张三" in done and good not in done
    enrolment = Enrolment.objects.get(person__name="张三")
    assert enrolment.enterprise == world.orgs["enterprise_a"] and enrolment.person.user.has_role("trainee")
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
