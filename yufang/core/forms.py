from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from .labels import model_label
from .listing import FilterForm
from .models import AuditAction


def form_errors_from(form, error: ValidationError) -> None:
    """Puts a service's ValidationError beside the fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AuditFilterForm(FilterForm):
    q = forms.CharField(label="操作人/记录/事件", required=False)
    action = forms.ChoiceField(label="动作", required=False, choices=[("", "全部")] + AuditAction.choices)
    model = forms.ChoiceField(label="记录类型", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = [a.label for a in apps.get_app_configs() if a.name.startswith("yufang.")]
        types = ContentType.objects.filter(app_label__in=labels).order_by("app_label", "model")
        self.fields["model"].choices = [("", "全部")] + [
            (f"{ct.app_label}.{ct.model}", model_label(ct.model_class()))
            for ct in types
            if ct.model_class() is not None
        ]
