"""Finding what States said: the reviewers' browse filter and the full-text search over
published answers and the text of attached files.

What reviewers read is the last submitted revision of a reply with restricted answers left out:
``replies.selectors.published_replies`` applies that rule to many replies in a fixed number of
queries, for the comparison pages, the search and the exports.

Search works on ``SearchEntry`` rows, rebuilt from the published text whenever it changes:
:func:`index_reply` after a submission or a change of restriction, :func:`index_attachment` when
a file's text has been extracted. Both are queued after commit by the reply services (through the
``surveys.index_reply`` and ``surveys.extract_attachment_text`` tasks). On PostgreSQL the rows
carry a ``tsvector`` (English stems plus the words as written, so French or Spanish replies are
found too) under a GIN index, ranked with ``ts_rank`` and cut into snippets by ``ts_headline``;
on SQLite every word must appear in the text and the snippet is made here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal import policy
from portal.ids import parse_id

from ..models import (
    LANGUAGES,
    Attachment,
    Question,
    Questionnaire,
    Reply,
    Respondent,
    RespondentName,
    Revision,
    SearchEntry,
    text_in,
)
from ..questionnaires import answers as answer_rules
from ..questionnaires import display
from ..questionnaires.selectors import questionnaires_visible_to
from ..replies.extraction import clean
from ..replies.selectors import (
    Published,
    published_files,
    published_replies,
    replies_visible_to,
)

# --- names as printed at the questionnaire's date ----------------------------------------------


def names_date(questionnaire: Questionnaire) -> datetime.date:
    """The date whose names a questionnaire's lists print: when it was sent, else its deadline."""
    return questionnaire.sent_on or questionnaire.deadline


def respondent_name(respondent: Respondent, on: datetime.date) -> str:
    """The list name in force on a date (prefetched names), else today's, else the code."""
    name = respondent.name_on(on) or respondent.current_name()
    return name.list_name if name else respondent.code


KIND_RANK = {kind: rank for rank, kind in enumerate(Respondent.Kind.values)}


def un_order_key(respondent: Respondent, on: datetime.date) -> tuple[int, str, str]:
    """UN order (kind, then the sort key of the name in force) for lists built in Python."""
    name = respondent.name_on(on) or respondent.current_name()
    return (KIND_RANK.get(respondent.kind, 99), name.sort_key if name else "", respondent.code)


# --- the browse filter, shared by the browse page, the comparison pages and the exports -------


def submitted_replies(user: Any) -> QuerySet[Reply]:
    """Replies the person may open that have been submitted at least once (reviewers read the
    last submitted revision; a reply never submitted has nothing to show)."""
    return replies_visible_to(user).filter(Exists(Revision.objects.filter(reply=OuterRef("pk"))))


def with_browse_columns(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """Annotations the browse list shows and sorts by."""
    latest = Revision.objects.filter(reply=OuterRef("pk")).order_by("-number")
    on = Coalesce(OuterRef("questionnaire__sent_on"), OuterRef("questionnaire__deadline"))
    name_in_force = RespondentName.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        respondent=OuterRef("respondent"),
    )
    kind_rank = Case(
        *(When(respondent__kind=kind, then=Value(rank)) for kind, rank in KIND_RANK.items()),
        output_field=IntegerField(),
    )
    return replies.annotate(
        revision_count=Subquery(latest.values("number")[:1]),
        last_submitted_at=Subquery(latest.values("submitted_at")[:1]),
        kind_rank=kind_rank,
        name_sort_key=Subquery(name_in_force.values("sort_key")[:1]),
    )


YES_NO = (("yes", "Yes"), ("no", "No"))
STATUS_CHOICES = (
    ("submitted", "Submitted"),
    ("amending", "Being amended (last submission shown)"),
    ("in_report", "In the report (by the cut-off)"),
    ("after_cutoff", "After the cut-off"),
    ("withdrawn", "Withdrawn"),
)
SORTS = {
    "respondent": ("kind_rank", "name_sort_key", "respondent__code", "-questionnaire__deadline"),
    "-received": ("-received_on", "kind_rank", "name_sort_key", "pk"),
    "received": ("received_on", "kind_rank", "name_sort_key", "pk"),
    "questionnaire": (
        "-questionnaire__deadline",
        "questionnaire__title",
        "kind_rank",
        "name_sort_key",
    ),
    "-submitted": ("-last_submitted_at", "pk"),
}
SORT_CHOICES = (
    ("respondent", "Respondent (UN order)"),
    ("-received", "Received, newest first"),
    ("received", "Received, oldest first"),
    ("questionnaire", "Questionnaire"),
    ("-submitted", "Last submission, newest first"),
)


def _visible_questionnaires(request: Any) -> QuerySet[Questionnaire]:
    if request is None:
        return Questionnaire.objects.exclude(status=Questionnaire.Status.DRAFT)
    return questionnaires_visible_to(request.user)


