"""Revoking an offline or practical completion from a closed session, on a confirmed session
flag: the targets, the project's submitted report figures and the completion report move by
exactly the person revoked, and the recount agrees after every revocation."""

import datetime
from decimal import Decimal

from yufang.projects import services as project_services
from yufang.projects.models import ProgressReport
from yufang.projects.tests.factories import make_project
from yufang.reference.models import Position
from yufang.targets.figures import figures_recount
from yufang.targets.models import Completion, Mode, Target
from yufang.targets.services import completion_revoke, target_save
from yufang.targets.tests.factories import make_people
from yufang.training import services
from yufang.training.flags import raise_flag
from yufang.training.models import FlagKind
from yufang.training.tests.factories import attend_and_close, make_session


def test_offline_and_practical_revocations_move_every_figure_exactly(world):
    project = make_project(world)
    plan = project.plan
    target = target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": "线下",
            "metric": "persons",
            "modes": [Mode.OFFLINE, Mode.PRACTICAL],
            "threshold": Decimal(100),
            "deadline": datetime.date(2023, 12, 31),
        },
    )
    position = Position.objects.order_by("pk").first()
    people = make_people(world.owner, world.orgs["enterprise_a"], 6, industry="hazchem", positions=[position.code])
    offline = make_session(world, project, day=datetime.date(2023, 10, 10))
    practical = make_session(world, project, day=datetime.date(2023, 10, 11), kind="practical")
    attend_and_close(world, offline, people[:4])
    attend_and_close(world, practical, people[2:])
    assert Target.objects.get(pk=target.pk).achieved == 6
    # The October report, written and submitted by the provider, claims all six.
    report = project.reports.get(period_start=datetime.date(2023, 10, 1))
    figure = report.figures.get(kind="people_trained")
    project_services.progress_report_save(
        report=report, narrative="十月培训", achieved={figure.pk: 6}, actor=world.users["provider_a"]
    )
    project_services.report_transition(report=report, action="submit", actor=world.users["provider_a"])
    completion_report = project_services.completion_report_save(
        project=project, data={"goals": "目标"}, actor=world.users["provider_a"]
    )
    final = completion_report.figures.get(kind="people_trained")
    figure.refresh_from_db()
    assert (figure.platform_count, figure.achieved, final.platform_count) == (6, 6, 6)
    assert figures_recount() == []

    def revoke(session, person, kind=FlagKind.OVERLAP):
        flag = raise_flag(session, kind, f"p{person.pk}", f"{person.name} 存疑", [], person=person)
        services.flag_transition(flag=flag, action="confirm", actor=world.users["agency"], note="核实")
        completion = Completion.objects.get(person=person, source_id=str(session.pk))
        completion_revoke(
            completion=completion, reason="代签到", evidence="监控录像", basis=flag, actor=world.users["agency"]
        )
        return completion

    # An offline-only person: every figure loses one.
    assert offline.__class__.objects.get(pk=offline.pk).completed_count == 4
    c = revoke(offline, people[0])
    assert c.mode == Mode.OFFLINE
    # The session's own 认定完成 figure loses the person too.
    assert offline.__class__.objects.get(pk=offline.pk).completed_count == 3
    figure.refresh_from_db()
    final.refresh_from_db()
    assert Target.objects.get(pk=target.pk).achieved == 5
    assert (figure.platform_count, figure.achieved, final.platform_count) == (5, 5, 5)
    assert figures_recount() == []
    # A person who also completed the practical session: still counted, by that completion.
    revoke(offline, people[2])
    assert Target.objects.get(pk=target.pk).achieved == 5
    figure.refresh_from_db()
    assert figure.platform_count == 5
    assert figures_recount() == []
    # Their practical completion too: now they are gone.
    c = revoke(practical, people[2], kind=FlagKind.AGE)
    assert c.mode == Mode.PRACTICAL
    figure.refresh_from_db()
    assert Target.objects.get(pk=target.pk).achieved == 4 and figure.platform_count == 4 == figure.achieved
    assert figures_recount() == []
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"
