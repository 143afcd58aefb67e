"""Large exports run as background jobs with progress and a download; small ones stay instant;
both keep the list's filters (issue 15, item 5)."""

import io

from django.test import Client, override_settings
from openpyxl import load_workbook

from yufang.core.models import AuditLog, Job, JobStatus


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


@override_settings(YUFANG_EXPORT_INSTANT_ROWS=5)
def test_large_export_runs_as_a_job_keeps_filters_and_downloads(world, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(world.owner)
    expected = AuditLog.objects.filter(action="create").count()
    assert expected > 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/audit/", {"action": "create", "export": "xlsx", "page": "2"})
    assert response.status_code == 302
    job = Job.objects.get(kind="export.xlsx")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.done == job.total == expected
    page = client.get(response["Location"]).content.decode()
    assert "下载 Excel" in page and "100%" in page
    download = client.get(f"/jobs/{job.pk}/download/")
    rows = _rows(b"".join(download.streaming_content))
    assert rows[0][2] == "动作" and len(rows) == expected + 1
    assert {r[2] for r in rows[1:]} == {"创建"}
    # Someone else's export is not theirs to download.
    other = Client()
    other.force_login(world.users["agency"])
    assert other.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_small_export_is_instant(world):
    client = Client()
    client.force_login(world.owner)
    response = client.get("/audit/", {"action": "create", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


@override_settings(YUFANG_PAGE_SIZE=5)
def test_page_jump_keeps_the_filters(world):
    client = Client()
    client.force_login(world.owner)
    html = client.get("/audit/", {"action": "create"}).content.decode()
    assert 'data-testid="page-jump"' in html
    assert '<input type="hidden" name="action" value="create">' in html
    assert "?action=create&export=xlsx" in html
