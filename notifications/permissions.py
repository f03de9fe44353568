"""Who may do what with notifications: each member reads only their own."""


def can_view_notifications(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_read_notification(user, notification) -> bool:
    return can_view_notifications(user) and notification.recipient_id == user.pk
