"""The reviewer workspace (spliced into the ``surveys`` namespace by surveys/urls.py)."""

from django.urls import URLPattern, path

from .views import browse, compare, dashboard, exports, search, tables

urlpatterns: list[URLPattern] = [
    path("review/replies/", browse.reply_browse, name="reply-browse"),
    path("review/replies/<id:pk>/", browse.reply_detail, name="review-reply"),
    path(
        "review/replies/<id:pk>/attachments/<id:attachment>/",
        browse.attachment_download,
        name="review-attachment",
    ),
    path("review/search/", search.search_page, name="review-search"),
    path("review/compare/", compare.compare, name="review-compare"),
    path("review/compare/respondent/", compare.compare_respondent, name="review-history"),
    path("review/tables/", tables.table_aggregate, name="review-tables"),
    path("review/counts/", tables.choice_counts, name="review-counts"),
    path("review/series/", compare.series, name="review-series"),
    path("review/questionnaires/", dashboard.questionnaire_index, name="review-questionnaires"),
    path(
        "review/questionnaires/<id:pk>/dashboard/",
        dashboard.dashboard,
        name="review-dashboard",
    ),
    path("review/exports/", exports.export_list, name="review-exports"),
    path("review/exports/new/", exports.export_start, name="review-export-start"),
    path("review/exports/<id:pk>/", exports.export_status, name="review-export"),
    path(
        "review/exports/<id:pk>/download/", exports.export_download, name="review-export-download"
    ),
]
