"""Supervision pages: parse, check, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.dates import today
from yufang.core.export import XLSX, Column, attachment
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import list_response
from yufang.core.permissions import require
from yufang.core.scoping import get_scoped_or_404
from yufang.targets.selectors import revoke_url
from yufang.training.models import TrainingSession

from . import permissions as may
from . import selectors, services
from .exports import coverage_xlsx
from .forms import (
    CallbackForm,
    CallForm,
    ChecklistForm,
    DebarmentForm,
    FindingFilterForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    ProposalForm,
)
from .models import (
    Callback,
    CallbackEntry,
    CallOutcome,
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionMode,
    Photo,
    SubjectKind,
)


def _messages_of(e: ValidationError) -> str:
    return "；".join(e.messages)


# --- Inspections ---------------------------------------------------------------------------------

INSPECTION_COLUMNS = [
    Column("检查日期", lambda i: i.planned_on, 12),
    Column("检查对象", lambda i: i.get_subject_kind_display(), 14),
    Column("对象", lambda i: i.subject_label, 36),
    Column("服务机构", lambda i: i.project.provider.name, 24),
    Column("区县", lambda i: i.region.name, 10),
    Column("方式", lambda i: i.get_mode_display(), 16),
    Column("检查单位", lambda i: i.organiser.name, 20),
    Column("检查人员", lambda i: i.inspectors, 20),
    Column("状态", lambda i: i.get_status_display(), 10),
    Column("发现问题", lambda i: i.finding_count, 10),
]


@login_required
def inspection_index(request: HttpRequest) -> HttpResponse:
    require(may.can_view_inspections(request.user), page=True)
    form = InspectionFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.inspection_list(user=request.user, **form.values()),
        filter_form=form,
        template="supervision/inspection_list.html",
        export_columns=INSPECTION_COLUMNS,
        export_name="监督检查",
        context={"may_plan": may.can_inspect_in(request.user, _district(request.user)).allowed},
    )


def _district(user):
    return user.organisation.region_id if user.organisation else None


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not may.can_inspect_in(request.user, _district(request.user)).allowed:
        raise PermissionDenied("监督检查由经办机构和区县人社局开展。")
    initial = {"planned_on": today(), "mode": request.GET.get("mode", InspectionMode.SCHEDULED)}
    if request.GET.get("session", "").isdigit():
        initial.update(subject_kind=SubjectKind.SESSION, session=int(request.GET["session"]))
    form = InspectionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已计划「{inspection}」。")
            return redirect(inspection)
    return render(request, "supervision/inspection_form.html", {"form": form})


def _inspection(request, pk: int) -> Inspection:
    return get_scoped_or_404(
        request.user,
        Inspection.objects.select_related(
            "project", "project__provider", "session", "region", "organiser", "checklist"
        ),
        pk=pk,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    answers = {a.item_id: a for a in inspection.answers.all()}
    photos = list(inspection.photos.all())
    items = [
        (item, answers.get(item.pk), [p for p in photos if p.item_id == item.pk])
        for item in inspection.checklist.items.all()
    ]
    recording = may.can_record_on_site(request.user, inspection).allowed
    conducting = may.conducts(request.user, inspection).allowed
    context = {
        "inspection": inspection,
        "items": items,
        "loose_photos": [p for p in photos if p.item_id is None],
        "recording": recording,
        "conducting": conducting,
        "findings": list(selectors.finding_list(user=request.user).filter(inspection=inspection)),
        "finding_form": FindingForm() if may.can_add_finding(request.user, inspection).allowed else None,
        "transitions": services.INSPECTION_WORKFLOW.options(inspection, request.user),
        "transition_url": reverse("supervision:transition", args=[inspection.pk]),
        "history": history(inspection) if conducting else None,
    }
    if inspection.session_id and conducting:
        context["signed_in"] = selectors.signed_in_count(inspection.session)
        context["roster_checks"] = list(inspection.roster_checks.all()[:50])
    return render(request, "supervision/inspection_detail.html", context)


@login_required
@require_POST
def inspection_transition(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    try:
        services.inspection_transition(
            inspection=inspection,
            action=request.POST.get("action", ""),
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"「{inspection}」：{inspection.get_status_display()}。")
    return redirect(inspection)


@login_required
@require_POST
def inspection_answers(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    answers = {}
    for item in inspection.checklist.items.all():
        result = request.POST.get(f"result_{item.pk}", "")
        if result:
            answers[item.pk] = (result, request.POST.get(f"note_{item.pk}", "").strip())
    try:
        services.inspection_answer(inspection=inspection, answers=answers, actor=request.user)
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    else:
        messages.success(request, f"已保存 {len(answers)} 项检查结果。")
    return redirect(inspection)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    item = None
    if request.POST.get("item", "").isdigit():
        item = ChecklistItem.objects.filter(pk=int(request.POST["item"]), checklist=inspection.checklist).first()
    try:
        services.photo_add(
            inspection=inspection,
            file=request.FILES.get("file"),
            caption=request.POST.get("caption", ""),
            item=item,
            latitude=request.POST.get("latitude") or None,
            longitude=request.POST.get("longitude") or None,
            actor=request.user,
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    else:
        messages.success(request, "照片已上传。")
    return redirect(reverse("supervision:detail", args=[inspection.pk]) + "#photos")


@login_required
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_scoped_or_404(request.user, Photo, pk=pk)
    return serve_upload(photo.file, filename=f"现场照片_{photo.pk}.jpg", inline=True)


@login_required
@require_POST
def head_count(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    value = request.POST.get("head_count", "")
    try:
        services.head_count_record(
            inspection=inspection, head_count=int(value) if value.isdigit() else None, actor=request.user
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    else:
        messages.success(request, "现场清点人数已记录。")
    return redirect(reverse("supervision:detail", args=[inspection.pk]) + "#count")


@login_required
@require_POST
def roster_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Answers at once (an HTMX fragment on the phone; a page reload without script)."""
    inspection = _inspection(request, pk)
    check, error = None, ""
    try:
        check = services.roster_check(inspection=inspection, query=request.POST.get("query", ""), actor=request.user)
    except ValidationError as e:
        error = _messages_of(e)
    if getattr(request, "htmx", False):
        return render(
            request,
            "supervision/_roster_result.html",
            {"check": check, "error": error, "checks": list(inspection.roster_checks.all()[:50])},
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("supervision:detail", args=[inspection.pk]) + "#roster")


