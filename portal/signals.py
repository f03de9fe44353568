from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, **kwargs):
    """Every account has a profile, so templates never test for one."""
    if created:
        from .models import UserProfile

        UserProfile.objects.get_or_create(user=instance)
