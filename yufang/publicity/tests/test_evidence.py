"""Evidence as users see it: refused files, previews made at upload and served only in scope,
a photo's EXIF time and place, and the flags a reused file or a photo taken outside the
project's period raises in the shared flag list."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from yufang.accounts.tests.factories import bearer
from yufang.training.models import Flag, FlagKind, FlagSource

from .. import services
from ..models import Evidence
from .evidence_factories import exif_photo, mp4_file, pdf_file
from .factories import EXE, JPEG, MP4, PDF, kind, make_video, plan_quantities, publicity_project, upload


@pytest.fixture
def project(world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=5, event=2)
    return project


def make_event(world, project, side="a", *, title="工伤预防启动仪式", regions=None):
    return services.deliverable_create(
        project=project,
        kind=kind("event"),
        data={
            "title": title,
            "quantity": 1,
            "delivered_on": datetime.date(2023, 10, 12),
            "details": {"place": "市民中心", "organisers": "市人社局", "attendance": 300},
        },
        regions=regions if regions is not None else [world.orgs[f"district_{side}"].region],
        actor=world.users[f"provider_{side}"],
    )


def _image(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Refused files ---------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_on_the_page(world, client, project):
    d = make_video(world, project)
    client.force_login(world.users["provider_a"])
    response = client.post(
        reverse("publicity:evidence_upload", args=[d.pk]), {"file": upload("活动照片.jpg", EXE)}, follow=True
    )
    assert "「活动照片.jpg」的内容不是 JPG/PNG 图片、PDF 或 MP4 视频" in response.content.decode()
    assert "修改扩展名无效" in response.content.decode()
    assert not Evidence.objects.exists()


@override_settings(YUFANG_UPLOAD_MAX_MB={"video": 1})
def test_an_oversized_video_is_refused_on_the_page_with_the_limit(world, client, project):
    d = make_video(world, project)
    client.force_login(world.users["provider_a"])
    big = upload("长视频.mp4", MP4 + b"\x00" * (1024 * 1024), "video/mp4")
    response = client.post(reverse("publicity:evidence_upload", args=[d.pk]), {"file": big}, follow=True)
    assert "「长视频.mp4」超过视频（MP4）的大小上限 1 MB（该文件约 1.0 MB）" in response.content.decode()
    assert not Evidence.objects.exists()


# --- Previews ----------------------------------------------------------------------------------


def test_previews_are_made_at_upload_for_a_photo_a_pdf_and_a_video(world, project):
    provider = world.users["provider_a"]
    video = make_video(world, project)
    event = make_event(world, project)
    photo = services.evidence_add(deliverable=video, file=exif_photo(size=(2000, 1500)), actor=provider)
    clip = services.evidence_add(deliverable=video, file=mp4_file(), actor=provider)
    pdf = services.evidence_add(deliverable=event, file=pdf_file(), actor=provider)
    for e in (photo, clip, pdf):
        assert e.preview and not e.preview_problem, e.file_type
        assert e.preview.name.startswith("publicity/previews/") and e.preview.name.endswith(".jpg")
        image = _image(_read(e.preview))
        assert image.format == "JPEG" and max(image.size) <= 480
    assert _image(_read(photo.preview)).size == (480, 360)
    # The preview carries no EXIF: the place is shown only beside the evidence, in scope.
    assert not _image(_read(photo.preview)).getexif()
    # The PDF's first page is drawn (a dark band on white), not a blank.
    darkest, lightest = _image(_read(pdf.preview)).convert("L").getextrema()
    assert darkest < 128 < lightest


def test_a_file_no_preview_can_be_made_of_shows_a_clear_fallback_never_a_500(world, client, project):
    provider = world.users["provider_a"]
    video = make_video(world, project)
    event = make_event(world, project)
    broken_photo = services.evidence_add(deliverable=video, file=upload("坏图.jpg", JPEG), actor=provider)
    broken_clip = services.evidence_add(deliverable=video, file=upload("坏视频.mp4", MP4), actor=provider)
    broken_pdf = services.evidence_add(deliverable=event, file=upload("坏.pdf", PDF), actor=provider)
    assert broken_photo.preview_problem == "图片无法解码，无法生成预览（文件可能已损坏或不完整）。"
    assert broken_clip.preview_problem == "视频无法解码，无法生成封面预览（文件可能已损坏或不完整）。"
    assert broken_pdf.preview_problem == "PDF 无法解析，无法生成首页预览（文件可能已损坏或加密）。"
    client.force_login(world.users["agency"])
    page = client.get(video.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="no-preview"') == 2 and "视频无法解码" in text
    assert reverse("publicity:evidence_preview", args=[broken_photo.pk]) not in text
    assert client.get(reverse("publicity:evidence_preview", args=[broken_photo.pk])).status_code == 404
    assert "PDF 无法解析" in client.get(event.get_absolute_url()).content.decode()


def test_evidence_uploaded_before_previews_gets_one_on_its_page_once(world, client, project):
    e = services.evidence_add(
        deliverable=make_video(world, project), file=exif_photo(), actor=world.users["provider_a"]
    )
    Evidence.objects.filter(pk=e.pk).update(preview="", preview_problem="")
    client.force_login(world.users["agency"])
    page = client.get(e.deliverable.get_absolute_url()).content.decode()
    e.refresh_from_db()
    assert e.preview and reverse("publicity:evidence_preview", args=[e.pk]) in page
    name = e.preview.name
    client.get(e.deliverable.get_absolute_url())
    e.refresh_from_db()
    assert e.preview.name == name


def test_previews_are_served_only_to_those_who_see_the_evidence(world, client, project):
    e = services.evidence_add(deliverable=make_video(world, project), file=mp4_file(), actor=world.users["provider_a"])
    url = reverse("publicity:evidence_preview", args=[e.pk])
    for role in ("owner", "agency", "partner", "district_a", "provider_a"):
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
        assert _image(_body(response)).format == "JPEG"
    for role in ("district_b", "provider_b", "enterprise_a", "trainee_a"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 302


def test_the_deliverable_page_shows_each_preview_and_a_videos_poster_frame(world, client, project):
    provider = world.users["provider_a"]
    d = make_video(world, project)
    photo = services.evidence_add(deliverable=d, file=exif_photo(), actor=provider)
    clip = services.evidence_add(deliverable=d, file=mp4_file(), actor=provider)
    client.force_login(provider)
    page = client.get(d.get_absolute_url()).content.decode()
    assert f'<img src="{reverse("publicity:evidence_preview", args=[photo.pk])}"' in page
    assert f'poster="{reverse("publicity:evidence_preview", args=[clip.pk])}"' in page


# --- EXIF ----------------------------------------------------------------------------------------


def test_a_photos_exif_time_and_place_are_kept_and_shown(world, client, project):
    d = make_video(world, project)
    e = services.evidence_add(deliverable=d, file=exif_photo(), actor=world.users["provider_a"])
    assert e.taken_at == datetime.datetime(2023, 10, 10, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Zibo
    assert (str(e.latitude), str(e.longitude)) == ("36.812222", "118.054444")
    assert e.place == "北纬 36°48′44″，东经 118°3′16″（36.812222, 118.054444）"
    client.force_login(world.users["agency"])
    page = client.get(d.get_absolute_url()).content.decode()
    assert '拍摄时间 <span class="text-nowrap">2023-10-10 09:30</span>' in page
    assert "拍摄地点 北纬 36°48′44″，东经 118°3′16″" in page
    api = Client().get(f"/api/v1/publicity/evidence/{e.pk}", **bearer(world.users["agency"])).json()
    assert (api["taken_at"], api["latitude"], api["longitude"]) == ("2023-10-10T01:30:00Z", "36.812222", "118.054444")
    assert api["preview_url"] == reverse("publicity:evidence_preview", args=[e.pk]) and api["preview_problem"] == ""
    assert 'data-testid="outside-period"' not in page
    assert not Flag.objects.filter(kind=FlagKind.PHOTO_OUTSIDE_PERIOD).exists()


def test_a_photo_without_exif_or_a_video_has_no_time_or_place(world, project):
    d = make_video(world, project)
    bare = services.evidence_add(
        deliverable=d, file=exif_photo("无信息.jpg", taken=None, place=None), actor=world.users["provider_a"]
    )
    clip = services.evidence_add(deliverable=d, file=mp4_file(), actor=world.users["provider_a"])
    assert (bare.taken_at, bare.latitude, bare.place) == (None, None, "")
    assert (clip.taken_at, clip.latitude) == (None, None)


def test_a_photo_taken_outside_the_projects_period_is_flagged(world, client, project):
    d = make_event(world, project)
    old = services.evidence_add(
        deliverable=d,
        file=exif_photo("去年的照片.jpg", taken=datetime.datetime(2022, 6, 1, 10, 0)),  # noqa: DTZ001 - wall-clock
        actor=world.users["provider_a"],
    )
    flag = Flag.objects.get(kind=FlagKind.PHOTO_OUTSIDE_PERIOD)
    assert flag.source == FlagSource.PUBLICITY and flag.project == project
    assert flag.region == world.orgs["district_a"].region and flag.subject_url == d.get_absolute_url()
    assert "拍摄于 2022-06-01 10:00，不在项目期（2023-09-01 至 2023-12-31）内" in flag.summary
    client.force_login(world.users["provider_a"])
    page = client.get(d.get_absolute_url()).content.decode()
    assert 'data-testid="outside-period"' in page and "照片拍摄时间不在项目期（2023-09-01 至 2023-12-31）内" in page
    client.force_login(world.users["agency"])
    flag_page = client.get(flag.get_absolute_url()).content.decode()
    assert f'<a href="{d.get_absolute_url()}">' in flag_page and f'<a href="{old.get_absolute_url()}">' in flag_page
    assert "2022-06-01 10:00" in flag_page and "2023-09-01 至 2023-12-31" in flag_page


# --- A reused file -----------------------------------------------------------------------------


def _flag_list(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("training:flag_list") + "?source=publicity").content.decode()


def test_a_reused_photo_raises_one_flag_naming_both_deliverables_even_when_uploaded_again(world, client, project):
    provider = world.users["provider_a"]
    first = make_video(world, project, title="第一部")
    second = make_video(world, project, title="第二部")
    services.evidence_add(deliverable=first, file=exif_photo(), actor=provider)
    reused = services.evidence_add(deliverable=second, file=exif_photo(), actor=provider)
    services.evidence_remove(evidence=reused, actor=provider)
    services.evidence_add(deliverable=second, file=exif_photo("再传一次.jpg"), actor=provider)
    flag = Flag.objects.get(kind=FlagKind.REUSED_FILE)
    assert Flag.objects.filter(source=FlagSource.PUBLICITY).count() == 1
    assert (flag.project, flag.subject, flag.region) == (project, str(second), world.orgs["district_a"].region)
    assert "用于 2 项宣传成果" in flag.summary
    assert [row["宣传成果"]["url"] for row in flag.evidence] == [first.get_absolute_url(), second.get_absolute_url()]
    # The agency reviews it in the one flag list, with links to both deliverables.
    listing = _flag_list(client, world.users["agency"])
    assert "用于 2 项宣传成果" in listing and f'href="{second.get_absolute_url()}"' in listing
    page = client.get(flag.get_absolute_url()).content.decode()
    assert f'<a href="{first.get_absolute_url()}">宣传短视频：第一部' in page
    assert f'<a href="{second.get_absolute_url()}">宣传短视频：第二部' in page
    # Nobody outside the project's scope sees it.
    for role in ("provider_b", "district_b", "enterprise_a", "trainee_a"):
        client.force_login(world.users[role])
        assert client.get(flag.get_absolute_url()).status_code == 404, role
        assert "用于 2 项宣传成果" not in client.get(reverse("training:flag_list")).content.decode(), role
    for role in ("owner", "partner", "district_a", "provider_a"):
        client.force_login(world.users[role])
        assert client.get(flag.get_absolute_url()).status_code == 200, role


def test_a_file_reused_from_another_provider_is_named_to_officials_only_in_the_flag(world, client, project):
    theirs = make_video(world, project, title="甲机构的片子")
    services.evidence_add(deliverable=theirs, file=exif_photo(), actor=world.users["provider_a"])
    other = publicity_project(world, "b")
    plan_quantities(world, other, "b", short_video=5)
    mine = make_video(world, other, "b", title="乙机构的片子")
    services.evidence_add(deliverable=mine, file=exif_photo(), actor=world.users["provider_b"])
    flag = Flag.objects.get(kind=FlagKind.REUSED_FILE)
    assert flag.project == other and world.orgs["provider_a"].name not in flag.summary
    assert "甲机构的片子" not in flag.summary
    client.force_login(world.users["provider_b"])
    page = client.get(flag.get_absolute_url()).content.decode()
    assert "乙机构的片子" in page and "不在您查看范围内的另一项记录（如另一服务机构的成果），由经办机构核查" in page
    assert "甲机构的片子" not in page and world.orgs["provider_a"].name not in page
    api = Client().get(f"/api/v1/training/flags/{flag.pk}", **bearer(world.users["provider_b"]))
    assert api.status_code == 200 and "乙机构的片子" in str(api.json())
    assert "甲机构的片子" not in str(api.json()) and "_record" not in str(api.json())
    officials = Client().get(f"/api/v1/training/flags/{flag.pk}", **bearer(world.users["agency"])).json()
    assert {"text": f"{theirs}（编号 {theirs.pk}）", "url": theirs.get_absolute_url()} in [
        row.get("宣传成果") for row in officials["evidence"]
    ]
    client.force_login(world.users["agency"])
    page = client.get(flag.get_absolute_url()).content.decode()
    assert f'<a href="{theirs.get_absolute_url()}">宣传短视频：甲机构的片子' in page
    assert world.orgs["provider_a"].name in page and "乙机构的片子" in page
    # Provider a, whose deliverable came first, is not the flag's subject and does not see it.
    client.force_login(world.users["provider_a"])
    assert client.get(flag.get_absolute_url()).status_code == 404


def test_a_flag_for_a_deliverable_addressed_to_several_districts_is_the_programmes(world, project):
    both = [world.orgs["district_a"].region, world.orgs["district_b"].region]
    first = make_video(world, project, title="全市一", regions=both)
    second = make_video(world, project, title="全市二", regions=[])
    services.evidence_add(deliverable=first, file=exif_photo(), actor=world.users["provider_a"])
    services.evidence_add(deliverable=second, file=exif_photo(), actor=world.users["provider_a"])
    assert Flag.objects.get(kind=FlagKind.REUSED_FILE).region is None


def test_a_different_photo_raises_no_flag(world, project):
    provider = world.users["provider_a"]
    services.evidence_add(deliverable=make_video(world, project, title="一"), file=exif_photo(), actor=provider)
    services.evidence_add(
        deliverable=make_video(world, project, title="二"), file=exif_photo(colour="#aa3333"), actor=provider
    )
    assert not Flag.objects.exists()


def test_the_same_file_twice_on_one_deliverable_is_refused_not_flagged(world, project):
    d = make_video(world, project)
    services.evidence_add(deliverable=d, file=exif_photo(), actor=world.users["provider_a"])
    with pytest.raises(ValidationError, match="已上传到本成果"):
        services.evidence_add(deliverable=d, file=exif_photo(), actor=world.users["provider_a"])
    assert not Flag.objects.exists()
