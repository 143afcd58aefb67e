from decimal import Decimal

from django import forms

from yufang.core.listing import FilterForm
from yufang.core.widgets import StyledFormMixin

from .models import BudgetCategory, ImplementerKind, Plan, PlanStatus
from .services import PLAN_FIELDS


class PlanForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {
            "issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "approval_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PlanFilterForm(FilterForm):
    year = forms.IntegerField(label="年度", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + PlanStatus.choices)


class LinesForm(StyledFormMixin, forms.Form):
    line_publicity = forms.DecimalField(
        label="工伤预防宣传（元）", max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    line_training = forms.DecimalField(
        label="工伤预防培训（元）", max_digits=14, decimal_places=2, min_value=Decimal(0)
    )


class ItemForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label="预算科目", choices=BudgetCategory.choices)
    name = forms.CharField(label="项目内容", max_length=100)
    implementer_kind = forms.ChoiceField(label="组织实施单位", choices=ImplementerKind.choices)
    amount = forms.DecimalField(label="预算（元）", max_digits=14, decimal_places=2, min_value=Decimal(0))
    description = forms.CharField(label="项目说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    remarks = forms.CharField(label="备注", required=False, max_length=200)


ItemFormSet = forms.formset_factory(ItemForm, extra=1, can_delete=True)


class TransitionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, max_length=500)
