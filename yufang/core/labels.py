"""Chinese names of models, for what people read (histories, the audit log). Imports nothing of
the platform, so models and the audit trail can both use it."""

import re

_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text) -> str:
    """`text` if it holds Chinese (a name people read), else ''."""
    text = str(text)
    return text if _CJK.search(text) else ""


def model_label(model) -> str:
    """A model's Chinese name; for an internal model without one, its app's."""
    name = chinese(model._meta.verbose_name)
    if name:
        return name
    app = chinese(model._meta.app_config.verbose_name)
    return f"{app}（内部记录）" if app else "内部记录"
