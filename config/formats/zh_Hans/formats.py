"""One way to write dates on every page: a date or time shown without an explicit format reads
like the ones with it (2023-09-01, 2023-09-01 14:30), not Django's 2023年9月1日."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
