"""Templates ask the policy themselves: ``{% load policy %}`` then
``{% may "reply.amend" standing as can_amend %}`` (the signed-in person, the reply's
``policy.Standing`` given by the view), or ``{% may "secretariat" as staff %}``."""

from typing import Any

from django import template

from portal import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, rule: str, standing: Any = None) -> bool:
    request = context.get("request")
    user = context.get("user") if request is None else request.user
    return policy.allows(user, rule, standing or policy.NO_STANDING)
