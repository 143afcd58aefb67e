from decimal import Decimal

from django import forms

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Industry, Position, Region

from .models import EnterpriseSet, Metric, Mode, Target, TrainingProgramme, part_field


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
    min_participants = forms.IntegerField(
        label="覆盖企业的参与人数标准",
        min_value=1,
        initial=1,
        required=False,
        help_text="仅“知识竞答覆盖企业数”指标使用：企业参与人数达到该数才计为已覆盖。",
    )
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    counting_rule = forms.CharField(
        label="计数规则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则按所选条件自动生成。",
    )
    include_historic = forms.BooleanField(
        label="计入原系统记录",
        required=False,
        initial=True,
        help_text="不勾选时，本目标只统计平台上产生的培训记录（场次签到、线上证书）。",
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
            "include_historic": target.include_historic,
            "sort_order": target.sort_order,
            "min_participants": target.min_participants,
        }


class ProgrammeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    start_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="结束年度", min_value=2000, max_value=2100)
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.filter(is_active=True))
    positions = forms.ModelMultipleChoiceField(
        label="培训岗位", queryset=Position.objects.filter(is_active=True), widget=forms.CheckboxSelectMultiple
    )
    required_hours = forms.DecimalField(
        label="每人应完成学时", max_digits=5, decimal_places=1, min_value=Decimal("0.5"), help_text="如 24。"
    )
    offline_share_percent = forms.DecimalField(
        label="线下学时占比下限（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100, help_text="如 60。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].widget.attrs["class"] = ""

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", "结束年度不能早于起始年度。")
        return data

    @staticmethod
    def initial_from(programme: TrainingProgramme) -> dict:
        return {
            **{f: getattr(programme, f) for f in ("name", "doc_number", "start_year", "end_year", "industry")},
            "positions": list(programme.positions.all()),
            "required_hours": programme.required_hours,
            "offline_share_percent": programme.offline_share_percent,
        }


class BaselineUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="应受训摸底表",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。列：企业名称或统一社会信用代码、岗位、应受训人数。",
        validators=[upload_size_validator("spreadsheet")],
    )


class HistoricUploadForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="批次名称", max_length=200, help_text="如“2022 年危险化学品企业线下培训”。")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, help_text="每行的完成日期须在该年度内。")
    provider = forms.ModelChoiceField(
        label="服务机构",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        required=False,
        help_text="原记录所属的培训机构（可不填）。",
    )
    source_document = forms.CharField(
        label="来源文件",
        max_length=300,
        help_text="原系统名称与导出日期，或纸质名单的文号，如“原云享培训平台 2023-12-31 导出名单”。",
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(
        label="记录表",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。列：姓名、身份证号、培训方式（线下/线上/实操）、完成日期、学时；"
        "平台上尚无的人员须填工作单位（或统一社会信用代码），可填岗位。",
    )


class CompletionFilterForm(FilterForm):
    q = forms.CharField(label="姓名/企业", required=False)
    year = forms.IntegerField(label="年度", required=False)
    mode = forms.ChoiceField(label="方式", required=False, choices=[("", "全部")] + Mode.choices)
    region = forms.ModelChoiceField(label="区县", required=False, queryset=Region.objects.all(), empty_label="全部")
    origin = forms.ChoiceField(
        label="来源", required=False, choices=[("", "全部"), ("platform", "平台记录"), ("historic", "原系统记录")]
    )
    # Set by the dashboard's links, so a click lands on exactly the records behind a figure.
    industry = forms.ModelChoiceField(label="行业", required=False, queryset=Industry.objects.all(), empty_label="全部")
    position = forms.ModelChoiceField(label="岗位", required=False, queryset=Position.objects.all(), empty_label="全部")
    month = forms.IntegerField(label="完成月份", required=False, min_value=1, max_value=12)
    through = forms.IntegerField(required=False, min_value=1, max_value=12, widget=forms.HiddenInput)
    counted = forms.ChoiceField(label="撤销", required=False, choices=[("", "全部"), ("1", "不含已撤销")])


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)
    evidence = forms.CharField(
        label="证据",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明核实的经过与材料，如回访记录、现场检查记录、线索核查意见。",
    )


class TargetPartsForm(StyledFormMixin, forms.Form):
    """One whole number per district of a parts table (分解到区县), prefilled with the part as
    set or the proposed split."""

    compact = True

    def __init__(self, *args, table, **kwargs):
        self.table = table
        initial = {part_field(r.region.pk): r.value for r in table.rows}
        super().__init__(*args, initial=initial, **kwargs)
        for r in table.rows:
            self.fields[part_field(r.region.pk)] = forms.IntegerField(
                label=r.region.name,
                min_value=0,
                error_messages={
                    "required": f"{r.region.name}：请填写分解数（不分解填 0）。",
                    "invalid": f"{r.region.name}：分解数须为整数。",
                    "min_value": f"{r.region.name}：分解数不能为负数。",
                },
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            )

    def rows(self):
        """Each row of the table with its bound field."""
        return [(r, self[part_field(r.region.pk)]) for r in self.table.rows]

    def parts(self) -> dict[int, int]:
        return {r.region.pk: self.cleaned_data[part_field(r.region.pk)] for r in self.table.rows}
