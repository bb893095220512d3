from django.urls import path

from aksalarasa.programs import views

app_name = "programs"
P = "<int:pk>/"
A = P + "assessments/<int:assessment_id>/"
W = P + "workshops/<int:workshop_id>/"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path(P, views.program_detail, name="detail"),
    path(P + "edit/", views.program_edit, name="edit"),
    path(P + "stage/", views.program_stage_move, name="stage_move"),
    path(P + "team/", views.member_add, name="member_add"),
    path(P + "team/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path(P + "records/<slug:kind>/", views.record_add, name="record_add"),
    path(P + "records/<slug:kind>/<int:record_id>/delete/", views.record_delete, name="record_delete"),
    path(P + "initiation/", views.initiation, name="initiation"),
    path(P + "assessments/", views.assessment_list, name="assessments"),
    path(A, views.assessment_detail, name="assessment"),
    path(A + "items/", views.assessment_item_add, name="assessment_item_add"),
    path(A + "participants/", views.assessment_participant_add, name="assessment_participant_add"),
    path(A + "voting/", views.assessment_voting, name="assessment_voting"),
    path(A + "tally/", views.assessment_tally, name="assessment_tally"),
    path(A + "priorities/", views.assessment_priorities, name="assessment_priorities"),
    path(A + "projector/", views.assessment_projector, name="assessment_projector"),
    path(P + "planning/", views.planning, name="planning"),
    path(P + "planning/plan/", views.action_plan_save, name="action_plan_save"),
    path(P + "workshops/new/", views.workshop_create, name="workshop_create"),
    path(W, views.workshop_detail, name="workshop"),
    path(W + "clusters/", views.workshop_cluster_add, name="workshop_cluster_add"),
    path(W + "clusters/<int:cluster_id>/", views.workshop_cluster_rename, name="workshop_cluster_rename"),
    path(W + "cards/<int:card_id>/", views.workshop_card_assign, name="workshop_card_assign"),
    path(W + "cards-open/", views.workshop_cards_toggle, name="workshop_cards_toggle"),
    path(W + "resolution/", views.workshop_resolve, name="workshop_resolve"),
    path(W + "projector/", views.workshop_projector, name="workshop_projector"),
    path(P + "intervention/", views.intervention, name="intervention"),
    path(P + "evaluation/", views.evaluation, name="evaluation"),
    path(P + "evaluation/indicators/", views.indicators_save, name="indicators_save"),
    path(P + "evaluation/statements/", views.evaluation_save, name="evaluation_save"),
    path(P + "termination/", views.termination, name="termination"),
    path(P + "termination/handover/", views.handover_save, name="handover_save"),
    path(P + "report-texts/", views.report_texts, name="report_texts"),
    path(P + "termination/referrals/", views.referral_link, name="referral_link"),
    # Public, no account: voting and idea cards by short code.
    path("vote/", views.vote_start, name="vote_start"),
    path("vote/<str:code>/", views.vote_open, name="vote_open"),
    path("ballot/<str:token>/", views.ballot, name="ballot"),
    path("cards/", views.cards_start, name="cards_start"),
    path("cards/<str:code>/", views.cards_open, name="cards_open"),
]
