"""The focal-point workspace (spliced into the ``surveys`` namespace by surveys/urls.py)."""

from django.urls import URLPattern, path

from . import views_workspace as views

urlpatterns: list[URLPattern] = [
    path("workspace/", views.workspace_page, name="workspace"),
    path("replies/<int:pk>/", views.reply_form, name="reply-form"),
    path("replies/<int:pk>/answers/", views.answer_save, name="answer-save"),
    path("replies/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("replies/<int:pk>/submit/", views.reply_submit, name="reply-submit"),
    path("replies/<int:pk>/amend/", views.reply_amend, name="reply-amend"),
    path(
        "replies/<int:pk>/clarifications/",
        views.clarification_post,
        name="clarification-post",
    ),
    path("replies/<int:pk>/revisions/", views.revision_list, name="reply-revisions"),
    path(
        "replies/<int:pk>/revisions/compare/",
        views.revision_compare,
        name="revision-compare",
    ),
    path(
        "replies/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision-detail",
    ),
    path(
        "replies/<int:pk>/revisions/<int:number>/print/",
        views.revision_print,
        name="revision-print",
    ),
    path(
        "replies/<int:pk>/revisions/<int:number>/pdf/",
        views.revision_pdf,
        name="revision-pdf",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