@login_required
def on_site(request: HttpRequest) -> HttpResponse:
    """The phone page: today's sessions in my district, with the live signed-in number."""
    require(may.can_view_inspections(request.user), page=True)
    sessions = list(selectors.sessions_today(user=request.user))
    open_inspections = {
        i.session_id: i
        for i in selectors.inspection_list(user=request.user)
        .filter(session__in=sessions, status__in=("planned", "on_site"))
        .filter(organiser_id=request.user.organisation_id)
    }
    rows = [(s, open_inspections.get(s.pk), may.can_inspect_in(request.user, s.region_id).allowed) for s in sessions]
    return render(request, "supervision/on_site.html", {"rows": rows, "day": today()})


@login_required
@require_POST
def on_site_start(request: HttpRequest, pk: int) -> HttpResponse:
    """An unannounced visit to a session now: planned and started in one step."""
    session = get_scoped_or_404(request.user, TrainingSession.objects.select_related("project", "region"), pk=pk)
    inspectors = request.POST.get("inspectors", "").strip() or request.user.display_name or request.user.username
    try:
        inspection = services.inspection_create(
            data={
                "subject_kind": SubjectKind.SESSION,
                "session": session,
                "mode": InspectionMode.UNANNOUNCED,
                "planned_on": today(),
                "inspectors": inspectors,
            },
            actor=request.user,
        )
        services.inspection_transition(inspection=inspection, action="start", actor=request.user)
    except ValidationError as e:
        messages.error(request, _messages_of(e))
        return redirect("supervision:on_site")
    return redirect(inspection)


# --- Findings --------------------------------------------------------------------------------------

FINDING_COLUMNS = [
    Column("发现日期", lambda f: f.created_at.date(), 12),
    Column("检查", lambda f: str(f.inspection), 40),
    Column("服务机构", lambda f: f.inspection.project.provider.name, 24),
    Column("区县", lambda f: f.inspection.region.name, 10),
    Column("问题类型", lambda f: f.get_kind_display(), 18),
    Column("严重程度", lambda f: f.get_severity_display(), 10),
    Column("问题描述", lambda f: f.description, 40),
    Column("状态", lambda f: f.get_status_display(), 12),
    Column("整改期限", lambda f: f.deadline, 12),
    Column("按期整改", lambda f: {True: "是", False: "否"}.get(f.on_time, ""), 10),
]


