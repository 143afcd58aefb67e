from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("", views.provider_index, name="provider_list"),
    path("new/", views.provider_create, name="provider_create"),
    path("mine/", views.my_profile, name="my_profile"),
    path("<int:pk>/", views.provider_detail, name="provider_detail"),
    path("<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("<int:pk>/transition/", views.provider_transition, name="provider_transition"),
    path("<int:provider_pk>/qualifications/new/", views.qualification_create, name="qualification_create"),
    path("qualifications/", views.qualification_index, name="qualification_list"),
    path("qualifications/<int:pk>/", views.qualification_detail, name="qualification_detail"),
    path("qualifications/<int:pk>/document/", views.qualification_document, name="qualification_document"),
    path("qualifications/<int:pk>/edit/", views.qualification_edit, name="qualification_edit"),
    path("procurements/", views.procurement_index, name="procurement_list"),
    path("procurements/new/", views.procurement_create, name="procurement_create"),
    path("procurements/<int:pk>/", views.procurement_detail, name="procurement_detail"),
    path("procurements/<int:pk>/document/", views.procurement_document, name="procurement_document"),
    path("procurements/<int:pk>/edit/", views.procurement_edit, name="procurement_edit"),
    path("rules/", views.rule_index, name="rule_list"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("debarments/", views.debarment_index, name="debarment_list"),
    path("debarments/new/", views.debarment_create, name="debarment_create"),
    path("debarments/<int:pk>/", views.debarment_detail, name="debarment_detail"),
    path("debarments/<int:pk>/transition/", views.debarment_transition, name="debarment_transition"),
    path("agreements/", views.agreement_index, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/indicators/", views.agreement_indicators, name="agreement_indicators"),
    path("agreements/<int:pk>/team/", views.agreement_team_add, name="agreement_team_add"),
    path("agreements/<int:pk>/team/<int:member_pk>/remove/", views.agreement_team_remove, name="agreement_team_remove"),
    path("agreements/<int:pk>/transition/", views.agreement_transition, name="agreement_transition"),
    path("agreements/<int:pk>/amend/", views.agreement_amend, name="agreement_amend"),
    path("agreements/<int:pk>/team-change/", views.agreement_team_change, name="agreement_team_change"),
    path(
        "agreements/<int:pk>/team-change/<int:request_pk>/transition/",
        views.team_change_transition,
        name="team_change_transition",
    ),
    path("agreements/<int:pk>/pdf/", views.agreement_download, name="agreement_pdf"),
]
