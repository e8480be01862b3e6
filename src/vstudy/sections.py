"""The study's sections: one parameterised notebook each, in reading order.

``raw_tables`` names the dataset tables (the names of ``manifest.yml``'s ``tables``) a section reads; the pipeline hashes
exactly those files, so changing one raw table re-executes only the sections that read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    number: str
    slug: str
    title_en: str
    title_ru: str
    raw_tables: tuple[str, ...] = field(default_factory=tuple)
    # Rough execution time in seconds (2 cores, the 2021 dataset). Only the first build uses it, to start the
    # longest notebooks first; later builds order by the times they measured.
    expected_seconds: float = 8.0

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"


_REGIONAL = ("official_indicators",)  # population and official statistics: every regional section reads them

SECTIONS: tuple[Section, ...] = (
    Section("00", "data_quality", "Data quality and replication", "Качество данных и воспроизводимость",
            ("*",), expected_seconds=8),
    Section("01", "demographics", "Volunteer demographics", "Демография волонтёров",
            ("age_national", "gender_national", "gender_extremes", "age_by_region", "status_national",
             "status_by_region", "headline_figures", "errata", "volunteers_by_region", *_REGIONAL),
            expected_seconds=11),
    Section("02", "organisations", "NGOs and initiative groups", "НПО и инициативные группы",
            ("organisations_by_region", "headline_figures", "volunteers_by_region", *_REGIONAL),
            expected_seconds=6),
    Section("03", "correlations", "Correlations with quality of life and wages",
            "Корреляции с качеством жизни и заработной платой",
            ("correlations_published", "organisations_by_region", "age_by_region", "status_by_region",
             "headline_figures", "volunteers_by_region", "events_by_region", "official_indicators_meta",
             *_REGIONAL),
            expected_seconds=13),
    Section("04", "maps", "Maps of the regions", "Карты регионов",
            ("organisations_by_region", "age_by_region", "status_by_region", "volunteers_by_region",
             *_REGIONAL),
            expected_seconds=11),
    Section("05", "activities", "Activities by direction", "Мероприятия по направлениям",
            ("event_directions_national", "event_directions_by_region", "org_directions_partial",
             "ways_of_volunteering", "participant_category_quotes", "events_by_region", "errata"),
            expected_seconds=7),
    Section("06", "economic_value", "Economic value of volunteer hours", "Экономическая ценность волонтёрских часов",
            ("headline_figures", "hours_by_region", *_REGIONAL), expected_seconds=7),
    Section("07", "information_line", "The information line", "Информационная линия",
            ("info_line_totals", "info_line_channels", "info_line_categories", "info_line_monthly", "errata"),
            expected_seconds=7),
)


def by_name(name: str) -> Section:
    """Find a section by number ('03'), slug ('correlations') or full name ('03_correlations')."""
    for section in SECTIONS:
        if name in (section.number, section.slug, section.name):
            return section
    known = ", ".join(s.name for s in SECTIONS)
    raise KeyError(f"unknown section {name!r}; known: {known}")
