from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_index, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/plan/new/", views.plan_version_create, name="plan_version_create"),
    path("<int:pk>/completion/", views.completion_edit, name="completion_edit"),
    path("<int:pk>/acceptance/new/", views.acceptance_convene, name="acceptance_convene"),
    path("<int:pk>/payments/new/", views.payment_request, name="payment_request"),
    path("<int:pk>/deductions/new/", views.deduction_create, name="deduction_create"),
    path("plans/<int:pk>/", views.plan_version_detail, name="plan_version"),
    path("plans/<int:pk>/edit/", views.plan_version_edit, name="plan_version_edit"),
    path("plans/<int:pk>/transition/", views.plan_version_transition, name="plan_version_transition"),
    path("reports/", views.report_index, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report_transition"),
    path("extensions/<int:pk>/", views.extension_detail, name="extension_detail"),
    path("completion/<int:pk>/", views.completion_detail, name="completion_detail"),
    path("completion/<int:pk>/<str:part>/", views.completion_file, name="completion_file"),
    path("acceptances/<int:pk>/", views.acceptance_detail, name="acceptance_detail"),
    path("acceptances/<int:pk>/score/", views.acceptance_score, name="acceptance_score"),
    path("acceptances/<int:pk>/pdf/", views.acceptance_download, name="acceptance_pdf"),
    path("payments/", views.payment_index, name="payment_list"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/transition/", views.payment_transition, name="payment_transition"),
    path("payments/<int:pk>/voucher/", views.payment_voucher, name="payment_voucher"),
    path("deductions/", views.deduction_index, name="deduction_list"),
    path("deductions/<int:pk>/", views.deduction_detail, name="deduction_detail"),
    path("deductions/<int:pk>/evidence/", views.deduction_evidence, name="deduction_evidence"),
    path("deductions/<int:pk>/transition/", views.deduction_transition, name="deduction_transition"),
]
