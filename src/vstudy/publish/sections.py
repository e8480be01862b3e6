"""The study's sections as the build runs them: one parameterised notebook each, in reading order.

The sections are declared once, in the registry :data:`vstudy.vocab.SECTIONS` (id, the processed and raw tables a
section reads, its key figures, its expected execution time); their titles are the ``sections`` catalogue domain
(``sections.<id>`` in every language). This module gives the build its view of that registry: :class:`Section`
(number, slug, notebook path, the title in an edition's language) and :data:`SECTIONS` in reading order. A build of
other notebooks (the tests' fixtures) declares its own :class:`Section` entries with their ``titles``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vstudy import i18n, vocab
from vstudy.vocab import PARAMETER_DEFAULTS  # noqa: F401  (the notebooks' declared parameters)


@dataclass(frozen=True)
class Section:
    number: str
    slug: str
    tables: tuple[str, ...] = field(default_factory=tuple)
    raw_tables: tuple[str, ...] = field(default_factory=tuple)
    # Rough execution time in seconds (2 cores, the 2021 dataset). Only the first build uses it, to start the
    # longest notebooks first; later builds order by the times they measured.
    expected_seconds: float = 8.0
    # The title in each edition's language for a section outside the registry (a fixture): a mapping lang →
    # title, or a tuple in the order of vocab.LANGS. None = the ``sections`` catalogue's ``sections.<name>``.
    titles: Mapping[str, str] | tuple[str, ...] | None = None
    figures: tuple[str, ...] = field(default_factory=tuple)

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"

    def title(self, lang: str = "en") -> str:
        """The section's title in the edition ``lang``."""
        i18n.check_lang(lang)
        if self.titles is None:
            return i18n.text(lang, f"sections.{self.name}")
        titles = self.titles if isinstance(self.titles, Mapping) else dict(zip(vocab.LANGS, self.titles, strict=False))
        if lang not in titles:
            raise KeyError(f"section {self.name} has no title in {lang!r}: give its titles in "
                           f"{', '.join(vocab.LANGS)}")
        return titles[lang]

    @property
    def title_en(self) -> str:
        return self.title("en")

    @classmethod
    def of(cls, entry: vocab.Section) -> Section:
        """The build's view of a registry entry."""
        return cls(entry.number, entry.slug, entry.tables, entry.raw_tables, entry.expected_seconds,
                   figures=entry.figures)


SECTIONS: tuple[Section, ...] = tuple(Section.of(entry) for entry in vocab.SECTIONS.values())


def by_name(name: str, sections: Sequence[Section] = SECTIONS) -> Section:
    """Find a section by number ('03'), slug ('correlations') or full name ('03_correlations')."""
    for section in sections:
        if name in (section.number, section.slug, section.name):
            return section
    known = ", ".join(s.name for s in sections)
    raise KeyError(f"unknown section {name!r}; known: {known}")


def title(name: str, lang: str) -> str:
    """The title of the registry's section ``name`` (its id) in ``lang``."""
    return i18n.text(lang, vocab.SECTIONS[name].title_id)
