"""Forums: discussions per working group and for the whole community.

Counters and "last post" columns on Forum and Thread are denormalised so thread
lists stay cheap; only forums/services.py writes them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

# Posts shown per page of a thread; permalinks depend on it.
POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 25
# Paths under /forums/ that are not forums (see forums/urls.py).
RESERVED_SLUGS = {"moderation", "settings", "unsubscribe", "post", "flag", "suspension"}
RESERVED_SLUGS |= {"attachment"}  # composer: forums/attachment/<id>/


class Forum(ClusterableModel):
    """A working group's forum, or (without a group) the open Community forum."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        "working_groups.WorkingGroupPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forums",
        verbose_name=_("working group"),
        help_text=_("Empty for the open Community forum, where every member posts."),
    )
    public_read = models.BooleanField(
        _("public to read"),
        default=False,
        help_text=_(
            "Anyone may read this group forum (only members post). Ignored for "
            "private groups: their forums stay members-only."
        ),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "forums.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("group"), FieldPanel("public_read")], heading=_("Access")
        ),
        FieldPanel("sort_order"),
        InlinePanel("categories", label=_("Categories")),
    ]

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(group__isnull=False),
                name="one_forum_per_group",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is used by the forums themselves.")
                    % {"slug": self.slug}
                }
            )

    def get_absolute_url(self):
        return reverse("forums:forum_detail", args=[self.slug])

    @property
    def is_community(self) -> bool:
        return self.group_id is None


class Category(models.Model):
    forum = ParentalKey(Forum, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "slug"], name="category_slug_unique_in_forum"
            )
        ]

    def __str__(self):
        return self.name


class Thread(models.Model):
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="threads", verbose_name=_("forum")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_threads",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Denormalised, kept by services: visible replies, highest post position.
    reply_count = models.PositiveIntegerField(default=0)
    last_position = models.PositiveIntegerField(default=0)
    last_post = models.ForeignKey(
        "forums.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_post_at = models.DateTimeField(default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.ForeignKey(
        "forums.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer"),
    )
    resource = models.ForeignKey(
        "knowledge.ResourcePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson learned"),
        help_text=_("The knowledge resource this discussion became."),
    )

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(
                fields=["forum", "-is_pinned", "-last_post_at"],
                name="thread_forum_activity",
            ),
            models.Index(fields=["author", "created_at"], name="thread_author_recent"),
            # Latest discussions across forums (home and group pages): read
            # newest first, not every readable thread sorted.
            models.Index(
                models.F("last_post_at").desc(),
                models.F("id").desc(),
                name="thread_recent_activity",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:thread_detail", args=[self.forum.slug, self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def post_count(self) -> int:
        return self.reply_count + 1


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
    )
    # 1 is the thread's first post; stable, so permalinks land on the right page.
    position = models.PositiveIntegerField()
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    quoted_post = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resource = models.ForeignKey(
        "knowledge.ResourcePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson learned"),
        help_text=_("The knowledge resource this reply became."),
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "position"], name="post_position_unique"
            )
        ]
        indexes = [
            models.Index(fields=["author", "created_at"], name="post_author_recent"),
            models.Index(fields=["created_at"], name="post_created"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.position}"

    def get_absolute_url(self):
        return reverse("forums:post_permalink", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_first(self) -> bool:
        return self.position == 1

    @property
    def page_number(self) -> int:
        return (self.position - 1) // POSTS_PER_PAGE + 1

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"


class PostRevision(models.Model):
    """The text a post had before an edit: who edited it, when."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    previous_body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        ordering = ["-edited_at", "-pk"]


class ThreadReadState(models.Model):
    """How far a user has read a thread: the basis of unread markers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"], name="one_read_state_per_thread"
            )
        ]


class Subscription(models.Model):
    """A user watching a thread or a whole forum."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    thread = models.ForeignKey(
        Thread,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        constraints = [
            models.CheckConstraint(
                condition=(Q(forum__isnull=True) & Q(thread__isnull=False))
                | (Q(forum__isnull=False) & Q(thread__isnull=True)),
                name="subscription_forum_xor_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="one_subscription_per_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "forum"],
                condition=Q(forum__isnull=False),
                name="one_subscription_per_forum",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.thread or self.forum}"


class NotificationPreference(models.Model):
    """How a user wants to hear about new posts in what they watch."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("An email for each new post")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")
        OFF = "off", _("No email (mentions still notify)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_preference",
    )
    delivery = models.CharField(
        _("email delivery"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )
    email_mentions = models.BooleanField(
        _("email me when someone @mentions me"), default=True
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("forum notification preference")


class EmailDelivery(models.Model):
    """A post emailed to a user, so no post is ever emailed to them twice."""

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("New post")
        MENTION = "mention", _("Mention")
        DIGEST = "digest", _("Digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"], name="one_email_per_post_and_user"
            )
        ]


class Flag(models.Model):
    """A member's report of a post, waiting in the group's moderation queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        OFF_TOPIC = "off-topic", _("Off topic")
        PRIVACY = "privacy", _("Shares private or personal data")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Actioned")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="one_open_flag_per_reporter",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.post}"


class ModerationAction(models.Model):
    """The audit log: every moderator action in a forum."""

    class Action(models.TextChoices):
        PIN = "pin", _("Pinned thread")
        UNPIN = "unpin", _("Unpinned thread")
        LOCK = "lock", _("Locked thread")
        UNLOCK = "unlock", _("Unlocked thread")
        MOVE = "move", _("Moved thread")
        HIDE_THREAD = "hide-thread", _("Hid thread")
        UNHIDE_THREAD = "unhide-thread", _("Unhid thread")
        DELETE_THREAD = "delete-thread", _("Deleted thread")
        HIDE_POST = "hide-post", _("Hid post")
        UNHIDE_POST = "unhide-post", _("Unhid post")
        DELETE_POST = "delete-post", _("Deleted post")
        EDIT_POST = "edit-post", _("Edited another's post")
        MARK_ANSWER = "mark-answer", _("Marked answer")
        UNMARK_ANSWER = "unmark-answer", _("Unmarked answer")
        DISMISS_FLAG = "dismiss-flag", _("Dismissed flag")
        SUSPEND = "suspend", _("Suspended user")
        UNSUSPEND = "unsuspend", _("Lifted suspension")
        PROMOTE = "promote", _("Turned discussion into a lesson learned")
        SETTINGS = "settings", _("Changed forum settings")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.forum}"


class Suspension(models.Model):
    """A user kept from posting in a forum until ``ends_at`` (or until lifted)."""

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="suspensions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_suspensions",
    )
    reason = models.TextField(_("reason"), max_length=1000)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suspension")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.forum}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)


# The composer's models (attachments, reactions) live in their own module.
from .composer_models import PostAttachment, PostReaction  # noqa: E402, F401
