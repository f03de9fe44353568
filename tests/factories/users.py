import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from working_groups.models import Membership

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified email address, able to sign in with DEFAULT_PASSWORD."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        EmailAddress.objects.get_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def display_name(obj, create, extracted, **kwargs):
        if create:
            obj.profile.display_name = extracted or obj.username.title()
            # Test users are @mentioned by their username; real accounts get a
            # neutral handle or one they choose (portal.models.neutral_handle).
            obj.profile.handle = obj.username.lower()
            obj.profile.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = None  # always pass a WorkingGroupPage
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    decided_at = factory.LazyFunction(timezone.now)
