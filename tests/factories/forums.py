"""Forum factories. Rows are written directly (fast); services keep the same
denormalised columns in real use, so factories fill them consistently."""

import factory
from django.utils import timezone

from forums.markdown import render_markdown
from forums.models import Category, Flag, Forum, Post, Thread

from .users import UserFactory


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    description = "Where the group talks."
    group = None
    public_read = False


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    forum = factory.SubFactory(ForumFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread with its first post (``body``) by its author."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    author = factory.SubFactory(UserFactory)
    last_position = 1
    last_poster = factory.SelfAttribute("author")

    @factory.post_generation
    def body(obj, create, extracted, **kwargs):
        if not create:
            return
        text = extracted or "What do you think?"
        post = Post.objects.create(
            thread=obj,
            author=obj.author,
            position=1,
            body=text,
            body_html=render_markdown(text),
            created_at=obj.created_at,
        )
        Thread.objects.filter(pk=obj.pk).update(last_post=post)
        obj.last_post = post
        forum = obj.forum
        Forum.objects.filter(pk=forum.pk).update(
            thread_count=forum.thread_count + 1,
            post_count=forum.post_count + 1,
            last_post=post,
            last_post_at=post.created_at,
        )


class PostFactory(factory.django.DjangoModelFactory):
    """A reply appended to ``thread`` (the thread's counters follow)."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reply number {n}.")
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        thread = kwargs["thread"]
        thread.refresh_from_db()
        kwargs.setdefault("position", thread.last_position + 1)
        post = super()._create(model_class, *args, **kwargs)
        Thread.objects.filter(pk=thread.pk).update(
            last_position=post.position,
            reply_count=thread.reply_count + 1,
            last_post=post,
            last_post_at=post.created_at,
            last_poster=post.author,
        )
        thread.refresh_from_db()
        return post


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    post = factory.SubFactory(PostFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = Flag.Reason.SPAM
