"""Supervision services: who may inspect where, checklists kept by version, the on-site record,
findings through rectification, the consequences they propose, call-backs and the revocation
they lead to."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.core.dates import today
from yufang.core.models import AuditLog
from yufang.core.registry import todos_for
from yufang.core.scoping import scoped
from yufang.projects.models import Deduction, DeductionSource
from yufang.providers.models import Debarment
from yufang.supervision import services
from yufang.supervision.models import (
    CallOutcome,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Result,
)
from yufang.targets.figures import figures_recount
from yufang.targets.models import Completion
from yufang.targets.services import completion_revoke
from yufang.training.models import Flag, FlagKind, FlagSource

from .factories import finish, jpeg, pdf, project_inspection, session_inspection, trained_project


@pytest.fixture
def trained(world):
    return trained_project(world)


def _start(world, inspection, who="district_a"):
    return services.inspection_transition(inspection=inspection, action="start", actor=world.users[who])


# --- Who inspects where -------------------------------------------------------------------------


def test_a_district_inspects_only_in_its_own_district_and_the_agency_anywhere(world, trained):
    project, session, _ = trained
    inspection = session_inspection(world, session)
    assert inspection.region == world.orgs["district_a"].region
    assert inspection.organiser == world.orgs["district_a"]
    with pytest.raises(PermissionDenied, match="本区县"):
        session_inspection(world, session, who="district_b")
    with pytest.raises(PermissionDenied):
        session_inspection(world, session, who="provider_a")
    with pytest.raises(PermissionDenied):
        session_inspection(world, session, who="owner" if False else "partner")
    assert session_inspection(world, session, who="agency").organiser == world.orgs["agency"]
    # A project inspection names a district the project works in.
    with pytest.raises(ValidationError, match="不在"):
        project_inspection(world, project, side="b", who="agency")
    # Only the inspection's own side moves it.
    with pytest.raises(PermissionDenied):
        _start(world, inspection, who="agency")
    _start(world, inspection)
    assert inspection.status == InspectionStatus.ON_SITE
    assert AuditLog.objects.filter(object_id=str(inspection.pk), event="start").exists()


def test_a_past_inspection_keeps_the_checklist_version_it_was_made_with(world, trained):
    project, session, _ = trained
    first = session_inspection(world, session)
    v1_items = list(first.checklist.items.values_list("text", flat=True))
    with pytest.raises(PermissionDenied):
        services.checklist_revise(
            subject_kind="session", items=[("x", False)], note="", actor=world.users["district_a"]
        )
    revised = services.checklist_revise(
        subject_kind="session",
        items=[("培训在备案地点举行", True), ("新增：现场有急救箱", False)],
        note="增加一项",
        actor=world.users["agency"],
    )
    assert revised.version == first.checklist.version + 1
    second = session_inspection(world, session)
    assert second.checklist == revised
    first.refresh_from_db()
    assert list(first.checklist.items.values_list("text", flat=True)) == v1_items
    # Answers only for the inspection's own version.
    _start(world, first)
    with pytest.raises(ValidationError, match="清单版本"):
        services.inspection_answer(
            inspection=first, answers={revised.items.first().pk: (Result.PASS, "")}, actor=world.users["district_a"]
        )


# --- On site ---------------------------------------------------------------------------------------


def test_on_site_every_item_and_required_photo_before_finishing(world, trained):
    project, session, people = trained
    inspection = session_inspection(world, session)
    with pytest.raises(ValidationError, match="检查开始后"):
        services.inspection_answer(inspection=inspection, answers={}, actor=world.users["district_a"])
    _start(world, inspection)
    items = list(inspection.checklist.items.all())
    services.inspection_answer(
        inspection=inspection, answers={i.pk: (Result.PASS, "") for i in items[:-1]}, actor=world.users["district_a"]
    )
    with pytest.raises(ValidationError, match="尚有检查事项未填写"):
        services.inspection_transition(
            inspection=inspection, action="finish", actor=world.users["district_a"], note="x"
        )
    services.inspection_answer(
        inspection=inspection, answers={items[-1].pk: (Result.FAIL, "未见签到二维码")}, actor=world.users["district_a"]
    )
    with pytest.raises(ValidationError, match="须拍照"):
        services.inspection_transition(
            inspection=inspection, action="finish", actor=world.users["district_a"], note="x"
        )
    # A renamed non-image is refused by its content.
    with pytest.raises(ValidationError, match="不是 JPG/PNG"):
        services.photo_add(inspection=inspection, file=pdf("伪装.jpg"), item=items[0], actor=world.users["district_a"])
    photo = services.photo_add(
        inspection=inspection,
        file=jpeg(),
        item=items[0],
        latitude="36.81",
        longitude="118.05",
        actor=world.users["district_a"],
    )
    assert photo.taken_at is not None and photo.latitude == Decimal("36.810000")
    finish(world, inspection)
    assert inspection.status == InspectionStatus.DONE and inspection.conclusion == "总体规范"


def test_head_count_beside_the_live_signed_in_number_and_roster_checks(world, trained):
    project, session, people = trained
    inspection = session_inspection(world, session)
    _start(world, inspection)
    services.head_count_record(inspection=inspection, head_count=5, actor=world.users["district_a"])
    inspection.refresh_from_db()
    assert (inspection.head_count, inspection.signed_in_at_count) == (5, len(people))
    person = people[0]
    by_id = services.roster_check(inspection=inspection, query=person.id_number, actor=world.users["district_a"])
    assert by_id.matched and by_id.signed_in and by_id.person == person
    assert person.id_number not in by_id.query_masked and "*" in by_id.query_masked
    by_name = services.roster_check(inspection=inspection, query=f" {person.name} ", actor=world.users["district_a"])
    assert by_name.matched and not by_name.by_id_number
    stranger = services.roster_check(inspection=inspection, query="110101199003071234", actor=world.users["district_a"])
    assert not stranger.matched and stranger.person is None
    assert not services.roster_check(inspection=inspection, query="张冒名", actor=world.users["district_a"]).matched
    with pytest.raises(PermissionDenied):
        services.roster_check(inspection=inspection, query="张三", actor=world.users["provider_a"])


# --- Findings and rectification ------------------------------------------------------------------


def _finding(world, inspection, kind="attendance", severity="major", who="district_a"):
    return services.finding_create(
        inspection=inspection,
        data={"kind": kind, "severity": severity, "description": "现场 30 人，签到 40 人"},
        actor=world.users[who],
    )


def test_rectification_requested_answered_with_evidence_and_verified(world, trained):
    project, session, _ = trained
    inspection = session_inspection(world, session)
    with pytest.raises(ValidationError, match="检查开始后"):
        _finding(world, inspection)
    _start(world, inspection)
    finding = _finding(world, inspection)
    # The provider does not see a finding until the inspecting side acts on it.
    assert not scoped(world.users["provider_a"], Finding).filter(pk=finding.pk).exists()
    with pytest.raises(ValidationError, match="整改期限"):
        services.finding_transition(finding=finding, action="request", actor=world.users["district_a"], note="整改")
    deadline = today() + datetime.timedelta(days=10)
    services.finding_transition(
        finding=finding, action="request", actor=world.users["district_a"], note="补齐签到表", deadline=deadline
    )
    assert finding.status == FindingStatus.RECTIFYING and finding.deadline == deadline
    assert scoped(world.users["provider_a"], Finding).filter(pk=finding.pk).exists()
    assert not scoped(world.users["provider_b"], Finding).filter(pk=finding.pk).exists()
    with pytest.raises(PermissionDenied):
        services.finding_transition(
            finding=finding, action="answer", actor=world.users["provider_b"], note="x", file=pdf()
        )
    with pytest.raises(ValidationError, match="佐证"):
        services.finding_transition(finding=finding, action="answer", actor=world.users["provider_a"], note="已补齐")
    with pytest.raises(ValidationError, match="内容不是"):
        services.finding_transition(
            finding=finding,
            action="answer",
            actor=world.users["provider_a"],
            note="已补齐",
            file=jpeg("x.pdf").__class__("x.pdf", b"MZ\x90\x00", "application/pdf"),
        )
    services.finding_transition(
        finding=finding, action="answer", actor=world.users["provider_a"], note="已补齐", file=pdf()
    )
    assert finding.status == FindingStatus.ANSWERED and finding.answer_file
    with pytest.raises(PermissionDenied):
        services.finding_transition(finding=finding, action="verify", actor=world.users["provider_a"], note="x")
    services.finding_transition(finding=finding, action="reopen", actor=world.users["district_a"], note="签到表缺页")
    assert finding.status == FindingStatus.RECTIFYING
    services.finding_transition(finding=finding, action="answer", actor=world.users["provider_a"], note="补齐缺页")
    services.finding_transition(finding=finding, action="verify", actor=world.users["district_a"], note="已核实")
    assert finding.status == FindingStatus.CLOSED and finding.on_time is True and finding.closed_on == today()
    events = set(
        AuditLog.objects.filter(object_id=str(finding.pk), content_type__model="finding").values_list(
            "event", flat=True
        )
    )
    assert {"request", "answer", "reopen", "verify"} <= events


def test_overdue_rectifications_are_on_both_sides_todos(world, trained):
    project, session, _ = trained
    inspection = session_inspection(world, session)
    _start(world, inspection)
    finding = _finding(world, inspection)
    services.finding_transition(
        finding=finding, action="request", actor=world.users["district_a"], note="整改", deadline=today()
    )
    # Past its deadline (as if days went by).
    Finding.objects.filter(pk=finding.pk).update(deadline=today() - datetime.timedelta(days=1))

    def titles(who):
        return {t.title: t.count for t in todos_for(world.users[who])}

    assert titles("provider_a")["整改已逾期"] == 1
    assert titles("district_a")["整改已逾期"] == 1
    assert "整改已逾期" not in titles("provider_b")
    assert "整改已逾期" not in titles("district_b")
    assert "整改已逾期" not in titles("agency")  # not the agency's inspection


def test_a_finding_proposes_a_deduction_that_enters_the_deduction_workflow(world, trained):
    project, session, _ = trained
    inspection = session_inspection(world, session)
    _start(world, inspection)
    finding = _finding(world, inspection, kind="fraud", severity="serious")
    with pytest.raises(ValidationError, match="尚未提出"):
        services.finding_deduction_enter(finding=finding, actor=world.users["agency"])
    services.finding_propose(
        finding=finding, clause="服务协议第七条", amount=Decimal("5000.00"), actor=world.users["district_a"]
    )
    with pytest.raises(PermissionDenied):
        services.finding_deduction_enter(finding=finding, actor=world.users["district_a"])
    deduction = services.finding_deduction_enter(finding=finding, actor=world.users["agency"])
    assert deduction.amount == Decimal("5000.00") and deduction.project == project
    assert deduction.source == DeductionSource.FALSIFICATION and "服务协议第七条" in deduction.reason
    assert Deduction.objects.get(pk=deduction.pk).finding == finding
    with pytest.raises(ValidationError, match="已据此扣减"):
        services.finding_deduction_enter(finding=finding, actor=world.users["agency"])
    # The provider objects to it as to any deduction, in the existing workflow.
    from yufang.projects.services import deduction_transition

    deduction_transition(deduction=deduction, action="object", actor=world.users["provider_a"], note="有异议")
    # Fraud: the owner enters the provider in the debarment register through its own path.
    with pytest.raises(PermissionDenied):
        services.finding_debarment_enter(
            finding=finding, decision_number="X", decided_by="Y", start_date=today(), actor=world.users["agency"]
        )
    debarment = services.finding_debarment_enter(
        finding=finding,
        decision_number="淄人社决〔2023〕1号",
        decided_by="市人社局",
        start_date=today(),
        actor=world.owner,
    )
    assert Debarment.objects.get(pk=debarment.pk).source_repr == str(finding)
    other = _finding(world, inspection, kind="archives")
    with pytest.raises(ValidationError, match="弄虚作假"):
        services.finding_debarment_enter(
            finding=other, decision_number="Z", decided_by="Y", start_date=today(), actor=world.owner
        )


# --- Scoping ---------------------------------------------------------------------------------------


def test_an_unannounced_visit_is_no_providers_business_until_it_begins(world, trained):
    project, session, _ = trained
    unannounced = session_inspection(world, session)
    scheduled = session_inspection(world, session, mode=InspectionMode.SCHEDULED)

    def seen(who):
        return set(scoped(world.users[who], Inspection).values_list("pk", flat=True))

    assert seen("provider_a") == {scheduled.pk}
    assert seen("district_b") == set() and seen("provider_b") == set()
    assert seen("agency") == seen("owner") == seen("partner") == seen("district_a") == {unannounced.pk, scheduled.pk}
    _start(world, unannounced)
    assert seen("provider_a") == {unannounced.pk, scheduled.pk}


# --- Call-backs --------------------------------------------------------------------------------------


def test_a_call_back_draw_is_reproducible_and_a_non_attendee_can_be_revoked(world, trained):
    project, session, people = trained
    with pytest.raises(PermissionDenied):
        services.callback_draw(project=project, session=session, size=3, actor=world.users["district_b"])
    with pytest.raises(ValidationError, match="本区县"):
        services.callback_draw(project=project, size=3, actor=world.users["district_a"])
    callback = services.callback_draw(project=project, session=session, size=3, actor=world.users["district_a"])
    population = sorted(Completion.objects.filter(project=project).values_list("pk", flat=True))
    assert callback.population == population
    assert callback.drawn == random.Random(callback.seed).sample(population, 3)
    assert [e.completion_id for e in callback.entries.order_by("position")] == callback.drawn
    absent, attended = callback.entries.order_by("position")[:2]
    services.callback_record(
        entry=attended, outcome=CallOutcome.ATTENDED, remembers="讲了危化品", actor=world.users["district_a"]
    )
    assert attended.flag is None
    with pytest.raises(PermissionDenied):
        services.callback_record(entry=absent, outcome=CallOutcome.ABSENT, remembers="", actor=world.users["agency"])
    absent = services.callback_record(
        entry=absent, outcome=CallOutcome.ABSENT, remembers="说那天在上班", actor=world.users["district_a"]
    )
    flag = Flag.objects.get(pk=absent.flag_id)
    assert (flag.source, flag.kind, flag.person_id) == (
        FlagSource.SUPERVISION,
        FlagKind.CALLBACK_ABSENT,
        absent.person_id,
    )
    assert flag.region == session.region
    # The call-back itself is the basis: the agency revokes the completion; figures stay exact.
    with pytest.raises(ValidationError, match="称未参加"):
        completion_revoke(
            completion=attended.completion, reason="x", evidence="y", basis=attended, actor=world.users["agency"]
        )
    with pytest.raises(ValidationError, match="另一条"):
        completion_revoke(
            completion=attended.completion, reason="x", evidence="y", basis=absent, actor=world.users["agency"]
        )
    completion_revoke(
        completion=absent.completion,
        reason="回访本人称未参加",
        evidence="回访记录",
        basis=absent,
        actor=world.users["agency"],
    )
    assert figures_recount() == []
    # A later draw samples only completions still standing.
    again = services.callback_draw(project=project, session=session, size=50, actor=world.users["agency"])
    assert absent.completion_id not in again.population and len(again.drawn) == len(people) - 1


def test_an_upload_is_kept_and_served_as_what_its_content_is_whatever_its_name(client, world, trained):
    """Issue 12, item 8: an image named page.html must not come back as an HTML page of this site
    (the photo and the rectification evidence kept the uploaded extension and were served inline)."""
    from django.urls import reverse

    project, session, _ = trained
    inspection = session_inspection(world, session)
    _start(world, inspection)
    photo = services.photo_add(inspection=inspection, file=jpeg("页面.html"), actor=world.users["district_a"])
    assert photo.file.name.endswith(".jpg")
    finding = _finding(world, inspection)
    services.finding_transition(
        finding=finding,
        action="request",
        actor=world.users["district_a"],
        note="补齐签到表",
        deadline=today() + datetime.timedelta(days=10),
    )
    services.finding_transition(
        finding=finding, action="answer", actor=world.users["provider_a"], note="已补齐", file=pdf("说明.svg")
    )
    finding.refresh_from_db()
    assert finding.answer_file.name.endswith(".pdf")
    client.force_login(world.users["district_a"])
    for url, kind in (
        (reverse("supervision:photo", args=[photo.pk]), "image/jpeg"),
        (reverse("supervision:finding_file", args=[finding.pk]), "application/pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == kind, url
