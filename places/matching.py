"""Which countries a piece of text mentions, in any of the six UN languages.

Used when text is indexed (forum threads' search documents) and once by the
migration that gave events a structured country, never per request. A country
is found by its name in English, French, Spanish, Arabic, Russian or Chinese
(official and common names, a few usual short forms), or by its ISO code
written in capitals (``SEN``, ``SN``; two-letter codes that are also everyday
words or acronyms, such as ``IT`` or ``HR``, are left out). Only the countries
of the portal's regions are matched.

In scripts with case (Latin, Cyrillic), a name matches as a proper name only:
each word the country's name capitalises ("Jordan", "Republic", "Сенегал") must
be capitalised in the text too (or written in capitals), so "chad" and "a
turkey" are no countries; words the name writes in lower case ("of", "du",
"démocratique") may be either. Arabic and Chinese have no case and match as
before. Accents never matter.
"""

import re
import unicodedata
from functools import cache

from django.utils import translation
from django_countries import countries

from .regions import COUNTRY_REGION

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-hans")

# Short forms people write that the country list does not carry.
ALIASES = {
    "AE": ["UAE", "Emirates"],
    "BA": ["Bosnia"],
    "CD": ["DRC", "DR Congo", "RDC", "RD Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Republic of the Congo"],
    "CI": ["Ivory Coast", "Cote d'Ivoire", "Côte d’Ivoire"],
    "CV": ["Cape Verde", "Cap-Vert"],
    "CZ": ["Czechia"],
    "GB": ["UK", "Britain", "Great Britain", "Royaume-Uni"],
    "KP": ["Corée du Nord"],
    "KR": ["Republic of Korea", "Corée du Sud", "Corea del Sur"],
    "LA": ["Lao PDR"],
    "MM": ["Burma"],
    "PS": ["Palestine", "Gaza", "West Bank"],
    "SZ": ["Eswatini", "Swaziland"],
    "TL": ["East Timor", "Timor-Leste"],
    "TR": ["Türkiye", "Turquie", "Turquía"],
    "TZ": ["Tanzanie"],
    "US": ["USA", "United States", "États-Unis", "Estados Unidos"],
    "VN": ["Viet Nam"],
}

# Capital two-letter codes that are mostly something else in running text.
AMBIGUOUS_CODES = {
    "AD", "AM", "AR", "AS", "AT", "AU", "BE", "BY", "CA", "CH", "CO", "CV", "DE",
    "DO", "ES", "ET", "FI", "GA", "HR", "ID", "IN", "IS", "IT", "LA", "MA", "ME",
    "ML", "MO", "MS", "MY", "NE", "NO", "PA", "PE", "PR", "PS", "SA", "SE", "SO",
    "ST", "TO", "TV", "UK",
}  # fmt: skip
AMBIGUOUS_ALPHA3 = {"AND", "ARE", "BEN", "CAN", "DOM", "FIN", "GIN", "MAC", "PER"}

