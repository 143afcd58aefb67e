from django.urls import path

from . import views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/new/", views.create, name="create"),
    path("<slug:slug>/<int:pk>/edit/", views.edit, name="edit"),
]
