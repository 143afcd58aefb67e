"""Pages anyone may read without signing in (政府信息主动公开)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("plans/", views.public_index, name="plans"),
    path("plans/<int:pk>/", views.public_plan, name="plan"),
    path("plans/<int:pk>/document/", views.public_plan_document, name="plan_document"),
]
