"""Uploads: unguessable names, served only through views that check the record, never as /media/."""

import importlib
import io

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from yufang.core.files import RandomName
from yufang.providers.models import QualificationKind
from yufang.providers.tests.factories import add_qualification, make_profile


def file_fields():
    return [
        (model, f)
        for model in apps.get_models()
        if model.__module__.startswith("yufang.")
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]


def test_every_upload_is_stored_under_a_random_name():
    fields = file_fields()
    assert len(fields) >= 10
    for model, f in fields:
        assert isinstance(f.upload_to, RandomName), f"{model.__name__}.{f.name}"
        first, second = (
            f.generate_filename(None, "张三 身份证 370302199001011234.PDF"),
            f.generate_filename(None, "a.pdf"),
        )
        assert first.endswith(".pdf") and "370302" not in first and "张三" not in first
        assert first != second and len(first.rsplit("/", 1)[1]) >= 40


def test_no_route_serves_the_media_folder_even_under_debug(settings):
    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/media/qualifications/2024/roster.xlsx", urlconf=config.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


@pytest.fixture
def qualification(world):
    make_profile(world, "a")
    return add_qualification(world, "a", QualificationKind.BUSINESS_LICENCE)


def test_a_document_is_served_to_who_may_see_its_record_and_no_one_else(world, client, qualification):
    url = reverse("providers:qualification_document", args=[qualification.pk])
    detail = reverse("providers:qualification_detail", args=[qualification.pk])
    client.force_login(world.users["provider_a"])
    assert url in client.get(detail).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;") and ".pdf" in response["Content-Disposition"]
    client.force_login(world.users["provider_b"])
    assert client.get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_in_production_nginx_sends_the_file_after_the_check(world, client, qualification, settings):
    settings.YUFANG_MEDIA_ACCEL_REDIRECT = "/media/"
    client.force_login(world.users["agency"])
    response = client.get(reverse("providers:qualification_document", args=[qualification.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/media/" + qualification.document.name
    client.force_login(world.users["provider_b"])
    response = client.get(reverse("providers:qualification_document", args=[qualification.pk]))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_project_files_are_served_with_their_records_scoping(world, client):
    """Report attachments, completion evidence and archives, deduction evidence: side a's provider
    downloads its own, side b's gets a 404, as for the record's page."""
    from django.core.files.base import ContentFile

    from yufang.projects.tests import matrix

    report, completion, deduction = (
        matrix.report(world, "a"),
        matrix.completion(world, "a"),
        matrix.deduction(world, "a"),
    )
    for record, field in (
        (report, "attachment"),
        (completion, "evidence"),
        (completion, "archives"),
        (deduction, "evidence"),
    ):
        getattr(record, field).save("材料.pdf", ContentFile(b"%PDF-1.4 " + field.encode()), save=False)
        type(record).objects.filter(pk=record.pk).update(**{field: getattr(record, field).name})
    urls = [
        reverse("projects:report_attachment", args=[report.pk]),
        reverse("projects:completion_file", args=[completion.pk, "evidence"]),
        reverse("projects:completion_file", args=[completion.pk, "archives"]),
        reverse("projects:deduction_evidence", args=[deduction.pk]),
    ]
    client.force_login(world.users["provider_a"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF"), url
    assert client.get(reverse("projects:completion_file", args=[completion.pk, "other"])).status_code == 404
    pages = [
        reverse("projects:report_detail", args=[report.pk]),
        reverse("projects:completion_detail", args=[completion.pk]),
        reverse("projects:deduction_detail", args=[deduction.pk]),
    ]
    text = "".join(client.get(p).content.decode() for p in pages)
    assert all(url in text for url in urls) and "/media/" not in text
    client.force_login(world.users["provider_b"])
    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(("name", "inline"), [("a.html", False), ("a.svg", False), ("a.js", False), ("a.png", True)])
def test_only_files_a_browser_shows_without_running_them_open_inline(db, settings, tmp_path, name, inline):
    """Issue 12, item 8: whatever a view asks, an upload stored as HTML, SVG or script downloads
    instead of opening as a page of this site."""
    from django.core.files.storage import FileSystemStorage
    from django.db.models.fields.files import FieldFile

    from yufang.core.files import serve_upload
    from yufang.supervision.models import Photo

    settings.YUFANG_MEDIA_ACCEL_REDIRECT = ""
    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save(f"inspections/{name}", io.BytesIO(b"<script>alert(1)</script>"))
    field = FieldFile(None, Photo._meta.get_field("file"), stored)
    field.storage = storage
    response = serve_upload(field, filename="x", inline=True)
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    response.close()
