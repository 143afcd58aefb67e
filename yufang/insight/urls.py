from django.urls import path

from . import briefing_views, views, views_dashboard

app_name = "insight"

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("recount/", views_dashboard.dashboard_recount, name="dashboard_recount"),
    path("effect/", views.effect, name="effect"),
    path("effect/refresh/<int:pk>/", views.effect_progress, name="effect_progress"),
    path("effect/export/<int:pk>/download/", views.effect_download, name="effect_download"),
    path("years/", views.years, name="years"),
    path("briefings/", briefing_views.briefing_list, name="briefings"),
    path("briefings/<int:pk>/download/", briefing_views.briefing_download, name="briefing_download"),
    path("report/", views.annual_report, name="report"),
    path("report/<int:pk>/download/", views.annual_report_download, name="report_download"),
]
