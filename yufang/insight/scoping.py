"""Briefings: officials and partner departments see every briefing; a district bureau its own
district's (never the city's, which holds every district's figures)."""

from django.db.models import Q

from yufang.core import scoping

from .models import Briefing

scoping.register(Briefing, region=lambda s: Q(region_id=s.region_id))
