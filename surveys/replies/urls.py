"""The focal-point workspace and the secretariat's status board and reply pages (spliced into
the ``surveys`` namespace by surveys/urls.py)."""

from django.urls import URLPattern, path

from .views import attachments, board, revisions, submission, workspace

Q = "questionnaires/<id:pk>/"
REPLY = "questionnaires/<id:q>/replies/<id:reply>/"

urlpatterns: list[URLPattern] = [
    path("workspace/", workspace.workspace_page, name="workspace"),
    path("replies/<id:pk>/", workspace.reply_form, name="reply-form"),
    path("replies/<id:pk>/answers/", workspace.answer_save, name="answer-save"),
    path("replies/<id:pk>/attachments/", attachments.attachment_upload, name="attachment-upload"),
    path("replies/<id:pk>/submit/", submission.reply_submit, name="reply-submit"),
    path("replies/<id:pk>/amend/", submission.reply_amend, name="reply-amend"),
    path("replies/<id:pk>/ready/", submission.reply_ready, name="reply-ready"),
    path("replies/<id:pk>/send-back/", submission.reply_send_back, name="reply-send-back"),
    path(
        "replies/<id:pk>/clarifications/",
        submission.clarification_post,
        name="clarification-post",
    ),
    path("replies/<id:pk>/revisions/", revisions.revision_list, name="reply-revisions"),
    path(
        "replies/<id:pk>/revisions/compare/",
        revisions.revision_compare,
        name="revision-compare",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/",
        revisions.revision_detail,
        name="revision-detail",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/print/",
        revisions.revision_print,
        name="revision-print",
    ),
    path(
        "replies/<id:pk>/revisions/<id:number>/pdf/",
        revisions.revision_pdf,
        name="revision-pdf",
    ),
    path("attachments/<id:pk>/", attachments.attachment_download, name="attachment-download"),
    path("attachments/<id:pk>/remove/", attachments.attachment_remove, name="attachment-remove"),
    path(Q + "status/", board.questionnaire_status, name="questionnaire-status"),
    path(REPLY, board.reply_detail, name="secretariat-reply"),
    path(REPLY + "review/", board.reply_review, name="secretariat-reply-review"),
    path(REPLY + "reopen/", board.reply_reopen, name="secretariat-reply-reopen"),
    path(REPLY + "include/", board.reply_include, name="secretariat-reply-include"),
    path(REPLY + "clarifications/", board.reply_clarify, name="secretariat-reply-clarify"),
    path(
        REPLY + "answers/<id:answer>/restricted/",
        board.answer_restricted,
        name="secretariat-answer-restricted",
    ),
    path(
        REPLY + "revisions/<id:number>/",
        board.reply_revision,
        name="secretariat-reply-revision",
    ),
]
