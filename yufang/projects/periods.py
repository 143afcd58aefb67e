"""The calendar of a project's progress reports: periods of whole months, cut short at either end."""

import calendar
import datetime


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def report_periods(
    start: datetime.date, end: datetime.date, interval: int
) -> list[tuple[datetime.date, datetime.date]]:
    """Calendar periods of `interval` months from start to end, the first and last cut short."""
    periods = []
    cursor = start
    while cursor <= end:
        period_end = min(_month_end(_add_months(cursor.replace(day=1), interval - 1)), end)
        periods.append((cursor, period_end))
        cursor = period_end + datetime.timedelta(days=1)
    return periods
