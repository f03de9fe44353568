"""Demo translations: the home page and group 1's description in French and
Spanish, and several resources with linked French and Spanish versions.
Runs after the library's demo; safe to run again."""

from django.db import transaction
from wagtail.models import Page

from .content import page_translation_link
from .models import PageTextTranslation

HOME = {
    "fr": {
        "title": "Communauté de pratique EMIS",
        "introduction": (
            "Une communauté de partage des connaissances pour celles et ceux qui "
            "conçoivent et font vivre les systèmes d'information pour la gestion "
            "de l'éducation."
        ),
        "mission_heading": "Notre mission",
        "mission": (
            "<p>Nous mettons en relation ministères, statisticiens, ONG et "
            "fournisseurs pour partager des connaissances explicites (rapports, "
            "jeux de données, programmes de formation, communications, webinaires) "
            "et tacites (enseignements tirés, témoignages, mentorat) aux niveaux "
            "international, régional et national, et à tous les niveaux grâce aux "
            "communautés de pratique.</p>"
        ),
        "how_to_join": (
            "<p>Créez un compte, complétez votre profil, puis demandez à rejoindre "
            "un groupe de travail. Ses modérateurs examinent les demandes en "
            "quelques jours.</p>"
        ),
    },
    "es": {
        "title": "Comunidad de práctica EMIS",
        "introduction": (
            "Una comunidad para compartir conocimientos entre quienes diseñan y "
            "gestionan los sistemas de información para la gestión educativa."
        ),
        "mission_heading": "Nuestra misión",
        "mission": (
            "<p>Conectamos ministerios, estadísticos, ONG y proveedores para "
            "compartir conocimiento explícito (informes, conjuntos de datos, "
            "programas de formación, ponencias, seminarios web) y tácito "
            "(lecciones aprendidas, relatos, mentoría) en los niveles "
            "internacional, regional y nacional, y en todos ellos mediante "
            "comunidades de práctica.</p>"
        ),
        "how_to_join": (
            "<p>Cree una cuenta, complete su perfil y solicite unirse a un grupo "
            "de trabajo. Sus moderadores revisan las solicitudes en pocos días.</p>"
        ),
    },
}

GROUP_ONE = {
    "fr": {
        "introduction": (
            "Les technologies qui doivent guider le développement des futurs SIGE."
        ),
        "mission": (
            "<p>Nous étudions les technologies qui doivent guider le développement "
            "des futurs SIGE : interopérabilité, normes ouvertes, plateformes de "
            "données et architectures que les ministères peuvent maintenir.</p>"
        ),
    },
    "es": {
        "introduction": (
            "Las tecnologías que deben orientar el desarrollo de los futuros SIGE."
        ),
        "mission": (
            "<p>Analizamos las tecnologías que deben orientar el desarrollo de los "
            "futuros SIGE: interoperabilidad, estándares abiertos, plataformas de "
            "datos y arquitecturas que los ministerios puedan sostener.</p>"
        ),
    },
}

