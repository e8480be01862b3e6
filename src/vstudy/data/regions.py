"""The region gazetteer: ISO 3166-2:KZ codes, names in Russian, Kazakh and English, two regional schemes.

Schemes
-------
``kz2021``  17 units: 14 oblasts and the cities Nur-Sultan (Astana), Almaty and Shymkent.
``kz2022``  20 units: Abai, Zhetysu and Ulytau split off East Kazakhstan, Almaty and Karaganda regions.

A code names *different territory* in the two schemes for KZ-19, KZ-35 and KZ-63; a value is therefore
always keyed by ``(scheme, code)``, and 2022 values are aggregated to 2021 units through :func:`crosswalk`.

Name resolution (:func:`resolve`) folds case, ё/е, Kazakh letters, dashes, quotes and spaces, drops
designator words («область», «облысы», «город», "region", …) and Russian case endings, then looks the
remaining core up in the alias table. «Алматы»/"Almaty" alone is the city; with an oblast word it is the
region. A short name the gazetteer knows only with an oblast word («Akmola», «Aqmola», «Ақмола») names exactly one
unit and resolves to that oblast (unless it carries a city word). A name that could mean several units is refused
with the units it lies between and why: a word that is part of several names («Казахстанская область»: West,
North, East Kazakhstan, and South Kazakhstan, the former Turkistan Region), or a «name (other name)» whose parts
name different units. «Алма-Ата» alone is the city (its former name), «Алма-Атинская область» the region.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vstudy.data import paths
from vstudy.vocab import SCHEMES  # noqa: F401  (re-exported: callers write regions.SCHEMES)

_BRACKETED = re.compile(r"\(([^()]*)\)")  # «Нур-Султан (Астана)»: a name with another in brackets

# Designator words: they say what kind of unit a name is, not which one.
_OBLAST_WORDS = {
    "область", "обл", "области", "областью", "облысы", "облыс", "region", "oblast", "oblysy",
    "province", "regiony", "oblasti",
}
_CITY_WORDS = {
    "город", "города", "городе", "городом", "г", "гор", "қаласы", "қала", "каласы", "кала", "city", "qalasy",
    "kalasy", "of", "the", "республиканского", "значения",
}
_NATIONAL_NAMES = {
    "республика казахстан", "казахстан", "рк", "kazakhstan", "republic of kazakhstan",
    "kazakhstan total", "всего", "итого", "total", "қазақстан республикасы", "казакстан республикасы",
}

# Kazakh letters folded to their nearest Russian ones so that «Қостанай» and «Костанай» meet.
_KK_FOLD = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и", "ё": "е",
})
# Russian adjective case endings (genitive, dative, prepositional …) folded to the nominative feminine,
# so «Туркестанской области» and «Туркестанская область» give the same core.
_ADJ_ENDINGS = re.compile(r"(ск|цк)(ой|ую|ом|ие|их|им|ими|ая|ое)$")


class RegionNotFound(LookupError):
    """A name that does not resolve to a unit of Kazakhstan (or not to one of the requested scheme).

    ``ambiguous`` lists the units a name could mean when it names more than one (the reason says why).
    """

    def __init__(self, name: str, suggestions: list[str], reason: str = "",
                 ambiguous: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = suggestions
        self.reason = reason
        self.ambiguous = ambiguous or []
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        if self.ambiguous:
            units_ = ", ".join(f"{c} {name_of(c)}" for c in self.ambiguous)
            super().__init__(f"region name {name!r} is ambiguous between {units_}: {reason}; write the full name "
                             "or the ISO code")
        else:
            super().__init__(f"region name {name!r} does not resolve{': ' + reason if reason else ''}{hint}")


@dataclass(frozen=True)
class _Key:
    core: str
    oblast_context: bool


def _strip_accents(text: str) -> str:
    # Latin diacritics (Aqtöbe, Türkistan) go; Cyrillic letters were folded before this step.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(name: str) -> tuple[str, bool, bool]:
    """Return ``(core, had_oblast_word, had_city_word)`` for a region name in any language."""
    text = unicodedata.normalize("NFKC", str(name)).lower().translate(_KK_FOLD)
    text = re.sub(r"[\"'«»“”„‘’`()\[\],;:]", " ", text)
    text = re.sub(r"[‐‑‒–—―\-_/.]", " ", text)
    tokens = text.split()
    had_oblast = any(t in _OBLAST_WORDS for t in tokens)
    had_city = any(t in _CITY_WORDS for t in tokens)
    core_tokens = [t for t in tokens if t not in _OBLAST_WORDS and t not in _CITY_WORDS]
    # Case endings first (they contain й), then accents (NFKD would turn й into и).
    core_tokens = [_strip_accents(_ADJ_ENDINGS.sub(r"\1ая", t)) for t in core_tokens]
    return " ".join(core_tokens), had_oblast, had_city


@dataclass(frozen=True)
class Gazetteer:
    units: pd.DataFrame  # one row per code (20), with the scheme membership
    aliases: pd.DataFrame
    crosswalk_table: pd.DataFrame
    index: dict[_Key, str]
    # Cities that are not units (regional centres, cities of regional significance): core name → the row of
    # places.csv, used only to say which region a refused name lies in.
    places: dict[str, dict] = field(default_factory=dict)

    def scheme_units(self, scheme: str) -> pd.DataFrame:
        check_scheme(scheme)
        if scheme == "kz2022":
            units = self.units
        else:
            units = self.units[self.units["scheme_membership"] == "both"]
        out = units.copy()
        out.insert(0, "scheme", scheme)
        out = out.drop(columns=["scheme_membership"])
        return out.sort_values("code").reset_index(drop=True)


def check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown regional scheme {scheme!r}; expected one of {sorted(SCHEMES)}")


@functools.lru_cache(maxsize=4)
def load(directory: str | None = None) -> Gazetteer:
    """Read the gazetteer tables (default ``data/raw/regions``) and build the lookup index."""
    base = Path(directory) if directory else paths.regions_dir()
    units = pd.read_csv(base / "units.csv", dtype=str, keep_default_na=False)
    aliases = pd.read_csv(base / "aliases.csv", dtype=str, keep_default_na=False)
    crosswalk_table = pd.read_csv(base / "crosswalk_kz2022_to_kz2021.csv", dtype=str, keep_default_na=False)
    units = units.rename(columns={"scheme": "scheme_membership"})

    index: dict[_Key, str] = {}

    def add(name: str, code: str, force_oblast: bool = False) -> None:
        core, had_oblast, _ = normalise(name)
        if not core:
            return
        key = _Key(core, force_oblast or had_oblast)
        previous = index.get(key)
        if previous is not None and previous != code:
            raise ValueError(f"gazetteer alias {name!r} maps to both {previous} and {code}")
        index[key] = code

    for row in units.itertuples():
        add(row.code, row.code)
        if row.iso_letter_code:
            add(row.iso_letter_code, row.code)
        for col in ("name_en", "name_ru", "name_kk"):
            add(getattr(row, col), row.code)
    for row in aliases.itertuples():
        add(row.alias, row.code, force_oblast=row.context == "oblast")
    places: dict[str, dict] = {}
    if (base / "places.csv").is_file():
        for place in pd.read_csv(base / "places.csv", dtype=str, keep_default_na=False).to_dict("records"):
            places[normalise(place["place"])[0]] = place
    return Gazetteer(units=units, aliases=aliases, crosswalk_table=crosswalk_table, index=index, places=places)


def _place_hint(name: str, core: str, scheme: str | None) -> RegionNotFound | None:
    """A refusal that names the region a city lies in, when ``name`` is a regional centre or a city of regional
    significance (places.csv): «Семей» lies in KZ-10 Abai Region (kz2022), KZ-63 East Kazakhstan Region (kz2021)."""
    place = load().places.get(core)
    if place is None:
        return None
    kind = {"regional_centre": "the administrative centre of", "former_name": "a former name of a city in",
            "city": "a city in"}.get(place["kind"], "a city in")
    by_scheme = {"kz2022": place["code_kz2022"], "kz2021": place["code_kz2021"]}
    if scheme in by_scheme:
        code = by_scheme[scheme]
        where = f"{code} {name_of(code)}"
    elif by_scheme["kz2022"] == by_scheme["kz2021"]:
        code = by_scheme["kz2022"]
        where = f"{code} {name_of(code)}"
    else:
        code = by_scheme["kz2022"]
        where = (f"{code} {name_of(code)} in the 2022 scheme (kz2022), {by_scheme['kz2021']} "
                 f"{name_of(by_scheme['kz2021'])} in the 2021 scheme (kz2021)")
    if scheme is not None and by_scheme["kz2021"] != by_scheme["kz2022"]:
        kind = "a city in"  # its role as a centre changed in 2022 (places.csv notes say how)
    return RegionNotFound(name, [f"{code} {name_of(code)}"],
                          f"{name!r} is a city, not a region: it is {kind} {where}; write the region's name or "
                          "its ISO code")


def is_national(name: str) -> bool:
    """True for names of the whole country (rows of national totals in source tables)."""
    text = unicodedata.normalize("NFKC", str(name)).lower().replace("ё", "е")
    text = re.sub(r"[\"'«»()\[\],.:;]", " ", text)
    return " ".join(text.split()) in _NATIONAL_NAMES


def _candidates(g: Gazetteer) -> dict[str, str]:
    return {k.core: v for k, v in g.index.items()}


def suggest(name: str, n: int = 3) -> list[str]:
    """Closest known names with their codes, for error messages (one per unit)."""
    g = load()
    core, _, _ = normalise(name)
    cands = _candidates(g)
    close = difflib.get_close_matches(core, list(cands), n=3 * n, cutoff=0.6)
    names = g.units.set_index("code")["name_en"]
    out: dict[str, str] = {}
    for c in close:
        out.setdefault(cands[c], f"{cands[c]} {names[cands[c]]} ({c!r})")
    return list(out.values())[:n]


def _containing(core: str, scheme: str | None) -> list[str]:
    """Units with a known name that contains every word of ``core`` (e.g. «Казахстанская» → West, North, East …)."""
    words = set(core.split())
    if not words:
        return []
    g = load()
    inside = set(_codes(scheme)) if scheme else set(g.units["code"])
    return sorted({code for key, code in g.index.items() if words <= set(key.core.split()) and code in inside})


def resolve(name: str, scheme: str | None = None) -> str:
    """Return the ISO 3166-2:KZ code for ``name``; raise :class:`RegionNotFound` otherwise.

    With ``scheme`` the code must be a unit of that scheme (Abai does not exist in ``kz2021``).

    The «name (other name)» form of official tables («г. Нур-Султан (Астана)») resolves when the whole string
    does not: the part outside the brackets and each bracketed part are tried, and accepted only if all the
    parts that resolve agree on one unit.
    """
    g = load()
    core, had_oblast, had_city = normalise(name)
    code = None
    if core:
        if had_oblast:
            code = g.index.get(_Key(core, True))
        if code is None:
            code = g.index.get(_Key(core, False))
        if code is None and not had_city:
            # A short name known only with an oblast word («Akmola», «Ақмола») names exactly one unit: the
            # oblast. A name with a city word, or one also known alone («Алматы» = the city), is not rerouted.
            code = g.index.get(_Key(core, True))
    if code is None:
        inner = _BRACKETED.findall(name)
        if inner:
            found = {try_resolve(part, scheme) for part in [_BRACKETED.sub(" ", name), *inner]} - {None}
            if len(found) == 1:
                return found.pop()  # each part was resolved within the scheme already
            if len(found) > 1:
                raise RegionNotFound(name, [], "the part outside the brackets and the part inside name different "
                                     "units", ambiguous=sorted(found))
        several = _containing(core, scheme)
        if len(several) > 1:
            raise RegionNotFound(name, [], f"{core!r} is part of the names of {len(several)} units",
                                 ambiguous=several)
        oblast = g.index.get(_Key(core, True)) if core else None
        if oblast is not None and had_city:
            raise RegionNotFound(name, [], f"{core!r} is known as the name of {oblast} {name_of(oblast)}, an oblast, "
                                 "but the name carries a city word")
        hint = _place_hint(name, core, scheme)
        if hint is not None:
            raise hint
        raise RegionNotFound(name, suggest(name))
    if scheme is not None:
        check_scheme(scheme)
        if code not in _codes(scheme):
            part = g.units.set_index("code").loc[code, "part_of_2021"]
            raise RegionNotFound(
                name, [], f"{code} is not a unit of {scheme} (its territory belongs to {part} there)"
            )
    return code


def try_resolve(name: str, scheme: str | None = None) -> str | None:
    try:
        return resolve(name, scheme)
    except RegionNotFound:
        return None


def name_of(code: str) -> str:
    """English name of a unit (for messages)."""
    return str(_by_code().loc[code, "name_en"])


def units(scheme: str) -> pd.DataFrame:
    """The units of a scheme: scheme, code, iso_letter_code, kind, name_en, name_ru, name_kk, part_of_2021, notes."""
    return _units(scheme).copy()  # a copy: callers may change their frame, never the cached one


def codes(scheme: str) -> list[str]:
    return list(_codes(scheme))


# Validation asks for a scheme's units and codes hundreds of times; building the frame each time cost half a
# second of every `vstudy data`.
@functools.lru_cache(maxsize=8)
def _units(scheme: str) -> pd.DataFrame:
    return load().scheme_units(scheme)


@functools.lru_cache(maxsize=8)
def _codes(scheme: str) -> tuple[str, ...]:
    return tuple(_units(scheme)["code"])


# Region names are looked up for every label of every table and figure: the units indexed by code once, not per call.
@functools.lru_cache(maxsize=1)
def _by_code() -> pd.DataFrame:
    return load().units.set_index("code")


def name(code: str, lang: str = "en", short: bool = False) -> str:
    """The unit's name in ``lang`` (en|ru|kk); ``short`` drops the designator («область», "Region")."""
    full = _by_code().loc[code, f"name_{lang}"]
    if not short:
        return full
    text = re.sub(r"\b(Region|область|облысы|қаласы|город)\b", "", full)
    return " ".join(text.split())


def crosswalk() -> pd.DataFrame:
    """kz2022 code → kz2021 code, with the relation (identical, part_of, remainder_of)."""
    return load().crosswalk_table.copy()


def aggregate_to_kz2021(frame: pd.DataFrame, value_columns: list[str], code_column: str = "region_code") -> pd.DataFrame:
    """Sum additive columns (counts) of a kz2022 table to the 17 units of kz2021.

    Only counts add up: shares and rates must be recomputed from aggregated counts by the caller.
    """
    cw = crosswalk().set_index("code_kz2022")["code_kz2021"]
    unknown = sorted(set(frame[code_column]) - set(cw.index))
    if unknown:
        raise ValueError(f"codes not in the kz2022 scheme: {unknown}")
    mapped = frame.assign(**{code_column: frame[code_column].map(cw)})
    # A unit with any missing part stays missing: a partial sum would silently understate it.
    return (
        mapped.groupby(code_column, sort=True)[value_columns]
        .agg(lambda s: s.sum(skipna=False))
        .reset_index()
    )
