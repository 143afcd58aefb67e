from django import forms

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.listing import FilterForm
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Industry, Position

from .models import (
    DEBARMENT_STATE_LABELS,
    AgreementStatus,
    Debarment,
    DebarmentGround,
    IndicatorKind,
    Procurement,
    ProcurementMethod,
    ProcurementRule,
    ProviderKind,
    ProviderProfile,
    Qualification,
    QualificationKind,
    ServiceAgreement,
    VerificationStatus,
)
from .selectors import budget_items_open
from .services import AGREEMENT_FIELDS, AMENDABLE_FIELDS, PROCUREMENT_FIELDS, PROFILE_FIELDS, QUALIFICATION_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WIDE = forms.Textarea(attrs={"rows": 3, "wide": True})


def providers_qs():
    return Organisation.objects.filter(kind=OrganisationKind.PROVIDER, is_active=True)


def all_choice(choices):
    return [("", "全部"), *choices]


class ProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ProviderProfile
        fields = PROFILE_FIELDS
        widgets = {"contacts": WIDE, "introduction": WIDE}


class ProfileCreateForm(ProfileForm):
    organisation = forms.ModelChoiceField(label="服务机构", queryset=Organisation.objects.none())

    field_order = ["organisation", *PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = providers_qs().filter(provider_profile__isnull=True)
        self.fields[
            "organisation"
        ].help_text = "先在「机构」中登记服务机构（名称、统一社会信用代码），再在此登记其资料。"


class QualificationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = QUALIFICATION_FIELDS
        widgets = {"valid_from": DATE, "valid_to": DATE}


class ProcurementForm(StyledFormMixin, forms.ModelForm):
    candidates = forms.ModelMultipleChoiceField(label="参与机构", queryset=Organisation.objects.none(), required=False)

    class Meta:
        model = Procurement
        fields = PROCUREMENT_FIELDS
        widgets = {"started_on": DATE, "decided_on": DATE, "legal_ground": WIDE, "remarks": WIDE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = budget_items_open()
        self.fields["chosen"].queryset = providers_qs()
        self.fields["candidates"].queryset = providers_qs()
        if self.instance.pk:
            self.initial.setdefault("candidates", list(self.instance.candidates.all()))


class RuleForm(StyledFormMixin, forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label="须采用的采购方式", choices=ProcurementMethod.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProcurementRule
        fields = ["name", "min_amount", "methods", "legal_basis", "is_active"]
        widgets = {"legal_basis": WIDE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methods"].widget.attrs["class"] = ""
        if self.instance.pk:
            self.initial["methods"] = self.instance.method_list

    def clean_methods(self):
        return ",".join(self.cleaned_data["methods"])


class DebarmentForm(StyledFormMixin, forms.ModelForm):
    end_date = forms.DateField(label="截止日期", required=False, widget=DATE, help_text="留空则为起始日期后三年。")

    class Meta:
        model = Debarment
        fields = ["provider", "ground", "facts", "decision_number", "decided_by", "start_date", "end_date"]
        widgets = {"start_date": DATE, "facts": WIDE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)


class AgreementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceAgreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            **{
                f: WIDE
                for f in (
                    "content",
                    "payment_terms",
                    "rights_obligations",
                    "reporting_duties",
                    "liability",
                    "dispute_resolution",
                    "termination_conditions",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = budget_items_open()
        self.fields["provider"].queryset = providers_qs()
        self.fields["procurement"].queryset = Procurement.objects.select_related("item", "chosen")
        for name in (
            "payment_terms",
            "rights_obligations",
            "reporting_duties",
            "liability",
            "dispute_resolution",
            "termination_conditions",
        ):
            self.fields[name].required = False
            self.fields[name].help_text = "留空则使用示范文本条款。"


class IndicatorForm(StyledFormMixin, forms.Form):
    """One planned quantity; a row without a planned number is left out."""

    kind = forms.ChoiceField(label="指标", choices=IndicatorKind.choices, required=False)
    description = forms.CharField(label="说明", max_length=200, required=False)
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.filter(is_active=True), required=False)
    position = forms.ModelChoiceField(label="岗位", queryset=Position.objects.filter(is_active=True), required=False)
    planned = forms.IntegerField(label="计划数", min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if data.get("planned") and not data.get("kind"):
            self.add_error("kind", "请选择指标。")
        return data


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=3)


class TeamMemberForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    role = forms.CharField(label="项目职务", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)


class AmendmentForm(StyledFormMixin, forms.ModelForm):
    reason = forms.CharField(label="变更原因", widget=WIDE)

    class Meta:
        model = ServiceAgreement
        fields = AMENDABLE_FIELDS
        widgets = {"period_start": DATE, "period_end": DATE, "content": WIDE, "payment_terms": WIDE}


class TeamChangeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="变更理由", widget=WIDE)
    remove = forms.ModelChoiceField(label="调出成员", queryset=None, required=False)
    add_name = forms.CharField(label="调入成员姓名", max_length=50, required=False)
    add_role = forms.CharField(label="调入成员职务", max_length=50, required=False)
    phone = forms.CharField(label="调入成员手机号", max_length=20, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = agreement.team.filter(is_active=True)


# --- Filters ---------------------------------------------------------------------------------


class ProviderFilterForm(FilterForm):
    q = forms.CharField(label="名称/信用代码", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=all_choice(ProviderKind.choices))
    status = forms.ChoiceField(label="核验状态", required=False, choices=all_choice(VerificationStatus.choices))


class QualificationFilterForm(FilterForm):
    q = forms.CharField(label="服务机构", required=False)
    kind = forms.ChoiceField(label="资质类别", required=False, choices=all_choice(QualificationKind.choices))
    expiring = forms.ChoiceField(
        label="有效期", required=False, choices=[("", "全部"), ("soon", "60 天内到期"), ("expired", "已过期")]
    )


class ProcurementFilterForm(FilterForm):
    q = forms.CharField(label="机构/项目", required=False)
    method = forms.ChoiceField(label="采购方式", required=False, choices=all_choice(ProcurementMethod.choices))


class DebarmentFilterForm(FilterForm):
    q = forms.CharField(label="机构/文号", required=False)
    ground = forms.ChoiceField(label="事由", required=False, choices=all_choice(DebarmentGround.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(list(DEBARMENT_STATE_LABELS.items())))


class AgreementFilterForm(FilterForm):
    q = forms.CharField(label="编号/名称/机构", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=all_choice(AgreementStatus.choices))
