"""Pages of the knowledge quiz. Staff: the competitions, a competition's rules, rounds and
figures, its boards with their exports, the award list and the enterprises' QR posters. Public
(phone, no account): joining, the paper, the result, and the masked boards with the live board
for the launch ceremony."""

import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.accounts.models import Organisation, OrganisationKind, Role
from yufang.core.context import client_ip
from yufang.core.export import Column, attachment, xlsx_response
from yufang.core.forms import form_errors_from
from yufang.core.listing import list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.throttle import TOO_MANY, throttle_hit
from yufang.core.transitions import error_text
from yufang.core.transitions import transition_response as _perform
from yufang.learning.models import Question
from yufang.projects.models import Project
from yufang.training.models import Flag, FlagSource

from . import pdf, services
from . import permissions as may
from .forms import CompetitionForm, JoinForm
from .models import Competition, CompetitionStatus, Paper, Participant
from .scoring import bank_problems
from .selectors import (
    award_list,
    competition_list,
    current_round,
    district_board,
    enterprise_board,
    enterprise_for_code,
    participants_seen,
    people_board,
    totals,
)

DEVICE_COOKIE = "yf_device"  # the same cookie the training sign-in pages set
SESSION_KEY = "quiz_participants"
# The public pages answer guesses about ID numbers: so many joins per address in ten minutes
# (a workshop's Wi-Fi carries many honest people), and per ID number a day; papers per address
# a minute.
# A launch ceremony's hall shares one address: the limits are settings (YUFANG_QUIZ_THROTTLES).
_THROTTLES = {"join_per_address": (600, 600), "join_per_id": (10, 86400), "paper_per_address": (3000, 60)}
_THROTTLES.update(getattr(settings, "YUFANG_QUIZ_THROTTLES", {}))
JOIN_PER_ADDRESS = _THROTTLES["join_per_address"]
JOIN_PER_ID = _THROTTLES["join_per_id"]
PAPER_PER_ADDRESS = _THROTTLES["paper_per_address"]
PUBLIC_BOARD_ROWS = 20


# --- Staff pages ------------------------------------------------------------------------------


def _competition(request, pk) -> Competition:
    return get_scoped_or_404(request.user, Competition.objects.select_related("plan__city", "project__provider"), pk=pk)


def _projects_to_run(user) -> list[Project]:
    if not user.has_role(Role.AGENCY_STAFF, Role.PROVIDER_STAFF):
        return []
    projects = scoped(user, Project).select_related("agreement__item__line").order_by("-plan__year", "name")
    return [p for p in projects if may.can_create(user, p).allowed]


COMPETITION_COLUMNS = [
    Column("竞答名称", lambda c: c.name, 30),
    Column("年度", lambda c: c.plan.year, 8),
    Column("宣传项目", lambda c: c.project.name, 30),
    Column("状态", lambda c: c.get_status_display(), 10),
]


@login_required
def competition_index(request: HttpRequest) -> HttpResponse:
    return list_response(
        request,
        queryset=competition_list(request.user),
        template="quiz/competition_list.html",
        export_columns=COMPETITION_COLUMNS,
        export_name="知识竞答",
        context={"projects": _projects_to_run(request.user)},
    )


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    seen = participants_seen(request.user, competition)
    flags = Flag.objects.none()
    if may.sees_in_full(request.user, competition):
        flags = scoped(request.user, Flag).filter(source=FlagSource.QUIZ, project=competition.project)
    enterprises = []
    if request.user.has_role(Role.ENTERPRISE_CONTACT) and request.user.organisation_id:
        enterprises = [request.user.organisation]
    elif may.sees_in_full(request.user, competition) or request.user.has_role(Role.DISTRICT_OFFICER):
        enterprises = None  # any enterprise, by the poster form
    return render(
        request,
        "quiz/competition_detail.html",
        {
            "c": competition,
            "rounds": competition.rounds.all(),
            "edit": may.can_edit(request.user, competition),
            "run": may.can_run(request.user, competition),
            "bank_problems": bank_problems(competition) if competition.status == CompetitionStatus.DRAFT else [],
            "totals": totals(competition, qs=seen),
            "full": may.sees_in_full(request.user, competition),
            "flags": flags.order_by("-pk")[:20],
            "flag_count": flags.count(),
            "poster_enterprises": enterprises,
            "poster_qr": [
                (
                    e,
                    poster_url(request, competition, e),
                    segno.make(poster_url(request, competition, e), error="m").svg_inline(scale=4),
                )
                for e in (enterprises or [])
            ],
            "join_url": request.build_absolute_uri(reverse("quiz:join", args=[competition.pk])),
            "transitions": services.COMPETITION_WORKFLOW.options(competition, request.user),
            "transition_url": reverse("quiz:transition", args=[competition.pk]),
        },
    )


