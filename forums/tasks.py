"""Background work of the forums (django-tasks; the worker runs them).

Tasks take ids, never instances, and are enqueued after the transaction commits.
Each fan-out queues its emails in bulk and asks for one send at the end.
"""

from django_tasks import task

from portal.mail import mail_batch


@task()
def post_notify(post_id: int, mentioned_usernames: list[str], new: bool) -> int:
    from .notifications import post_notify as notify

    with mail_batch():
        return notify(post_id=post_id, mentioned_usernames=mentioned_usernames, new=new)


@task()
def flag_notify(flag_id: int) -> int:
    from .notifications import flag_notify as notify

    with mail_batch():
        return notify(flag_id=flag_id)
