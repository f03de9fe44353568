from .pages import (
    RESERVED_SLUGS,
    KnowledgeIndexPage,
    ResourceAttachment,
    ResourcePage,
    ResourceTag,
)
from .snippets import Organisation

__all__ = [
    "RESERVED_SLUGS",
    "KnowledgeIndexPage",
    "Organisation",
    "ResourceAttachment",
    "ResourcePage",
    "ResourceTag",
]
