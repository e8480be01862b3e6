"""The study's sections: one parameterised notebook each, in reading order.

``tables`` names the processed tables a section reads (stems without the ``_<scheme>`` suffix, as
``Study.table`` takes them, plus ``manifest.json`` for the manifest; ``*`` = every file of the processed layer).
The pipeline hashes exactly those files, so a change to one raw table re-executes only the sections whose
processed inputs changed.

``raw_tables`` names dataset tables (the names of ``manifest.yml``'s ``tables``; ``*`` = every file of the dataset)
that a notebook still reads directly instead of through the processed layer: 00 (validation and the replication
register) and 06 (the national wage rows of the official indicators, which the processed layer does not carry).
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
    tables: tuple[str, ...] = field(default_factory=tuple)
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


SECTIONS: tuple[Section, ...] = (
    Section("00", "data_quality", ("*",), expected_seconds=8),
    Section("01", "demographics", ("age", "status", "national_shares", "regions", "gender_extremes"),
            expected_seconds=11),
    Section("02", "organisations", ("regions", "coverage", "organisations", "headline_figures"), expected_seconds=6),
    Section("03", "correlations", ("regions", "event_counts", "correlations_published", "organisations",
                                   "headline_figures", "event_directions_national_corrected"), expected_seconds=13),
    Section("04", "maps", ("regions",), expected_seconds=11),
    Section("05", "activities", ("event_directions", "event_counts", "event_directions_national", "regions",
                                 "ways_of_volunteering", "participant_category_quotes", "org_directions_partial",
                                 "errata_evaluated", "manifest.json"), expected_seconds=7),
    Section("06", "economic_value", ("headline_figures", "regions", "official_national", "manifest.json"),
            expected_seconds=7),
    Section("07", "information_line", ("info_line_totals", "info_line_channels", "info_line_categories",
                                       "info_line_monthly", "errata_evaluated", "manifest.json"), expected_seconds=7),
)


def by_name(name: str, sections: Sequence[Section] = SECTIONS) -> Section:
    """Find a section by number ('03'), slug ('correlations') or full name ('03_correlations')."""
    for section in sections:
        if name in (section.number, section.slug, section.name):
            return section
    known = ", ".join(s.name for s in sections)
    raise KeyError(f"unknown section {name!r}; known: {known}")


assert tuple(s.name for s in SECTIONS) == tuple(vocab.SECTIONS), "sections and vocab.SECTIONS must list the same ids"
