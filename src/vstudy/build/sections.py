"""The study's sections: one parameterised notebook each, in reading order.

``raw_tables`` names the dataset tables (the names of ``manifest.yml``'s ``tables``) a section reads; the pipeline hashes
exactly those files, so changing one raw table re-executes only the sections that read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vstudy import vocab
from vstudy.vocab import PARAMETER_DEFAULTS  # noqa: E402,F401  (the notebooks' declared parameters)


@dataclass(frozen=True)
class Section:
    number: str
    slug: str
    raw_tables: tuple[str, ...] = field(default_factory=tuple)
    # Rough execution time in seconds (2 cores, the 2021 dataset). Only the first build uses it, to start the
    # longest notebooks first; later builds order by the times they measured.
    expected_seconds: float = 8.0
    # (English, Russian) titles; None = the titles vocab.SECTIONS gives the section's id.
    titles: tuple[str, str] | None = None

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"

    def title(self, lang: str = "en") -> str:
        if self.titles is not None:
            return self.titles[1] if lang == "ru" else self.titles[0]
        return vocab.section_title(self.name, lang)

    @property
    def title_en(self) -> str:
        return self.title("en")

    @property
    def title_ru(self) -> str:
        return self.title("ru")


_REGIONAL = ("official_indicators",)  # population and official statistics: every regional section reads them

SECTIONS: tuple[Section, ...] = (
    Section("00", "data_quality", ("*",), expected_seconds=8),
    Section("01", "demographics", ("age_national", "gender_national", "gender_extremes", "age_by_region", "status_national",
             "status_by_region", "headline_figures", "errata", "volunteers_by_region", *_REGIONAL),
            expected_seconds=11),
    Section("02", "organisations", ("organisations_by_region", "headline_figures", "volunteers_by_region", *_REGIONAL),
            expected_seconds=6),
    Section("03", "correlations", ("correlations_published", "organisations_by_region", "age_by_region", "status_by_region",
             "headline_figures", "volunteers_by_region", "events_by_region", "official_indicators_meta",
             *_REGIONAL),
            expected_seconds=13),
    Section("04", "maps", ("organisations_by_region", "age_by_region", "status_by_region", "volunteers_by_region",
             *_REGIONAL),
            expected_seconds=11),
    Section("05", "activities", ("event_directions_national", "event_directions_by_region", "org_directions_partial",
             "ways_of_volunteering", "participant_category_quotes", "events_by_region", "errata"),
            expected_seconds=7),
    Section("06", "economic_value", ("headline_figures", "hours_by_region", *_REGIONAL), expected_seconds=7),
    Section("07", "information_line", ("info_line_totals", "info_line_channels", "info_line_categories", "info_line_monthly", "errata"),
            expected_seconds=7),
)


def by_name(name: str, sections: Sequence[Section] = SECTIONS) -> Section:
    """Find a section by number ('03'), slug ('correlations') or full name ('03_correlations')."""
    for section in sections:
        if name in (section.number, section.slug, section.name):
            return section
    known = ", ".join(s.name for s in sections)
    raise KeyError(f"unknown section {name!r}; known: {known}")


assert tuple(s.name for s in SECTIONS) == tuple(vocab.SECTIONS), "sections and vocab.SECTIONS must list the same ids"
