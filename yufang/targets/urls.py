from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.current_progress, name="current"),
    path("plan/<int:plan_id>/", views.progress, name="progress"),
    path("plan/<int:plan_id>/new/", views.target_create, name="create"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/parts/", views.target_parts, name="parts"),
    path("<int:pk>/recount/", views.target_recount, name="recount"),
    path("programmes/", views.programme_index, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("baseline/<int:job_id>/", views.baseline_review, name="baseline_review"),
    path("baseline/<int:job_id>/confirm/", views.baseline_confirm, name="baseline_confirm"),
    path("completions/", views.completion_index, name="completions"),
    path("completions/<int:pk>/revoke/", views.completion_revoke, name="completion_revoke"),
    path("historic/", views.historic_index, name="historic"),
    path("historic/<int:job_id>/", views.historic_review, name="historic_review"),
    path("historic/<int:job_id>/confirm/", views.historic_confirm, name="historic_confirm"),
    path("figures/recount/", views.figures_recount, name="figures_recount"),
    path("figures/recount/<int:job_id>/", views.figures_report, name="figures_report"),
]
