"""Reads of the reference data."""

from .models import City


def platform_city() -> City | None:
    """The city this platform serves, when it serves one: public pages name its bureau as the
    organiser before they know which session or plan a visitor came for."""
    cities = list(City.objects.all()[:2])
    return cities[0] if len(cities) == 1 else None
