"""The reminder's text as the secretariat writes it: placeholders checked and filled. Pure: no
Django, so that the rule is the same for the form, the preview and the message sent."""

from __future__ import annotations

import string
from collections.abc import Mapping

# What a reminder's text may name, and what each stands for (shown beside the text box).
PLACEHOLDERS: dict[str, str] = {
    "respondent": "the name of the State or organization reminded",
    "deadline": "the deadline for replies, e.g. 15 December 2007",
    "link": "the direct link to the reply in Verbale",
}

DEFAULT_REMINDER_TEXT = (
    "The secretariat has not yet received the reply of {respondent} to this questionnaire. "
    "Replies are requested by {deadline}.\n\n"
    "Drafts are kept in Verbale as you type; only a focal point can submit. The reply is "
    "here:\n{link}"
)


class PlaceholderError(ValueError):
    """A text naming a placeholder Verbale does not know, or with a stray brace."""


def check_text(text: str) -> None:
    """Refuse a text that could not be filled in: an unknown placeholder (``{respondant}``), one
    with a format (``{deadline:%d}``) or a lone brace. ``{{`` and ``}}`` write a brace."""
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        raise PlaceholderError(
            "A brace { or } stands alone. Placeholders are written "
            f"{known}; write {{{{ or }}}} for a brace itself."
        ) from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise PlaceholderError(
                f"Unknown placeholder {{{name}}}. The text may use {known}."
                if name
                else f"Empty placeholder {{}}. The text may use {known}."
            )
        if spec or conversion:
            raise PlaceholderError(
                f"Write the placeholder {{{name}}} as it is, with nothing after its name."
            )


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders replaced (the text has passed :func:`check_text`)."""
    check_text(text)
    return text.format_map({name: values[name] for name in PLACEHOLDERS})
