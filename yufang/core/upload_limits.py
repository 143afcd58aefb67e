"""Size limits of uploads, checked by each upload form (settings YUFANG_UPLOAD_MAX_MB overrides
the defaults per kind)."""

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_MB = {"spreadsheet": 50, "document": 20, "image": 10, "video": 200}


def max_mb(kind: str) -> int:
    return getattr(settings, "YUFANG_UPLOAD_MAX_MB", {}).get(kind, DEFAULT_MB[kind])


def upload_size_validator(kind: str):
    """A form field validator refusing a file larger than the limit of its kind, with the limit
    in the message."""

    def validate(file) -> None:
        limit = max_mb(kind)
        if file is not None and getattr(file, "size", 0) > limit * 1024 * 1024:
            raise ValidationError(f"文件不能超过 {limit} MB（所选文件约 {file.size / 1024 / 1024:.0f} MB）。")

    return validate
