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

# Reach (views_reach.py): video views, push audiences and delivery reports, printed materials'
# distributions with the district's confirmation, and a plan's reach page.
from . import views_reach  # noqa: E402

urlpatterns += [
    path("<int:pk>/reach/", views_reach.deliverable_reach, name="reach"),
    path("<int:pk>/push-report/", views_reach.push_upload, name="push_upload"),
    path("push-reports/<int:job_id>/", views_reach.push_review, name="push_review"),
    path("push-reports/<int:job_id>/confirm/", views_reach.push_confirm, name="push_confirm"),
    path("push-reports/template/", views_reach.push_template, name="push_template"),
    path("distributions/", views_reach.distribution_index, name="distribution_list"),
    path("distributions/<int:pk>/", views_reach.distribution_detail, name="distribution"),
    path("distributions/<int:pk>/receipt/", views_reach.distribution_receipt, name="distribution_receipt"),
    path(
        "distributions/<int:pk>/transition/", views_reach.distribution_transition_view, name="distribution_transition"
    ),
    path("distributions/<int:pk>/remove/", views_reach.distribution_remove_view, name="distribution_remove"),
    path("plans/<int:plan_pk>/reach/", views_reach.plan_reach_page, name="plan_reach"),
]
