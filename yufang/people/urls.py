from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_index, name="list"),
    path("me/", views.my_archive, name="me"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/rename/", views.person_rename, name="rename"),
]
