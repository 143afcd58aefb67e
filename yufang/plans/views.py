from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.export import XLSX, attachment
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.workflow import done_message, status_of

from . import services
from .documents import fund_table_pdf, fund_table_xlsx
from .forms import ItemFormSet, LinesForm, PlanFilterForm, PlanForm
from .models import Plan
from .permissions import can_edit_plan, can_view_execution
from .selectors import budget_entries, plan_budget, plan_list
from .services import PLAN_WORKFLOW

PLAN_COLUMNS = [
    Column("年度", lambda p: p.year, 8),
    Column("方案名称", lambda p: p.title, 36),
    Column("文号", lambda p: p.doc_number, 22),
    Column("提取额度（元）", lambda p: p.fund_amount, 16),
    Column("状态", lambda p: p.get_status_display(), 10),
]


@login_required
def plan_index(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET)
    return list_response(
        request,
        queryset=plan_list(user=request.user, **form.values()),
        filter_form=form,
        template="plans/plan_list.html",
        export_columns=PLAN_COLUMNS,
        export_name="年度实施方案",
        context={"can_create": can_edit_plan(request.user)[0]},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("city"), pk=pk)
    budget = plan_budget(user=request.user, plan=plan)
    can_execution = can_view_execution(request.user)[0]
    totals = plan.lines.aggregate(amount=Sum("amount"), committed=Sum("committed"), paid=Sum("paid"))
    chart = {
        "names": [item.name for _, items in budget for item in items],
        "budget": [float(item.amount) for _, items in budget for item in items],
        "committed": [float(item.committed) for _, items in budget for item in items],
        "paid": [float(item.paid) for _, items in budget for item in items],
    }
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "budget": budget,
            "totals": totals,
            "edit": can_edit_plan(request.user, plan),
            "can_execution": can_execution,
            "chart": chart,
            "entries": budget_entries(user=request.user, plan=plan)[:20] if can_execution else [],
            "transitions": PLAN_WORKFLOW.options(plan, request.user),
            "history": history(plan),
        },
    )


def _plan_form(request, instance=None):
    return PlanForm(request.POST or None, request.FILES or None, instance=instance)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require(can_edit_plan(request.user), page=True)
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "实施方案已创建，请继续填写预算科目与项目。")
            return redirect("plans:budget", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=pk)
    _require(can_edit_plan(request.user, plan), page=True)
    form = _plan_form(request, get_scoped_or_404(request.user, Plan, pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "document" and not v)}
        try:
            services.plan_update(actor=request.user, plan=plan, data=data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "实施方案已保存。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=pk)
    _require(can_edit_plan(request.user, plan), page=True)
    budget = plan_budget(user=request.user, plan=plan)
    lines_initial = {f"line_{line.category}": line.amount for line, _ in budget}
    items_initial = [
        {
            "category": line.category,
            "name": item.name,
            "implementer_kind": item.implementer_kind,
            "amount": item.amount,
            "description": item.description,
            "remarks": item.remarks,
        }
        for line, items in budget
        for item in items
    ]
    lines_form = LinesForm(request.POST or None, initial=lines_initial)
    formset = ItemFormSet(request.POST or None, initial=items_initial, prefix="items")
    if request.method == "POST" and lines_form.is_valid() and formset.is_valid():
        items = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
        ]
        try:
            services.plan_set_budget(
                actor=request.user,
                plan=plan,
                lines={
                    "publicity": lines_form.cleaned_data["line_publicity"],
                    "training": lines_form.cleaned_data["line_training"],
                },
                items=items,
            )
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                target = field if field in lines_form.fields else None
                lines_form.add_error(target, errors)
        else:
            messages.success(request, "预算科目与项目已保存。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/budget_form.html", {"plan": plan, "lines_form": lines_form, "formset": formset})


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=pk)
    action, previous = request.POST.get("action", ""), status_of(plan)
    try:
        services.plan_transition(plan=plan, action=action, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done_message(plan, action, previous))
    return redirect("plans:detail", pk=plan.pk)


@login_required
def plan_fund_table(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("city"), pk=pk)
    budget = plan_budget(user=request.user, plan=plan)
    name = f"{plan.year}年度{plan.city.name}工伤预防费使用计划"
    if fmt == "pdf":
        return attachment(fund_table_pdf(plan, budget), f"{name}.pdf", "application/pdf")
    return attachment(fund_table_xlsx(plan, budget), f"{name}.xlsx", XLSX)


@login_required
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=pk)
    if not plan.document:
        raise Http404("该方案尚未上传正式文件。")
    return serve_upload(plan.document, filename=plan.doc_number or plan.title)
