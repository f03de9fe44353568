from django.contrib.auth import get_user_model

from portal.accounts import AccountAdapter as PortalAccountAdapter

from .mail import recipient_language


class AccountAdapter(PortalAccountAdapter):
    """Account mail (confirmation, password reset) in the recipient's language
    once they have chosen one; otherwise in the language of the page."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user") or (
            get_user_model().objects.filter(email__iexact=email).first()
        )
        if user is None or not hasattr(user, "language_preference"):
            return super().send_mail(template_prefix, email, context)
        with recipient_language(user):
            return super().send_mail(template_prefix, email, context)
