from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("", views.deliverable_index, name="list"),
    path("<int:pk>/", views.deliverable_detail, name="detail"),
    path("<int:pk>/edit/", views.deliverable_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/transition/", views.deliverable_transition, name="transition"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/preview/", views.evidence_preview, name="evidence_preview"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("projects/<int:project_pk>/new/", views.deliverable_create, name="create"),
    path("projects/<int:project_pk>/plan/", views.plan_edit, name="plan_edit"),
    path("plans/", views.plan_index, name="plan_index"),
    path("plans/<int:plan_pk>/", views.plan_progress, name="plan"),
    path("kinds/", views.kind_index, name="kind_list"),
    path("kinds/new/", views.kind_create, name="kind_create"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind_edit"),
]
