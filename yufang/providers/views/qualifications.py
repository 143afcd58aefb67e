"""Qualification pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yufang.core.audit import history
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404

from .. import services
from ..forms import QualificationFilterForm, QualificationForm
from ..models import ProviderProfile, Qualification
from ..permissions import can_manage_qualifications
from ..selectors import qualification_list
from .base import _form_page

QUALIFICATION_COLUMNS = [
    Column("服务机构", lambda q: q.provider.name, 32),
    Column("资质类别", lambda q: q.get_kind_display(), 30),
    Column("证书编号", lambda q: q.number, 20),
    Column("发证机关", lambda q: q.issuer, 20),
    Column("有效期起", lambda q: q.valid_from, 12),
    Column("有效期止", lambda q: q.valid_to or "长期", 12),
]


@login_required
def qualification_index(request: HttpRequest) -> HttpResponse:
    form = QualificationFilterForm(request.GET)
    return list_response(
        request,
        queryset=qualification_list(user=request.user, on_date=timezone.localdate(), **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=QUALIFICATION_COLUMNS,
        export_name="服务机构资质",
        context={"title": "服务机构资质", "columns": QUALIFICATION_COLUMNS},
    )


@login_required
def qualification_create(request: HttpRequest, provider_pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, ProviderProfile.objects.select_related("organisation"), pk=provider_pk)
    _require(can_manage_qualifications(request.user, profile.organisation))
    form = QualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            q = services.qualification_create(provider=profile.organisation, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "资质已上传。")
            return redirect(q)
    return _form_page(request, form, f"上传资质：{profile}", profile.get_absolute_url(), multipart=True)


@login_required
def qualification_document(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    return serve_upload(q.document, filename=f"资质证明-{q}")


@login_required
def qualification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    return render(
        request,
        "providers/qualification_detail.html",
        {
            "q": q,
            "profile": ProviderProfile.objects.filter(organisation=q.provider).first(),
            "valid": q.is_valid_on(timezone.localdate()),
            "can_edit": can_manage_qualifications(request.user, q.provider)[0],
            "history": history(q),
        },
    )


@login_required
def qualification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    _require(can_manage_qualifications(request.user, q.provider))
    form = QualificationForm(request.POST or None, request.FILES or None, instance=Qualification.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_update(qualification=q, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect(q)
    return _form_page(request, form, f"编辑资质：{q}", q.get_absolute_url(), multipart=True)