@login_required
def finding_index(request: HttpRequest) -> HttpResponse:
    require(may.can_view_inspections(request.user), page=True)
    form = FindingFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.finding_list(user=request.user, **form.values()),
        filter_form=form,
        template="supervision/finding_list.html",
        export_columns=FINDING_COLUMNS,
        export_name="检查发现问题",
        context={"today": today()},
    )


@login_required
@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写问题类型、严重程度和问题描述。")
        return redirect(inspection)
    try:
        finding = services.finding_create(inspection=inspection, data=form.cleaned_data, actor=request.user)
    except ValidationError as e:
        messages.error(request, _messages_of(e))
        return redirect(inspection)
    messages.success(request, "已记录发现的问题。")
    return redirect(finding)


def _finding(request, pk: int) -> Finding:
    return get_scoped_or_404(
        request.user,
        Finding.objects.select_related(
            "inspection",
            "inspection__project",
            "inspection__project__provider",
            "inspection__organiser",
            "inspection__region",
            "deduction",
            "debarment",
        ),
        pk=pk,
    )


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    user = request.user
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "transitions": services.FINDING_WORKFLOW.options(finding, user),
            "transition_url": reverse("supervision:finding_transition", args=[finding.pk]),
            "today": today(),
            "proposal_form": ProposalForm(initial={"clause": finding.clause, "amount": finding.proposed_amount})
            if may.can_propose_consequence(user, finding).allowed
            else None,
            "may_deduct": may.can_enter_deduction(user, finding),
            "debarment_form": DebarmentForm(initial={"start_date": today()})
            if may.can_enter_debarment(user, finding).allowed
            else None,
            "history": history(finding),
        },
    )


