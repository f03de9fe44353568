from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def composer_config(forum, thread=None, post=None) -> dict:
    """Where the composer of a form asks for its preview and @ suggestions, and
    the key its draft is kept under in the browser."""
    if thread:
        mentions = reverse("forums:thread_mentions", args=[forum.slug, thread.pk])
    else:
        mentions = reverse("forums:forum_mentions", args=[forum.slug])
    if post:
        draft = f"post-{post.pk}-edit"
    elif thread:
        draft = f"thread-{thread.pk}-reply"
    else:
        draft = f"forum-{forum.slug}-new"
    return {
        "preview_url": reverse("forums:composer_preview", args=[forum.slug]),
        "mentions_url": mentions,
        "draft_key": draft,
    }
