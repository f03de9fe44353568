"""The controlled EMIS expertise vocabulary: suggested on the directory form and
offered as filters; members may add free tags beside it. Each area is stored as
a profile expertise tag whose name is the English term (so its slug is stable)."""

from django.utils.translation import gettext_lazy as _

# slug, stored tag name, label shown to people
EXPERTISE_AREAS = [
    ("data-collection", "data collection", _("Data collection")),
    ("school-census", "school census", _("School census")),
    ("interoperability", "interoperability", _("Interoperability")),
    ("data-governance", "data governance", _("Data governance")),
    ("gis", "GIS", _("GIS and school mapping")),
    (
        "learning-assessment-data",
        "learning assessment data",
        _("Learning assessment data"),
    ),
    ("financing", "financing", _("Education financing")),
    ("data-quality", "data quality", _("Data quality")),
    ("data-use", "data use", _("Data use and dissemination")),
    ("sdg-4-indicators", "SDG 4 indicators", _("SDG 4 indicators")),
    ("teacher-data", "teacher data", _("Teacher management data")),
    ("open-source-emis", "open-source EMIS", _("Open-source EMIS platforms")),
    ("legal-frameworks", "legal frameworks", _("Legal and policy frameworks")),
    ("dashboards", "dashboards", _("Dashboards and visualisation")),
    ("capacity-development", "capacity development", _("Capacity development")),
]

EXPERTISE_SLUGS = {slug for slug, _name, _label in EXPERTISE_AREAS}
EXPERTISE_TAG_NAMES = {slug: name for slug, name, _label in EXPERTISE_AREAS}
EXPERTISE_LABELS = {slug: label for slug, _name, label in EXPERTISE_AREAS}


def expertise_label(slug: str, name: str) -> str:
    """The translated label of a vocabulary term, else the member's own tag."""
    return str(EXPERTISE_LABELS.get(slug, name))
