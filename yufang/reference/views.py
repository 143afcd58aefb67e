from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yufang.core.audit import history
from yufang.core.scoping import get_scoped_or_404, scoped

from . import forms as ref_forms
from .models import City, Industry, Position, Region, Synonym
from .permissions import can_edit_reference
from .services import reference_create, reference_update


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    model: type[models.Model]
    form: type[forms.ModelForm]
    columns: tuple[str, ...]


KINDS = {
    k.slug: k
    for k in (
        Kind("cities", "城市", City, ref_forms.CityForm, ("code", "name", "province")),
        Kind("regions", "区县（功能区）", Region, ref_forms.RegionForm, ("city", "code", "name", "kind", "is_active")),
        Kind(
            "industries",
            "行业",
            Industry,
            ref_forms.IndustryForm,
            ("code", "name", "gbt4754_codes", "is_focus", "is_new_form", "is_active"),
        ),
        Kind("positions", "岗位", Position, ref_forms.PositionForm, ("code", "name", "is_key", "is_active")),
        Kind("synonyms", "同义写法", Synonym, ref_forms.SynonymForm, ("text", "industry", "position")),
    )
}


def _kind(slug: str) -> Kind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("未找到该类基础数据。") from None


def _require_editor(user) -> None:
    allowed, reason = can_edit_reference(user)
    if not allowed:
        raise PermissionDenied(reason)


def _rows(kind: Kind, user):
    qs = scoped(user, kind.model)
    if kind.model is Region:
        qs = qs.select_related("city")
    for obj in qs:
        cells = []
        for name in kind.columns:
            display = getattr(obj, f"get_{name}_display", None)
            cells.append(display() if display else getattr(obj, name))
        yield obj, cells


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    slug = request.GET.get("kind", "regions")
    kind = _kind(slug)
    headers = [kind.model._meta.get_field(c).verbose_name for c in kind.columns]
    return render(
        request,
        "reference/index.html",
        {"kinds": KINDS.values(), "kind": kind, "headers": headers, "rows": _rows(kind, request.user)},
    )


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request.user)
    kind = _kind(slug)
    form = kind.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = reference_create(model=kind.model, data=form.cleaned_data, actor=request.user)
        messages.success(request, f"已新增{kind.title}「{obj}」。")
        return redirect(f"/reference/?kind={slug}")
    return render(request, "reference/form.html", {"kind": kind, "form": form})


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_editor(request.user)
    kind = _kind(slug)
    # The form validates on its own copy; the service compares against the stored record.
    form = kind.form(request.POST or None, instance=get_scoped_or_404(request.user, kind.model, pk=pk))
    if request.method == "POST" and form.is_valid():
        obj = get_scoped_or_404(request.user, kind.model, pk=pk)
        reference_update(instance=obj, data=form.cleaned_data, actor=request.user)
        messages.success(request, f"已保存{kind.title}「{obj}」。")
        return redirect(f"/reference/?kind={slug}")
    return render(
        request,
        "reference/form.html",
        {"kind": kind, "form": form, "object": form.instance, "history": history(form.instance)},
    )
