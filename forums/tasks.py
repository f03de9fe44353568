"""Background work of the forums (django-tasks; immediate unless a worker runs).

Tasks take ids, never instances, and are enqueued after the transaction commits.
"""

from django_tasks import task


@task()
def post_notify(post_id: int, mentioned_usernames: list[str], new: bool) -> int:
    from .notifications import post_notify as notify

    return notify(post_id=post_id, mentioned_usernames=mentioned_usernames, new=new)


@task()
def flag_notify(flag_id: int) -> int:
    from .notifications import flag_notify as notify

    return notify(flag_id=flag_id)
