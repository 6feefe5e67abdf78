"""The reviewer workspace (spliced into the ``surveys`` namespace by surveys/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("review/replies/", views.reply_browse, name="reply-browse"),
    path("review/replies/<id:pk>/", views.reply_detail, name="review-reply"),
    path(
        "review/replies/<id:pk>/attachments/<id:attachment>/",
        views.attachment_download,
        name="review-attachment",
    ),
    path("review/search/", views.search_page, name="review-search"),
    path("review/compare/", views.compare, name="review-compare"),
    path("review/compare/respondent/", views.compare_respondent, name="review-history"),
    path("review/tables/", views.table_aggregate, name="review-tables"),
    path("review/questionnaires/", views.questionnaire_index, name="review-questionnaires"),
    path(
        "review/questionnaires/<id:pk>/dashboard/",
        views.dashboard,
        name="review-dashboard",
    ),
    path("review/exports/", views.export_list, name="review-exports"),
    path("review/exports/new/", views.export_start, name="review-export-start"),
    path("review/exports/<id:pk>/", views.export_status, name="review-export"),
    path("review/exports/<id:pk>/download/", views.export_download, name="review-export-download"),
]
