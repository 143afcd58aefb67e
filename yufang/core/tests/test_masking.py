import logging

from yufang.core.masking import MaskingLogFilter, mask_id_number, mask_phone, scrub_text


def test_masks():
    assert mask_id_number("37030219900101123X") == "370302********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_free_text_is_scrubbed():
    text = "身份证 37030219900101123X 电话 13812345678"
    assert scrub_text(text) == "身份证 370302********123X 电话 138****5678"


def test_log_filter_masks_identifiers():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login by %s", ("13812345678",), None)
    MaskingLogFilter().filter(record)
    assert record.getMessage() == "login by 138****5678"


ID, PHONE = "37030219900101123X", "13812345678"


def _rendered(logger_name: str, log) -> str:
    """What the platform's configured handlers write for a record of `logger_name`."""
    import io

    logger = logging.getLogger(logger_name)
    handlers, seen = [], logger
    while seen is not None:
        handlers += seen.handlers
        seen = seen.parent if seen.propagate else None
    streams = []
    for handler in handlers:
        if isinstance(handler, logging.StreamHandler):
            streams.append((handler, handler.stream))
            handler.setStream(io.StringIO())
    try:
        log(logger)
        return "".join(h.stream.getvalue() for h, _ in streams)
    finally:
        for handler, stream in streams:
            handler.setStream(stream)


def test_a_logged_exception_is_masked_in_its_message_traceback_and_stack(settings):
    settings.DEBUG = True  # as under `make run`, where Django's own console handler writes too

    def log(logger):
        try:
            raise ValueError(f"证件 {ID} 手机 {PHONE}")
        except ValueError:
            logger.exception("导入失败：%s", PHONE, stack_info=True)

    for name in ("yufang.training", "django.request", "django"):
        out = _rendered(name, log)
        assert "ValueError" in out and "Traceback" in out and "Stack (most recent call last)" in out, name
        assert ID not in out and PHONE not in out, (name, out)
        assert "370302********123X" in out and "138****5678" in out


def test_the_filter_masks_everything_a_record_renders():
    try:
        raise RuntimeError(f"{ID}/{PHONE}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "%s", (ID,), sys.exc_info(), sinfo=f"at {PHONE}")
    MaskingLogFilter().filter(record)
    out = logging.Formatter().format(record)
    assert ID not in out and PHONE not in out and "RuntimeError" in out
