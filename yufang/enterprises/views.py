"""Pages for the enterprise register, statistics, ranking and key marks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.http import redirect_back
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_phone
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped

from . import permissions as may
from . import services
from .forms import EnterpriseFilterForm, EnterpriseForm, ImportForm, RankingForm
from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark
from .selectors import enterprise_list, ranking


def columns(user) -> list[Column]:
    full = user.has_role("programme_owner", "agency_staff")
    return [
        Column("企业名称", lambda p: p.organisation.name, 32),
        Column("统一社会信用代码", lambda p: p.organisation.credit_code, 22),
        Column("区县", lambda p: p.organisation.region.name if p.organisation.region else "", 10),
        Column("行业类别", lambda p: p.industry.name, 12),
        Column("国民经济行业代码", lambda p: p.industry_code, 12),
        Column("危化品许可", lambda p: p.get_licence_type_display() if p.licence_type else "", 20),
        Column("许可证编号", lambda p: p.licence_number, 20),
        Column("参保人数", lambda p: p.insured_headcount, 10),
        Column("联系人", lambda p: p.contact_name, 10),
        Column("联系电话", (lambda p: p.contact_phone) if full else (lambda p: mask_phone(p.contact_phone)), 14),
    ]


@login_required
def enterprise_index(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET)
    return list_response(
        request,
        queryset=enterprise_list(user=request.user, **form.values()),
        filter_form=form,
        template="enterprises/list.html",
        export_columns=columns(request.user),
        export_name="企业名录",
        context={"can_manage": may.can_manage_register(request.user)[0], "import_form": ImportForm()},
    )


@login_required
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    profile = EnterpriseProfile.objects.filter(organisation_id=request.user.organisation_id).first()
    if profile is None:
        raise Http404("本企业尚未登记到企业名录，请联系经办机构。")
    return redirect(profile)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(
        request.user, EnterpriseProfile.objects.select_related("organisation", "industry"), pk=pk
    )
    org = profile.organisation
    return render(
        request,
        "enterprises/detail.html",
        {
            "profile": profile,
            "org": org,
            "stats": scoped(request.user, InjuryStatistic).filter(enterprise=org).order_by("-year"),
            "marks": scoped(request.user, KeyEnterpriseMark).filter(enterprise=org),
            "can_edit": may.can_manage_register(request.user, profile)[0],
            "phone": profile.contact_phone
            if request.user.has_role("programme_owner", "agency_staff") or request.user.organisation_id == org.pk
            else mask_phone(profile.contact_phone),
            "history": history(profile),
        },
    )


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    _require(may.can_manage_register(request.user))
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org_data = {
            "name": data.pop("name"),
            "credit_code": data.pop("credit_code"),
            "region": data.pop("region"),
            "city": request.user.organisation.city,
        }
        try:
            profile = services.enterprise_save(actor=request.user, org_data=org_data, data=data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "企业已登记。")
            return redirect(profile)
    return render(request, "enterprises/form.html", {"form": form, "title": "登记企业"})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
    _require(may.can_manage_register(request.user, profile))
    official = request.user.has_role("programme_owner", "agency_staff")
    org = profile.organisation
    form = EnterpriseForm(
        request.POST or None,
        instance=profile,
        organisation_fields=official,
        initial={"name": org.name, "credit_code": org.credit_code, "region": org.region},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org_data = {}
        if official:
            org_data = {"name": data.pop("name"), "credit_code": data.pop("credit_code"), "region": data.pop("region")}
        try:
            services.enterprise_save(actor=request.user, organisation=org, org_data=org_data, data=data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "企业资料已保存。")
            return redirect(profile)
    return render(
        request, "enterprises/form.html", {"form": form, "title": f"修改：{org}", "history": history(profile)}
    )


@login_required
def enterprise_ranking(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role("programme_owner", "agency_staff", "partner", "district_officer"):
        raise PermissionDenied("重点企业排名仅对主管部门开放。")
    # Open on the latest year that has statistics (not last calendar year, which may have none).
    years = list(InjuryStatistic.objects.order_by("-year").values_list("year", flat=True).distinct())
    data = request.GET or None
    if data is None and years:
        # The first focus industry that has figures that year.
        with_figures = EnterpriseProfile.objects.filter(organisation__injury_statistics__year=years[0])
        industries = RankingForm().fields["industry"].queryset
        industry = industries.filter(pk__in=with_figures.values("industry")).first() or industries.first()
        data = {"industry": industry.pk if industry else "", "year": years[0]}
    form = RankingForm(data)
    rows, key_year = [], None
    if form.is_valid():
        key_year = form.cleaned_data["key_year"]
        rows = ranking(
            user=request.user, industry=form.cleaned_data["industry"], year=form.cleaned_data["year"], key_year=key_year
        )
    return render(
        request,
        "enterprises/ranking.html",
        {
            "form": form,
            "rows": rows,
            "key_year": key_year,
            "years": years,
            "can_mark": may.can_mark_key(request.user)[0],
        },
    )


@login_required
@require_POST
def enterprise_mark(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
    try:
        year = int(request.POST.get("year", ""))
        if request.POST.get("unmark"):
            mark = get_object_or_404(KeyEnterpriseMark, enterprise=profile.organisation, year=year)
            services.key_unmark(actor=request.user, mark=mark)
            messages.success(request, f"已取消 {profile} 的 {year} 年重点企业标记。")
        else:
            services.key_mark(
                actor=request.user, enterprise=profile.organisation, year=year, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"已将 {profile} 确定为 {year} 年重点企业。")
    except ValueError:
        messages.error(request, "年度无效。")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect_back(request, profile.get_absolute_url())


@login_required
@require_POST
def enterprise_import(request: HttpRequest) -> HttpResponse:
    _require(may.can_manage_register(request.user))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择导入内容和文件。")
        return redirect("enterprises:list")
    kind = form.cleaned_data["kind"]
    job = job_start(
        kind=f"enterprises.{kind}_check",
        title="校验企业名录" if kind == "register" else "校验工伤统计",
        actor=request.user,
        params={"city_id": request.user.organisation.city_id},
        file=form.cleaned_data["file"],
    )
    return redirect("core:job", pk=job.pk)


def _import_job(request, job_id) -> Job:
    _require(may.can_manage_register(request.user))
    return succeeded_job_of(request.user, job_id, kind__startswith="enterprises.")


@login_required
def import_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    return render(request, "enterprises/import_review.html", {"job": job, "result": job.result})


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    try:
        count = services.register_import_apply(
            actor=request.user, rows=job.result["good"], job=job, kind=job.result["kind"]
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已导入 {count} 行；{len(job.result['errors'])} 行错误未导入。")
    return redirect("enterprises:list" if job.result["kind"] == "register" else "enterprises:ranking")
