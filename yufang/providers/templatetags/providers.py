from django import template

register = template.Library()


@register.filter
def cell(obj, column):
    """The value a list Column shows for a row."""
    value = column.value(obj)
    return "" if value is None else value


@register.filter
def mask_bank(value):
    from yufang.core.masking import mask_account

    return mask_account(value)