class ReplyBrowseFilter(django_filters.FilterSet):
    """Every filter of the browse page, read from the URL so that a view can be shared."""

    questionnaire = django_filters.ModelChoiceFilter(
        queryset=_visible_questionnaires, empty_label="All questionnaires"
    )
    kind = django_filters.ChoiceFilter(
        field_name="respondent__kind",
        choices=Respondent.Kind.choices,
        label="Respondent kind",
        empty_label="All kinds",
    )
    regional_group = django_filters.ChoiceFilter(
        field_name="respondent__regional_group",
        choices=Respondent.RegionalGroup.choices,
        label="Regional group",
        empty_label="All groups",
    )
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, empty_label="Any status"
    )
    late = django_filters.ChoiceFilter(
        method="filter_late", choices=YES_NO, label="Late", empty_label="Late or on time"
    )
    language = django_filters.ChoiceFilter(
        method="filter_language",
        choices=LANGUAGES,
        label="Questionnaire language",
        empty_label="Any language",
    )
    respondent = django_filters.CharFilter(
        method="filter_respondent", label="Respondent name or code"
    )
    sort = django_filters.ChoiceFilter(
        method="sort_by", choices=SORT_CHOICES, label="Sort by", empty_label=None
    )

    class Meta:
        model = Reply
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Reply], _: str, value: str) -> QuerySet[Reply]:
        in_report = Q(received_on__lte=F("questionnaire__cutoff")) | Q(include_after_cutoff=True)
        return {
            "submitted": queryset.filter(status=Reply.Status.SUBMITTED),
            "amending": queryset.exclude(status=Reply.Status.SUBMITTED),
            "in_report": queryset.filter(in_report, withdrawn=False),
            "after_cutoff": queryset.filter(received_on__gt=F("questionnaire__cutoff")),
            "withdrawn": queryset.filter(withdrawn=True),
        }.get(value, queryset)

    def filter_late(self, queryset: QuerySet[Reply], _: str, value: str) -> QuerySet[Reply]:
        late = Q(received_on__gt=F("questionnaire__deadline"))
        return queryset.filter(late) if value == "yes" else queryset.exclude(late)

    def filter_language(self, queryset: QuerySet[Reply], _: str, value: str) -> QuerySet[Reply]:
        # Languages are a JSON list, and SQLite has no JSON containment: questionnaires are few,
        # so pick them in Python.
        ids = [
            pk
            for pk, languages in Questionnaire.objects.values_list("pk", "languages")
            if value in (languages or [])
        ]
        return queryset.filter(questionnaire_id__in=ids)

    def filter_respondent(self, queryset: QuerySet[Reply], _: str, value: str) -> QuerySet[Reply]:
        matching = Respondent.objects.filter(
            Q(names__list_name__icontains=value)
            | Q(names__abbreviation__iexact=value)
            | Q(code__iexact=value)
        )
        return queryset.filter(respondent__in=matching.values("pk"))

    def sort_by(self, queryset: QuerySet[Reply], _: str, value: str) -> QuerySet[Reply]:
        return queryset.order_by(*SORTS.get(value, SORTS["respondent"]))

    @property
    def qs(self) -> QuerySet[Reply]:
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["respondent"])
        return queryset


FILTER_FIELDS = tuple(ReplyBrowseFilter.base_filters)


def browse(user: Any, params: Any, request: Any = None) -> ReplyBrowseFilter:
    """The browse filter bound to URL parameters, over the replies this person may read."""
    return ReplyBrowseFilter(
        params, queryset=with_browse_columns(submitted_replies(user)), request=request
    )


def filter_options(params: Any) -> dict[str, str]:
    """The filter's parameters as a plain dict (for exports and links), empty ones left out."""
    return {key: str(params.get(key)) for key in FILTER_FIELDS if params.get(key)}


# --- answers as plain text ---------------------------------------------------------------------

# Kinds whose words are worth searching (numbers, tables and yes/no are compared, not searched).
SEARCHED_KINDS = (
    answer_rules.TEXT,
    answer_rules.SINGLE_CHOICE,
    answer_rules.MULTIPLE_CHOICE,
    answer_rules.FILE,
)


# --- the index ---------------------------------------------------------------------------------

# On PostgreSQL a trigger (migration 0010) computes each entry's vector as the row is written:
# weight A for answers, B for the text of files, ranking answers first. Writing rows and then
# updating their vectors wrote every row twice, and slowed as the table grew.


# One text-search configuration for every language: the English stemmer is applied alike to the
# indexed text and to the query, so words of French or Spanish replies are found as written.
CONFIG = "english"


