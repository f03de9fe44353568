"""What each notification says, in the reader's language (rendered when read)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

VERBS = {
    "reply": _("%(actor)s replied in “%(title)s”"),
    "new_thread": _("%(actor)s started a discussion: “%(title)s”"),
    "quote": _("%(actor)s quoted you in “%(title)s”"),
    "mention": _("%(actor)s mentioned you in “%(title)s”"),
    "resource_mention": _("%(actor)s mentioned your resource in “%(title)s”"),
    "membership_approved": _("Your request to join %(title)s was approved"),
    "membership_declined": _("Your request to join %(title)s was declined"),
    "submission_approved": _("“%(title)s” was published"),
    "submission_rejected": _("Changes were requested to “%(title)s”"),
    "event_updated": _("“%(title)s” changed"),
    "event_cancelled": _("“%(title)s” was cancelled"),
    "waitlist_promoted": _("You have a place at “%(title)s”"),
    "saved_search": _("New results for your saved search “%(title)s”"),
    "mentoring_requested": _("%(actor)s asked you for mentoring: “%(title)s”"),
    "mentoring_accepted": _("%(actor)s accepted your mentoring request “%(title)s”"),
    "mentoring_declined": _("%(actor)s declined your mentoring request “%(title)s”"),
    "mentoring_redirected": _("%(actor)s suggested someone else for “%(title)s”"),
    "mentoring_message": _("%(actor)s wrote to you about “%(title)s”"),
    "mentoring_closed": _("%(actor)s closed the exchange “%(title)s”"),
    "mentoring_lesson_proposed": _(
        "%(actor)s proposes a lesson learned from “%(title)s”"
    ),
    "mentoring_lesson_consented": _(
        "%(actor)s agreed to share the lesson from “%(title)s”"
    ),
    "mentoring_lesson_refused": _(
        "%(actor)s did not agree to share the lesson from “%(title)s”"
    ),
    "reaction": _("%(actor)s reacted to your post in “%(title)s”"),
    "invitation": _("You are invited to join %(title)s"),
    "membership_removed": _("You were removed from %(title)s"),
    "membership_removed_private": _("You were removed from a members-only group"),
    "join_requested": _("%(actor)s asks to join %(title)s"),
    "flag_raised": _("A post was flagged in “%(title)s”"),
    "review_submitted": _("%(actor)s submitted “%(title)s” for review"),
    "member_left": _("%(actor)s left %(title)s"),
}


def _aggregated(verb: str, count: int):
    """The text of a notification that stands for ``count`` people, or None."""
    others = count - 1
    if verb == "reaction" and others > 0:
        return ngettext(
            "%(actor)s and %(count)d other person reacted to your post in “%(title)s”",
            "%(actor)s and %(count)d other people reacted to your post in “%(title)s”",
            others,
        )
    return None


def notification_text(*, verb: str, actor_name: str, title: str, count: int = 1) -> str:
    template = _aggregated(verb, count) or VERBS.get(verb, _("%(title)s"))
    return str(template) % {
        "actor": actor_name or _("Someone"),
        "title": title,
        "count": count - 1,
    }
