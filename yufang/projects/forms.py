from django import forms
from django.db.models import Q

from yufang.accounts.models import Role, User
from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.providers.models import IndicatorKind
from yufang.reference.models import Industry, Position

from .models import (
    CostCategory,
    DeductionSource,
    DeductionStatus,
    PaymentKind,
    PaymentStatus,
    PlanVersion,
    ProjectStatus,
    ReportStatus,
)
from .selectors import platform_basis
from .services import PLAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WIDE = forms.Textarea(attrs={"rows": 3, "wide": True})


def all_choice(choices):
    return [("", "全部"), *choices]


class PlanVersionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PlanVersion
        fields = PLAN_FIELDS
        widgets = {
            "start_date": DATE,
            "completion_date": DATE,
            "goals": WIDE,
            "schedule": WIDE,
            "team": WIDE,
            "change_reason": WIDE,
        }


class CostItemForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label="支出类别", choices=CostCategory.choices, required=False)
    name = forms.CharField(label="支出内容", max_length=100, required=False)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, required=False)

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not (data.get("name") or "").strip():
            self.add_error("name", "请填写支出内容。")
        return data


class PlanIndicatorForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="指标", choices=IndicatorKind.choices, required=False)
    description = forms.CharField(label="说明", max_length=200, required=False)
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.all(), required=False)
    position = forms.ModelChoiceField(label="岗位", queryset=Position.objects.all(), required=False)
    planned = forms.IntegerField(label="计划数", min_value=1, required=False)


CostItemFormSet = forms.formset_factory(CostItemForm, extra=2)
PlanIndicatorFormSet = forms.formset_factory(PlanIndicatorForm, extra=1)


class ExtensionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="延期理由", widget=WIDE)
    new_deadline = forms.DateField(label="申请延期至", widget=DATE)