# Single-word names that are also people's first names or parts of other names
# (Michael Jordan, Chad Smith, Georgia O'Keeffe, the Niger Delta, Lake Chad,
# Turkey Hill). Capitalised, they still count only when no other capitalised
# word stands right beside them (only spaces between): "in Jordan", "Amman,
# Jordan" and "Jordan and Lebanon" count, "Michael Jordan" and "Jordan Valley"
# do not. We prefer missing a rare mention to listing a discussion on the wrong
# country's page.
PERSON_LIKE_NAMES = {"jordan", "chad", "georgia", "niger", "guinea", "turkey"}
# Capitalised words that stand beside a country's name without being part of a
# person's name (sentence starts and title case: "In Jordan", "Schools Of Chad").
NEIGHBOUR_WORDS = {
    "a", "about", "across", "and", "at", "au", "by", "con", "de", "del", "des",
    "du", "en", "et", "for", "from", "in", "la", "le", "les", "of", "on", "para",
    "por", "the", "to", "via", "with", "y",
}  # fmt: skip

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def fold(text: str) -> str:
    """Case and accents do not matter: "SÉNÉGAL" and "senegal" are one name."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("’", "'").replace("‘", "'")


def _variants(name: str) -> list[str]:
    """ "Bolivia (Plurinational State of)" is also written "Bolivia"."""
    name = " ".join(str(name).split())
    variants = [name]
    if "(" in name:
        variants.append(re.sub(r"\s*\(.*?\)\s*", " ", name).strip())
    if ", " in name:
        variants.append(name.split(", ")[0])
    return [v for v in variants if len(v) >= 2]


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _russian_forms(word: str) -> list[str]:
    """Russian declines names: Сенегал, в Сенегале; Кения, из Кении."""
    if word.endswith(("ия", "ья")):
        return [word[:-1] + ending for ending in ("я", "и", "ю", "ей", "ею")]
    if word.endswith(("а", "я")):
        endings = ("а", "я", "ы", "и", "е", "у", "ю", "ой", "ей", "ою", "ею")
        return [word[:-1] + ending for ending in endings]
    if re.search(r"[бвгджзклмнпрстфхцчшщ]$", word):
        return [word + ending for ending in ("", "а", "у", "е", "ом")]
    return [word]


def _arabic_bases(word: str) -> list[str]:
    """و، ف (and) and ب، ل، ك (in, to, as) attach to a name; ل + ال is لل."""
    bases = [word]
    rest = word[1:] if word[:1] in "وف" else word
    for candidate in (rest, rest[1:] if rest[:1] in "بلك" else ""):
        if candidate and candidate not in bases:
            bases.append(candidate)
        if candidate.startswith("لل"):
            bases.append("ال" + candidate[2:])
    return bases


def _capitals(name: str) -> tuple[bool, ...]:
    """For each word of a country's name: does the name capitalise it?"""
    return tuple(
        word[:1].isupper()
        for word in _WORD.findall(unicodedata.normalize("NFC", str(name)))
    )


@cache
def _name_table() -> dict[str, tuple[str, tuple[bool, ...]]]:
    """Folded name -> (code, which of its words must be capitalised). A name
    two countries share (plain "Congo" from the Democratic Republic's long
    name) goes to the country whose own name it is, or is dropped. A word is
    required capitalised only if every spelling that folds to the name
    capitalises it."""
    own: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    capitals: dict[str, tuple[bool, ...]] = {}
    known = set(COUNTRY_REGION)

    def note(name: str) -> str:
        folded = fold(name)
        shape = _capitals(name)
        seen = capitals.get(folded)
        if seen is None or len(seen) != len(shape):
            capitals.setdefault(folded, shape)
        else:
            capitals[folded] = tuple(a and b for a, b in zip(seen, shape, strict=True))
        return folded

    for language in LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                if code not in known:
                    continue
                variants = _variants(name)
                own.setdefault(note(variants[0]), code)
                for variant in variants[1:]:
                    derived.setdefault(note(variant), set()).add(code)
            for code, names in countries.OLD_NAMES.items():
                for name in names:
                    if code in known:
                        derived.setdefault(note(name), set()).add(code)
            for code, name in countries.COMMON_NAMES.items():
                if code in known:
                    own.setdefault(note(name), code)
    for code, names in ALIASES.items():
        for name in names:
            own.setdefault(note(name), code)
    table = dict(own)
    for name, codes in derived.items():
        if name not in table and len(codes) == 1:
            table[name] = next(iter(codes))
    return {name: (code, capitals[name]) for name, code in table.items()}


Entry = tuple[tuple[str, ...], str, tuple[bool, ...]]


@cache
def _lookup() -> tuple[dict[str, list[Entry]], dict[str, str]]:
    """First word -> [(all words, code, capitalised words)], longest names
    first; and the Chinese names, found as substrings (Chinese puts no spaces
    between words)."""
    by_first: dict[str, list[Entry]] = {}
    chinese: dict[str, str] = {}
    for name, (code, capitals) in _name_table().items():
        if _CJK.search(name):
            chinese[name] = code
            continue
        words = tuple(_words(name))
        if not words:
            continue
        if len(capitals) != len(words):
            capitals = (False,) * len(words)
        forms = [words]
        if len(words) == 1 and _CYRILLIC.search(words[0]):
            forms = [(form,) for form in _russian_forms(words[0])]
        for form in forms:
            by_first.setdefault(form[0], []).append((form, code, capitals))
    for entries in by_first.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return by_first, chinese


