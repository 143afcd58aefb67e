from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_index, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/budget/", views.plan_budget_edit, name="budget"),
    path("<int:pk>/transition/", views.plan_transition, name="transition"),
    path("<int:pk>/document/", views.plan_document, name="document"),
    path("<int:pk>/fund-table.<str:fmt>", views.plan_fund_table, name="fund_table"),
]
