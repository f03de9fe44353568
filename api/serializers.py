"""What the read API says about each record. Only fields a reader of the page
would see; groups are named only when the reader may see them."""

from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forums.models import Post, Thread
from knowledge.models import ResourcePage
from knowledge.presentation import person_name
from working_groups.models import EventPage, WorkingGroupPage


def _absolute(context, path: str | None) -> str:
    request = context.get("request")
    if not path:
        return ""
    return request.build_absolute_uri(path) if request is not None else path


def _visible_group_slugs(context) -> dict[int, str]:
    return context.get("visible_groups", {})


class ErrorSerializer(serializers.Serializer):
    """DRF's error body: ``{"detail": "Not found."}``."""

    detail = serializers.CharField()


class CitationLinksSerializer(serializers.Serializer):
    bibtex = serializers.URLField()
    ris = serializers.URLField()
    csl_json = serializers.URLField()


class ResourceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    summary = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    authors = serializers.ListField(child=serializers.CharField(), source="author_list")
    organisations = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    regions = serializers.ListField(child=serializers.CharField())
    countries = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()
    citations = serializers.SerializerMethodField()
    # Empty strings when unknown, so plain strings rather than URI or enum.
    external_url = serializers.CharField(help_text="Empty when there is none.")
    licence = serializers.CharField(help_text="A licence slug, or empty.")

    class Meta:
        model = ResourcePage
        fields = [
            "id",
            "slug",
            "title",
            "url",
            "summary",
            "format",
            "knowledge_type",
            "level",
            "language",
            "year",
            "publication_date",
            "authors",
            "organisations",
            "series",
            "series_number",
            "doi",
            "external_url",
            "licence",
            "tags",
            "regions",
            "countries",
            "visibility",
            "groups",
            "first_published_at",
            "last_published_at",
            "citations",
        ]
        read_only_fields = fields

    def get_url(self, resource) -> str:
        return _absolute(
            self.context, resource.get_url(request=self.context.get("request"))
        )

    def get_organisations(self, resource) -> list[str]:
        return [organisation.name for organisation in resource.organisations.all()]

    def get_tags(self, resource) -> list[str]:
        return sorted(tag.name for tag in resource.tags.all())

    def get_countries(self, resource) -> list[str]:
        return [country.code for country in resource.countries]

    def get_groups(self, resource) -> list[str]:
        visible = _visible_group_slugs(self.context)
        return [visible[pk] for pk in sorted(resource.group_ids) if pk in visible]

    @extend_schema_field(CitationLinksSerializer)
    def get_citations(self, resource) -> dict:
        base = f"/knowledge/{resource.slug}/cite."
        return {
            "bibtex": _absolute(self.context, base + "bib"),
            "ris": _absolute(self.context, base + "ris"),
            "csl_json": _absolute(self.context, base + "json"),
        }


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField(help_text="The country's name in English.")


class EventSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()

    class Meta:
        model = EventPage
        fields = [
            "id",
            "slug",
            "title",
            "url",
            "introduction",
            "event_type",
            "start",
            "end",
            "time_zone",
            "venue",
            "country",
            "registration_open",
            "cancelled",
            "visibility",
            "group",
            "tags",
        ]
        read_only_fields = fields

    @extend_schema_field(CountrySerializer(allow_null=True))
    def get_country(self, event) -> dict | None:
        """Where the event takes place (null for an online event)."""
        if not event.country:
            return None
        with translation.override("en"):
            return {"code": event.country.code, "name": str(event.country.name)}

    def get_url(self, event) -> str:
        return _absolute(
            self.context, event.get_url(request=self.context.get("request"))
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_group(self, event) -> str | None:
        return _visible_group_slugs(self.context).get(event.group_id)

    def get_tags(self, event) -> list[str]:
        return sorted(item.tag.name for item in event.tagged_items.all())


class WorkingGroupSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = WorkingGroupPage
        fields = [
            "id",
            "slug",
            "title",
            "short_name",
            "url",
            "introduction",
            "visibility",
            "join_policy",
        ]
        read_only_fields = fields

    def get_url(self, group) -> str:
        return _absolute(
            self.context, group.get_url(request=self.context.get("request"))
        )


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "position", "author", "created_at", "edited_at", "body_html"]
        read_only_fields = fields

    def get_author(self, post) -> str:
        return person_name(post.author)


class ThreadSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    forum_name = serializers.CharField(source="forum.name", read_only=True)
    group = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "url",
            "forum",
            "forum_name",
            "group",
            "author",
            "created_at",
            "last_post_at",
            "reply_count",
            "is_pinned",
            "is_locked",
        ]
        read_only_fields = fields

    def get_url(self, thread) -> str:
        return _absolute(self.context, thread.get_absolute_url())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_group(self, thread) -> str | None:
        return _visible_group_slugs(self.context).get(thread.forum.group_id)

    def get_author(self, thread) -> str:
        return person_name(thread.author)


class ThreadDetailSerializer(ThreadSerializer):
    posts = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "posts"]
        read_only_fields = fields

    @extend_schema_field(PostSerializer(many=True))
    def get_posts(self, thread) -> list[dict]:
        return PostSerializer(
            self.context.get("posts", []), many=True, context=self.context
        ).data
