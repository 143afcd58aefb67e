from django.urls import path

from . import views, views_dashboard

app_name = "insight"

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("effect/", views.effect, name="effect"),
    path("years/", views.years, name="years"),
    path("report/", views.annual_report, name="report"),
    path("report/<int:pk>/download/", views.annual_report_download, name="report_download"),
]
