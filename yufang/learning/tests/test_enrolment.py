"""Applying an online enrolment list as a background job: who may enrol whom, accounts never
re-issued, the credential sheet downloaded once by its importer alone (issue 13 item 4, issue 12
item 5)."""

import datetime
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yufang.accounts.models import User
from yufang.core.jobs import job_outputs_expire
from yufang.core.models import Job, JobStatus
from yufang.learning.models import Enrolment
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.projects.tests.factories import make_project
from yufang.targets.tests.factories import id_number
from yufang.training.tests.factories import make_session

ENT_A, ENT_B = "测试企业a", "测试企业b"  # make_world's enterprises, by name
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "岗位"]


def xlsx(rows) -> ContentFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年线上培训报名表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return ContentFile(buffer.getvalue(), name="名单.xlsx")


def upload_and_apply(client, user, rows, capture) -> Job:
    client.force_login(user)
    with capture(execute=True):
        client.post(reverse("learning:roster"), {"file": xlsx(rows)})
    check = Job.objects.filter(kind="learning.roster_check", created_by=user).latest("pk")
    assert check.status == JobStatus.SUCCEEDED, check.result
    with capture(execute=True):
        response = client.post(reverse("learning:import_confirm", args=[check.pk]))
    job = Job.objects.filter(kind="learning.roster_apply", created_by=user).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    return job


def on_file(world, side: str, serial: int, name: str, user=None) -> Person:
    enterprise = world.orgs[f"enterprise_{side}"]
    person, _ = person_upsert(
        actor=world.owner,
        id_number=id_number(enterprise.region.code, datetime.date(1985, 5, 6), serial),
        name=name,
        enterprise=enterprise,
        region=enterprise.region,
    )
    if user is not None:
        Person.objects.filter(pk=person.pk).update(user=user)
    return person


def new_row(serial: int, name: str, enterprise: str = ENT_A) -> list:
    return [name, id_number("370303", datetime.date(1990, 2, 3), serial), "", enterprise, "一线作业人员"]