def _entries_for(
    published: Published, questions: dict[int, Question], texts: dict[int, str]
) -> list[SearchEntry]:
    """Search entries of one published reply; ``texts`` maps attachment ids to their text."""
    reply = published.reply
    common = {
        "reply": reply,
        "questionnaire_id": reply.questionnaire_id,
        "respondent_id": reply.respondent_id,
        "revision_number": published.revision_number,
    }
    entries = []
    for question_id, entry in published.answers.items():
        question = questions.get(question_id)
        if question is None or question.kind not in SEARCHED_KINDS:
            continue
        where = {
            **common,
            "question": question,
            "question_number": question.number,
            "question_order": question.section.order * 10_000 + question.order,
        }
        text = clean(display.answer_line(question, entry))
        if text:
            entries.append(SearchEntry(source=SearchEntry.Source.ANSWER, text=text, **where))
        for item in entry.get("attachments", []):
            extracted = texts.get(item["id"], "")
            if extracted:
                entries.append(
                    SearchEntry(
                        source=SearchEntry.Source.ATTACHMENT,
                        attachment_id=item["id"],
                        text=extracted,
                        **where,
                    )
                )
    return entries


def index_replies(reply_ids: Sequence[int]) -> int:
    """Rebuild the search entries of these replies from what is published now; returns how
    many entries were written. A handful of queries per call, whatever the number of replies.

    Safe to run twice, and in any order with a submission or a change of restriction: it always
    reads the current last revision and restrictions."""
    ids = list(reply_ids)
    with transaction.atomic():
        SearchEntry.objects.filter(reply_id__in=ids).delete()
        published = published_replies(
            Reply.objects.filter(pk__in=ids).select_related("questionnaire").order_by("pk")
        )
        if not published:
            return 0
        questions = {
            q.pk: q
            for q in Question.objects.filter(
                section__questionnaire_id__in={p.reply.questionnaire_id for p in published}
            ).select_related("section")
        }
        # The files reviewers may read, by the one rule of downloads and exports.
        texts = {
            attachment.pk: attachment.extracted_text
            for _item, _question, attachment in published_files(published)
        }
        entries = [e for p in published for e in _entries_for(p, questions, texts)]
        SearchEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


@transaction.atomic
def index_reply(*, reply_id: int) -> int:
    """Rebuild one reply's entries (the reply row is locked so two rebuilds do not interleave)."""
    if not Reply.objects.select_for_update().filter(pk=reply_id).exists():
        return 0
    return index_replies([reply_id])


def index_attachment(*, attachment_id: int) -> int:
    """Re-index the reply a file belongs to, now that its text is known.

    Whether the file is published (part of the last submitted revision, not restricted) is
    decided by :func:`index_replies`; re-indexing the whole reply keeps one rule in one place
    and costs a handful of rows."""
    reply_id = (
        Attachment.objects.filter(pk=attachment_id).values_list("reply_id", flat=True).first()
    )
    return index_reply(reply_id=reply_id) if reply_id else 0


def rebuild_index(reply_ids: Iterable[int] | None = None, *, batch: int = 500) -> int:
    """Rebuild the entries of these replies (all submitted replies by default), in batches."""
    if reply_ids is None:
        reply_ids = Revision.objects.values_list("reply_id", flat=True).distinct()
    ids = sorted(set(reply_ids))
    return sum(index_replies(ids[i : i + batch]) for i in range(0, len(ids), batch))


# --- searching ---------------------------------------------------------------------------------

START, STOP = "\x02", "\x03"
MAX_TERMS = 12
SNIPPET_CHARS = 220
PAGE_SIZE = 20
MAX_PAGE = 100_000  # two million results: more than Verbale will ever hold
RANKED_AT_MOST = 10_000  # matches ranked by relevance; beyond, listed newest first
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    return _WORD.findall(query)[:MAX_TERMS]


def highlight(headline: str) -> SafeString:
    """Escape a snippet whose matches are wrapped in START/STOP, then mark the matches.

    Everything that came from a reply is escaped; only the ``<mark>`` tags are ours."""
    out: list[str] = []
    marking = False
    for part in re.split(f"([{START}{STOP}])", headline):
        if part == START:
            if not marking:
                out.append("<mark>")
            marking = True
        elif part == STOP:
            if marking:
                out.append("</mark>")
            marking = False
        else:
            out.append(str(escape(part)))
    if marking:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every part from the text was escaped above


def python_headline(text: str, terms: Sequence[str]) -> str:
    """A window of the text around the first match, matches wrapped in START/STOP."""
    if not terms:
        return text[:SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + SNIPPET_CHARS)
    window = text[start:end]
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
    return ("… " if start else "") + marked + (" …" if end < len(text) else "")


@dataclass
class Hit:
    entry: SearchEntry
    snippet: SafeString
    respondent_name: str
    question_text: str


_OPERATORS = re.compile(r'["\-]|\bor\b', re.IGNORECASE)