@login_required
@require_POST
def finding_transition(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    params = {}
    if request.POST.get("deadline"):
        try:
            params["deadline"] = parse_date(request.POST["deadline"])
        except ValueError:  # well formed but not a day (2023-02-30): the service asks for a deadline
            params["deadline"] = None
    if "file" in request.FILES:
        params["file"] = request.FILES["file"]
    try:
        services.finding_transition(
            finding=finding,
            action=request.POST.get("action", ""),
            actor=request.user,
            note=request.POST.get("note", ""),
            **params,
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"已处理。当前状态：{finding.get_status_display()}。")
    return redirect(finding)


@login_required
def finding_file(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    if not finding.answer_file:
        raise Http404
    return serve_upload(finding.answer_file, filename=f"整改佐证_{finding.pk}", inline=True)


@login_required
@require_POST
def finding_propose(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.finding_propose(
                finding=finding,
                clause=form.cleaned_data["clause"],
                amount=form.cleaned_data["amount"],
                actor=request.user,
            )
        except ValidationError as e:
            messages.error(request, _messages_of(e))
        else:
            messages.success(request, "扣减建议已提出，待经办机构决定。")
    else:
        messages.error(request, "请填写协议条款和建议扣减金额。")
    return redirect(finding)


@login_required
@require_POST
def finding_deduct(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    try:
        deduction = services.finding_deduction_enter(finding=finding, actor=request.user)
    except ValidationError as e:
        messages.error(request, _messages_of(e))
        return redirect(finding)
    messages.success(request, f"已扣减项目费用：{deduction}。服务机构可在扣减记录中提出异议。")
    return redirect(deduction)


@login_required
@require_POST
def finding_debar(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = DebarmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写决定文号、决定机关和起始日期。")
        return redirect(finding)
    try:
        debarment = services.finding_debarment_enter(finding=finding, actor=request.user, **form.cleaned_data)
    except ValidationError as e:
        messages.error(request, _messages_of(e))
        return redirect(finding)
    messages.success(request, f"已列入禁入名单：{debarment}。")
    return redirect(debarment)


# --- Checklists --------------------------------------------------------------------------------------


@login_required
def checklist_index(request: HttpRequest) -> HttpResponse:
    require(may.can_view_inspections(request.user), page=True)
    kind = request.GET.get("kind", SubjectKind.SESSION)
    if kind not in SubjectKind.values:
        kind = SubjectKind.SESSION
    versions = list(Checklist.objects.filter(subject_kind=kind).prefetch_related("items").order_by("-version"))
    form = None
    if may.can_edit_checklists(request.user)[0]:
        current = versions[0] if versions else None
        initial = (
            "\n".join(f"{'*' if i.photo_required else ''}{i.text}" for i in current.items.all()) if current else ""
        )
        form = ChecklistForm(request.POST or None, initial={"items": initial})
        if request.method == "POST" and form.is_valid():
            try:
                services.checklist_revise(
                    subject_kind=kind, items=form.parsed(), note=form.cleaned_data["note"], actor=request.user
                )
            except ValidationError as e:
                form_errors_from(form, e)
            else:
                messages.success(request, "已保存为新版本。")
                return redirect(reverse("supervision:checklists") + f"?kind={kind}")
    return render(
        request,
        "supervision/checklists.html",
        {"kind": kind, "kinds": SubjectKind.choices, "versions": versions, "form": form},
    )


# --- Call-backs ----------------------------------------------------------------------------------------


@login_required
def callback_index(request: HttpRequest) -> HttpResponse:
    require(may.can_view_coverage(request.user), page=True)
    form = None
    if request.user.is_agency or request.user.has_role("district_officer"):
        form = CallbackForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            session = form.cleaned_data["session"]
            project = session.project if session else form.cleaned_data["project"]
            if project is None:
                form.add_error("project", "请选择项目或培训场次。")
            else:
                try:
                    callback = services.callback_draw(
                        project=project, session=session, size=form.cleaned_data["size"], actor=request.user
                    )
                except ValidationError as e:
                    form_errors_from(form, e)
                except PermissionDenied as e:
                    form.add_error(None, str(e))
                else:
                    messages.success(request, f"已抽取 {len(callback.drawn)} 人。")
                    return redirect(callback)
    return list_response(
        request,
        queryset=selectors.callback_list(user=request.user),
        template="supervision/callback_list.html",
        context={"form": form},
    )


@login_required
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_scoped_or_404(
        request.user, Callback.objects.select_related("project", "session", "organiser", "region"), pk=pk
    )
    entries = list(callback.entries.select_related("person", "completion", "completion__revocation", "flag", "caller"))
    calling = may.can_call_back(request.user, callback).allowed
    revoking = request.user.is_agency
    rows = [(e, revoke_url(e.completion, e) if revoking and e.outcome == CallOutcome.ABSENT else "") for e in entries]
    return render(
        request,
        "supervision/callback_detail.html",
        {
            "callback": callback,
            "rows": rows,
            "calling": calling,
            "call_form": CallForm(),
            "redraw": selectors.callback_redraw(population=callback.population, size=callback.size, seed=callback.seed),
        },
    )


@login_required
@require_POST
def callback_record(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_scoped_or_404(request.user, CallbackEntry.objects.select_related("callback"), pk=pk)
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            services.callback_record(
                entry=entry,
                outcome=form.cleaned_data["outcome"],
                remembers=form.cleaned_data["remembers"],
                actor=request.user,
            )
        except ValidationError as e:
            messages.error(request, _messages_of(e))
        else:
            messages.success(request, "回访结果已记录。")
    else:
        messages.error(request, "请选择回访结果。")
    return redirect(entry.get_absolute_url())


# --- Coverage --------------------------------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require(may.can_view_coverage(request.user), page=True)
    c = selectors.coverage(user=request.user)
    if request.GET.get("export") == "xlsx":
        return attachment(coverage_xlsx(c), f"监管覆盖情况_{today():%Y%m%d}.xlsx", XLSX)
    chart = {
        "districts": [d.name for d in c.districts],
        "session_share": [float(d.session_share or 0) for d in c.districts],
        "project_share": [float(d.project_share or 0) for d in c.districts],
        "kind": [[label, n] for label, n in c.by_kind],
        "severity": [[label, n] for label, n in c.by_severity],
    }
    return render(request, "supervision/coverage.html", {"c": c, "chart": chart})
