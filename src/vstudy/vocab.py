"""The study's vocabulary: every category, scheme and section named once. Imports nothing.

Every layer reads its category ids from here (age groups, social statuses, event directions, organisation kinds,
regional schemes, sections), so a new category is added in one place. Reader-facing words of these ids (labels,
section titles) live in the message catalogues of :mod:`vstudy.i18n`, one per language of :data:`LANGS`.
"""

import re
from dataclasses import dataclass

# Regional schemes and their number of units. kz2021: 14 oblasts + Nur-Sultan, Almaty, Shymkent; kz2022: plus
# Abai, Zhetysu and Ulytau (split off East Kazakhstan, Almaty and Karaganda regions in 2022).
SCHEMES: dict[str, int] = {"kz2021": 17, "kz2022": 20}

# Age groups in age order. The report's "pension" list duplicates "30_to_pension" (erratum E01): the analysis uses
# the residual 100 − (the other three shares), computed once in the data layer.
AGE_GROUPS: tuple[str, ...] = ("under18", "18_29", "30_to_pension", "pension")
# Social statuses of volunteers (NEET: neither in employment nor in education or training).
STATUSES: tuple[str, ...] = ("students", "working", "unemployed", "neet")
# Directions of volunteer events: the Birgemiz programme lines and the other directions of the report.
DIRECTIONS: tuple[str, ...] = (
    "taza_alem", "qamqor", "other_social", "sayluq", "bilim", "umit_emergency",
    "culture", "ayala", "asyl_mura", "media", "sabaqtastyq",
)
# The eco-volunteering line of Birgemiz, set against air emissions by the report.
ECO_DIRECTION = "taza_alem"
# Kinds of volunteer associations: registered NGOs and unregistered initiative groups.
ORGANISATION_KINDS: tuple[str, ...] = ("ngo", "initiative_group")
GENDERS: tuple[str, ...] = ("male", "female")
# How much of a report's chapter the study takes up (data/raw/report_2021/chapters.csv), and why it leaves a
# chapter (or the rest of one) out: background; qualitative findings (focus groups, the front offices'
# experience); recommendations; assessments whose inputs were not published; a caveat on what the data cover.
# Their words: the ``coverage`` message catalogue.
CHAPTER_KINDS: tuple[str, ...] = ("quantitative", "qualitative", "mixed")
LEFT_OUT_REASONS: tuple[str, ...] = ("context", "qualitative", "recommendations", "unpublished_inputs", "caveat")

# The editions: one per language (the order of the language switch and of the builds). Every layer reads the
# languages from here; vstudy.i18n holds their catalogues and CLDR formats.
LANGS: tuple[str, ...] = ("en", "ru", "kk")


@dataclass(frozen=True)
class Section:
    """One section of the study: everything the pipeline, the pages, the study PDF, the register and the tests
    need to know of it. Adding a section is a notebook (``notebooks/<id>.ipynb``), its analysis module, its
    catalogues, its title in the ``sections`` catalogue domain (``sections.<id>`` in every language) and one
    entry of :data:`SECTIONS`.

    * ``tables``: the processed tables the section reads (stems without the ``_<scheme>`` suffix, as
      ``Study.table`` takes them, plus ``manifest.json`` for the manifest; ``*`` = every file of the processed
      layer). The pipeline hashes exactly those, so a change to one raw table re-executes only the sections whose
      processed inputs changed.
    * ``raw_tables``: dataset tables (the names of ``manifest.yml``'s ``tables``; ``*`` = every file of the
      dataset) that the notebook still reads directly.
    * ``figures``: the section's key figures (labels ``fig-…`` of its notebook); the home page shows the first two
      found in the executed notebooks.
    * ``names_regions``: the section's pages name the regions (a test checks that each edition names them in its
      language).
    * ``expected_seconds``: a rough execution time (2 cores, the 2021 dataset) by which the first build starts
      the longest notebooks first.
    """

    id: str
    tables: tuple[str, ...] = ()
    raw_tables: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    names_regions: bool = False
    expected_seconds: float = 8.0

    @property
    def number(self) -> str:
        return self.id.split("_", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split("_", 1)[1]

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.id}.ipynb"

    @property
    def title_id(self) -> str:
        """The message id of the section's title (:mod:`vstudy.i18n`, domain ``sections``)."""
        return f"sections.{self.id}"


# The study's sections, in reading order: the one registry (id → entry). Titles: catalogues/<lang>/sections.yml.
SECTIONS: dict[str, Section] = {s.id: s for s in (
    Section("00_data_quality", ("*",), expected_seconds=8),
    Section("01_demographics", ("age", "status", "national_shares", "regions", "gender_extremes"),
            names_regions=True, expected_seconds=11),
    Section("02_organisations", ("regions", "coverage", "organisations", "headline_figures"), names_regions=True,
            expected_seconds=6),
    Section("03_correlations", ("regions", "event_counts", "correlations_published", "organisations",
                                "headline_figures", "event_directions_national_corrected"),
            figures=("fig-correlations-main-forest",), names_regions=True, expected_seconds=13),
    Section("04_maps", ("regions",), names_regions=True, expected_seconds=11),
    Section("05_activities", ("event_directions", "event_counts", "event_directions_national", "regions",
                              "ways_of_volunteering", "participant_category_quotes", "org_directions_partial",
                              "errata_evaluated", "manifest.json"), figures=("fig-activities-directions-heatmap",),
            names_regions=True, expected_seconds=7),
    Section("06_economic_value", ("headline_figures", "regions", "official_national", "manifest.json"),
            expected_seconds=7),
    Section("07_information_line", ("info_line_totals", "info_line_channels", "info_line_categories",
                                    "info_line_monthly", "errata_evaluated", "manifest.json"), expected_seconds=7),
)}

# The parameters every section notebook declares in its cell tagged ``parameters`` (papermill overrides them);
# a test checks each notebook's parameters cell against this one set of defaults. Paths are relative to the
# repository root unless absolute.
PARAMETER_DEFAULTS: dict[str, object] = {
    "data_dir": "data/raw",
    "processed_dir": "data/processed",
    "scheme": "kz2021",
    "period": "2021-H2",
    "lang": "en",
    "alpha": 0.05,
    "n_boot": 2000,
    "seed": 20211231,
    "output_dir": "reports",
}



def unit_key(unit: str) -> str:
    """A unit written in words as a message key: "KZT per month" → ``kzt_per_month``."""
    return re.sub(r"[^a-z0-9]+", "_", str(unit).lower()).strip("_")


def measure_unit_id(unit: str) -> str:
    """A declared unit as the id the datasets' own records use (``indicators_meta.csv``'s ``unit``: ``kzt_per_month``,
    ``thousand_tonnes``, ``pct``, …), so that a value from the collection template carries the same unit as the
    same indicator transcribed into ``data/raw`` and is named in every edition's words."""
    key = unit_key(unit)
    return {"percent": "pct"}.get(key, key)
