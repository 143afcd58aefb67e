from django import forms

from yufang.core.listing import FilterForm
from yufang.core.scoping import scoped
from yufang.core.widgets import StyledFormMixin
from yufang.projects.models import Project
from yufang.reference.models import Region
from yufang.training.models import SessionStatus, TrainingSession

from .models import CallOutcome, FindingKind, FindingStatus, InspectionMode, InspectionStatus, Severity, SubjectKind


def all_choice(choices):
    return [("", "全部"), *choices]


class InspectionForm(StyledFormMixin, forms.Form):
    subject_kind = forms.ChoiceField(label="检查对象", choices=SubjectKind.choices)
    mode = forms.ChoiceField(label="检查方式", choices=InspectionMode.choices)
    project = forms.ModelChoiceField(
        label="项目", queryset=Project.objects.none(), required=False, help_text="检查项目、培训档案或宣传成果时选择。"
    )
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False)
    session = forms.ModelChoiceField(
        label="培训场次", queryset=TrainingSession.objects.none(), required=False, help_text="检查线下培训场次时选择。"
    )
    planned_on = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label="检查人员", max_length=200, help_text="两人及以上，用顿号分隔。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoped(user, Project).order_by("-pk")
        self.fields["session"].queryset = (
            scoped(user, TrainingSession)
            .exclude(status=SessionStatus.CANCELLED)
            .select_related("project")
            .order_by("-starts_at")
        )
        regions = Region.objects.filter(is_active=True)
        district = user.organisation.region_id if user.has_role("district_officer") and user.organisation else None
        self.fields["region"].queryset = regions.filter(pk=district) if district else regions


class InspectionFilterForm(FilterForm):
    status = forms.ChoiceField(label="状态", choices=all_choice(InspectionStatus.choices), required=False)
    subject_kind = forms.ChoiceField(label="检查对象", choices=all_choice(SubjectKind.choices), required=False)
    mode = forms.ChoiceField(label="方式", choices=all_choice(InspectionMode.choices), required=False)
    q = forms.CharField(label="项目/人员/主题", required=False)
    year = forms.IntegerField(label="年度", required=False)


class FindingFilterForm(FilterForm):
    status = forms.ChoiceField(label="状态", choices=all_choice(FindingStatus.choices), required=False)
    kind = forms.ChoiceField(label="类型", choices=all_choice(FindingKind.choices), required=False)
    severity = forms.ChoiceField(label="严重程度", choices=all_choice(Severity.choices), required=False)
    overdue = forms.BooleanField(label="仅逾期", required=False)
    year = forms.IntegerField(label="年度", required=False)


class FindingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="问题类型", choices=FindingKind.choices)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(StyledFormMixin, forms.Form):
    clause = forms.CharField(label="协议条款", max_length=200, help_text="如：服务协议第七条违约责任。")
    amount = forms.DecimalField(label="建议扣减金额（元）", max_digits=14, decimal_places=2, min_value=0.01)


class DebarmentForm(StyledFormMixin, forms.Form):
    decision_number = forms.CharField(label="决定文号", max_length=100)
    decided_by = forms.CharField(label="决定机关", max_length=100, initial="市人力资源和社会保障局")
    start_date = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))


class ChecklistForm(StyledFormMixin, forms.Form):
    items = forms.CharField(
        label="检查事项",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一项；须拍照的事项在行首加“*”。保存后成为新版本，已做的检查仍用原版本。",
    )
    note = forms.CharField(label="修订说明", max_length=200)

    def parsed(self) -> list[tuple[str, bool]]:
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            line = line.strip()
            if line:
                photo = line.startswith(("*", "＊"))
                rows.append((line.lstrip("*＊").strip(), photo))
        return rows


class CallbackForm(StyledFormMixin, forms.Form):
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), required=False)
    session = forms.ModelChoiceField(
        label="培训场次",
        queryset=TrainingSession.objects.none(),
        required=False,
        help_text="选择场次则只从该场次抽取。",
    )
    size = forms.IntegerField(label="抽取人数", min_value=1, max_value=200, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoped(user, Project).order_by("-pk")
        self.fields["session"].queryset = (
            scoped(user, TrainingSession)
            .filter(status=SessionStatus.CLOSED)
            .select_related("project")
            .order_by("-starts_at")
        )


class CallForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="回访结果", choices=[c for c in CallOutcome.choices if c[0] != CallOutcome.PENDING]
    )
    remembers = forms.CharField(label="本人所述培训内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
