from django import template
from django.utils.html import format_html

from ..masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def cell(obj, column):
    """The value a list Column shows for a row (core/list.html, the one generic list page)."""
    value = column.value(obj)
    return "" if value is None else value


@register.filter
def mask_id(value):
    return mask_id_number(value)


@register.filter(name="mask_phone")
def mask_phone_filter(value):
    return mask_phone(value)


@register.filter
def yuan(value):
    """1500000 -> 1,500,000.00 (exact: Decimal in, text out)."""
    if value in (None, ""):
        return ""
    return f"{value:,.2f}"


@register.simple_tag
def status_badge(obj, field="status"):
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return format_html('<span class="badge status status-{}">{}</span>', value, label)