def _rules_of(form) -> tuple[dict, list]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "rounds"}
    return data, form.cleaned_data["rounds"]


@login_required
def competition_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_scoped_or_404(request.user, Project.objects.select_related("agreement__item__line"), pk=project_pk)
    _require(may.can_create(request.user, project), page=True)
    form = CompetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, rounds = _rules_of(form)
        try:
            competition = services.competition_create(project=project, data=data, rounds=rounds, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已设立「{competition.name}」：核对规则后即可发布。")
            return redirect(competition)
    return render(
        request,
        "quiz/competition_form.html",
        {"form": form, "project": project, "categories": _categories()},
    )


def _categories():
    from django.db.models import Count

    return (
        Question.objects.filter(is_active=True)
        .values("category", "difficulty")
        .annotate(n=Count("pk"))
        .order_by("category", "difficulty")
    )


@login_required
def competition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    _require(may.can_edit(request.user, competition), page=True)
    form = CompetitionForm(request.POST or None, initial=CompetitionForm.initial_from(competition))
    if request.method == "POST" and form.is_valid():
        data, rounds = _rules_of(form)
        try:
            services.competition_update(competition=competition, data=data, rounds=rounds, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "已保存。")
            return redirect(competition)
    return render(
        request,
        "quiz/competition_form.html",
        {"form": form, "project": competition.project, "competition": competition, "categories": _categories()},
    )


@login_required
@require_POST
def competition_transition(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    return _perform(
        request,
        lambda **kw: services.competition_transition(competition=competition, actor=request.user, **kw),
        competition,
    )


@login_required
@require_POST
def competition_scan(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    try:
        raised = services.competition_scan(competition=competition, actor=request.user)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已检查全部试卷，发现 {raised} 条异常线索（已列入异常线索清单）。")
    return redirect(competition)


PEOPLE_COLUMNS = [
    Column("名次", lambda r: r.rank, 6),
    Column("姓名", lambda r: r.name, 10),
    Column("单位", lambda r: r.enterprise, 34),
    Column("区县", lambda r: r.region, 10),
    Column("成绩", lambda r: r.score, 8),
    Column("用时（秒）", lambda r: r.seconds, 10),
    Column("交卷时间", lambda r: timezone.localtime(r.counted_at).strftime("%Y-%m-%d %H:%M:%S"), 20),
    Column("奖项", lambda r: r.award, 10),
]
ENTERPRISE_COLUMNS = [
    Column("单位", lambda r: r.name, 34),
    Column("区县", lambda r: r.region, 10),
    Column("参与人数", lambda r: r.participants, 10),
    Column("参保人数", lambda r: r.insured or "", 10),
    Column("参与率（%）", lambda r: r.rate if r.rate is not None else "", 10),
    Column("平均成绩", lambda r: r.avg_score if r.avg_score is not None else "", 10),
    Column("已覆盖", lambda r: "是" if r.reached else "", 8),
]
DISTRICT_COLUMNS = [
    Column("区县", lambda r: r.name, 12),
    Column("覆盖企业数", lambda r: r.enterprises_reached, 12),
    Column("参与企业数", lambda r: r.enterprises_taking_part, 12),
    Column("参与人数", lambda r: r.participants, 10),
    Column("参保人数", lambda r: r.insured, 10),
    Column("参与率（%）", lambda r: r.rate if r.rate is not None else "", 10),
]
BOARDS = {"people": "个人榜", "enterprises": "企业榜", "districts": "区县榜"}


@login_required
def competition_boards(request: HttpRequest, pk: int) -> HttpResponse:
    """The three boards as the user may see them: officials and the running provider everyone in
    full; a district its district's people in full, an enterprise its own staff; the enterprise
    and district boards count everyone they cover."""
    competition = _competition(request, pk)
    board = request.GET.get("board") if request.GET.get("board") in BOARDS else "people"
    full = may.sees_in_full(request.user, competition)
    seen = None if full else participants_seen(request.user, competition)
    if board == "people":
        rows = people_board(competition, limit=0 if request.GET.get("export") else 100, masked=False, qs=seen)
        columns = PEOPLE_COLUMNS
    elif board == "enterprises":
        rows, columns = enterprise_board(competition, qs=seen), ENTERPRISE_COLUMNS
    else:
        rows, columns = district_board(competition, qs=seen), DISTRICT_COLUMNS
        if not full:  # a district or an enterprise: only the districts its people are in
            rows = [r for r in rows if r.participants]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{competition.name}{BOARDS[board]}", columns, rows)
    return render(
        request,
        "quiz/boards.html",
        {"c": competition, "board": board, "boards": BOARDS, "rows": rows, "full": full},
    )


@login_required
def awards(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    if not may.sees_in_full(request.user, competition):
        raise PermissionDenied("获奖名单由经办机构和承办服务机构打印。")
    return attachment(
        pdf.awards_pdf(competition, award_list(competition)), f"{competition.name}获奖名单.pdf", "application/pdf"
    )


def poster_url(request, competition, enterprise) -> str:
    """What an enterprise's QR code opens: the quiz with the enterprise filled in."""
    return request.build_absolute_uri(reverse("quiz:join", args=[competition.pk]) + f"?e={enterprise.credit_code}")


@login_required
def poster(request: HttpRequest, pk: int, enterprise_pk: int) -> HttpResponse:
    """An enterprise's A4 poster: its contact prints their own; officials, districts and the
    running provider any enterprise they see."""
    competition = _competition(request, pk)
    if competition.status != CompetitionStatus.PUBLISHED:
        raise Http404("竞答未发布。")
    enterprise = get_scoped_or_404(
        request.user, Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE), pk=enterprise_pk
    )
    if request.user.has_role(Role.ENTERPRISE_CONTACT) and not (
        may.sees_in_full(request.user, competition) or request.user.organisation_id == enterprise.pk
    ):
        raise Http404("未找到该记录。")
    url = poster_url(request, competition, enterprise)
    return attachment(pdf.poster_pdf(competition, enterprise, url), f"{enterprise.name}竞答海报.pdf", "application/pdf")


@login_required
def poster_find(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster of an enterprise named by its credit code (officials, districts, the provider)."""
    competition = _competition(request, pk)
    code = request.GET.get("code", "").strip().upper()[:18]
    enterprise = scoped(request.user, Organisation).filter(kind=OrganisationKind.ENTERPRISE, credit_code=code).first()
    if enterprise is None:
        messages.error(request, "未找到该统一社会信用代码的企业。")
        return redirect(competition)
    return redirect("quiz:poster", competition.pk, enterprise.pk)


# --- Public pages (phone, no account) ---------------------------------------------------------


def _public_competition(pk) -> Competition:
    competition = Competition.objects.select_related("plan__city").prefetch_related("rounds").filter(pk=pk).first()
    if competition is None or competition.status not in (CompetitionStatus.PUBLISHED, CompetitionStatus.CLOSED):
        raise Http404("竞答不存在或未发布。")
    return competition


def _device(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE) or ""


def _with_device(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_hex(12), max_age=3 * 365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def _remember(request, participant: Participant) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    held[str(participant.competition_id)] = participant.pk
    request.session[SESSION_KEY] = held


def _remembered(request, competition) -> Participant | None:
    pk = request.session.get(SESSION_KEY, {}).get(str(competition.pk))
    return Participant.objects.filter(pk=pk, competition=competition).first() if pk else None


def _join_throttled(request, id_number: str) -> bool:
    limit, window = JOIN_PER_ADDRESS
    if not throttle_hit(scope="quiz-join-ip", key=client_ip.get() or "", limit=limit, window=window):
        return True
    limit, window = JOIN_PER_ID
    return not throttle_hit(scope="quiz-join-id", key=id_number.strip().upper(), limit=limit, window=window)


def join(request: HttpRequest, pk: int) -> HttpResponse:
    """What an enterprise's poster opens: who you are and where you work, then the paper."""
    competition = _public_competition(pk)
    code = request.GET.get("e", "")[:18]
    enterprise = enterprise_for_code(code)
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    participant = _remembered(request, competition)
    form = JoinForm(request.POST or None, initial={"credit_code": code}, city_id=competition.plan.city_id)
    status = 200
    if request.method == "POST":
        one_tap = request.POST.get("self") == "1" and person is not None
        if _join_throttled(request, "" if one_tap else request.POST.get("id_number", "")):
            form.add_error(None, TOO_MANY)
            status = 429
        elif one_tap or form.is_valid():
            try:
                if one_tap:
                    participant = services.participant_join_self(
                        competition=competition, actor=request.user, device=_device(request), ip=client_ip.get()
                    )
                else:
                    participant = services.participant_join(
                        competition=competition,
                        actor=request.user if request.user.is_authenticated else None,
                        device=_device(request),
                        ip=client_ip.get(),
                        **form.cleaned_data,
                    )
            except ValidationError as e:
                form_errors_from(form, e)
                status = 400
            else:
                _remember(request, participant)
                return redirect("quiz:start", competition.pk)
    response = render(
        request,
        "quiz/join.html",
        {
            "c": competition,
            "form": form,
            "enterprise": enterprise,
            "person": person,
            "participant": participant,
            "round": current_round(competition, timezone.now()),
            "next_round": next((r for r in competition.rounds.all() if r.opens_at > timezone.now()), None),
        },
        status=status,
    )
    return _with_device(request, response)


def start(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's page between papers: their papers so far, and the button for the next."""
    competition = _public_competition(pk)
    participant = _remembered(request, competition)
    if participant is None:
        return redirect("quiz:join", competition.pk)
    error, status = "", 200
    if request.method == "POST":
        limit, window = PAPER_PER_ADDRESS
        if not throttle_hit(scope="quiz-paper-ip", key=client_ip.get() or "", limit=limit, window=window):
            error, status = TOO_MANY, 429
        else:
            try:
                paper = services.paper_draw(participant=participant, device=_device(request), ip=client_ip.get())
            except ValidationError as e:
                error, status = error_text(e), 400
            else:
                return redirect("quiz:paper", paper.token)
    papers = list(participant.paper_set.select_related("round").order_by("number"))
    participant.refresh_from_db()
    return render(
        request,
        "quiz/start.html",
        {"c": competition, "participant": participant, "papers": papers, "error": error},
        status=status,
    )


def _shown(paper: Paper) -> list[dict]:
    questions = Question.objects.in_bulk(paper.question_ids)
    shown = []
    for i, item in enumerate(paper.items, start=1):
        q = questions[item["q"]]
        shown.append(
            {
                "number": i,
                "id": q.pk,
                "stem": q.stem,
                "kind": q.kind,
                "kind_label": q.get_kind_display(),
                "options": [(chr(ord("A") + j), q.options[o]) for j, o in enumerate(item["order"])],
            }
        )
    return shown


def paper(request: HttpRequest, token: str) -> HttpResponse:
    """The paper the server drew, with its options in this paper's order and the server's
    deadline; submitting scores it once (a second submission answers with the first result)."""
    paper = (
        Paper.objects.select_related("participant__competition__plan__city", "round").filter(token=token[:32]).first()
    )
    if paper is None:
        raise Http404("试卷不存在。")
    competition = paper.participant.competition
    replay = False
    if request.method == "POST":
        answers = {}
        for item in paper.items:
            picked = request.POST.getlist(f"q{item['q']}")
            if picked:
                answers[str(item["q"])] = "".join(picked)
        paper, replay = services.paper_submit(token=paper.token, answers=answers)
    if paper.submitted_at is not None:
        return render(
            request,
            "quiz/result.html",
            {
                "c": competition,
                "paper": paper,
                "participant": paper.participant,
                "replay": replay,
                "explained": _explained(paper) if paper.round.closes_at <= timezone.now() else None,
            },
        )
    seconds_left = max(0, int((paper.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "quiz/paper.html",
        {"c": competition, "paper": paper, "questions": _shown(paper), "seconds_left": seconds_left},
    )


def _explained(paper: Paper) -> list[dict]:
    """Once the round has closed: each question's answer and the bank's explanation."""
    shown = _shown(paper)
    questions = Question.objects.in_bulk(paper.question_ids)
    for row, item in zip(shown, paper.items, strict=True):
        q = questions[item["q"]]
        to_shown = {chr(ord("A") + o): chr(ord("A") + j) for j, o in enumerate(item["order"])}
        row["answer"] = "".join(sorted(to_shown[c] for c in q.answer))
        row["given"] = "".join(sorted(to_shown.get(c, "") for c in paper.answers.get(str(q.pk), "")))
        row["explanation"] = q.explanation
    return shown


def public_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The masked boards anyone may see; `?live=1` is the full-screen board for the launch
    ceremony, which refreshes itself (HTMX polling of its fragment)."""
    competition = _public_competition(pk)
    context = {
        "c": competition,
        "people": people_board(competition, limit=PUBLIC_BOARD_ROWS, masked=True),
        "enterprises": enterprise_board(competition)[:PUBLIC_BOARD_ROWS],
        "districts": district_board(competition),
        "totals": totals(competition),
        "now": timezone.now(),
        "live": request.GET.get("live") == "1",
    }
    if request.htmx:
        return render(request, "quiz/board.html#figures", context)
    return render(request, "quiz/board.html", context)
