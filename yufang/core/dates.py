"""Today's date in the programme's time zone, for the services that default a date to it or refuse
one after it."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()
