"""The secretariat's pages for questionnaires (authoring, dispatch, people), spliced into the
``surveys`` namespace by surveys/urls.py."""

from django.urls import URLPattern, path

from .views import authoring, dispatch, people, questions, translations

Q = "questionnaires/<id:pk>/"

urlpatterns: list[URLPattern] = [
    path("questionnaires/", authoring.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", authoring.questionnaire_create, name="questionnaire-create"),
    path(Q, authoring.questionnaire_detail, name="questionnaire-detail"),
    path(Q + "edit/", authoring.questionnaire_edit, name="questionnaire-edit"),
    path(Q + "copy/", authoring.questionnaire_copy, name="questionnaire-copy"),
    path(Q + "questions/", questions.questionnaire_questions, name="questionnaire-questions"),
    path(Q + "sections/new/", questions.section_form, name="questionnaire-section-add"),
    path(
        Q + "sections/<id:section>/edit/",
        questions.section_form,
        name="questionnaire-section-edit",
    ),
    path(
        Q + "sections/<id:section>/move/",
        questions.section_move,
        name="questionnaire-section-move",
    ),
    path(
        Q + "sections/<id:section>/delete/",
        questions.section_delete,
        name="questionnaire-section-delete",
    ),
    path(
        Q + "sections/<id:section>/questions/new/",
        questions.question_form,
        name="questionnaire-question-add",
    ),
    path(
        Q + "questions/<id:question>/edit/",
        questions.question_form,
        name="questionnaire-question-edit",
    ),
    path(
        Q + "questions/<id:question>/move/",
        questions.question_move,
        name="questionnaire-question-move",
    ),
    path(
        Q + "questions/<id:question>/delete/",
        questions.question_delete,
        name="questionnaire-question-delete",
    ),
    path(
        Q + "translations/",
        translations.questionnaire_translations,
        name="questionnaire-translations",
    ),
    path(
        Q + "translations/export/",
        translations.questionnaire_translations_export,
        name="questionnaire-translations-export",
    ),
    path(Q + "preview/", authoring.questionnaire_preview, name="questionnaire-preview"),
    path(Q + "dispatch/", dispatch.questionnaire_dispatch, name="questionnaire-dispatch"),
    path(Q + "reminders/", dispatch.questionnaire_reminders, name="questionnaire-reminders"),
    path("nominations/", people.nominations_index, name="secretariat-nominations-index"),
    path(
        "respondents/<id:pk>/nominations/",
        people.nominations,
        name="secretariat-nominations",
    ),
    path(
        "memberships/<id:pk>/activation/",
        people.membership_activation,
        name="secretariat-membership-activation",
    ),
    path(
        "memberships/<id:pk>/deactivate/",
        people.membership_deactivate,
        name="secretariat-membership-deactivate",
    ),
    path("emails/", dispatch.email_log, name="email-log"),
]