def _query(text: str) -> SearchQuery:
    """Plain words all match, the last one by its beginning (results show as a person types:
    "hot" finds "hotline"); quotes, "-" and "or" keep web-search syntax."""
    terms = search_terms(text)
    if not terms or _OPERATORS.search(text):
        return SearchQuery(text, search_type="websearch", config=CONFIG)
    # Only word characters reach the raw query, so nothing typed can break its syntax.
    raw = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
    return SearchQuery(raw, search_type="raw", config=CONFIG)


def matching_entries(
    *, user: Any, query: str, questionnaire_id: int | None = None, **respondent_filters: str
) -> QuerySet[SearchEntry]:
    """Entries of replies the person may read that match the query, best first."""
    entries = SearchEntry.objects.all()
    if not policy.allows(user, "review.read"):
        # Entries exist only for submitted replies, all of which reviewers and the secretariat
        # may read: for them the filter below would select everything and, on 10,000 replies,
        # turn the indexed search into a scan of replies. Anyone else only their own.
        entries = entries.filter(reply__in=submitted_replies(user).values("pk"))
    if questionnaire_id:
        entries = entries.filter(questionnaire_id=questionnaire_id)
    for key, value in respondent_filters.items():
        if value:
            entries = entries.filter(**{f"respondent__{key}": value})
    if connection.vendor == "postgresql":
        sq = _query(query)
        return (
            entries.filter(vector=sq)
            .annotate(rank=SearchRank(F("vector"), sq))
            .order_by("-rank", "-revision_number", "pk")
        )
    terms = search_terms(query)
    if not terms:
        return entries.none()
    for term in terms:
        entries = entries.filter(text__icontains=term)
    return entries.order_by("-questionnaire__deadline", "reply_id", "question_order", "pk")


class _OnePage:
    """The ids of one page of matches and the number of all matches, for a Paginator."""

    def __init__(self, ids: list[int], total: int, offset: int) -> None:
        self.ids, self.total, self.offset = ids, total, offset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, part: slice) -> list[int]:
        return self.ids[part.start - self.offset : part.stop - self.offset]


def _ranked_page(entries: QuerySet[SearchEntry], page_number: Any) -> Page:
    """One page of matches, and how many there are, counted up to :data:`RANKED_AT_MOST`.

    Up to that many matches are ranked, best first. Beyond it, ranking would read every match
    (a common word matches a third of a decade's passages: 331,054 of 900,000 took 634 ms), so
    the matches are listed newest first, only the page shown is read, and the page says that
    there are more than 10,000 and that they are not ranked (``page.more_than``)."""
    # A page number past any real result (e.g. 10**20, whose offset overflows the database)
    # is read as the last page, like any page past the end; one that is not a number as the
    # first.
    number = min(parse_id(page_number) or 1, MAX_PAGE)
    # COUNT over a LIMIT: the database stops at the cap instead of counting every match.
    total = entries.order_by()[: RANKED_AT_MOST + 1].count()
    more_than = total > RANKED_AT_MOST
    if more_than:
        total = RANKED_AT_MOST
        entries = entries.order_by("-pk")
    last = max(1, -(-total // PAGE_SIZE))
    number = min(number, last)
    offset = (number - 1) * PAGE_SIZE
    ids = list(entries.values_list("pk", flat=True)[offset : offset + PAGE_SIZE]) if total else []
    page = Paginator(_OnePage(ids, total, offset), PAGE_SIZE).get_page(number)
    page.more_than = f"{RANKED_AT_MOST:,}" if more_than else ""
    return page


def search_page(
    *,
    user: Any,
    query: str,
    page_number: Any = 1,
    questionnaire_id: int | None = None,
    **respondent_filters: str,
) -> tuple[Page, list[Hit]]:
    """One page of results with highlighted snippets (made for that page only)."""
    entries = matching_entries(
        user=user, query=query, questionnaire_id=questionnaire_id, **respondent_filters
    )
    page = _ranked_page(entries, page_number)
    ids = list(page.object_list)
    rows = SearchEntry.objects.filter(pk__in=ids).select_related(
        "question", "questionnaire", "respondent", "attachment"
    )
    if connection.vendor == "postgresql":
        rows = rows.annotate(
            headline=SearchHeadline(
                "text",
                _query(query),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
    by_id = {row.pk: row for row in rows.prefetch_related("respondent__names")}
    terms = search_terms(query)
    hits = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:
            # Re-indexed between the two queries (a reply submitted again at that moment):
            # its new entries are found by the next search.
            continue
        headline = getattr(row, "headline", None) or python_headline(row.text, terms)
        hits.append(
            Hit(
                entry=row,
                snippet=highlight(headline),
                respondent_name=respondent_name(row.respondent, names_date(row.questionnaire)),
                question_text=text_in(row.question.text, "en"),
            )
        )
    return page, hits
