from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.current_progress, name="current"),
    path("plan/<int:plan_id>/", views.progress, name="progress"),
    path("plan/<int:plan_id>/new/", views.target_create, name="create"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/recount/", views.target_recount, name="recount"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("baseline/<int:job_id>/", views.baseline_review, name="baseline_review"),
    path("baseline/<int:job_id>/confirm/", views.baseline_confirm, name="baseline_confirm"),
    path("completions/", views.completion_index, name="completions"),
]
