"""Hostile and odd files: bounded memory, limits refused with the limit in the message,
control characters removed, error files made by the job, upload size limits."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yufang.core.jobs import JobFailed
from yufang.core.spreadsheets import open_table
from yufang.people.roster import COLUMNS, REQUIRED
from yufang.people.roster import rules as roster_rules
from yufang.training import roster
from yufang.training.tests.factories import HEADER, make_session, people_rows, xlsx

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))
import hostile_files  # noqa: E402


@pytest.mark.parametrize("kind", ["bomb", "wide"])
def test_hostile_xlsx_is_refused_with_the_limit_within_300_mb(kind, tmp_path):
    """A zip bomb of 300,000 rows (30 MB inflated from 3 MB; bench/hostile_files.py runs the full
    10 million) and a sheet of 16,384 columns, checked by the real job in a child process."""
    result = hostile_files.run(kind, 0.03 if kind == "bomb" else 0.005, str(tmp_path))
    assert result["status"] == "failed"
    assert ("200000 行的上限" if kind == "bomb" else "200 列的上限") in result["message"]
    assert result["peak_mb"] <= 300, result


def test_inflated_size_limit(tmp_path, settings):
    settings.YUFANG_IMPORT_LIMITS = {"sheet_mb": 1}
    path = tmp_path / "bomb.xlsx"
    hostile_files.make_bomb(str(path), 20_000)
    with open(path, "rb") as f, pytest.raises(JobFailed, match="解压后超过 1 MB 的上限"):
        table = open_table(f, "bomb.xlsx", COLUMNS, REQUIRED)
        list(table.raw)


@pytest.mark.django_db
def test_roster_on_another_sheet_than_the_first_is_found(world):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["填表说明：身份证号请设为文本格式"])
    ws = wb.create_sheet("花名册")
    ws.append(HEADER)
    for r in people_rows(2):
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    checked = roster.roster_check(io.BytesIO(buffer.getvalue()), "花名册.xlsx", make_session(world))
    assert checked.header_row == 1 and checked.total == 2


@pytest.mark.django_db
def test_nul_and_control_characters_in_a_csv_are_removed_and_the_error_file_downloads(
    world, client, django_capture_on_commit_callbacks
):
    session = make_session(world)
    good, bad = people_rows(2)
    good[1] = good[1][0] + "\x00" + good[1][1:]
    bad[2] = bad[2][:17] + ("1" if bad[2][17] != "1" else "2") + "\x00"
    bad[4] = "测试\x07企业a"
    text = ",".join(HEADER) + "\n" + "\n".join(",".join(map(str, r)) for r in (good, bad))
    client.force_login(world.users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:roster_upload", args=[session.pk]),
            {"file": SimpleUploadedFile("花名册.csv", text.encode())},
        )
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    from yufang.core.models import Job

    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.result
    assert job.result["valid"] == 1 and "\x00" not in json.dumps(job.result)
    errors = client.get(reverse("training:roster_errors", args=[job_id]))
    assert errors.status_code == 200
    rows = list(load_workbook(io.BytesIO(errors.content)).active.iter_rows(values_only=True))
    assert rows[1][4] == "测试企业a" and "校验位" in rows[1][-1]


@pytest.mark.django_db
def test_the_result_keeps_a_sample_of_errors_and_the_error_file_has_them_all(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(roster_rules, "ERROR_KEEP", 5)
    session = make_session(world)
    rows = people_rows(12)
    for r in rows:
        r[2] = r[2][:10]
    client.force_login(world.users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:roster_upload", args=[session.pk]),
            {"file": SimpleUploadedFile("花名册.xlsx", xlsx(rows))},
        )
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    from yufang.core.models import Job

    job = Job.objects.get(pk=job_id)
    assert job.result["error_count"] == 12 and len(job.result["errors"]) == 5
    assert "error_rows" not in job.result and job.output
    errors = client.get(reverse("training:roster_errors", args=[job_id]))
    assert len(list(load_workbook(io.BytesIO(errors.content)).active.iter_rows())) == 13


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["learning:roster", "learning:questions"])
def test_upload_size_limit_on_learning_imports(world, client, settings, url):
    from yufang.plans.tests.factories import make_plan

    make_plan(world)
    settings.YUFANG_UPLOAD_MAX_MB = {"spreadsheet": 1}
    client.force_login(world.users["agency"])
    response = client.post(reverse(url), {"file": SimpleUploadedFile("名单.xlsx", b"0" * (1024 * 1024 + 1))})
    assert response.status_code == 200 and "文件不能超过 1 MB" in response.content.decode()
