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