class ReportForm(StyledFormMixin, forms.Form):
    narrative = forms.CharField(label="本期进展情况", widget=forms.Textarea(attrs={"rows": 5, "wide": True}))
    attachment = forms.FileField(
        label="附件（PDF/JPG）", required=False, validators=[upload_size_validator("document")]
    )

    def __init__(self, *args, figures=(), prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefill = prefill or {}
        self.figure_fields = []
        for f in figures:
            name = f"figure_{f.pk}"
            count = prefill.get(f.pk, f.platform_count)
            help_text = f"计划 {f.planned}" + (
                f"；{platform_basis(f.kind)} {count}，不能超过" if count is not None else "；平台无此类记录"
            )
            from_platform = f.kind == IndicatorKind.SESSIONS and count is not None
            if from_platform:
                help_text = f"计划 {f.planned}；取自平台已举办（已结束并认定）的场次，不需填写"
            self.fields[name] = forms.IntegerField(
                label=f.label,
                min_value=0,
                max_value=count if count is not None else None,
                initial=count if from_platform else f.achieved or (count if count is not None else 0),
                help_text=help_text,
                disabled=from_platform,
            )
            self.figure_fields.append((name, f))
        for name, _ in self.figure_fields:
            self.fields[name].widget.attrs["class"] = "form-control"

    def achieved(self) -> dict[int, int]:
        return {f.pk: self.cleaned_data[name] for name, f in self.figure_fields}


class CompletionForm(ReportForm):
    goals = forms.CharField(label="一、项目目标完成情况", widget=WIDE)
    signing = forms.CharField(label="二、协议签订情况", widget=WIDE)
    performance = forms.CharField(label="三、履约情况", widget=WIDE)
    payments = forms.CharField(label="四、资金支付与使用情况", widget=WIDE)
    effect = forms.CharField(label="五、项目成效", widget=WIDE)
    evidence = forms.FileField(
        label="佐证材料（PDF/JPG）", required=False, validators=[upload_size_validator("document")]
    )
    archives = forms.FileField(
        label="培训档案（PDF/JPG）", required=False, validators=[upload_size_validator("document")]
    )

    field_order = ["goals", "signing", "performance", "payments", "effect", "evidence", "archives"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["narrative"]
        del self.fields["attachment"]


def panel_candidates():
    """Programme-owner staff, and partners of the health commission and emergency management."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(roles__role=Role.PROGRAMME_OWNER)
            | Q(roles__role=Role.PARTNER, organisation__kind__in=["health", "emergency"])
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__kind", "username")
    )


class ConveneForm(StyledFormMixin, forms.Form):
    convened_on = forms.DateField(label="评估验收日期", widget=DATE)
    pass_mark = forms.DecimalField(label="合格分数线", max_digits=5, decimal_places=2, initial=60)
    members = forms.ModelMultipleChoiceField(
        label="评估验收小组成员",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="须有市人社局、市卫生健康委员会、市应急管理局的人员。",
    )
    indicators = forms.CharField(
        label="评分指标及权重",
        widget=forms.Textarea(attrs={"rows": 6, "wide": True}),
        help_text="每行一项：指标名称，权重（%），满分（可省略，默认 100）。权重合计须为 100。",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].widget.attrs["class"] = ""
        self.fields["members"].label_from_instance = lambda u: f"{u.display_name or u.username}（{u.organisation}）"

    def clean_indicators(self):
        from decimal import Decimal, InvalidOperation

        rows = []
        for n, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            parts = [p.strip() for p in line.replace("，", ",").split(",") if p.strip()]
            if not parts:
                continue
            try:
                weight = Decimal(parts[1].rstrip("%"))
                max_score = Decimal(parts[2]) if len(parts) > 2 else Decimal("100")
            except (IndexError, InvalidOperation):
                raise forms.ValidationError(f"第 {n} 行「{line}」格式不对：应为「指标名称，权重，满分」。") from None
            rows.append({"name": parts[0], "weight": weight, "max_score": max_score})
        if not rows:
            raise forms.ValidationError("请至少填写一项评分指标。")
        return rows


class ScoreForm(StyledFormMixin, forms.Form):
    remarks = forms.CharField(label="评分意见", widget=WIDE, required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for i in indicators:
            name = f"score_{i.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"{i.name}（权重 {i.weight}%，满分 {i.max_score}）",
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
            self.indicator_fields.append((name, i))
        self.order_fields([n for n, _ in self.indicator_fields] + ["remarks"])

    def scores(self):
        return {i.pk: self.cleaned_data[name] for name, i in self.indicator_fields}


class DeductionForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label="扣减金额（元）", max_digits=14, decimal_places=2)
    source = forms.ChoiceField(label="来源", choices=DeductionSource.choices)
    reason = forms.CharField(label="扣减理由", widget=WIDE)
    evidence = forms.FileField(
        label="证据材料（PDF/JPG）", required=False, validators=[upload_size_validator("document")]
    )


class PayForm(StyledFormMixin, forms.Form):
    voucher_number = forms.CharField(label="支付凭证号", max_length=60)
    paid_on = forms.DateField(label="支付日期", widget=DATE)


# --- Filters ---------------------------------------------------------------------------------


class ProjectFilterForm(FilterForm):
    q = forms.CharField(label="项目/机构/协议编号", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(ProjectStatus.choices))
    year = forms.IntegerField(label="年度", required=False)


class ReportFilterForm(FilterForm):
    q = forms.CharField(label="项目/机构", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(ReportStatus.choices))
    overdue = forms.ChoiceField(label="逾期", required=False, choices=[("", "全部"), ("yes", "仅逾期")])
    year = forms.IntegerField(label="年度", required=False)


class PaymentFilterForm(FilterForm):
    q = forms.CharField(label="项目/机构", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=all_choice(PaymentKind.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(PaymentStatus.choices))


class DeductionFilterForm(FilterForm):
    q = forms.CharField(label="项目/机构", required=False)
    source = forms.ChoiceField(label="来源", required=False, choices=all_choice(DeductionSource.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(DeductionStatus.choices))
