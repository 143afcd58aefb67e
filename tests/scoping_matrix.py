"""The scoping matrix: every role x every record type x every URL kind (page, edit, export, API).
Each record type names how to make one record on side a and one on side b of the world
(two districts, each with its own bureau, provider and enterprise), where its pages live, and
which roles may see and edit it. Later issues add rows here; the test walks them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from yufang.learning.tests import matrix as learning
from yufang.projects.tests import matrix as projects
from yufang.providers.tests import matrix as providers

ROLES = ["owner", "agency", "partner", "district_a", "provider_a", "enterprise_a", "trainee_a"]


@dataclass(frozen=True)
class RecordType:
    name: str
    model: str  # app_label.ModelName
    make: Callable  # (world, side) -> record
    page: Callable | None  # record -> url; None where the record has no page of its own
    edit: Callable | None  # record -> url
    export: Callable | None  # record -> list url that exports it with ?export=xlsx
    api: Callable | None  # record -> url
    label: Callable  # record -> text that appears in the export row
    sees: frozenset[str]  # roles that see side a's record
    edits: frozenset[str]  # roles that may open side a's edit page
    # Roles that see side b's record; programme-wide roles unless a register is wider (debarments).
    sees_theirs: frozenset[str] | None = None


# Models every signed-in user reads alike, that are their owner's alone whatever the role (tested
# in their own app), or that only appear inside their parent's page and are scoped with it (the
# parent's row covers them); every other scoped model must have a row below.
EXEMPT = {
    "reference.City",
    "reference.Region",
    "reference.Industry",
    "reference.Position",
    "reference.Synonym",  # reference data: read alike, edited by the owner (reference/tests)
    "accounts.ApiToken",
    "accounts.Notification",  # its addressee's alone (accounts/tests/test_hierarchy.py)
    "plans.BudgetLine",  # inside the plan page, scoped like the plan
    "plans.BudgetItem",
    "plans.BudgetEntry",  # the ledger, on the plan page for officials
    "targets.TrainingProgramme",  # programme-wide reference for officials and districts
    "targets.BaselineEntry",
    "learning.Course",  # the catalogue: every signed-in user reads it; editing is a permission
    "learning.Question",  # the question bank, read by the catalogue's maintainers
    "learning.LearningSession",  # on the enrolment's page, scoped like the enrolment
    "learning.StudyInterval",  # the evidence, on the enrolment's page, scoped like the enrolment
    "publicity.DeliverableKind",  # reference data: read alike, edited by the owner (publicity/tests)
    "publicity.PlannedQuantity",  # on the project's page and the plan's publicity page, scoped like the project
    "quiz.Round",  # on the competition's page, scoped like the competition
    "quiz.Paper",  # reached by its token on the phone; on the boards through its participant, scoped like it
    "supervision.Checklist",  # reference data for inspectors and inspected alike, edited by the agency
    "supervision.ChecklistItem",
    "supervision.Answer",  # on the inspection's page, scoped like the inspection
    "supervision.RosterCheck",  # on the inspection's page, for the inspecting side (supervision/tests)
    "supervision.CallbackEntry",  # on the call-back's page, scoped like the call-back
}

PROGRAMME_WIDE = frozenset({"owner", "agency", "partner"})
# Partner departments (health, emergency, finance) read the programme, not people: no personal
# archives, attendance, enrolments, accounts or organisations' contacts (issue 12).
WITHOUT_PARTNERS = PROGRAMME_WIDE - {"partner"}

RECORD_TYPES = [
    RecordType(
        name="organisation",
        model="accounts.Organisation",
        make=lambda w, side: w.orgs[f"enterprise_{side}"],
        page=lambda o: reverse("accounts:organisation_detail", args=[o.pk]),
        edit=lambda o: reverse("accounts:organisation_edit", args=[o.pk]),
        export=lambda o: reverse("accounts:organisation_list"),
        api=lambda o: f"/api/v1/organisations/{o.pk}",
        label=lambda o: o.name,
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset({"owner", "agency"}),
    ),
    RecordType(
        name="user",
        model="accounts.User",
        make=lambda w, side: w.users[f"trainee_{side}"],
        page=lambda u: reverse("accounts:user_detail", args=[u.pk]),
        edit=lambda u: reverse("accounts:user_edit", args=[u.pk]),
        export=lambda u: reverse("accounts:user_list"),
        api=lambda u: f"/api/v1/users/{u.pk}",
        label=lambda u: u.username,
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset({"owner", "agency", "enterprise_a"}),
    ),
    # --- providers (issue 4) ---
    RecordType(
        name="provider_profile",
        model="providers.ProviderProfile",
        make=providers.profile,
        page=lambda p: reverse("providers:provider_detail", args=[p.pk]),
        edit=lambda p: reverse("providers:provider_edit", args=[p.pk]),
        export=lambda r: reverse("providers:provider_list"),
        api=lambda p: f"/api/v1/providers/profiles/{p.pk}",
        label=lambda p: p.organisation.name,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency", "provider_a"}),
    ),
    RecordType(
        name="qualification",
        model="providers.Qualification",
        make=providers.qualification,
        page=lambda q: reverse("providers:qualification_detail", args=[q.pk]),
        edit=lambda q: reverse("providers:qualification_edit", args=[q.pk]),
        export=lambda r: reverse("providers:qualification_list"),
        api=lambda q: f"/api/v1/providers/qualifications/{q.pk}",
        label=lambda q: q.number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency", "provider_a"}),
    ),
    RecordType(
        name="procurement",
        model="providers.Procurement",
        make=providers.procurement,
        page=lambda p: reverse("providers:procurement_detail", args=[p.pk]),
        edit=lambda p: reverse("providers:procurement_edit", args=[p.pk]),
        export=lambda r: reverse("providers:procurement_list"),
        api=lambda p: f"/api/v1/providers/procurements/{p.pk}",
        label=lambda p: p.chosen.name,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency"}),
    ),
    RecordType(
        name="debarment",
        model="providers.Debarment",
        make=providers.debarment,
        page=lambda d: reverse("providers:debarment_detail", args=[d.pk]),
        edit=None,
        export=lambda r: reverse("providers:debarment_list"),
        api=lambda d: f"/api/v1/providers/debarments/{d.pk}",
        label=lambda d: d.decision_number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        # The register is programme-wide: every district bureau sees every entry.
        sees_theirs=PROGRAMME_WIDE | {"district_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="agreement",
        model="providers.ServiceAgreement",
        make=providers.agreement,
        page=lambda a: reverse("providers:agreement_detail", args=[a.pk]),
        edit=lambda a: reverse("providers:agreement_edit", args=[a.pk]),
        export=lambda r: reverse("providers:agreement_list"),
        api=lambda a: f"/api/v1/providers/agreements/{a.pk}",
        label=lambda a: a.number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"agency"}),
    ),
]


def _plan(world, side):
    """Side a: the issued 2023 plan; side b: a 2024 draft."""
    from yufang.plans.tests.factories import make_plan

    cache = world.__dict__.setdefault("_plans", {})
    if side not in cache:
        cache[side] = make_plan(world, year=2023 if side == "a" else 2024, issue=side == "a")
    return cache[side]


def _target(world, side):
    import datetime
    from decimal import Decimal

    from yufang.targets.services import target_save

    cache = world.__dict__.setdefault("_targets", {})
    if side not in cache:
        plan = _plan(world, side)
        cache[side] = target_save(
            actor=world.owner,
            plan=plan,
            data={
                "name": f"目标{side}{plan.year}",
                "metric": "persons",
                "threshold": Decimal(100),
                "deadline": datetime.date(plan.year, 12, 31),
            },
        )
    return cache[side]


def _part(world, side):
    """Side a's target divided to district a; side b's (a draft plan's) to district b."""
    from yufang.targets.models import TargetDistrictPart
    from yufang.targets.services import target_parts_set

    target = _target(world, side)
    region = world.orgs[f"district_{side}"].region
    if not TargetDistrictPart.objects.filter(target=target, region=region).exists():
        target_parts_set(target=target, parts={region: 40 if side == "a" else 30}, actor=world.owner)
    return TargetDistrictPart.objects.select_related("region").get(target=target, region=region)


def _completion(world, side):
    """A completion of side a's or side b's enterprise (a trainee of it)."""
    import datetime

    from yufang.targets.tests.factories import complete, make_batch, make_people

    cache = world.__dict__.setdefault("_completions", {})
    if side not in cache:
        enterprise = world.orgs[f"enterprise_{side}"]
        person = make_people(
            world.owner,
            enterprise,
            1,
            industry="hazchem",
            positions=["worker"],
            seed=9,
            start=900 if side == "a" else 901,
        )[0]
        person.user = world.users[f"trainee_{side}"]
        person.save(update_fields=["user"])
        (completion,) = complete(
            world.owner,
            [person],
            mode="offline",
            day=datetime.date(2023, 6, 1),
            source=make_batch(world.owner, f"批次{side}", 2023),
        )
        cache[side] = completion
    return cache[side]


def _revocation(world, side):
    """Side a's or side b's completion, revoked by the agency on a confirmed flag."""
    from yufang.projects.tests.factories import make_project
    from yufang.targets.services import completion_revoke
    from yufang.training.flags import raise_record_flag
    from yufang.training.services import flag_transition

    cache = world.__dict__.setdefault("_revocations", {})
    if side not in cache:
        completion = _completion(world, side)
        flag = raise_record_flag(
            source="supervision",
            project=make_project(world, _plan(world, "a"), side=side),
            kind="callback_absent",
            key=f"r{side}",
            summary="回访称未参加",
            evidence=[],
            subject="回访",
            subject_url="",
            person=completion.person,
        )
        flag_transition(flag=flag, action="confirm", actor=world.users["agency"], note="核实")
        cache[side] = completion_revoke(
            completion=completion, reason=f"撤销{side}", evidence="回访", basis=flag, actor=world.users["agency"]
        )
    return cache[side]


OFFICIALS_AND_DISTRICT = PROGRAMME_WIDE | {"district_a"}

RECORD_TYPES += [
    RecordType(
        name="plan",
        model="plans.Plan",
        make=_plan,
        page=lambda p: reverse("plans:detail", args=[p.pk]),
        edit=lambda p: reverse("plans:edit", args=[p.pk]),
        export=lambda p: reverse("plans:list"),
        api=lambda p: f"/api/v1/plans/{p.pk}",
        label=lambda p: p.title,
        # Issued plans are public documents; drafts stay with the programme-wide officials.
        sees=frozenset(ROLES) - {"trainee_a"},
        edits=frozenset(),  # side a is issued, so frozen even for the owner
        sees_theirs=PROGRAMME_WIDE,
    ),
    RecordType(
        name="target",
        model="targets.Target",
        make=_target,
        page=None,
        edit=lambda t: reverse("targets:edit", args=[t.pk]),
        export=lambda t: reverse("targets:progress", args=[t.plan_id]),
        api=lambda t: f"/api/v1/targets/{t.pk}",
        label=lambda t: t.name,
        sees=OFFICIALS_AND_DISTRICT,
        edits=frozenset({"owner"}),
        sees_theirs=PROGRAMME_WIDE,
    ),
    RecordType(
        name="target_part",
        model="targets.TargetDistrictPart",
        make=_part,
        page=lambda p: reverse("targets:parts", args=[p.target_id]),
        edit=None,  # the same page: the owner's form, everyone else's table
        export=lambda p: reverse("targets:parts", args=[p.target_id]),
        api=None,
        label=lambda p: p.region.name,
        sees=OFFICIALS_AND_DISTRICT,
        edits=frozenset({"owner"}),
        sees_theirs=PROGRAMME_WIDE,
    ),
    RecordType(
        name="completion",
        model="targets.Completion",
        make=_completion,
        page=None,
        edit=None,
        export=lambda c: reverse("targets:completions"),
        api=lambda c: f"/api/v1/completions/{c.pk}",
        label=lambda c: c.source_repr,
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="completion_revocation",
        model="targets.CompletionRevocation",
        make=_revocation,
        page=None,
        edit=None,
        export=lambda r: reverse("targets:completions"),
        api=None,
        label=lambda r: f"已撤销：{r.reason}",
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="person",
        model="people.Person",
        make=lambda w, side: _completion(w, side).person,
        page=lambda p: reverse("people:detail", args=[p.pk]),
        edit=None,
        export=lambda p: reverse("people:list"),
        api=lambda p: f"/api/v1/people/{p.pk}",
        label=lambda p: p.name,
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset(),
    ),
]


# --- projects (issue 5): a provider sees its own, a district the projects with work in it ---
PROJECT_READERS = PROGRAMME_WIDE | {"district_a", "provider_a"}

RECORD_TYPES += [
    RecordType(
        name="project",
        model="projects.Project",
        make=projects.project,
        page=lambda p: reverse("projects:detail", args=[p.pk]),
        edit=lambda p: reverse("projects:extension_request", args=[p.pk]),
        export=lambda p: reverse("projects:list"),
        api=lambda p: f"/api/v1/projects/{p.pk}",
        label=lambda p: p.agreement.number,
        sees=PROJECT_READERS,
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="plan_version",
        model="projects.PlanVersion",
        make=projects.plan_version,
        page=lambda v: reverse("projects:plan_version", args=[v.pk]),
        edit=lambda v: reverse("projects:plan_version_edit", args=[v.pk]),
        export=None,
        api=lambda v: f"/api/v1/projects/plan-versions/{v.pk}",
        label=lambda v: v.title,
        sees=PROJECT_READERS,
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="progress_report",
        model="projects.ProgressReport",
        make=projects.report,
        page=lambda r: reverse("projects:report_detail", args=[r.pk]),
        edit=lambda r: reverse("projects:report_edit", args=[r.pk]),
        export=lambda r: reverse("projects:report_list"),
        api=lambda r: f"/api/v1/projects/reports/{r.pk}",
        label=lambda r: r.project.agreement.number,
        sees=PROJECT_READERS,
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="extension",
        model="projects.Extension",
        make=projects.extension,
        page=lambda e: reverse("projects:extension_detail", args=[e.pk]),
        edit=None,
        export=None,
        api=lambda e: f"/api/v1/projects/extensions/{e.pk}",
        label=lambda e: e.reason,
        sees=PROJECT_READERS,
        edits=frozenset(),
    ),
    RecordType(
        name="completion_report",
        model="projects.CompletionReport",
        make=projects.completion,
        page=lambda c: reverse("projects:completion_detail", args=[c.pk]),
        edit=lambda c: reverse("projects:completion_edit", args=[c.project_id]),
        export=None,
        api=lambda c: f"/api/v1/projects/completion-reports/{c.pk}",
        label=lambda c: c.goals,
        sees=PROJECT_READERS,
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="acceptance",
        model="projects.Acceptance",
        make=projects.acceptance,
        page=lambda a: reverse("projects:acceptance_detail", args=[a.pk]),
        edit=None,
        export=None,
        api=lambda a: f"/api/v1/projects/acceptances/{a.pk}",
        label=lambda a: a.project.name,
        sees=PROJECT_READERS,
        edits=frozenset(),
    ),
    RecordType(
        name="payment",
        model="projects.Payment",
        make=projects.payment,
        page=lambda p: reverse("projects:payment_detail", args=[p.pk]),
        edit=None,
        export=lambda p: reverse("projects:payment_list"),
        api=lambda p: f"/api/v1/projects/payments/{p.pk}",
        label=lambda p: p.project.agreement.number,
        sees=PROJECT_READERS,
        edits=frozenset(),
    ),
    RecordType(
        name="deduction",
        model="projects.Deduction",
        make=projects.deduction,
        page=lambda d: reverse("projects:deduction_detail", args=[d.pk]),
        edit=None,
        export=lambda d: reverse("projects:deduction_list"),
        api=lambda d: f"/api/v1/projects/deductions/{d.pk}",
        label=lambda d: d.reason,
        sees=PROJECT_READERS,
        edits=frozenset(),
    ),
]

# --- a signed agreement's amendments and team change requests, seen with the agreement (issue 13) ---
RECORD_TYPES += [
    RecordType(
        name="amendment",
        model="providers.AgreementAmendment",
        make=providers.amendment,
        page=None,
        edit=None,
        export=None,
        api=lambda a: f"/api/v1/providers/amendments/{a.pk}",
        label=lambda a: a.reason,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="team_change",
        model="providers.TeamChangeRequest",
        make=providers.team_change,
        page=None,
        edit=None,
        export=None,
        api=lambda t: f"/api/v1/providers/team-changes/{t.pk}",
        label=lambda t: t.reason,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset(),
    ),
]

# --- online training (issue 7) ---
ENROLMENT_SEES = WITHOUT_PARTNERS | {"district_a", "provider_a", "enterprise_a", "trainee_a"}
RECORD_TYPES += [
    RecordType(
        name="enrolment",
        model="learning.Enrolment",
        make=learning.enrolment,
        page=lambda e: reverse("learning:enrolment", args=[e.pk]),
        edit=None,
        export=lambda e: reverse("learning:learners"),
        api=lambda e: f"/api/v1/learning/enrolments/{e.pk}",
        label=lambda e: e.person.name,
        sees=ENROLMENT_SEES,
        edits=frozenset(),
    ),
    RecordType(
        name="registration",
        model="learning.Registration",
        make=learning.registration,
        page=lambda r: reverse("learning:registration", args=[r.pk]),
        edit=None,
        export=lambda r: reverse("learning:registrations"),
        api=None,
        label=lambda r: r.user.username,
        # Waits with the enterprise it names; the registrant (a new account) sees only their own.
        sees=WITHOUT_PARTNERS | {"district_a", "enterprise_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="certificate",
        model="learning.Certificate",
        make=learning.certificate,
        page=lambda c: reverse("learning:certificate_pdf", args=[c.pk]),
        edit=None,
        export=None,
        api=lambda c: f"/api/v1/learning/certificates/{c.pk}",
        label=lambda c: c.code,
        sees=ENROLMENT_SEES,
        edits=frozenset(),
    ),
]

# --- enterprises and offline training (issue 6) ---
from yufang.training.tests import matrix as training  # noqa: E402

RECORD_TYPES += [
    RecordType(
        name="training_session",
        model="training.TrainingSession",
        make=training.session,
        page=lambda s: reverse("training:session_detail", args=[s.pk]),
        edit=lambda s: reverse("training:session_edit", args=[s.pk]),
        export=lambda s: reverse("training:session_list"),
        api=lambda s: f"/api/v1/training/sessions/{s.pk}",
        label=lambda s: s.topic,
        # The enterprises expected at a session see it; trainees see their own attendance instead.
        sees=OFFICIALS_AND_DISTRICT | {"provider_a", "enterprise_a"},
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="roster_entry",
        model="training.RosterEntry",
        make=training.roster_entry,
        page=None,
        edit=None,
        export=lambda e: reverse("training:roster_export", args=[e.session_id]),
        api=lambda e: f"/api/v1/training/roster-entries/{e.pk}",
        label=lambda e: e.person.name,
        sees=WITHOUT_PARTNERS | {"district_a", "provider_a", "enterprise_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="attendance",
        model="training.Attendance",
        make=training.attendance,
        page=None,
        edit=None,
        export=lambda a: reverse("training:attendance_export", args=[a.session_id]),
        api=lambda a: f"/api/v1/training/attendances/{a.pk}",
        label=lambda a: a.person.name,
        sees=WITHOUT_PARTNERS | {"district_a", "provider_a", "enterprise_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="training_flag",
        model="training.Flag",
        make=training.flag,
        page=lambda f: reverse("training:flag_detail", args=[f.pk]),
        edit=None,
        export=lambda f: reverse("training:flag_list"),
        api=lambda f: f"/api/v1/training/flags/{f.pk}",
        label=lambda f: str(f.session),
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="enterprise_profile",
        model="enterprises.EnterpriseProfile",
        make=training.enterprise,
        page=lambda p: reverse("enterprises:detail", args=[p.pk]),
        edit=lambda p: reverse("enterprises:edit", args=[p.pk]),
        export=lambda p: reverse("enterprises:list"),
        api=lambda p: f"/api/v1/enterprises/{p.pk}",
        label=lambda p: p.organisation.name,
        sees=OFFICIALS_AND_DISTRICT | {"enterprise_a"},
        edits=frozenset({"owner", "agency", "enterprise_a"}),
    ),
    RecordType(
        name="injury_statistic",
        model="enterprises.InjuryStatistic",
        make=training.statistic,
        page=None,
        edit=None,
        export=None,
        api=lambda s: f"/api/v1/enterprises/statistics/{s.pk}",
        label=lambda s: str(s),
        sees=OFFICIALS_AND_DISTRICT | {"enterprise_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="key_enterprise_mark",
        model="enterprises.KeyEnterpriseMark",
        make=training.key_mark,
        page=None,
        edit=None,
        export=None,
        api=lambda m: f"/api/v1/enterprises/key-marks/{m.pk}",
        label=lambda m: m.reason,
        sees=OFFICIALS_AND_DISTRICT | {"enterprise_a"},
        edits=frozenset(),
    ),
]


# --- publicity (issue 16): a provider its own, a district what is addressed to it ---
from yufang.publicity.tests import matrix as publicity  # noqa: E402

RECORD_TYPES += [
    RecordType(
        name="publicity_deliverable",
        model="publicity.Deliverable",
        make=publicity.deliverable,
        page=lambda d: reverse("publicity:detail", args=[d.pk]),
        edit=lambda d: reverse("publicity:edit", args=[d.pk]),
        export=lambda d: reverse("publicity:list"),
        api=lambda d: f"/api/v1/publicity/deliverables/{d.pk}",
        label=lambda d: d.title,
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset({"provider_a"}),
    ),
    RecordType(
        name="publicity_evidence",
        model="publicity.Evidence",
        make=publicity.evidence,
        page=lambda e: reverse("publicity:evidence", args=[e.pk]),
        edit=None,
        export=None,
        api=lambda e: f"/api/v1/publicity/evidence/{e.pk}",
        label=lambda e: e.original_name,
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
]

# --- knowledge quiz (issue 17): a draft seen by officials and its provider; participants by
# district, enterprise and the running provider ---
from yufang.quiz.tests import matrix as quiz  # noqa: E402

RECORD_TYPES += [
    RecordType(
        name="quiz_competition",
        model="quiz.Competition",
        make=quiz.competition,
        page=lambda c: reverse("quiz:detail", args=[c.pk]),
        edit=lambda c: reverse("quiz:edit", args=[c.pk]),
        export=lambda c: reverse("quiz:list"),
        api=lambda c: f"/api/v1/quiz/competitions/{c.pk}",
        label=lambda c: c.name,
        sees=PROGRAMME_WIDE | {"provider_a"},
        edits=frozenset({"agency", "provider_a"}),
    ),
    RecordType(
        name="quiz_participant",
        model="quiz.Participant",
        make=quiz.participant,
        page=None,
        edit=None,
        export=lambda p: reverse("quiz:boards", args=[p.competition_id]),
        api=None,
        label=lambda p: p.name,
        sees=WITHOUT_PARTNERS | {"district_a", "provider_a", "enterprise_a"},
        edits=frozenset(),
    ),
]

# Reach: a video's readings, a push's audience and a print run's stock go with their deliverable;
# a delivery-report row and a distribution are seen by the district they reached.
RECORD_TYPES += [
    RecordType(
        name="publicity_view_reading",
        model="publicity.ViewReading",
        make=publicity.view_reading,
        page=lambda r: reverse("publicity:reach", args=[r.deliverable_id]),
        edit=None,
        export=None,
        api=lambda r: f"/api/v1/publicity/views/{r.pk}",
        label=lambda r: r.platform,
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="publicity_push_audience",
        model="publicity.PushAudience",
        make=publicity.push_audience,
        page=lambda a: reverse("publicity:reach", args=[a.deliverable_id]),
        edit=None,
        export=None,
        api=lambda a: f"/api/v1/publicity/deliverables/{a.deliverable_id}/push",
        label=lambda a: str(a.planned_reach),
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="publicity_push_row",
        model="publicity.PushDelivery",
        make=publicity.push_row,
        page=None,
        edit=None,
        export=None,
        api=lambda r: f"/api/v1/publicity/push-rows/{r.pk}",
        label=lambda r: str(r.sent),
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="publicity_material_stock",
        model="publicity.MaterialStock",
        make=publicity.material_stock,
        page=lambda s: reverse("publicity:reach", args=[s.deliverable_id]),
        edit=None,
        export=None,
        api=lambda s: f"/api/v1/publicity/deliverables/{s.deliverable_id}/stock",
        label=lambda s: str(s.ordered),
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="publicity_distribution",
        model="publicity.Distribution",
        make=publicity.distribution,
        page=lambda x: reverse("publicity:distribution", args=[x.pk]),
        edit=lambda x: reverse("publicity:distribution_receipt", args=[x.pk]),
        export=lambda x: reverse("publicity:distribution_list"),
        api=lambda x: f"/api/v1/publicity/distributions/{x.pk}",
        label=lambda x: x.deliverable.title,
        sees=OFFICIALS_AND_DISTRICT | {"provider_a"},
        edits=OFFICIALS_AND_DISTRICT | {"provider_a"},
    ),
]

# --- lists inside pages and API answers (issue 12) ---
# A record a role may see can hold lists of other records (a session's attendees, a project's
# people): each list is scoped row by row, not only the record that holds it. Each row names a
# page or API answer, what of the role's own must appear in it (so the test cannot pass on an
# empty page) and what of another organisation's must not.


@dataclass(frozen=True)
class NestedList:
    name: str
    make: Callable  # world -> (url, texts of side a that must appear, texts of side b that must not)
    # Roles that open the page and must see side a's rows but none of side b's.
    own_only: frozenset[str]
    # Roles that open the page and see both sides' rows.
    sees_all: frozenset[str] = frozenset()
    # Roles that open the page and see neither side's rows (partners: no personal data).
    sees_none: frozenset[str] = frozenset()


def _shared(url):
    def make(world):
        session, mine, theirs = training.shared_session(world)
        return url(session), mine, theirs

    return make


# --- supervision (issue 18): a district its own district's, a provider its own projects' ---
from yufang.supervision.tests import matrix as supervision  # noqa: E402

RECORD_TYPES += [
    RecordType(
        name="inspection",
        model="supervision.Inspection",
        make=supervision.inspection,
        page=lambda i: reverse("supervision:detail", args=[i.pk]),
        edit=None,
        export=lambda i: reverse("supervision:list"),
        api=lambda i: f"/api/v1/supervision/inspections/{i.pk}",
        label=lambda i: i.inspectors,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="inspection_photo",
        model="supervision.Photo",
        make=supervision.photo,
        page=lambda p: reverse("supervision:photo", args=[p.pk]),
        edit=None,
        export=None,
        api=None,
        label=str,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="finding",
        model="supervision.Finding",
        make=supervision.finding,
        page=lambda f: reverse("supervision:finding", args=[f.pk]),
        edit=None,
        export=lambda f: reverse("supervision:findings"),
        api=lambda f: f"/api/v1/supervision/findings/{f.pk}",
        label=lambda f: f.description,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="callback",
        model="supervision.Callback",
        make=supervision.callback,
        page=lambda c: reverse("supervision:callback", args=[c.pk]),
        edit=None,
        export=None,
        api=lambda c: f"/api/v1/supervision/callbacks/{c.pk}",
        label=str,
        sees=WITHOUT_PARTNERS | {"district_a"},
        edits=frozenset(),
    ),
]

SESSION_WHOLE = WITHOUT_PARTNERS | {"district_a", "provider_a"}
NESTED_LISTS = [
    NestedList(
        name="session_page",
        make=_shared(lambda s: reverse("training:session_detail", args=[s.pk])),
        own_only=frozenset({"enterprise_a"}),
        sees_all=SESSION_WHOLE,
        sees_none=frozenset({"partner"}),
    ),
    NestedList(
        name="session_board",
        make=_shared(lambda s: reverse("training:session_board", args=[s.pk])),
        own_only=frozenset({"enterprise_a"}),
        sees_all=SESSION_WHOLE,
        sees_none=frozenset({"partner"}),
    ),
    NestedList(
        name="session_attendance_api",
        make=_shared(lambda s: f"/api/v1/training/sessions/{s.pk}/attendance"),
        # The API lists those signed in: one of each side.
        own_only=frozenset({"enterprise_a"}),
        sees_all=SESSION_WHOLE,
        sees_none=frozenset({"partner"}),
    ),
]

# The quiz boards (issue 17) list participants of every enterprise: in full to officials and the
# running provider, to a district its district's and to an enterprise its own staff; partners and
# trainees see only the masked public board, so no full name of either side.


def _quiz_boards(url):
    def make(world):
        competition, mine, theirs = quiz.shared_competition(world)
        return url(competition), mine, theirs

    return make


QUIZ_OWN = frozenset({"district_a", "enterprise_a"})
QUIZ_WHOLE = frozenset({"owner", "agency", "provider_a"})
NESTED_LISTS += [
    NestedList(
        name="quiz_boards_page",
        make=_quiz_boards(lambda c: reverse("quiz:boards", args=[c.pk])),
        own_only=QUIZ_OWN,
        sees_all=QUIZ_WHOLE,
        sees_none=frozenset({"partner", "trainee_a"}),
    ),
    NestedList(
        name="quiz_people_board_api",
        make=_quiz_boards(lambda c: f"/api/v1/quiz/competitions/{c.pk}/boards/people"),
        own_only=QUIZ_OWN,
        sees_all=QUIZ_WHOLE,
        sees_none=frozenset({"partner", "trainee_a"}),
    ),
]

# --- the leaders' view (issue 19): a district bureau its own district's briefings ---
from yufang.insight.tests import matrix as insight  # noqa: E402

RECORD_TYPES += [
    RecordType(
        name="briefing",
        model="insight.Briefing",
        make=insight.briefing,
        page=lambda b: reverse("insight:briefing_download", args=[b.pk]),
        edit=None,
        export=lambda b: reverse("insight:briefings"),
        api=None,
        label=lambda b: b.sha256,
        sees=OFFICIALS_AND_DISTRICT,
        edits=frozenset(),
    ),
]
