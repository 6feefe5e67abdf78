from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Respondents, questionnaires and replies"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Every change to these is kept in the audit trail (who, when, what changed).
        for model in (
            models.Respondent,
            models.RespondentName,
            models.Membership,
            models.Questionnaire,
            models.Section,
            models.Question,
            models.Answer,
            models.Attachment,
            models.Revision,
        ):
            auditlog.register(model)
        # Activation links sent and used (by whom, when); the link itself is never recorded.
        auditlog.register(models.Activation, exclude_fields=["token_hash"])
        # The time of a delegation's last keystroke is not an audit event.
        auditlog.register(models.Reply, exclude_fields=["last_activity_at"])

        from portal import jobs

        from . import events, tasks  # noqa: F401
        from .questionnaires import dispatch
        from .review import exports, receivers
        from .review import tasks as review_tasks

        # Exports are a kind of background job: the watchdog (portal.jobs) looks after them. The
        # tasks of exports and e-mail are sent by name: registered here for processes that run
        # tasks in-process.
        jobs.register(exports.EXPORTS)
        jobs.register_sweep("e-mail", dispatch.resend_lost_emails)
        jobs.register_sweep("text extraction", review_tasks.resend_lost_extractions)

        events.reply_submitted.connect(receivers.index_reply, dispatch_uid="review.index")
        events.reply_published_changed.connect(receivers.index_reply, dispatch_uid="review.index")
        events.attachment_added.connect(receivers.extract_text, dispatch_uid="review.extract")
