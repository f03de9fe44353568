from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, **kwargs):
    """Every account has a profile, so templates never test for one."""
    if created:
        from .models import UserProfile

        UserProfile.objects.get_or_create(user=instance)


# --- Visitors' page cache: purged whenever what visitors see may change --------


def _purge_after_commit(**kwargs):
    from django.db import transaction

    from .page_cache import page_cache_purge

    transaction.on_commit(page_cache_purge, robust=True)


def connect_page_cache_purge() -> None:
    """Publishing, unpublishing, moving or deleting a page, every moderation
    step, and forum changes (posts, hiding, deleting) purge the page cache."""
    from django.apps import apps
    from django.db.models.signals import post_delete
    from wagtail import signals as wagtail_signals
    from wagtail.models import Page

    for name in (
        "page_published",
        "page_unpublished",
        "post_page_move",
        "workflow_approved",
        "workflow_rejected",
        "workflow_submitted",
        "workflow_cancelled",
        "task_approved",
        "task_rejected",
        "published",
        "unpublished",
    ):
        signal = getattr(wagtail_signals, name, None)
        if signal is not None:
            signal.connect(
                _purge_after_commit, weak=False, dispatch_uid=f"page-cache-{name}"
            )
    post_delete.connect(
        _purge_after_commit, sender=Page, weak=False, dispatch_uid="page-cache-del"
    )
    for label in ("forums.Post", "forums.Thread", "forums.Forum"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for signal in (post_save, post_delete):
            signal.connect(
                _purge_after_commit,
                sender=model,
                weak=False,
                dispatch_uid=f"page-cache-{label}-{signal is post_save}",
            )
