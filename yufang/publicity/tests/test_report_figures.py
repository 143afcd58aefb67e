"""A publicity project's progress reports and completion report take their publicity figures
from the accepted deliverables, as training figures come from sessions and completions, and
can never claim more; the acceptance group sees planned against delivered per kind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yufang.projects import selectors as project_selectors
from yufang.projects import services as project_services
from yufang.projects.models import CompletionReport
from yufang.projects.tests.factories import TO_AWAITING, TO_IN_PROGRESS, convene

from .. import services
from .factories import kind, plan_quantities, publicity_project, submitted_video

INDICATORS = [
    {"kind": "videos", "planned": 4, "description": "宣传短视频"},
    {"kind": "broadcasts", "planned": 2, "description": "定向推送"},
    {"kind": "enterprises", "planned": 100, "description": "覆盖企业"},
]


@pytest.fixture
def project(world):
    """Videos delivered in October (1 + 2 accepted, 1 still under review) and November (1
    accepted); one targeted push accepted in October."""
    project = publicity_project(world, "a", indicators=INDICATORS)
    plan_quantities(world, project, short_video=5, targeted_push=2, broadcast=0)
    agency = world.users["agency"]
    for title, quantity, day in (("十月一", 1, "2023-10-10"), ("十月二", 2, "2023-10-20"), ("十一月", 1, "2023-11-05")):
        d = submitted_video(
            world,
            project,
            title=title,
            quantity=quantity,
            delivered_on=datetime.date.fromisoformat(day),
            salt=title.encode(),
        )
        services.deliverable_transition(deliverable=d, action="accept", actor=agency)
    submitted_video(world, project, title="待审核", delivered_on=datetime.date(2023, 10, 25), salt=b"pending")
    push = services.deliverable_create(
        project=project,
        kind=kind("targeted_push"),
        data={
            "title": "十月定向推送",
            "quantity": 1,
            "delivered_on": datetime.date(2023, 10, 15),
            "details": {"platform": "5G 智媒", "audience": "行业", "audience_detail": "建筑业", "planned_reach": 5000},
        },
        actor=world.users["provider_a"],
    )
    from .factories import PDF, upload

    services.evidence_add(deliverable=push, file=upload("推送证明.pdf", PDF + b"push"), actor=world.users["provider_a"])
    services.deliverable_transition(deliverable=push, action="submit", actor=world.users["provider_a"])
    services.deliverable_transition(deliverable=push, action="accept", actor=agency)
    return project


def _prefill(report) -> dict[str, int | None]:
    counts = project_selectors.report_prefill(report)
    return {f.kind: counts[f.pk] for f in report.figures.all()}


def test_progress_reports_prefill_accepted_quantities_up_to_their_period_end(world, project):
    september, october, november = (project.reports.get(sequence=n) for n in (1, 2, 3))
    assert (october.period_start, october.period_end) == (datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    assert _prefill(september) == {
        "videos": 0,
        "broadcasts": 0,
        "enterprises": None,
    }
    assert _prefill(october) == {
        "videos": 3,
        "broadcasts": 1,
        "enterprises": None,
    }
    assert _prefill(november)["videos"] == 4


def test_a_progress_report_cannot_claim_more_than_the_accepted_deliverables(world, project):
    report = project.reports.get(sequence=2)
    videos = report.figures.get(kind="videos")
    pushes = report.figures.get(kind="broadcasts")
    provider = world.users["provider_a"]
    with pytest.raises(ValidationError) as e:
        project_services.progress_report_save(
            report=report, narrative="十月完成。", achieved={videos.pk: 4, pushes.pk: 1}, actor=provider
        )
    assert e.value.message_dict == {
        f"figure_{videos.pk}": [
            "「宣传短视频（部） · 宣传短视频」填报 4，超过平台记录的 3：完成数不能高于已验收的宣传成果。"
        ]
    }
    project_services.progress_report_save(
        report=report, narrative="十月完成。", achieved={videos.pk: 3, pushes.pk: 1}, actor=provider
    )
    videos.refresh_from_db()
    assert (videos.planned, videos.platform_count, videos.achieved) == (4, 3, 3)


def test_the_report_page_prefills_the_publicity_figures_and_refuses_more_beside_the_field(world, client, project):
    report = project.reports.get(sequence=2)
    videos = report.figures.get(kind="videos")
    client.force_login(world.users["provider_a"])
    url = reverse("projects:report_edit", args=[report.pk])
    form = client.get(url).context["form"]
    field = form.fields[f"figure_{videos.pk}"]
    assert (form[f"figure_{videos.pk}"].value(), field.max_value) == (3, 3)
    assert field.help_text == "计划 4；已验收的宣传成果 3，不能超过"
    data = {f"figure_{f.pk}": 0 for f in report.figures.all()} | {"narrative": "十月完成。", f"figure_{videos.pk}": 5}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"figure_{videos.pk}"]
    detail = client.get(report.get_absolute_url()).content.decode()
    assert '<td class="text-end">3</td>' in detail  # the platform's count beside the plan's 4


def test_the_completion_report_prefills_from_all_accepted_deliverables_and_refuses_more(world, client, project):
    client.force_login(world.users["provider_a"])
    project_services.completion_report_save(
        project=project, data={"goals": "完成宣传任务。"}, actor=world.users["provider_a"]
    )
    report = CompletionReport.objects.get(project=project)
    videos = report.figures.get(kind="videos")
    assert (videos.planned, videos.platform_count) == (4, 4)
    form = client.get(reverse("projects:completion_edit", args=[project.pk])).context["form"]
    assert form[f"figure_{videos.pk}"].value() == 4
    with pytest.raises(ValidationError, match="「宣传短视频（部） · 宣传短视频」填报 5，超过平台记录的 4"):
        project_services.completion_report_save(
            project=project, data={}, achieved={videos.pk: 5}, actor=world.users["provider_a"]
        )
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="publicity-panel"' in page and 'data-testid="delivered-short_video">4<' in page
    assert 'data-testid="record-deliverable"' not in page


def test_a_training_project_keeps_its_figures_from_training_records(world):
    from yufang.projects.tests.factories import make_project

    project = make_project(world)
    report = project.reports.first()
    assert all(
        v is not None for f, v in ((f, project_selectors.report_prefill(report)[f.pk]) for f in report.figures.all())
    )
    assert project_selectors.deliverables_accepted(project, "videos") is None


def test_the_acceptance_group_sees_planned_against_delivered_per_kind(world, client, project):
    for step in TO_AWAITING[len(TO_IN_PROGRESS) :]:
        step(world, project, "a")
        project.refresh_from_db()
    acceptance = convene(world, project)
    client.force_login(world.owner)
    page = client.get(reverse("projects:acceptance_detail", args=[acceptance.pk])).content.decode()
    panel = page[page.index('data-testid="publicity-panel"') :]
    assert 'data-testid="delivered-short_video">4<' in panel and 'data-testid="delivered-targeted_push">1<' in panel
    assert '<td>宣传短视频</td><td class="text-end">5 部</td>' in panel
    assert "广播电视节目" not in panel  # planned 0 and nothing delivered: not a row to judge
    assert 'data-testid="edit-publicity-plan"' not in panel


def test_a_progress_reports_page_shows_each_kind_planned_beside_accepted_by_its_period_end(world, client, project):
    client.force_login(world.users["agency"])
    october = client.get(project.reports.get(sequence=2).get_absolute_url()).content.decode()
    panel = october[october.index('data-testid="publicity-report-panel"') :]
    assert "完成日期截至 2023-10-31" in panel
    assert 'data-testid="report-delivered-short_video">3 部<' in panel
    assert 'data-testid="report-delivered-targeted_push">1 次<' in panel
    assert "广播电视节目" not in panel
    november = client.get(project.reports.get(sequence=3).get_absolute_url()).content.decode()
    assert 'data-testid="report-delivered-short_video">4 部<' in november
