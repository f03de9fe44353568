"""Knowledge library factories: published resources below the library index or
below a working group's page, as editors create them."""

import factory
from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents import get_document_model

from knowledge.models import Organisation, ResourcePage
from knowledge.services import knowledge_index_get_or_create

from .pages import publish_child

# The smallest file that passes the PDF signature check.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    website = factory.LazyAttribute(
        lambda o: f"https://{o.acronym.lower()}.example.org"
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_document_model()

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.LazyAttribute(
        lambda o: ContentFile(PDF_BYTES, name=f"{slugify(o.title)}.pdf")
    )


class ResourceFactory(factory.Factory):
    """A published resource. Pass ``parent=<WorkingGroupPage>`` to own it by a
    group; ``tags``, ``organisations``, ``groups`` and ``attachments`` (documents)
    as lists; ``live=False`` keeps it a draft."""

    class Meta:
        model = ResourcePage

    title = factory.Sequence(lambda n: f"Resource {n:04d}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    introduction = factory.LazyAttribute(lambda o: f"What {o.title} is about.")
    format = "report"
    level = "national"
    language = "en"
    publication_year = 2023

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from knowledge.models import ResourceAttachment

        parent = kwargs.pop("parent", None) or knowledge_index_get_or_create()
        tags = kwargs.pop("tags", [])
        organisations = kwargs.pop("organisations", [])
        groups = kwargs.pop("groups", [])
        attachments = kwargs.pop("attachments", [])
        live = kwargs.pop("live", True)
        resource = model_class(*args, **kwargs)
        resource.tags.set(tags)
        resource.organisations = organisations
        resource.groups = groups
        resource.attachments = [
            ResourceAttachment(document=document) for document in attachments
        ]
        if not live:
            resource.live = False
            parent.add_child(instance=resource)
            resource.save_revision()
            return resource
        return publish_child(parent, resource)
