"""The secretariat's pages, spliced into the ``surveys`` namespace by surveys/urls.py."""

from django.urls import URLPattern, path

from . import views

Q = "questionnaires/<id:pk>/"
REPLY = "questionnaires/<id:q>/replies/<id:reply>/"

urlpatterns: list[URLPattern] = [
    path("questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path(Q, views.questionnaire_detail, name="questionnaire-detail"),
    path(Q + "edit/", views.questionnaire_edit, name="questionnaire-edit"),
    path(Q + "copy/", views.questionnaire_copy, name="questionnaire-copy"),
    path(Q + "questions/", views.questionnaire_questions, name="questionnaire-questions"),
    path(Q + "sections/new/", views.section_form, name="questionnaire-section-add"),
    path(
        Q + "sections/<id:section>/edit/",
        views.section_form,
        name="questionnaire-section-edit",
    ),
    path(
        Q + "sections/<id:section>/move/",
        views.section_move,
        name="questionnaire-section-move",
    ),
    path(
        Q + "sections/<id:section>/delete/",
        views.section_delete,
        name="questionnaire-section-delete",
    ),
    path(
        Q + "sections/<id:section>/questions/new/",
        views.question_form,
        name="questionnaire-question-add",
    ),
    path(
        Q + "questions/<id:question>/edit/",
        views.question_form,
        name="questionnaire-question-edit",
    ),
    path(
        Q + "questions/<id:question>/move/",
        views.question_move,
        name="questionnaire-question-move",
    ),
    path(
        Q + "questions/<id:question>/delete/",
        views.question_delete,
        name="questionnaire-question-delete",
    ),
    path(Q + "preview/", views.questionnaire_preview, name="questionnaire-preview"),
    path(Q + "dispatch/", views.questionnaire_dispatch, name="questionnaire-dispatch"),
    path(Q + "status/", views.questionnaire_status, name="questionnaire-status"),
    path(Q + "reminders/", views.questionnaire_reminders, name="questionnaire-reminders"),
    path(REPLY, views.reply_detail, name="secretariat-reply"),
    path(REPLY + "review/", views.reply_review, name="secretariat-reply-review"),
    path(REPLY + "reopen/", views.reply_reopen, name="secretariat-reply-reopen"),
    path(REPLY + "include/", views.reply_include, name="secretariat-reply-include"),
    path(REPLY + "clarifications/", views.reply_clarify, name="secretariat-reply-clarify"),
    path(
        REPLY + "answers/<id:answer>/restricted/",
        views.answer_restricted,
        name="secretariat-answer-restricted",
    ),
    path(
        REPLY + "revisions/<id:number>/",
        views.reply_revision,
        name="secretariat-reply-revision",
    ),
    path("nominations/", views.nominations_index, name="secretariat-nominations-index"),
    path(
        "respondents/<id:pk>/nominations/",
        views.nominations,
        name="secretariat-nominations",
    ),
    path(
        "memberships/<id:pk>/activation/",
        views.membership_activation,
        name="secretariat-membership-activation",
    ),
    path(
        "memberships/<id:pk>/deactivate/",
        views.membership_deactivate,
        name="secretariat-membership-deactivate",
    ),
    path("emails/", views.email_log, name="email-log"),
]
