"""Masking of personal identifiers (个人信息保护法): pages, exports, audit values and logs."""

import logging
import re

# Field names whose values are personal identifiers wherever they appear.
SENSITIVE_FIELDS = frozenset({"id_number", "phone", "mobile", "contact_phone", "bank_account"})

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str | None) -> str:
    """370302199001011234 -> 370302********1234."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_account(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_value(field: str, value):
    if value in (None, ""):
        return value
    if field == "id_number":
        return mask_id_number(value)
    if field == "bank_account":
        return mask_account(value)
    if field in SENSITIVE_FIELDS:
        return mask_phone(value)
    return value


def scrub_text(text: str) -> str:
    """Mask anything in free text that looks like an ID number or a mobile number."""
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class MaskingLogFilter(logging.Filter):
    """Keeps ID and phone numbers out of every log line, whatever logged them: the message with
    its arguments, the exception's traceback (its text names the values that failed) and the
    stack. The traceback is rendered and masked here once; the raw exception is dropped from the
    record, so no handler downstream renders it again unmasked."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            message = str(record.msg)
        scrubbed = scrub_text(message)
        if scrubbed != message or record.args:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True
