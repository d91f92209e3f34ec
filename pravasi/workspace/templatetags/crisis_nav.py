"""The navigation between the pages about one crisis, offering each official the pages they may open."""

from django import template

from pravasi.crisis import policies
from pravasi.crisis.models import CrisisStatus

register = template.Library()


@register.inclusion_tag("workspace/crisis/_nav.html", takes_context=True)
def crisis_nav(context, crisis):
    request = context["request"]
    user = request.user
    return {
        "crisis": crisis,
        "current": request.resolver_match.url_name if request.resolver_match else "",
        "sees_people": policies.may_see_people(user, crisis),
        "may_write": crisis.status == CrisisStatus.ACTIVE and policies.may_manage(user, crisis),
    }
