"""The focal-point workspace (spliced into the ``surveys`` namespace by surveys/urls.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("workspace/", views.workspace_page, name="workspace"),
    path("replies/<id:pk>/", views.reply_form, name="reply-form"),
    path("replies/<id:pk>/answers/", views.answer_save, name="answer-save"),
    path("replies/<id:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("replies/<id:pk>/submit/", views.reply_submit, name="reply-submit"),
    path("replies/<id:pk>/amend/", views.reply_amend, name="reply-amend"),
    path(
        "replies/<id:pk>/clarifications/",
        views.clarification_post,
        name="clarification-post",
    ),
    path("replies/<id:pk>/revisions/", views.revision_list, name="reply-revisions"),
    path(
        "replies/<id:pk>/revisions/compare/",
        views.revision_compare,
        name="revision-compare",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/",
        views.revision_detail,
        name="revision-detail",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/print/",
        views.revision_print,
        name="revision-print",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/pdf/",
        views.revision_pdf,
        name="revision-pdf",
    ),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<id:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