def sheet_rows(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_enterprise_cannot_enrol_another_enterprises_worker(setup, world, client, django_capture_on_commit_callbacks):
    other = on_file(world, "b", 31, "外企员工")
    rows = [new_row(1, "本企员工"), [other.name, other.id_number, "", ENT_A, "一线作业人员"]]
    job = upload_and_apply(client, world.users["enterprise_a"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["enrolled"] == 1 and job.result["refused_count"] == 1
    refused = job.result["refused"][0]
    assert refused["row"] == 4 and "不属于本单位" in refused["reason"] and other.id_number not in json.dumps(job.result)
    other.refresh_from_db()
    assert other.user_id is None and not Enrolment.objects.filter(person=other).exists()
    assert other.enterprise == world.orgs["enterprise_b"]  # not moved by the row
    page = client.get(reverse("learning:enrolment_result", args=[job.pk])).content.decode()
    assert "不属于本单位" in page and "第 4 行" in page


def test_provider_enrols_only_the_enterprises_its_projects_serve(
    setup, world, client, django_capture_on_commit_callbacks
):
    make_session(world, make_project(world, setup.plan, side="a"))  # serves 企业a
    rows = [new_row(1, "甲员工", ENT_A), new_row(2, "乙员工", ENT_B)]
    job = upload_and_apply(client, world.users["provider_a"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["enrolled"] == 1 and job.result["refused_count"] == 1
    assert "项目服务的企业" in job.result["refused"][0]["reason"] and job.result["refused"][0]["row"] == 4
    assert not Person.objects.filter(name="乙员工").exists()
    enrolment = Enrolment.objects.get(person__name="甲员工")
    assert enrolment.provider == world.orgs["provider_a"] and enrolment.enterprise == world.orgs["enterprise_a"]
    # Without a session serving it, a provider enrols nobody.
    job = upload_and_apply(
        client, world.users["provider_b"], [new_row(3, "丙员工", ENT_B)], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.result["enrolled"] == 0 and job.result["refused_count"] == 1


def test_agency_enrols_anyone(setup, world, client, django_capture_on_commit_callbacks):
    other = on_file(world, "b", 32, "乙企员工")
    rows = [new_row(1, "甲员工", ENT_A), [other.name, other.id_number, "", ENT_B, ""]]
    job = upload_and_apply(client, world.users["agency"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["enrolled"] == 2 and job.result["refused_count"] == 0


def test_existing_account_is_never_reissued(setup, world, client, django_capture_on_commit_callbacks):
    holder = world.users["trainee_a"]
    Person.objects.filter(user=holder).update(user=None)
    person = on_file(world, "a", 33, "老学员", user=holder)
    before = holder.password
    rows = [[person.name, person.id_number, "", ENT_A, ""], new_row(1, "新学员")]
    job = upload_and_apply(client, world.users["enterprise_a"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["accounts"] == 1 and job.result["existing_accounts"] == 1 and job.result["enrolled"] == 2
    holder.refresh_from_db()
    assert holder.password == before and Enrolment.objects.filter(person=person, plan=setup.plan).exists()
    content = client.post(reverse("learning:credentials", args=[job.pk])).content
    by_row = {r[0]: r for r in sheet_rows(content)}
    assert by_row["3"][3:5] in (("", ""), (None, None)) and "已有账号，请用原账号登录" in by_row["3"][5]
    assert holder.username not in json.dumps([list(r) for r in by_row.values()], ensure_ascii=False)
    assert by_row["4"][3] and by_row["4"][4]


def test_credential_sheet_is_downloaded_once_by_its_importer_only(
    setup, world, client, django_capture_on_commit_callbacks
):
    job = upload_and_apply(
        client, world.users["enterprise_a"], [new_row(1, "新学员")], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.output and job.output_expires_at - timezone.now() <= datetime.timedelta(hours=24)
    url = reverse("learning:credentials", args=[job.pk])
    # Nobody else, not even the programme owner, gets it; a GET takes nothing.
    client.force_login(world.owner)
    assert client.post(url).status_code == 404
    client.force_login(world.users["enterprise_a"])
    assert client.get(url).status_code == 405
    page = client.get(reverse("learning:enrolment_result", args=[job.pk])).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    (row,) = sheet_rows(response.content)
    username, password = row[3], row[4]
    assert User.objects.get(username=username).check_password(password)
    # Never in the job's result, its page or the result page.
    job.refresh_from_db()
    assert password not in json.dumps(job.result) and password not in page
    assert password not in client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert not job.output and job.output_expires_at is None
    assert client.post(url).status_code == 404
    assert "已下载或已过期" in client.get(reverse("learning:enrolment_result", args=[job.pk])).content.decode()


def test_credential_sheet_is_deleted_at_expiry(setup, world, client, django_capture_on_commit_callbacks):
    job = upload_and_apply(
        client, world.users["enterprise_a"], [new_row(1, "新学员")], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    storage, name = job.output.storage, job.output.name
    assert storage.exists(name)
    Job.objects.filter(pk=job.pk).update(output_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert job_outputs_expire() == 1
    assert not storage.exists(name)
    assert client.post(reverse("learning:credentials", args=[job.pk])).status_code == 404


def test_apply_runs_as_a_job_with_progress(setup, world, client, django_capture_on_commit_callbacks):
    rows = [new_row(i, f"学员{chr(0x4E00 + i)}") for i in range(1, 41)]
    job = upload_and_apply(client, world.users["enterprise_a"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total == 40 and job.done == 40 and job.percent == 100
    assert job.result_url == reverse("learning:enrolment_result", args=[job.pk])
    assert (
        Enrolment.objects.filter(plan=setup.plan, person__name__startswith="学员")
        .exclude(pk=setup.enrolment.pk)
        .count()
        == 40
    )
    # The same list twice does not start a second import.
    check = Job.objects.get(kind="learning.roster_check")
    response = client.post(reverse("learning:import_confirm", args=[check.pk]))
    assert response.status_code == 302 and Job.objects.filter(kind="learning.roster_apply").count() == 1


@pytest.mark.postgres_only
def test_apply_job_on_postgresql(setup, world, client, django_capture_on_commit_callbacks):
    """The staged (COPY) path of the check, then the scope rule and the accounts."""
    other = on_file(world, "b", 34, "外企员工")
    rows = [new_row(i, f"学员{chr(0x4E00 + i)}") for i in range(1, 21)]
    rows.append([other.name, other.id_number, "", ENT_A, ""])
    job = upload_and_apply(client, world.users["enterprise_a"], rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["enrolled"] == 20 and job.result["refused_count"] == 1 and job.result["accounts"] == 20
