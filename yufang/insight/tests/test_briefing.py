"""The monthly briefing: its figures are the pages' figures, it is made once per month by the
scheduler however often the scheduler runs, each district sees its own, and the PDF renders."""

import datetime
import hashlib
import io

import pypdfium2 as pdfium
import pytest
from django.test import TestCase
from django.urls import reverse

from yufang.core.models import Job, JobStatus, ScheduledRun
from yufang.core.scheduler import scheduler_tick
from yufang.insight.briefing import briefing_figures, month_end
from yufang.insight.briefing_jobs import briefing_due
from yufang.insight.models import Briefing
from yufang.insight.services import BRIEFING, briefing_request
from yufang.plans.selectors import plan_budget
from yufang.plans.tests.factories import make_plan
from yufang.supervision.selectors import coverage

from .factories import EnterpriseBuilder
from .test_years import _target

URL = reverse("insight:briefings")


@pytest.fixture
def programme(world):
    plan = make_plan(world)
    _target(world, plan)
    _target(world, plan, name="线下培训人数", threshold=5)
    EnterpriseBuilder(world)(4)  # 20 people trained in June 2023 in each of two enterprises, one per district
    return plan


def _make(world, *, regions, month=11, actor="owner") -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = briefing_request(year=2023, month=month, regions=regions, actor=world.users[actor])
    job.refresh_from_db()
    return job


def test_the_briefing_shows_the_figures_the_pages_show(world, client, programme):
    region_a = world.orgs["district_a"].region
    for key, region in (("owner", None), ("district_a", region_a)):
        client.force_login(world.users[key])
        page = client.get(reverse("targets:progress", args=[programme.pk])).context["rows"]
        figures = briefing_figures(plan=programme, year=2023, month=12, region=region)
        assert [(t["name"], t["value"]) for t in figures["targets"]] == [(r.target.name, r.value) for r in page]
        assert figures["targets"][0]["value"] == (40 if region is None else 20)
        budget = plan_budget(user=world.users[key], plan=programme)
        assert [f["paid"] for f in figures["fund"]] == [str(line.paid) for line, _ in budget]
        assert figures["oversight"]["findings"] == coverage(user=world.users[key]).findings
    # Before the people were trained (June), the month's figure is nought.
    assert briefing_figures(plan=programme, year=2023, month=5, region=None)["targets"][0]["value"] == 0
    city = briefing_figures(plan=programme, year=2023, month=12, region=None)
    assert city["training"]["total"] == 40
    assert {d["name"]: d["value"] for d in city["targets"][0]["districts"]}[region_a.name] == 20


def test_a_briefing_is_made_in_the_background_and_stored_with_its_hash(world, programme):
    job = _make(world, regions=[None, world.orgs["district_a"].region])
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.done == job.total > 0
    city, district = Briefing.objects.get(region=None), Briefing.objects.get(region__isnull=False)
    for b in (city, district):
        content = b.file.open("rb").read()
        assert content.startswith(b"%PDF-") and hashlib.sha256(content).hexdigest() == b.sha256
        assert b.figures["month"] == 11 and b.summary
    assert city.region is None and "全市" in city.summary and "张店区" in district.summary
    # Made again: the same row, a new file.
    again = _make(world, regions=[None])
    assert again.status == JobStatus.SUCCEEDED
    assert Briefing.objects.filter(region=None, year=2023, month=11).count() == 1


def test_the_next_month_says_what_moved(world, programme):
    _make(world, regions=[None], month=5)
    _make(world, regions=[None], month=6)
    june = Briefing.objects.get(month=6, region=None)
    assert "较上月增加 40" in june.summary


def test_page_one_renders_as_an_image_that_is_not_blank(world, programme):
    _make(world, regions=[None])
    briefing = Briefing.objects.get()
    pdf = pdfium.PdfDocument(io.BytesIO(briefing.file.open("rb").read()))
    assert len(pdf) >= 2
    image = pdf[0].render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:200])
    assert dark > image.width * image.height * 0.01, dark


def test_the_scheduler_makes_the_month_once_however_often_it_runs(world, programme):
    first_day = datetime.datetime(2023, 12, 1, 0, 5, tzinfo=datetime.UTC)
    assert briefing_due(first_day) == "2023-11"
    with TestCase.captureOnCommitCallbacks(execute=True):
        scheduler_tick(first_day)
        scheduler_tick(first_day)  # a second scheduler, or the same one restarted
        scheduler_tick(first_day + datetime.timedelta(days=3))
    assert ScheduledRun.objects.filter(task=BRIEFING).count() == 1
    assert Job.objects.filter(kind=BRIEFING).count() == 1
    made = Briefing.objects.filter(year=2023, month=11)
    assert made.filter(region=None).count() == 1 and made.filter(scheduled=True).count() == made.count()
    assert made.count() == world.city.regions.count() + 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        scheduler_tick(datetime.datetime(2024, 1, 1, 0, 5, tzinfo=datetime.UTC))
    assert sorted(ScheduledRun.objects.filter(task=BRIEFING).values_list("period", flat=True)) == ["2023-11", "2023-12"]


def test_each_district_sees_its_own_briefings_only(world, client, programme):
    _make(world, regions=[None, world.orgs["district_a"].region, world.orgs["district_b"].region])
    city = Briefing.objects.get(region=None)
    own = Briefing.objects.get(region=world.orgs["district_a"].region)
    other = Briefing.objects.get(region=world.orgs["district_b"].region)
    client.force_login(world.users["district_a"])
    listed = client.get(URL).context["object_list"]
    assert [b.pk for b in listed] == [own.pk]
    assert client.get(reverse("insight:briefing_download", args=[own.pk])).status_code == 200
    for b in (city, other):
        assert client.get(reverse("insight:briefing_download", args=[b.pk])).status_code == 404
    client.force_login(world.users["partner"])
    assert len(client.get(URL).context["object_list"]) == 3
    response = client.get(reverse("insight:briefing_download", args=[city.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    for key in ("provider_a", "enterprise_a", "trainee_a"):
        client.force_login(world.users[key])
        assert client.get(URL).status_code == 403
        assert client.get(reverse("insight:briefing_download", args=[city.pk])).status_code in (403, 404)


def test_who_may_make_a_briefing(world, client, programme):
    client.force_login(world.users["district_a"])
    mine = client.post(URL, {"month": "2023-11", "region": world.orgs["district_a"].region.pk})
    assert mine.status_code == 302
    other = client.post(URL, {"month": "2023-11", "region": world.orgs["district_b"].region.pk})
    assert other.status_code in (200, 404)  # not among the choices
    city = client.post(URL, {"month": "2023-11", "region": ""})
    assert city.status_code in (200, 403)
    assert Job.objects.filter(kind=BRIEFING).count() == 1
    client.force_login(world.users["partner"])
    assert client.post(URL, {"month": "2023-11", "region": ""}).status_code == 403


def test_month_end():
    assert month_end(2024, 2) == datetime.date(2024, 2, 29)
