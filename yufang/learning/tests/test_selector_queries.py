"""The online platform's lists, its figures and leads, a learner's record and the home panels read
the same number of queries for three times as many learners, registrations, study sessions or
courses."""

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Role
from yufang.accounts.tests.factories import make_user
from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.learning import heartbeat, selectors, services
from yufang.learning.models import CourseKind, Enrolment, Registration
from yufang.reference.models import Position
from yufang.targets.tests.factories import id_number, make_people

from .factories import make_course

# 01:30 in Beijing yesterday: a night whose study the patterns list as a lead.
NIGHT = (
    datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(days=1),
        datetime.time(1, 30),
        tzinfo=datetime.timezone(datetime.timedelta(hours=8)),
    )
).timestamp()


def study(user, lesson, *, t: float, seconds: int, device: str, position0: float = 0.0) -> None:
    """A session on the lesson from `t`, with a beat every 12 seconds, as an honest player sends."""
    session, token = services.session_start(
        user=user,
        lesson=lesson,
        device_id=device,
        user_agent="UA",
        now=datetime.datetime.fromtimestamp(t, tz=datetime.UTC),
    )
    # The enrolment's clock starts at the session's, and no attention check falls due.
    Enrolment.objects.filter(pk=session.enrolment_id).update(last_beat_ms=int(t * 1000), check_due_ms=10**12)
    for i in range(1, seconds // 12 + 1):
        heartbeat.beat(
            token=token, seq=i, position=position0 + i * 12, rate=1.0, visible=True, playing=True, now=t + i * 12
        )


@pytest.fixture
def learners(world, setup):
    """Each call enrols n more people of this year's plan, each with an account of their own and a
    position of their own, from enterprise a or b with that side's provider. Every one studies the
    required lesson at night in three sittings, on three tablets their side's next two learners
    use too (so each tablet past a side's first two is shared by three accounts: a lead); every
    other one then reads the elective and passes its exam (met the rule, certificate issued).
    Six are there from the start, so that even the first read has a shared tablet on each side."""
    positions = list(Position.objects.order_by("pk"))
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            side = "ab"[i % 2]
            enterprise = world.orgs[f"enterprise_{side}"]
            person = make_people(
                world.owner,
                enterprise,
                1,
                industry="hazchem",
                positions=[positions[i % len(positions)].code],
                start=800 + i,
            )[0]
            user = make_user(world.owner, f"t_learner_{i}", enterprise, Role.TRAINEE)
            person.user = user
            person.save(update_fields=["user"])
            services.enrolment_create(
                actor=world.owner,
                person=person,
                plan=setup.plan,
                enterprise=enterprise,
                channel="roster",
                provider=world.orgs[f"provider_{side}"],
            )
            t = NIGHT + i * 600
            for k in range(3):
                study(
                    user,
                    setup.required.lessons.get(),
                    t=t + k * 60,
                    seconds=24,
                    position0=k * 24,
                    device=f"tablet-{side}-{i // 2 + k}",
                )
            if i % 2 == 0:
                study(user, setup.elective.lessons.get(), t=t + 100, seconds=36, device=f"phone-{i}")
                attempt = services.exam_start(user=user, course=setup.elective)
                services.exam_submit(user=user, attempt=attempt, answers={str(q): "A" for q in attempt.question_ids})

    build(6)
    return build


def test_enrolment_and_certificate_lists_with_what_their_pages_show(world, setup, learners):
    agency = world.users["agency"]

    def enrolments():
        return [
            (e.person.name, e.person.id_masked, e.plan.year, e.enterprise.name, str(e.person.position))
            + (e.lessons_done, e.credited_ms, e.completed_on)
            # and what the export adds
            + (e.enterprise.region.name, str(e.person.industry), e.get_channel_display(), e.plan.class_hour_minutes)
            for e in selectors.enrolment_list(user=agency, plan=setup.plan)
        ]

    def certificates():
        return [
            (c.code, c.name, c.id_masked, c.year, c.issued_on, c.total_hours, c.enrolment.person.name)
            for c in selectors.certificate_list(user=agency)
        ]

    assert assert_flat(build=learners, evaluate=enrolments) == 1
    assert assert_flat(build=learners, evaluate=certificates) == 1


def test_learner_list_page(world, learners):
    for key in ("agency", "provider_a", "enterprise_a", "district_a"):
        assert_flat(build=learners, evaluate=page_reader(world.users[key], reverse("learning:learners")), size=listed)


def test_suspicious_patterns_and_platform_figures_with_what_their_pages_show(world, setup, learners):
    agency = world.users["agency"]

    def patterns():
        found = selectors.suspicious_patterns(user=agency, plan=setup.plan, night_hours_threshold=Decimal("0.01"))
        assert {p.kind for p in found} == {"night", "device"}
        return [(p.title, p.detail, e.pk, e.person.name, e.enterprise.name) for p in found for e in p.enrolments]

    def figures():
        found = selectors.platform_figures(user=agency, plan=setup.plan)
        return [
            (label, f.name, f.enrolled, f.completed, f.rate, f.hours) for label, rows in found.items() for f in rows
        ]

    # The visible enrolments; night hours and their enrolments; shared devices, who used them and
    # their enrolments: six, however many devices are shared.
    assert assert_flat(build=learners, evaluate=patterns) == 6
    # One grouped query for each of industry, position and district; the groups are few (five
    # positions), so what grows is the people counted in them.
    assert assert_flat(build=learners, evaluate=figures, size=lambda rows: sum(r[2] for r in rows)) == 3


def test_patterns_and_statistics_pages(world, learners):
    def leads(response):
        return sum(len(p.enrolments) for p in response.context["patterns"])

    def counted(response):
        return sum(f.enrolled for rows in response.context["figures"].values() for f in rows)

    for key in ("agency", "provider_a"):
        assert_flat(build=learners, evaluate=page_reader(world.users[key], reverse("learning:patterns")), size=leads)
    for key in ("agency", "district_a"):
        assert_flat(
            build=learners, evaluate=page_reader(world.users[key], reverse("learning:statistics")), size=counted
        )


def test_the_enterprise_home_panel_and_page(world, learners):
    contact = world.users["enterprise_a"]

    def panel():
        return selectors.enterprise_home_panel(contact)

    # The year, then its figures in one aggregate.
    assert assert_flat(build=learners, evaluate=panel, size=lambda data: data["enrolled"]) == 2
    assert_flat(
        build=learners,
        evaluate=page_reader(contact, reverse("core:home")),
        size=lambda _: Enrolment.objects.filter(enterprise=world.orgs["enterprise_a"]).count(),
    )


def test_a_learners_record_as_their_sessions_grow(world, setup):
    """The record's evidence table and its sessions: n more sessions of four beats each per call."""
    trainee = world.users["trainee_a"]
    lesson = setup.required.lessons.get()
    made = [0]

    def build(n):
        for _ in range(n):
            study(trainee, lesson, t=time.time() + made[0] * 100, seconds=48, device="phone")
            made[0] += 1

    url = reverse("learning:enrolment", args=[setup.enrolment.pk])

    def shown(response):
        return len(response.context["object_list"]) + len(response.context["sessions"])

    for key in ("agency", "provider_a", "enterprise_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], url), size=shown)


def test_the_trainee_home_panel_and_pages_as_the_curriculum_grows(world, setup):
    """The trainee's progress, course by course: n more required courses of two lessons per call."""
    trainee = world.users["trainee_a"]
    made = [0]

    def build(n):
        for _ in range(n):
            course = make_course(world.owner, f"more{made[0]}", [("text", "1", 30), ("text", "1", 30)])
            services.curriculum_set(actor=world.owner, plan=setup.plan, course=course, kind=CourseKind.REQUIRED)
            made[0] += 1

    def panel():
        data = selectors.trainee_home_panel(trainee)
        progress = data["progress"]
        return [
            (data["enrolment"].plan.year, data["enrolment"].enterprise.name, progress.percent, progress.met)
            + (progress.required_done, progress.elective_hours, progress.elective_needed, data["next_lesson"].title)
        ] + [
            (c.course.title, c.kind_label, c.hours, c.has_exam, c.exam_passed, c.best_score, c.earned_hours)
            + tuple((ls.done, ls.percent) for ls in c.lessons)
            for c in progress.courses
        ]

    assert assert_flat(build=build, evaluate=panel) > 0

    def courses(response):
        return len(response.context["progress"].courses)

    assert_flat(build=build, evaluate=page_reader(trainee, reverse("learning:home")), size=courses)
    assert_flat(
        build=build,
        evaluate=page_reader(trainee, reverse("core:home")),
        size=lambda _: len(selectors.progress_of(setup.enrolment).courses),
    )


@pytest.fixture
def registrations(world, setup):
    """Each call has n more workers register themselves, naming enterprise a or b."""
    positions = list(Position.objects.order_by("pk"))
    made = [0]

    def build(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            services.person_self_register(
                name=f"自注册{chr(0x4E00 + i)}",
                id_number=id_number("370303", datetime.date(1991, 2, 3), 900 + i),
                phone=f"139{i:08d}",
                credit_code=world.orgs[f"enterprise_{'ab'[i % 2]}"].credit_code,
                industry=None,
                position=positions[i % len(positions)],
                password="Study-hard-2023",
            )

    return build


def test_registration_list_page(world, registrations):
    for key in ("agency", "enterprise_a"):
        assert_flat(
            build=registrations, evaluate=page_reader(world.users[key], reverse("learning:registrations")), size=listed
        )
    # The enterprise's home lists the registrations it has to decide among its to-dos.
    assert_flat(
        build=registrations,
        evaluate=page_reader(world.users["enterprise_a"], reverse("core:home")),
        size=lambda _: Registration.objects.filter(enterprise=world.orgs["enterprise_a"]).count(),
    )
