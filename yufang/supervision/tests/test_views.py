"""The supervision pages, walked as their users walk them, and refused to the wrong ones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from yufang.core.dates import today
from yufang.supervision.models import Finding, FindingStatus, Inspection, InspectionStatus
from yufang.training.tests.factories import current_project, make_session

from .factories import jpeg, pdf, session_inspection, trained_project


@pytest.fixture
def trained(world):
    return trained_project(world)


def test_a_district_plans_records_on_site_and_follows_a_finding_to_closure(client, world, trained):
    project, session, people = trained
    client.force_login(world.users["district_a"])
    assert client.get(reverse("supervision:list")).status_code == 200
    assert client.get(reverse("supervision:create")).status_code == 200
    response = client.post(
        reverse("supervision:create"),
        {
            "subject_kind": "session",
            "mode": "unannounced",
            "session": session.pk,
            "planned_on": "2023-10-10",
            "inspectors": "李检查、王检查",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == inspection.get_absolute_url()
    client.post(reverse("supervision:transition", args=[inspection.pk]), {"action": "start"})
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert 'data-testid="signed-in">8<' in page
    client.post(reverse("supervision:head_count", args=[inspection.pk]), {"head_count": "6"})
    # The roster check answers at once, in the page's fragment.
    fragment = client.post(
        reverse("supervision:roster_check", args=[inspection.pk]),
        {"query": people[0].id_number},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="match"' in fragment and people[0].id_number not in fragment
    fragment = client.post(
        reverse("supervision:roster_check", args=[inspection.pk]), {"query": "路人甲"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="no-match"' in fragment
    items = list(inspection.checklist.items.all())
    data = {f"result_{i.pk}": "pass" for i in items}
    data[f"result_{items[1].pk}"] = "fail"
    data[f"note_{items[1].pk}"] = "清点 6 人，签到 8 人"
    client.post(reverse("supervision:answers", args=[inspection.pk]), data)
    for item in [i for i in items if i.photo_required]:
        client.post(
            reverse("supervision:photo_add", args=[inspection.pk]),
            {"file": jpeg(salt=bytes([item.pk])), "item": item.pk},
        )
    client.post(
        reverse("supervision:finding_create", args=[inspection.pk]),
        {"kind": "attendance", "severity": "major", "description": "清点 6 人，平台签到 8 人"},
    )
    finding = Finding.objects.get()
    client.post(reverse("supervision:transition", args=[inspection.pk]), {"action": "finish", "note": "发现签到不实"})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DONE
    page = client.get(finding.get_absolute_url()).content.decode()
    assert 'data-testid="action-request"' in page
    client.post(
        reverse("supervision:finding_transition", args=[finding.pk]),
        {"action": "request", "note": "核实并说明差异", "deadline": (today() + datetime.timedelta(days=7)).isoformat()},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING
    # The provider answers with evidence on the same page.
    client.force_login(world.users["provider_a"])
    assert client.get(inspection.get_absolute_url()).status_code == 200
    client.post(
        reverse("supervision:finding_transition", args=[finding.pk]),
        {"action": "answer", "note": "两人早退", "file": pdf()},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    assert client.get(reverse("supervision:finding_file", args=[finding.pk])).status_code == 200
    client.force_login(world.users["district_a"])
    client.post(
        reverse("supervision:finding_transition", args=[finding.pk]), {"action": "verify", "note": "属实，销号"}
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.on_time
    listing = client.get(reverse("supervision:findings"), {"export": "xlsx"})
    assert listing.status_code == 200


def test_other_districts_and_providers_get_404_for_each_record(client, world, trained):
    project, session, _ = trained
    inspection = session_inspection(world, session)
    photo_url = reverse("supervision:detail", args=[inspection.pk])
    for who in ("district_b", "provider_b", "enterprise_a", "trainee_a"):
        client.force_login(world.users[who])
        assert client.get(photo_url).status_code in (403, 404), who
        assert (
            client.post(reverse("supervision:transition", args=[inspection.pk]), {"action": "start"}).status_code == 404
        )
    # The provider inspected does not see an unannounced visit before it begins.
    client.force_login(world.users["provider_a"])
    assert client.get(photo_url).status_code == 404
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED


def test_the_phone_page_lists_todays_sessions_and_starts_an_unannounced_visit(client, world):
    project = current_project(world)
    now = timezone.localtime()
    session = make_session(world, project, day=now.date(), start=0, end=23)
    client.force_login(world.users["district_b"])
    assert "今天没有" in client.get(reverse("supervision:on_site")).content.decode()
    client.force_login(world.users["district_a"])
    page = client.get(reverse("supervision:on_site")).content.decode()
    assert session.topic in page and f'data-testid="start-{session.pk}"' in page
    response = client.post(reverse("supervision:on_site_start", args=[session.pk]), {"inspectors": "李检查"})
    inspection = Inspection.objects.get()
    assert response.url == inspection.get_absolute_url()
    assert (inspection.mode, inspection.status) == ("unannounced", "on_site")


def test_checklists_and_callback_pages(client, world, trained):
    project, session, _ = trained
    client.force_login(world.users["agency"])
    page = client.get(reverse("supervision:checklists") + "?kind=session").content.decode()
    assert 'data-testid="version-1"' in page
    client.post(
        reverse("supervision:checklists") + "?kind=session",
        {"items": "*培训在备案地点举行\n现场有急救箱", "note": "增加急救箱"},
    )
    page = client.get(reverse("supervision:checklists") + "?kind=session").content.decode()
    assert 'data-testid="version-2"' in page and "现场有急救箱" in page
    client.force_login(world.users["district_a"])
    response = client.post(reverse("supervision:callbacks"), {"session": session.pk, "size": 3})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'data-testid="reproduced"' in page and page.count('data-testid="entry"') == 3
    client.force_login(world.users["provider_a"])
    assert client.get(reverse("supervision:callbacks")).status_code == 403


def test_coverage_figures_page_export_and_project_panel(client, world, trained, django_assert_max_num_queries):
    from yufang.supervision import selectors, services
    from yufang.supervision.models import CallOutcome

    from .factories import finish

    project, session, _ = trained
    other = make_session(world, project, day=datetime.date(2023, 10, 20))
    inspection = session_inspection(world, session)
    services.inspection_transition(inspection=inspection, action="start", actor=world.users["district_a"])
    finding = services.finding_create(
        inspection=inspection,
        data={"kind": "fraud", "severity": "serious", "description": "代签"},
        actor=world.users["district_a"],
    )
    finish(world, inspection)
    services.finding_transition(
        finding=finding, action="request", actor=world.users["district_a"], note="整改", deadline=today()
    )
    services.finding_transition(
        finding=finding, action="answer", actor=world.users["provider_a"], note="已改", file=pdf()
    )
    services.finding_transition(finding=finding, action="verify", actor=world.users["district_a"], note="销号")
    callback = services.callback_draw(project=project, session=session, size=2, actor=world.users["district_a"])
    first, second = callback.entries.order_by("position")
    services.callback_record(entry=first, outcome=CallOutcome.ATTENDED, remembers="", actor=world.users["district_a"])
    services.callback_record(entry=second, outcome=CallOutcome.ABSENT, remembers="", actor=world.users["district_a"])
    with django_assert_max_num_queries(12):
        c = selectors.coverage(user=world.users["agency"])
    (district,) = c.districts
    assert (district.sessions, district.sessions_inspected, str(district.session_share)) == (2, 1, "50.0")
    assert (district.projects, district.projects_inspected, str(district.project_share)) == (1, 1, "100.0")
    assert c.by_kind == [("弄虚作假", 1)] and ("严重", 1) in c.by_severity
    assert (c.on_time, c.late, c.overdue, str(c.on_time_share)) == (1, 0, 0, "100.0")
    assert str(c.attendance_rate) == "50.0"
    assert selectors.coverage(user=world.users["district_b"]).districts == []
    assert other.pk
    client.force_login(world.users["district_a"])
    page = client.get(reverse("supervision:coverage")).content.decode()
    assert 'id="coverage-data"' in page and "50.0%" in page
    response = client.get(reverse("supervision:coverage"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(world.users["provider_a"])
    assert client.get(reverse("supervision:coverage")).status_code == 403
    # The project's page carries the section.
    client.force_login(world.users["agency"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="supervision-panel"' in page and "回访参训率 50.0%" in page
