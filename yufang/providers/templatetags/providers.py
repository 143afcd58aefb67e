from django import template

register = template.Library()


@register.filter
def mask_bank(value):
    from yufang.core.masking import mask_account

    return mask_account(value)
