from django.urls import path

from . import views

app_name = "quiz"

urlpatterns = [
    path("", views.competition_index, name="list"),
    path("new/<int:project_pk>/", views.competition_create, name="create"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/edit/", views.competition_edit, name="edit"),
    path("<int:pk>/transition/", views.competition_transition, name="transition"),
    path("<int:pk>/scan/", views.competition_scan, name="scan"),
    path("<int:pk>/boards/", views.competition_boards, name="boards"),
    path("<int:pk>/awards.pdf", views.awards, name="awards"),
    path("<int:pk>/poster/", views.poster_find, name="poster_find"),
    path("<int:pk>/poster/<int:enterprise_pk>.pdf", views.poster, name="poster"),
    # Public (phone, no account)
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/board/", views.public_board, name="board"),
    path("p/<str:token>/", views.paper, name="paper"),
]
