import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from yufang.core.models import AuditLog
from yufang.training import codes
from yufang.training.models import Attendance, RosterEntry

from .factories import import_roster, make_session, people_rows, xlsx

pytestmark = pytest.mark.django_db


def _cells(response) -> list[list]:
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_roster_upload_review_error_file_and_confirm_through_the_pages(
    world, client, django_capture_on_commit_callbacks
):
    session = make_session(world)
    rows = people_rows(3)
    bad = people_rows(1, start=30)[0]
    bad[2] = bad[2][:17] + ("1" if bad[2][17] != "1" else "2")
    client.force_login(world.users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:roster_upload", args=[session.pk]),
            {
                "file": SimpleUploadedFile(
                    "花名册.xlsx", xlsx([*rows, bad, ["合计：4 人"], ["注：本表由单位盖章报送。"]])
                )
            },
        )
    job_url = response["Location"]
    job_page = client.get(job_url)
    assert "有效 3 行，错误 1 行" in job_page.content.decode()
    job_id = int(job_url.rstrip("/").split("/")[-1])
    review = client.get(reverse("training:roster_review", args=[job_id])).content.decode()
    assert "校验位不正确" in review and bad[2] not in review
    # The rows skipped as not data are shown with their reason.
    assert "已跳过 2 行非数据行" in review
    assert "第 8 行：合计行，已跳过" in review and "第 9 行：表格下方的说明文字，已跳过" in review
    errors = _cells(client.get(reverse("training:roster_errors", args=[job_id])))
    assert errors[0][-2:] == ["原行号", "错误说明"] and errors[0][1] == "姓名"
    assert errors[1][2] == bad[2] and "校验位" in errors[1][-1]
    # Another provider cannot see or confirm it.
    client.force_login(world.users["provider_b"])
    assert client.post(reverse("training:roster_confirm", args=[job_id])).status_code == 404
    client.force_login(world.users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:roster_confirm", args=[job_id]))
    assert RosterEntry.objects.filter(session=session).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:roster_confirm", args=[job_id]))
    assert RosterEntry.objects.filter(session=session).count() == 3


def test_exports_mask_ids_unless_asked_by_a_role_that_needs_them_and_audit_that(world, client):
    session = make_session(world)
    import_roster(world, session, people_rows(2))
    number = people_rows(1)[0][2]
    client.force_login(world.users["district_a"])
    masked = _cells(client.get(reverse("training:roster_export", args=[session.pk])))
    assert number not in str(masked) and number[:6] in str(masked)
    assert client.get(reverse("training:roster_export", args=[session.pk]) + "?full=1").status_code == 403
    client.force_login(world.users["agency"])
    full = _cells(client.get(reverse("training:roster_export", args=[session.pk]) + "?full=1"))
    assert number in str(full)
    assert AuditLog.objects.filter(event="roster_export", action="export").count() == 1


def test_session_pages_screen_and_phone_sign_in(world, client):
    session = make_session(world)
    import_roster(world, session, people_rows(1))
    person = RosterEntry.objects.get(session=session).person
    client.force_login(world.users["provider_a"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "签到大屏" in page and person.id_number not in page
    screen = client.get(reverse("training:screen", args=[session.pk])).content.decode()
    assert "<svg" in screen and codes.text_code(session, "in") in screen
    client.force_login(world.users["provider_b"])
    assert client.get(reverse("training:screen", args=[session.pk])).status_code == 404
    client.logout()
    token = codes.make_token(session, "in")
    response = client.post(reverse("training:scan", args=[token]), {"name": person.name, "id_number": person.id_number})
    # The session ran on 2023-09-12: the sign-in is recorded and the page says it does not count.
    assert 'data-testid="sign-not-today"' in response.content.decode()
    assert response.cookies["yf_device"].value
    a = Attendance.objects.get(session=session, person=person)
    assert a.in_method == "qr" and a.in_ip == "127.0.0.1"
    again = client.post(reverse("training:scan", args=[token]), {"name": person.name, "id_number": person.id_number})
    assert "无需重复签到" in again.content.decode()
    forged = token.replace("-in-", "-out-")
    assert client.get(reverse("training:scan", args=[forged])).status_code == 404


def test_api_roster_import_and_sign(world, client, django_capture_on_commit_callbacks):
    session = make_session(world)
    client.force_login(world.users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/training/sessions/{session.pk}/roster",
            {"file": SimpleUploadedFile("名单.xlsx", xlsx(people_rows(2)))},
        )
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/training/roster-checks/{response.json()['id']}").json()
    assert job["status"] == "succeeded" and job["report"]["valid"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(f"/api/v1/training/roster-checks/{job['id']}/confirm")
    assert confirm.status_code == 202
    assert RosterEntry.objects.filter(session=session).count() == 2
    person = RosterEntry.objects.filter(session=session).first().person
    sign = client.post(
        "/api/v1/training/sign",
        {
            "session_id": session.pk,
            "code": codes.text_code(session, "in"),
            "name": person.name,
            "id_number": person.id_number,
        },
        content_type="application/json",
    )
    assert sign.status_code == 200 and sign.json()["id_masked"].count("*") == 8
    bad = client.post(
        "/api/v1/training/sign",
        {"session_id": session.pk, "code": "000000", "name": person.name, "id_number": person.id_number},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "签到码" in bad.json()["detail"]
    client.force_login(world.users["provider_b"])
    assert client.post(f"/api/v1/training/roster-checks/{job['id']}/confirm").status_code == 404


def test_flag_list_calendar_project_archive(world, client):
    session = make_session(world)
    import_roster(world, session, people_rows(2) + [people_rows(1)[0]])
    client.force_login(world.users["agency"])
    assert "同一人重复出现" in client.get(reverse("training:flag_list")).content.decode()
    cal = client.get(reverse("training:calendar") + "?year=2023&month=9").content.decode()
    assert session.topic[:6] in cal or "集中培训" in cal
    archive = client.get(reverse("training:project", args=[session.project_id]) + "?export=archive")
    wb = load_workbook(io.BytesIO(archive.content), read_only=True)
    assert "场次" in wb.sheetnames and "异常线索" in wb.sheetnames
    person = RosterEntry.objects.filter(session=session).first().person
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.id_number in page  # the agency sees the full number
    client.force_login(world.users["enterprise_a"])
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.id_number not in page and person.id_masked in page


@pytest.mark.parametrize(
    "query", ["year=9999&month=12", "year=1&month=1", "year=0&month=5", "year=2023&month=13", "year=99999999999999"]
)
def test_calendar_refuses_a_year_or_month_out_of_range_with_a_message(world, client, query):
    client.force_login(world.users["agency"])
    response = client.get(reverse("training:calendar") + "?" + query)
    assert response.status_code == 400
    assert "年份须在" in response.content.decode()
