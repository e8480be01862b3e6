"""The study's vocabulary: every category, scheme and section named once. Imports nothing.

Every layer reads its category ids from here (age groups, social statuses, event directions, organisation kinds,
regional schemes, sections), so a new category is added in one place. Reader-facing labels of these ids, in
Russian and English, live in :mod:`vstudy.present.labels`.
"""

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

# The study's sections, in reading order: id → (title in English, title in Russian). The notebook of section
# ``NN_slug`` is ``notebooks/NN_slug.ipynb``.
SECTIONS: dict[str, tuple[str, str]] = {
    "00_data_quality": ("Data quality and replication", "Качество данных и воспроизводимость"),
    "01_demographics": ("Volunteer demographics", "Демография волонтёров"),
    "02_organisations": ("NGOs and initiative groups", "НПО и инициативные группы"),
    "03_correlations": ("Correlations with quality of life and wages",
                        "Корреляции с качеством жизни и заработной платой"),
    "04_maps": ("Maps of the regions", "Карты регионов"),
    "05_activities": ("Activities by direction", "Мероприятия по направлениям"),
    "06_economic_value": ("Economic value of volunteer hours", "Экономическая ценность волонтёрских часов"),
    "07_information_line": ("The information line", "Информационная линия"),
}
LANGS: tuple[str, ...] = ("en", "ru")

# Russian typography: a narrow no-break space groups thousands, a comma marks the decimals (12 345,6). The one
# place the study writes numbers the Russian way (every layer reaches it; present.text re-exports it).
RU_GROUP = "\u202f"


def localize_number(text: str, lang: str) -> str:
    """A number written the English way (``1,234.5``) as ``lang`` writes it (``1 234,5`` in Russian)."""
    if lang == "ru":
        return text.replace(",", "\0").replace(".", ",").replace("\0", RU_GROUP)
    return text


def section_title(section_id: str, lang: str = "en") -> str:
    """The title of a section in ``lang`` (``en`` or ``ru``)."""
    en, ru = SECTIONS[section_id]
    return ru if lang == "ru" else en


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

