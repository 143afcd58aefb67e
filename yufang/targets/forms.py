from django import forms

from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Industry, Position, Region

from .models import EnterpriseSet, Metric, Mode, Target, TrainingProgramme


class TargetForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="目标名称", max_length=200)
    metric = forms.ChoiceField(label="指标", choices=Metric.choices)
    modes = forms.MultipleChoiceField(
        label="计入的培训方式",
        choices=Mode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示全部方式。",
    )
    industries = forms.ModelMultipleChoiceField(
        label="限定行业",
        queryset=Industry.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    positions = forms.ModelMultipleChoiceField(
        label="限定岗位",
        queryset=Position.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    enterprise_set = forms.ChoiceField(
        label="限定企业",
        choices=EnterpriseSet.choices,
        help_text="“当年重点企业”：经办机构在“重点企业”中标记的本方案年度重点企业；标记或取消标记后目标随即重新统计。",
    )
    programme = forms.ModelChoiceField(label="多年度工程", queryset=TrainingProgramme.objects.all(), required=False)
    threshold = forms.DecimalField(
        label="目标值", max_digits=12, decimal_places=2, min_value=0, help_text="人数；完成比例指标填百分比，如 70。"
    )
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    counting_rule = forms.CharField(
        label="计数规则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则按所选条件自动生成。",
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("modes", "industries", "positions"):
            self.fields[name].widget.attrs["class"] = ""

    @staticmethod
    def initial_from(target: Target) -> dict:
        return {
            "name": target.name,
            "metric": target.metric,
            "modes": target.modes,
            "industries": list(target.industries.all()),
            "positions": list(target.positions.all()),
            "enterprise_set": target.enterprise_set,
            "programme": target.programme,
            "threshold": target.threshold,
            "deadline": target.deadline,
            "counting_rule": target.counting_rule,
            "sort_order": target.sort_order,
        }


class BaselineUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="应受训摸底表",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。列：企业名称或统一社会信用代码、岗位、应受训人数。",
        validators=[upload_size_validator("spreadsheet")],
    )


class CompletionFilterForm(FilterForm):
    q = forms.CharField(label="姓名/企业", required=False)
    year = forms.IntegerField(label="年度", required=False)
    mode = forms.ChoiceField(label="方式", required=False, choices=[("", "全部")] + Mode.choices)
    region = forms.ModelChoiceField(label="区县", required=False, queryset=Region.objects.all(), empty_label="全部")
