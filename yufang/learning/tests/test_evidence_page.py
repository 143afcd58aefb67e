"""The learner's evidence page: every study interval, paged, and exported in full to Excel."""

import datetime
import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yufang.learning.models import StudyInterval

from .test_services import lesson_of, start, watch

pytestmark = pytest.mark.django_db


def test_evidence_is_paged_and_exported_in_full(setup, world, client):
    t = time.time()
    _, token = start(world.users["trainee_a"], lesson_of(setup.required), t)
    watch(token, start=t, seconds=60)
    real = StudyInterval.objects.filter(enrolment=setup.enrolment).order_by("pk")
    assert real.count() == 5
    # Older intervals of the same shape, so that the list runs past one page.
    first = real.first()
    StudyInterval.objects.bulk_create(
        [
            StudyInterval(
                session=first.session,
                enrolment=first.enrolment,
                lesson=first.lesson,
                at=first.at - datetime.timedelta(minutes=i + 1),
                seq=0,
                wall_ms=12_000,
                from_ms=0,
                to_ms=12_000,
                rate=1.0,
                credited_ms=0,
                verdict=first.verdict,
            )
            for i in range(60)
        ]
    )
    url = reverse("learning:enrolment", args=[setup.enrolment.pk])
    client.force_login(world.users["enterprise_a"])
    page = client.get(url).content.decode()
    assert "共 65 条，第 1/2 页" in page and 'data-testid="page-jump"' in page
    second = client.get(url + "?page=2").content.decode()
    assert "第 2/2 页" in second
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "服务器时间" and "判定" in rows[0]
    assert len(rows) == 66
    assert rows[1][1] == first.lesson.title and rows[1][3] == 12
    # Another enterprise's learner is not found, page or export.
    client.force_login(world.users["enterprise_b"])
    assert client.get(url + "?export=xlsx").status_code == 404