def _written_as_name(word: str, capitalised: bool) -> bool:
    """A word of the text may stand for a name's word: capitalised (or in
    capitals) where the name capitalises it; any case in scripts without case."""
    first = word[:1]
    return not capitalised or not first.islower()


def _beside_a_name(text: str, found: list, index: int, length: int) -> bool:
    """Another capitalised word right beside words[index:index+length], with
    only spaces between: the country's name is part of some other name."""
    for neighbour in (index - 1, index + length):
        if not 0 <= neighbour < len(found):
            continue
        if neighbour < index:
            gap = text[found[neighbour].end() : found[index].start()]
        else:
            gap = text[found[index + length - 1].end() : found[neighbour].start()]
        word = found[neighbour].group()
        if (
            gap.strip() == ""
            and word[:1].isupper()
            and fold(word) not in NEIGHBOUR_WORDS
        ):
            return True
    return False


@cache
def _codes_regex() -> tuple[re.Pattern, dict[str, str]]:
    codes = {}
    for code in COUNTRY_REGION:
        if code not in AMBIGUOUS_CODES:
            codes[code] = code
        alpha3 = countries.alpha3(code)
        if alpha3 and alpha3 not in AMBIGUOUS_ALPHA3:
            codes[alpha3] = code
    pattern = r"(?<![\w\-/.])(" + "|".join(sorted(codes, key=len, reverse=True))
    return re.compile(pattern + r")(?![\w\-/]|\.\w)"), codes


def _hits(text: str) -> list[tuple[int, str]]:
    """(position, code) of every mention in ``text``, in order."""
    if not text:
        return []
    by_first, chinese = _lookup()
    hits = []
    text = unicodedata.normalize("NFC", str(text))
    found = list(_WORD.finditer(text))
    originals = [match.group() for match in found]
    words = [fold(word) for word in originals]
    index = 0
    while index < len(words):
        length = 1
        word = words[index]
        bases = _arabic_bases(word) if _ARABIC.match(word) else [word]
        for base in bases:
            entries = by_first.get(base, ())
            match = next(
                (
                    (name, code)
                    for name, code, capitals in entries
                    if tuple(words[index + 1 : index + len(name)]) == name[1:]
                    and all(
                        _written_as_name(original, capitalised)
                        for original, capitalised in zip(
                            originals[index : index + len(name)], capitals, strict=False
                        )
                    )
                ),
                None,
            )
            if match:
                name, code = match
                length = len(name)
                if not (
                    len(name) == 1
                    and name[0] in PERSON_LIKE_NAMES
                    and _beside_a_name(text, found, index, length)
                ):
                    hits.append((found[index].start(), code))
                break
        index += length
    if _CJK.search(text):
        folded = fold(text)
        for name in sorted(chinese, key=len, reverse=True):
            position = folded.find(name)
            if position >= 0 and not any(
                name in longer and longer in folded
                for longer in chinese
                if len(longer) > len(name)
            ):
                hits.append((position, chinese[name]))
    pattern, codes = _codes_regex()
    hits += [(m.start(), codes[m.group(1)]) for m in pattern.finditer(str(text))]
    return sorted(hits)


def countries_mentioned(*texts: str) -> list[str]:
    """ISO codes of the countries ``texts`` mention, in order of first mention."""
    found: list[str] = []
    for text in texts:
        for _position, code in _hits(text):
            if code not in found:
                found.append(code)
    return found


def country_of_location(*texts: str) -> str:
    """The country of a place ("King Fahd Palace, Dakar, Senegal"): the last
    one named in the first text that names one (addresses end with the
    country), or ""."""
    for text in texts:
        hits = _hits(text)
        if hits:
            return hits[-1][1]
    return ""
