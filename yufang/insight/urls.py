from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("effect/", views.effect, name="effect"),
]