# English original title -> its translations (title, summary, lesson).
RESOURCES = {
    "Open standards for interoperable EMIS: a practical guide": {
        "fr": (
            "Normes ouvertes pour des SIGE interopérables : guide pratique",
            "Comment les ministères peuvent utiliser des normes de données "
            "ouvertes pour que les systèmes des écoles, des personnels et des "
            "élèves échangent des données sans intégrations sur mesure coûteuses.",
            None,
        ),
        "es": (
            "Estándares abiertos para SIGE interoperables: guía práctica",
            "Cómo pueden los ministerios usar estándares de datos abiertos para "
            "que los sistemas de escuelas, personal y estudiantes intercambien "
            "datos sin integraciones a medida costosas.",
            None,
        ),
    },
    "Data governance frameworks for education ministries": {
        "fr": (
            "Cadres de gouvernance des données pour les ministères de l'éducation",
            "Des dispositions types sur la propriété des données, les rôles, la "
            "qualité et le partage, que les ministères peuvent adapter dans une "
            "politique de gouvernance des données pour l'éducation.",
            None,
        ),
        "es": (
            "Marcos de gobernanza de datos para ministerios de educación",
            "Disposiciones modelo sobre propiedad de los datos, funciones, calidad "
            "e intercambio que los ministerios pueden adaptar en una política de "
            "gobernanza de datos educativos.",
            None,
        ),
    },
    "Lesson learned: a data-sharing agreement before the first API call": {
        "fr": (
            "Enseignement tiré : un accord de partage des données avant le premier "
            "appel d'API",
            "Deux ministères ont connecté leurs systèmes en une semaine, puis ont "
            "passé un an à convenir de qui pouvait utiliser les données.",
            {
                "context": "Les ministères de l'éducation et de la santé voulaient "
                "partager les données de santé scolaire.",
                "challenge": "La liaison technique était prête bien avant que "
                "quiconque ait convenu de l'usage des données.",
                "what_was_done": "Un court accord de partage des données a été "
                "rédigé avec les deux services juridiques : champs, finalités et "
                "durée de conservation.",
                "result": "Les données circulent chaque mois, et l'accord sert de "
                "modèle à d'autres ministères.",
                "lesson": "Convenir des finalités, des champs et des "
                "responsabilités avant de construire l'interface.",
                "recommendation": "Commencer chaque projet d'intégration par un "
                "accord de partage des données d'une page.",
            },
        ),
        "es": (
            "Lección aprendida: un acuerdo de intercambio de datos antes de la "
            "primera llamada a la API",
            "Dos ministerios conectaron sus sistemas en una semana y luego "
            "dedicaron un año a acordar quién podía usar los datos.",
            {
                "context": "Los ministerios de educación y de salud querían "
                "compartir datos de salud escolar.",
                "challenge": "El enlace técnico estuvo listo mucho antes de que "
                "nadie acordara para qué podían usarse los datos.",
                "what_was_done": "Se redactó con ambos equipos jurídicos un breve "
                "acuerdo de intercambio de datos: campos, finalidades y plazos de "
                "conservación.",
                "result": "Los datos fluyen cada mes y el acuerdo se convirtió en "
                "una plantilla para otros ministerios.",
                "lesson": "Acordar finalidades, campos y responsabilidades antes "
                "de construir la interfaz.",
                "recommendation": "Empezar cada proyecto de integración con un "
                "acuerdo de intercambio de datos de una página.",
            },
        ),
    },
}


def _page_texts(page: Page, texts: dict) -> None:
    for language, fields in texts.items():
        for field, text in fields.items():
            PageTextTranslation.objects.update_or_create(
                page=page, language=language, field=field, defaults={"text": text}
            )


@transaction.atomic
def load(context) -> None:
    from knowledge.demo import RESOURCES as LIBRARY
    from knowledge.demo import resource_create
    from knowledge.models import ResourcePage

    home = context.objects.get("home")
    if home is not None:
        _page_texts(home, HOME)
    groups = context.objects.get("groups") or []
    if groups:
        _page_texts(groups[0], GROUP_ONE)

    created = 0
    by_title = {data["title"]: data for data in LIBRARY}
    for title, versions in RESOURCES.items():
        original = ResourcePage.objects.filter(title=title).first()
        if original is None:
            continue
        page_translation_link(original=original, translation=original, language="en")
        for language, (translated, summary, lesson) in versions.items():
            slug = f"{original.slug}-{language}"[:80]
            existing = ResourcePage.objects.filter(slug=slug).first()
            if existing is None:
                data = {
                    key: value
                    for key, value in by_title[title].items()
                    if key not in ("organisations", "attachment", "doi", "featured")
                }
                data.update(
                    title=translated, summary=summary, language=language, slug=slug
                )
                if lesson:
                    data["lesson"] = {**data.get("lesson", {}), **lesson}
                existing = resource_create(
                    data,
                    parent=original.get_parent(),
                    owner=context.users["admin"],
                    organisations={},
                )
                created += 1
            page_translation_link(
                original=original, translation=existing, language=language
            )
    context.write(f"Translations ready ({created} translated resources added).")
