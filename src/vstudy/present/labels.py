"""Reader-facing labels in English and Russian: one place for every name a reader meets in a figure or a table.

Three kinds of key, looked up by three functions:

* :func:`label` — a *term*: a variable or a category id (an age group, a status, an event direction, a
  replication status, a family of correlation pairs …). The figures print these (:mod:`vstudy.present.plots`
  re-exports this function). The correlation study's variables and the information line's channels and request
  categories are declared with their labels in :mod:`vstudy.analysis.correlations` and
  :mod:`vstudy.analysis.infoline`; they are read from there, not copied.
* :func:`column_label` — the header of a column of a table the study writes (``tables/*.csv``); a column
  without a header of its own falls back to the term of the same name (``under18`` → "Under 18").
* :func:`value_label` — a cell that holds an id (``x``, ``family``, ``status`` …): the term, else the column
  label (``quantity`` and ``metric`` cells name columns), else the section title. :data:`ID_COLUMNS` says which
  columns hold ids, so that :mod:`vstudy.present.tables` translates them without being told.

Unknown keys raise ``KeyError`` unless a ``default`` is given: a silent fallback would put a raw id such as
``umit_emergency`` on a page. Region codes have their own function, :func:`region_label`.
"""

from __future__ import annotations

import functools
import re

from vstudy.data import regions
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, LANGS, SECTIONS, STATUSES, section_title

_MISSING = object()

# --------------------------------------------------------------------------------------------- terms
# Category ids and the variables the figures print. Category ids and variable names do not collide, so one key
# space per language suffices. Each entry: key → (English, Russian).
_TERMS: dict[str, tuple[str, str]] = {
    # age groups
    "under18": ("Under 18", "Младше 18 лет"),
    "18_29": ("18–29", "18–29 лет"),
    "30_to_pension": ("30 to pension age", "От 30 лет до пенсионного возраста"),
    "pension": ("Pension age", "Пенсионного возраста"),
    # social statuses
    "students": ("Students", "Учащиеся"),
    "working": ("Employed and self-employed", "Работающие и самозанятые"),
    "unemployed": ("Unemployed", "Безработные"),
    "neet": ("NEET", "NEET"),
    # genders
    "male": ("Male", "Мужчины"),
    "female": ("Female", "Женщины"),
    # event directions: Birgemiz programme names stay in Latin Kazakh (as printed in the report's lists)
    "taza_alem": ("Birgemiz: Taza Álem", "Birgemiz: Taza Álem"),
    "qamqor": ("Birgemiz: Qamqor", "Birgemiz: Qamqor"),
    "other_social": ("Other social volunteering", "Другое социальное волонтёрство"),
    "sayluq": ("Birgemiz: Saýlyq", "Birgemiz: Saýlyq"),
    "bilim": ("Birgemiz: Bilim", "Birgemiz: Bilim"),
    "umit_emergency": ("Birgemiz: Úmit and emergency volunteering", "Birgemiz: Úmit и ЧС-волонтёрство"),
    "culture": ("Volunteering in culture", "Волонтёрство в сфере культуры"),
    "ayala": ("Birgemiz: Ayala", "Birgemiz: Ayala"),
    "asyl_mura": ("Birgemiz: Asyl Mura", "Birgemiz: Asyl Mura"),
    "media": ("Media volunteering", "Медиа-волонтёрство"),
    "sabaqtastyq": ("Birgemiz: Sabaqtastyq", "Birgemiz: Sabaqtastyq"),
    # variables and words of the figures
    "region": ("Region", "Регион"),
    "age_group": ("Age group", "Возрастная группа"),
    "status": ("Social status", "Социальный статус"),
    "gender": ("Gender", "Пол"),
    "direction": ("Direction of events", "Направление мероприятий"),
    "share_pct": ("Share, %", "Доля, %"),
    "volunteers": ("Volunteers", "Число волонтёров"),
    "volunteers_per_100k": ("Volunteers per 100,000 population", "Волонтёров на 100 тыс. населения"),
    "volunteers_share_12plus": ("Volunteers, % of population aged 12+", "Волонтёры, % населения в возрасте от 12 лет"),
    "organisations": ("Volunteer organisations and initiative groups", "Волонтёрские организации и инициативные группы"),
    "organisations_per_100k": ("Organisations per 100,000 population", "Организаций на 100 тыс. населения"),
    "events": ("Events", "Мероприятия"),
    "population_total": ("Population", "Численность населения"),
    "grp_per_capita": ("GRP per capita, thousand tenge", "ВРП на душу населения, тыс. тенге"),
    "unemployment_rate_annual": ("Unemployment rate, %", "Уровень безработицы, %"),
    "life_expectancy_at_birth_total": ("Life expectancy at birth, years", "Ожидаемая продолжительность жизни, лет"),
    "r": ("Correlation coefficient r", "Коэффициент корреляции r"),
    "national": ("Kazakhstan", "Казахстан"),
    "no_data": ("No data", "Нет данных"),
    "city_marker": ("City of republican significance", "Город республиканского значения"),
    "linear_fit": ("Linear fit", "Линейная регрессия"),
    "pct": ("%", "%"),
    "per_100k": ("per 100,000", "на 100 тыс."),
    "persons": ("persons", "чел."),
    # replication statuses (vstudy.analysis.replication)
    "register_claims_count": ("Number of published numbers (and derived values)",
                              "Число опубликованных (и выведенных) чисел"),
    "reproduced": ("Reproduced", "Воспроизводится"),
    "differs": ("Differs", "Расходится"),
    "not reproducible": ("Not reproducible", "Не воспроизводимо"),
    "consistent": ("Consistent", "Согласуется"),
    "derived": ("Derived", "Выведено"),
    # families of correlation pairs and sides of the correlation study (vstudy.analysis.correlations)
    "composition": ("Composition of volunteers", "Состав волонтёров"),
    "report": ("The report's coefficients", "Коэффициенты отчёта"),
    "quality_of_life": ("Quality of life", "Качество жизни"),
    "wages": ("Wages and income", "Заработная плата и доходы"),
    "context": ("Context", "Контекст"),
    # correlation methods
    "pearson": ("Pearson", "Пирсон"),
    "spearman": ("Spearman", "Спирмен"),
    # map classifications (vstudy.present.maps)
    "quantiles": ("Quantiles", "Квантили"),
    "natural_breaks": ("Natural breaks (k-means)", "Естественные границы (k-средних)"),
    "equal_interval": ("Equal intervals", "Равные интервалы"),
    "fisher_jenks": ("Fisher–Jenks", "Фишер–Дженкс"),
    # section 04's map titles and legend units (vstudy.present.figures.map_specs)
    "map_organisations_per_100k": ("Organisations per 100,000", "Организаций на 100 тыс."),
    "map_ngo_share_pct": ("NGOs, % of organisations", "НПО, % организаций"),
    "map_vol_age_18_29_pct": ("Volunteers aged 18–29, %", "Волонтёры 18–29 лет, %"),
    "map_vol_students_pct": ("Students among volunteers, %", "Учащиеся среди волонтёров, %"),
    "map_vol_unemployed_pct": ("Unemployed volunteers, %", "Безработные среди волонтёров, %"),
    "map_population_thousands": ("Population", "Численность населения"),
    "map_volunteers_per_100k": ("Volunteers per 100,000", "Волонтёров на 100 тыс."),
    "per_100k_population": ("per 100,000 population", "на 100 тыс. населения"),
    "thousand_persons": ("thousand persons", "тыс. чел."),
    "regional_scheme_kz2021": ("the administrative division of 2021", "административно-территориальному делению 2021 года"),
    "regional_scheme_kz2022": ("the administrative division since June 2022",
                               "административно-территориальному делению с июня 2022 года"),
    # gender extremes
    "highest_male_share": ("Highest share of men", "Наибольшая доля мужчин"),
    "lowest_male_share": ("Lowest share of men", "Наименьшая доля мужчин"),
    # participant categories of events and what the report says of a region
    "pro_bono": ("Pro bono volunteers", "Волонтёры ProBono"),
    "children": ("Children volunteers", "Дети-волонтёры"),
    "corporate": ("Corporate volunteering", "Корпоративное волонтёрство"),
    "silver": ("Silver (older) volunteers", "Серебряное волонтёрство"),
    "general": ("General volunteering", "Общее волонтёрство"),
    "inclusive": ("Inclusive volunteering", "Инклюзивное волонтёрство"),
    "highest": ("Highest", "Наибольшая доля"),
    "lowest": ("Lowest", "Наименьшая доля"),
    "none": ("None recorded", "Не отмечено"),
    "only_once": ("Only once", "Единожды"),
    # ways of volunteering
    "offline": ("Offline volunteering", "Офлайн-волонтёрство"),
    "auto": ("Auto volunteering", "Авто-волонтёрство"),
    "online": ("Online volunteering", "Онлайн-волонтёрство"),
    "sum": ("Sum", "Сумма"),
    # kinds of errata of the report (errata.csv rule_id)
    "duplicate_list": ("Duplicated list", "Повторённый список"),
    "prose_vs_table": ("Text contradicts the table", "Текст расходится с таблицей"),
    "misspelt_region": ("Misspelt region name", "Опечатка в названии региона"),
    "heading_reused": ("Heading reused", "Повторённый заголовок"),
    "truncated_label": ("Truncated label", "Обрезанная подпись"),
    "unlabelled_values": ("Values without labels", "Значения без подписей"),
    "sum_exceeds_100": ("Shares add up to more than 100", "Сумма долей больше 100"),
    "stray_footnote_mark": ("Stray footnote mark", "Лишний знак сноски"),
    "label_variant": ("Label varies", "Разные варианты подписи"),
    "parts_sum_total": ("Parts do not add up to the total", "Части не складываются в итог"),
    "period_mismatch": ("Period mismatch", "Несовпадение периода"),
    "typo_variable_name": ("Typo in a variable name", "Опечатка в названии переменной"),
    "unnamed_variable": ("Unnamed variable", "Переменная не названа"),
    "typo_text": ("Typo in the text", "Опечатка в тексте"),
    "not_a_share_of_the_events": ("Not a share of the events", "Не доля от числа мероприятий"),
    "copy_of_another_value": ("Copy of another value", "Копия другого значения"),
    "arithmetic": ("Arithmetic error", "Арифметическая ошибка"),
    # validation rules and severities (vstudy.data.schemas)
    "sums_to_100": ("Shares add up to 100", "Сумма долей равна 100"),
    "distinct_lists": ("Lists are distinct", "Списки различаются"),
    "warning": ("Warning", "Предупреждение"),
    "error": ("Error", "Ошибка"),
    # units
    "thousand_tonnes": ("thousand tonnes", "тыс. т"),
    "km2": ("km²", "км²"),
    "kzt_per_month": ("tenge a month", "тенге в месяц"),
    "rank": ("rank", "место в рейтинге"),
    "points_of_100": ("points of 100", "баллов из 100"),
    "count": ("number", "число"),
    "thousand_kzt": ("thousand tenge", "тыс. тенге"),
    "usd": ("US dollars", "долл. США"),
    "years": ("years", "лет"),
    "months": ("months", "месяцев"),
    "days": ("days", "дней"),
    "requests": ("requests", "обращений"),
    "requests per day": ("requests a day", "обращений в день"),
    "percent": ("per cent", "%"),
    # economic value inputs (section 06) and dataset tables named in its inputs
    "hours_6_months": ("Volunteer hours, six months", "Волонтёрские часы за шесть месяцев"),
    # headline figures of the report shown on the home page (vstudy.build.pages.HEADLINE_IDS)
    "volunteers_total": ("Volunteers in permanent volunteer activity",
                         "Волонтёры, задействованные в постоянной волонтёрской деятельности"),
    "data_period_months": ("Data period, months", "Период данных, месяцев"),
    "economic_value_min_kzt_per_year": ("Published economic value (lower bound), tenge a year",
                                        "Опубликованная экономическая ценность (нижняя оценка), тенге в год"),
    "front_office_coverage_pct": ("Coverage of the front offices, %", "Охват фронт-офисами, %"),
    "front_office_coverage_lowest_pct": ("Lowest coverage of the front offices, %", "Наименьший охват фронт-офисами, %"),
    "hours_by_region": ("Volunteer hours by region", "Волонтёрские часы по регионам"),
    # information line: totals and observations (info_line_totals.csv metric)
    "operation_period_months": ("Months of operation", "Месяцев работы"),
    "requests_total": ("Requests, total", "Обращений всего"),
    "requests_volunteering": ("Requests about volunteering", "Обращений по волонтёрству"),
    "requests_complaint_law_violation": ("Complaints of a violation of the law", "Жалоб на нарушение закона"),
    "requests_not_volunteering": ("Requests not about volunteering", "Обращений не по волонтёрству"),
    "requests_two_channels_simultaneously": ("Requests on two channels at once", "Обращений одновременно по двум каналам"),
    "share_from_private_persons_in_hardship_pct": ("From private persons in hardship, %",
                                                   "От частных лиц в трудной ситуации, %"),
    "aug_share_directly_volunteering_pct": ("August: directly about volunteering, %",
                                            "Август: непосредственно о волонтёрстве, %"),
    "sep_share_grant_programmes_pct": ("September: grant programmes, %", "Сентябрь: грантовые программы, %"),
    "sep_share_want_to_volunteer_pct": ("September: want to volunteer, %", "Сентябрь: хотят стать волонтёрами, %"),
    "sep_share_hardship_and_consultations_pct": ("September: hardship and consultations, %",
                                                 "Сентябрь: трудная ситуация и консультации, %"),
    "oct_activity_spikes": ("October: spikes of activity", "Октябрь: всплесков активности"),
    "oct_response_delay_days_min": ("October: shortest response delay, days", "Октябрь: наименьшая задержка ответа, дней"),
    "oct_response_delay_days_max": ("October: longest response delay, days", "Октябрь: наибольшая задержка ответа, дней"),
    "avg_requests_per_day": ("Requests a day, average", "Обращений в день, в среднем"),
    "nov_share_related_to_volunteering_pct": ("November: related to volunteering, %",
                                              "Ноябрь: связаны с волонтёрством, %"),
    "share_volunteering_requests_own_interest": ("Requests about volunteering out of own interest",
                                                 "Обращения по волонтёрству из личного интереса"),
    # information line: the checks of the stated totals (vstudy.analysis.infoline.checks_table)
    "subjects add up to the total": ("Subjects add up to the total", "Темы обращений в сумме дают общий итог"),
    "categories add up to the volunteering requests": ("Categories add up to the volunteering requests",
                                                       "Категории в сумме дают число обращений по волонтёрству"),
    "channels minus double-counted add up to the total": ("Channels minus double-counted add up to the total",
                                                          "Каналы за вычетом учтённых дважды дают общий итог"),
    # national shares of events by direction: status of each share (vstudy.analysis.activities)
    "not_published_agree": ("Not published; residual and reconstruction agree",
                            "Не опубликовано; остаток и восстановление совпадают"),
    "not_published_differ": ("Not published; residual and reconstruction differ",
                             "Не опубликовано; остаток и восстановление расходятся"),
    "not_published": ("Not published", "Не опубликовано"),
    "published_no_lists": ("Published; no regional lists to reconstruct",
                           "Опубликовано; нет региональных списков для восстановления"),
    # annual working-time norms and where they come from (vstudy.analysis.economics.annual_norm_options)
    "week_40x52": ("40 h a week × 52 weeks", "40 ч в неделю × 52 недели"),
    "week_40x52_less_leave": ("40 h a week × 52 weeks less annual leave",
                              "40 ч в неделю × 52 недели за вычетом ежегодного отпуска"),
    "month_176x12": ("176 h a month × 12", "176 ч в месяц × 12"),
    "month_168x12": ("168 h a month × 12", "168 ч в месяц × 12"),
    "month_160x12": ("160 h a month × 12", "160 ч в месяц × 12"),
    "labour_code_art68": ("Labour Code RK art. 68 (≤ 40 h a week); no deduction for holidays or leave",
                          "Трудовой кодекс РК, ст. 68 (не более 40 ч в неделю); без вычета праздников и отпуска"),
    "labour_code_art68_less_art88": ("Art. 68, less the 24 calendar days of art. 88 (≈ 17.1 working days of 8 h)",
                                     "Ст. 68 за вычетом 24 календарных дней по ст. 88 (≈ 17,1 рабочего дня по 8 ч)"),
    "working_days_22x8": ("22 working days × 8 h", "22 рабочих дня × 8 ч"),
    "working_days_21x8": ("21 working days × 8 h", "21 рабочий день × 8 ч"),
    "working_days_20x8": ("20 working days × 8 h", "20 рабочих дней × 8 ч"),
}

# --------------------------------------------------------------------------------------------- columns
# Headers of the columns of the tables the study writes. A column missing here falls back to the term of the same
# name (an age group, a direction, a correlation variable). "CI" is the confidence interval at the study's
# ``alpha``; the level is not typed into a header because ``alpha`` is a parameter.
_COLUMNS: dict[str, tuple[str, str]] = {
    "meaning": ("Meaning", "Значение"),
    # regions
    "region_code": ("Region", "Регион"),
    "region": ("Region", "Регион"),
    "region_as_published": ("Region as published", "Регион в отчёте"),
    "influential_region": ("Most influential region", "Наиболее влиятельный регион"),
    # data quality, inventory and coverage
    "indicator": ("Indicator", "Показатель"),
    "ref_period": ("Reference period", "Период"),
    "unit": ("Unit", "Единица измерения"),
    "regions_covered": ("Regions with a value", "Регионов со значением"),
    "regions_in_scheme": ("Regions in the scheme", "Регионов в схеме"),
    "national_value": ("National value", "Значение по стране"),
    "missing_regions": ("Regions without a value", "Регионы без значения"),
    "sources": ("Sources", "Источники"),
    "erratum_id": ("Erratum", "Ошибка отчёта"),
    "rule_id": ("Kind of error", "Вид ошибки"),
    "file": ("File", "Файл"),
    "description_en": ("Description", "Описание (англ.)"),
    "description_ru": ("Description (Russian)", "Описание"),
    "evidence": ("Evidence", "Подтверждение"),
    "correction": ("Correction applied", "Исправление"),
    "evidence_ru": ("Evidence (Russian)", "Подтверждение (рус.)"),
    "correction_ru": ("Correction applied (Russian)", "Исправление (рус.)"),
    "table": ("Table", "Таблица"),
    "present": ("Present", "Есть в данных"),
    "rows": ("Rows", "Строк"),
    "row": ("Row", "Строка"),
    "column": ("Column", "Столбец"),
    "value": ("Value", "Значение"),
    "rule": ("Rule", "Правило"),
    "severity": ("Severity", "Уровень"),
    "erratum": ("Erratum", "Ошибка отчёта"),
    "message": ("Message", "Сообщение"),
    # replication register
    "claim_id": ("Claim", "Показатель"),
    "section": ("Section", "Раздел"),
    "claim": ("Published claim", "Опубликованный показатель"),
    "published_value": ("Published value", "Опубликованное значение"),
    "recomputed_value": ("Recomputed value", "Пересчитанное значение"),
    "difference": ("Difference", "Разница"),
    "status": ("Status", "Статус"),
    "note": ("Note", "Примечание"),
    "claim_ru": ("Published claim (Russian)", "Опубликованный показатель"),
    "note_ru": ("Note (Russian)", "Примечание"),
    "claim_kk": ("Published claim (Kazakh)", "Опубликованный показатель (на казахском)"),
    "note_kk": ("Note (Kazakh)", "Примечание (на казахском)"),
    "total": ("Total", "Всего"),
    # demographics
    "tvd_age_pp": ("Distance from the national age mix, p.p.", "Отклонение от возрастной структуры страны, п. п."),
    "tvd_status_pp": ("Distance from the national status mix, p.p.",
                      "Отклонение от структуры страны по статусу, п. п."),
    "tvd_mean_pp": ("Mean distance, p.p.", "Среднее отклонение, п. п."),
    "age_largest_gap": ("Age group furthest from the national share", "Возрастная группа с наибольшим отклонением"),
    "age_largest_gap_pp": ("Largest age gap, p.p.", "Наибольшее отклонение по возрасту, п. п."),
    "status_largest_gap": ("Status furthest from the national share", "Статус с наибольшим отклонением"),
    "status_largest_gap_pp": ("Largest status gap, p.p.", "Наибольшее отклонение по статусу, п. п."),
    "male_pct": ("Men, %", "Мужчины, %"),
    "female_pct": ("Women, %", "Женщины, %"),
    "extreme": ("Extreme", "Крайнее значение"),
    "dimension": ("Breakdown", "Разрез"),
    "category": ("Category", "Категория"),
    "label": ("Label", "Название"),
    "age_30_to_pension_pct": ("30 to pension age, %", "От 30 лет до пенсионного возраста, %"),
    "pension_published_pct": ("Pension age, published, %", "Пенсионный возраст, в отчёте, %"),
    "pension_corrected_pct": ("Pension age, corrected, %", "Пенсионный возраст, исправлено, %"),
    "published_is_duplicate": ("Published list repeats «30 to pension age»",
                               "Список отчёта повторяет «от 30 лет до пенсионного возраста»"),
    "sum_with_published_pct": ("Sum with the published share, %", "Сумма с долей из отчёта, %"),
    "sum_with_corrected_pct": ("Sum with the corrected share, %", "Сумма с исправленной долей, %"),
    # organisations
    "ngo_count": ("NGOs", "НПО"),
    "initiative_group_count": ("Initiative groups", "Инициативные группы"),
    "group_share_pct": ("Initiative groups, % of organisations", "Инициативные группы, % организаций"),
    "initiative_group_share_pct": ("Initiative groups, % of organisations", "Инициативные группы, % организаций"),
    "share_of_national_ngo_pct": ("Share of the country's NGOs, %", "Доля от НПО страны, %"),
    "share_of_national_groups_pct": ("Share of the country's initiative groups, %",
                                     "Доля от инициативных групп страны, %"),
    "ngo_per_100k": ("NGOs per 100,000 population", "НПО на 100 тыс. населения"),
    "initiative_groups_per_100k": ("Initiative groups per 100,000 population",
                                   "Инициативных групп на 100 тыс. населения"),
    "quantity": ("Quantity", "Показатель"),
    "recomputed": ("Recomputed", "Пересчитано"),
    "published": ("Published", "В отчёте"),
    "implied_national_pct": ("National share implied by the volunteer counts, %",
                             "Доля по стране, вытекающая из численности волонтёров, %"),
    "volunteers_per_association": ("Volunteers per association", "Волонтёров на одно объединение"),
    # correlations
    "family": ("Family of pairs", "Семейство пар"),
    "x": ("Variable x", "Переменная x"),
    "y": ("Variable y", "Переменная y"),
    "x_column": ("Column of x", "Столбец x"),
    "y_column": ("Column of y", "Столбец y"),
    "x_en": ("x, as the report names it", "x, как в отчёте (англ.)"),
    "y_en": ("y, as the report names it", "y, как в отчёте (англ.)"),
    "method": ("Method", "Метод"),
    "n": ("n", "n"),
    "r": ("r", "r"),
    "ci_low": ("CI, lower", "ДИ, нижняя граница"),
    "ci_high": ("CI, upper", "ДИ, верхняя граница"),
    "boot_low": ("Bootstrap CI, lower", "Бутстрэп-ДИ, нижняя граница"),
    "boot_high": ("Bootstrap CI, upper", "Бутстрэп-ДИ, верхняя граница"),
    "p": ("p", "p"),
    "p_perm": ("p (permutation)", "p (перестановки)"),
    "p_holm": ("p (Holm)", "p (Холм)"),
    "p_bh": ("p (Benjamini–Hochberg)", "p (Бенджамини–Хохберг)"),
    "r_without_influential": ("r without that region", "r без этого региона"),
    "change_without_influential": ("Change of r without that region", "Изменение r без этого региона"),
    "perm_exact": ("Exact permutation test", "Точный перестановочный тест"),
    "n_perm_used": ("Permutations", "Перестановок"),
    "n_boot_valid": ("Valid bootstrap resamples", "Пригодных бутстрэп-выборок"),
    "n_boot_degenerate": ("Degenerate bootstrap resamples", "Вырожденных бутстрэп-выборок"),
    "why": ("Why this pair", "Зачем эта пара"),
    "main": ("Main pair", "Основная пара"),
    "coef_id": ("Coefficient", "Коэффициент"),
    "r_published": ("r in the report", "r в отчёте"),
    "r_minus_published": ("r minus the report's r", "r минус r отчёта"),
    "power": ("Power", "Мощность"),
    "r_detectable": ("Smallest detectable r", "Наименьший обнаружимый r"),
    "significant_raw": ("Significant, uncorrected", "Значим без поправки"),
    "significant_holm": ("Significant after Holm", "Значим с поправкой Холма"),
    "significant_bh": ("Significant after Benjamini–Hochberg", "Значим с поправкой Бенджамини–Хохберга"),
    "reading": ("Reading", "Интерпретация"),
    "control": ("Controlled for", "Контрольная переменная"),
    "n_partial": ("n (partial)", "n (частная)"),
    "r_partial": ("Partial r", "Частный r"),
    "r_partial_ci_low": ("Partial r, CI lower", "Частный r, ДИ нижняя граница"),
    "r_partial_ci_high": ("Partial r, CI upper", "Частный r, ДИ верхняя граница"),
    "p_partial": ("p (partial)", "p (частный)"),
    "note_partial": ("Note on the partial r", "Примечание к частному r"),
    "n_ols": ("n (OLS)", "n (МНК)"),
    "slope": ("Slope", "Наклон"),
    "slope_se_hc3": ("Standard error of the slope (HC3)", "Стандартная ошибка наклона (HC3)"),
    "slope_ci_low": ("Slope, CI lower", "Наклон, ДИ нижняя граница"),
    "slope_ci_high": ("Slope, CI upper", "Наклон, ДИ верхняя граница"),
    "p_slope_hc3": ("p (slope, HC3)", "p (наклон, HC3)"),
    "r2": ("R²", "R²"),
    "max_leverage": ("Largest leverage", "Наибольший рычаг"),
    "note_ols": ("Note on the regression", "Примечание к регрессии"),
    "variable": ("Variable", "Переменная"),
    "side": ("Group of variables", "Группа переменных"),
    "regions_with_value": ("Regions with a value", "Регионов со значением"),
    "of_regions": ("Regions in the table", "Регионов в таблице"),
    # maps
    "min": ("Minimum", "Минимум"),
    "max": ("Maximum", "Максимум"),
    "classification": ("Classification", "Классификация"),
    "k": ("Classes", "Классов"),
    "skewness": ("Skewness", "Асимметрия"),
    "outliers": ("Outliers", "Выбросы"),
    "justification": ("Why this classification", "Обоснование классификации"),
    "population_thousands": ("Population, thousands", "Население, тыс. человек"),
    # activities
    "direction_id": ("Direction", "Направление"),
    "events": ("Events", "Мероприятия"),
    "region_events": ("Events in the region", "Мероприятий в регионе"),
    "recomputed_share_pct": ("Recomputed share, %", "Пересчитанная доля, %"),
    "label_as_published": ("Label as published", "Название в отчёте"),
    "published_pct": ("Published, %", "В отчёте, %"),
    "residual_pct": ("Residual, %", "Остаток, %"),
    "reconstructed_events": ("Events, reconstructed", "Мероприятий, восстановлено"),
    "reconstructed_pct": ("Reconstructed, %", "Восстановлено, %"),
    "difference_pct": ("Difference, p.p.", "Разница, п. п."),
    "order_in_text": ("Order in the text", "Порядок в тексте"),
    "source_line": ("Line of the report", "Строка отчёта"),
    "statement": ("What the report says", "Что сказано в отчёте"),
    "share_of_events_pct": ("Share of events, %", "Доля мероприятий, %"),
    "sum_pct": ("Sum, %", "Сумма, %"),
    "n_directions": ("Directions", "Направлений"),
    "within_tolerance": ("Within rounding", "В пределах округления"),
    "way": ("Way of volunteering", "Форма волонтёрства"),
    "label_ru": ("Label in Russian", "Название"),
    # economic value
    "norm": ("Working-time norm", "Норма рабочего времени"),
    "hours_per_year": ("Hours a year", "Часов в год"),
    "basis": ("Basis", "Основание"),
    "employees": ("Employees", "Работников"),
    "reproduces_published": ("Reproduces the report", "Совпадает с отчётом"),
    "input": ("Input", "Исходная величина"),
    "wage_basis": ("Wage basis", "База заработной платы"),
    "coverage": ("Coverage", "Охват"),
    "solve_for": ("Solved for", "Искомая величина"),
    "hours_worked_per_month": ("Hours worked a month", "Отработанных часов в месяц"),
    "wage_kzt_per_month": ("Wage, tenge a month", "Заработная плата, тенге в месяц"),
    "hourly_wage_kzt": ("Hourly wage, tenge", "Часовая ставка, тенге"),
    "annual_hours_scaled": ("Hours a year, scaled to full coverage", "Часов в год с поправкой на охват"),
    "value_kzt_per_year": ("Value, tenge a year", "Стоимость, тенге в год"),
    "value_bn_kzt_per_year": ("Value, billion tenge a year", "Стоимость, млрд тенге в год"),
    "reaches_target": ("Reaches the report's value", "Достигает значения отчёта"),
    # information line
    "category_id": ("Category", "Категория"),
    "requests_count": ("Requests", "Обращений"),
    "requests": ("Requests", "Обращений"),
    "share_of_categories_pct": ("Share of the categorised requests, %", "Доля среди обращений по категориям, %"),
    "share_of_volunteering_requests_pct": ("Share of the requests about volunteering, %",
                                           "Доля среди обращений по волонтёрству, %"),
    "channel": ("Channel", "Канал"),
    "share_of_channel_contacts_pct": ("Share of the contacts by channel, %", "Доля среди обращений по каналам, %"),
    "share_of_requests_pct": ("Share of the requests, %", "Доля обращений, %"),
    "check": ("Check", "Проверка"),
    "stated": ("Stated", "Указано"),
    "sum_of_parts": ("Sum of the parts", "Сумма частей"),
    "month": ("Month", "Месяц"),
    "date_from": ("From", "С"),
    "date_to": ("To", "По"),
    "metric": ("Indicator", "Показатель"),
    # the replication register and data-quality tables (vstudy.analysis.replication)
    "published_as_printed": ("Published, as printed", "Опубликовано (как напечатано)"),
    "schema": ("Schema", "Схема"),
    "period": ("Period", "Период"),
    "missing": ("Missing", "Нет данных"),
    "regions of the scheme": ("Regions of the scheme", "Регионов в схеме"),
    "regions with a value": ("Regions with a value", "Регионов со значением"),
    "what is wrong": ("What is wrong", "В чём ошибка"),
    "found by": ("Found by", "Как найдено"),
    "report lines": ("Lines of the report", "Строки отчёта"),
    "handling": ("Handling", "Как учтено"),
    # the correlation study (vstudy.analysis.correlations)
    "role": ("Role (primary or sensitivity)", "Роль (основной метод или проверка)"),
    "test_family": ("Family of tests", "Семейство проверок"),
    "finding": ("Finding", "Вывод"),
    "linked_set": ("Linked set of shares", "Связанный набор долей"),
    "subset": ("On a subset of the regions", "На части регионов"),
    "x_scale": ("Scale of x", "Шкала x"),
    "y_scale": ("Scale of y", "Шкала y"),
    "scale": ("Scale", "Шкала"),
    "kind": ("Kind", "Вид"),
    "skewness_log": ("Skewness on the log scale", "Асимметрия в логарифмической шкале"),
    "null": ("Null hypothesis", "Нулевая гипотеза"),
    "r_null_mean": ("Mean r under the null", "Среднее r при нулевой гипотезе"),
    "p_set": ("p (linked set, maxT)", "p (связанный набор, maxT)"),
    "p_by": ("p (Benjamini–Yekutieli)", "p (Бенджамини — Иекутиели)"),
    "significant_by": ("Significant after Benjamini–Yekutieli", "Значимо после поправки Бенджамини — Иекутиели"),
    "survives_holm": ("Survives Holm", "Устойчиво к поправке Холма"),
    "survives_by": ("Survives Benjamini–Yekutieli", "Устойчиво к поправке Бенджамини — Иекутиели"),
    "rho": ("Spearman ρ", "ρ Спирмена"),
    "p_rho": ("p (Spearman)", "p (Спирмен)"),
    "p_perm_without_influential": ("Permutation p without that region", "Перестановочное p без этого региона"),
    "cooks_d_influential": ("Cook's distance of that region", "Расстояние Кука этого региона"),
    "rests_on_one_region": ("Rests on one region", "Держится на одном регионе"),
    "flags": ("Flags", "Отметки"),
    "pairs_matching": ("Pairs matching the shares", "Пар, совпадающих с долями"),
    "equals_processed": ("Equals the processed counts", "Совпадает с обработанными числами"),
    "smallest_total": ("Smallest consistent total", "Наименьший согласованный итог"),
    "deviation_smallest_pct": ("Largest deviation of the national shares, p.p.",
                               "Наибольшее отклонение национальных долей, п.п."),
    "multiples_reproducing": ("Multiples that reproduce the shares", "Кратные, воспроизводящие доли"),
    "min_deviation_multiple_pct": ("Smallest deviation with a multiple, p.p.",
                                   "Наименьшее отклонение при кратном итоге, п.п."),
    "region_events_count": ("Events in the region", "Мероприятий в регионе"),
    # the economic value (vstudy.analysis.economics)
    "employer_uplift": ("Employer cost uplift", "Надбавка работодателя"),
    "hourly_cost_kzt": ("Hourly cost, tenge", "Стоимость часа, тенге"),
    # columns of the declared raw and processed tables (vstudy.data.schemas), named in the data dictionary
    "list_heading_ru": ("Heading of the list (Russian)", "Заголовок списка"),
    "ngo_share_of_region_pct": ("NGOs, % of the region's organisations", "НПО, % организаций региона"),
    "group_share_of_region_pct": ("Initiative groups, % of the region's organisations",
                                  "Инициативные группы, % организаций региона"),
    "region_share_of_national_ngo_pct": ("The region's share of all NGOs, %", "Доля региона среди всех НПО, %"),
    "region_share_of_national_groups_pct": ("The region's share of all initiative groups, %",
                                            "Доля региона среди всех инициативных групп, %"),
    "row_kind": ("Kind of row", "Вид строки"),
    "quote_ru": ("Quotation from the report", "Цитата из отчёта"),
    "figure_id": ("Figure", "Показатель"),
    "x_ru": ("First variable as named in the report", "Первый показатель, как назван в отчёте"),
    "y_ru": ("Second variable as named in the report", "Второй показатель, как назван в отчёте"),
    "wording_ru": ("Wording in the report", "Формулировка отчёта"),
    "interpretation_ru": ("The report's interpretation", "Интерпретация отчёта"),
    "source_lines": ("Report lines", "Строки отчёта"),
    "source_id": ("Source", "Источник"),
    "location": ("Where in the source file", "Место в исходном файле"),
    "preferred": ("Preferred value", "Предпочтительное значение"),
    "ref_periods": ("Reference periods", "Отчётные периоды"),
    "higher_is": ("A higher value is", "Большее значение —"),
    "notes": ("Notes", "Примечания"),
    "source": ("Where the number comes from", "Откуда взято число"),
    "hours_count": ("Volunteer hours", "Часы волонтёрской работы"),
    "region_name_ru": ("Region name in Russian", "Название региона на русском языке"),
    "region_name_kk": ("Region name in Kazakh", "Название региона на казахском языке"),
    "region_name_en": ("Region name in English", "Название региона на английском языке"),
    "volunteers_male_count": ("Male volunteers", "Волонтёры-мужчины"),
    "volunteers_female_count": ("Female volunteers", "Волонтёры-женщины"),
    "volunteers_under18_count": ("Volunteers under 18", "Волонтёры младше 18 лет"),
    "volunteers_18_29_count": ("Volunteers aged 18–29", "Волонтёры в возрасте 18–29 лет"),
    "volunteers_30_to_pension_count": ("Volunteers aged 30 to pension age",
                                       "Волонтёры от 30 лет до пенсионного возраста"),
    "volunteers_pension_count": ("Volunteers of pension age", "Волонтёры пенсионного возраста"),
    "volunteers_students_count": ("Volunteers who are pupils or students", "Волонтёры-учащиеся"),
    "volunteers_working_count": ("Working volunteers", "Работающие волонтёры"),
    "volunteers_unemployed_count": ("Unemployed volunteers", "Безработные волонтёры"),
    "volunteers_neet_count": ("NEET volunteers", "Волонтёры категории NEET"),
    "volunteers_male_pct": ("Male volunteers, %", "Волонтёры-мужчины, %"),
    "volunteers_female_pct": ("Female volunteers, %", "Волонтёры-женщины, %"),
    "volunteers_under18_pct": ("Volunteers under 18, %", "Волонтёры младше 18 лет, %"),
    "volunteers_18_29_pct": ("Volunteers aged 18–29, %", "Волонтёры в возрасте 18–29 лет, %"),
    "volunteers_30_to_pension_pct": ("Volunteers aged 30 to pension age, %",
                                     "Волонтёры от 30 лет до пенсионного возраста, %"),
    "volunteers_pension_pct": ("Volunteers of pension age, %", "Волонтёры пенсионного возраста, %"),
    "volunteers_students_pct": ("Volunteers who are pupils or students, %", "Волонтёры-учащиеся, %"),
    "volunteers_working_pct": ("Working volunteers, %", "Работающие волонтёры, %"),
    "volunteers_unemployed_pct": ("Unemployed volunteers, %", "Безработные волонтёры, %"),
    "volunteers_neet_pct": ("NEET volunteers, %", "Волонтёры категории NEET, %"),
    "area_km2": ("Area, km²", "Площадь территории, км²"),
    "grp_per_capita_usd": ("GRP per capita, US dollars", "ВРП на душу населения, долл. США"),
    "life_expectancy_male_years": ("Life expectancy at birth, males, years",
                                   "Ожидаемая продолжительность жизни мужчин, лет"),
    "life_expectancy_female_years": ("Life expectancy at birth, females, years",
                                     "Ожидаемая продолжительность жизни женщин, лет"),
    "unemployment_rate_q4_pct": ("Unemployment rate, fourth quarter, %", "Уровень безработицы в IV квартале, %"),
    "persons_applied_employment_count": ("Persons who applied to employment authorities",
                                         "Обратившиеся в органы занятости, чел."),
    "doctors_count": ("Doctors of all specialties", "Врачи всех специальностей"),
    "schools_count": ("General education schools", "Общеобразовательные школы"),
    "avg_monthly_wage_kzt": ("Average monthly nominal wage, tenge", "Среднемесячная номинальная заработная плата, тенге"),
    "direction_label_ru": ("Direction name in Russian", "Название направления на русском языке"),
    "direction_label_kk": ("Direction name in Kazakh", "Название направления на казахском языке"),
    "direction_label_en": ("Direction name in English", "Название направления на английском языке"),
    "vol_age_pension_pct_published": ("Volunteers of pension age, %, as published",
                                      "Волонтёры пенсионного возраста, %, как опубликовано"),
    "vol_male_pct": ("Male volunteers, % (collection table)", "Волонтёры-мужчины, % (таблица сбора)"),
    "vol_female_pct": ("Female volunteers, % (collection table)", "Волонтёры-женщины, % (таблица сбора)"),
    "events_per_100k": ("Events per 100,000 population", "Мероприятий на 100 тыс. населения"),
    "hours_per_100k": ("Volunteer hours per 100,000 population", "Волонтёрских часов на 100 тыс. населения"),
    "doctors_per_100k": ("Doctors per 100,000 population", "Врачей на 100 тыс. населения"),
    "cash_income_2020_kzt_per_month": ("Per-capita nominal cash income, tenge a month",
                                       "Номинальные денежные доходы на душу населения, тенге в месяц"),
    "scheme": ("Regional scheme", "Схема административного деления"),
    "value_kind": ("Kind of value", "Вид значения"),
    "pension_correction": ("How the pension-age share was obtained", "Как получена доля пенсионного возраста"),
    "sum_published_pct": ("Sum of the published shares, %", "Сумма опубликованных долей, %"),
    "sum_corrected_pct": ("Sum with the corrected share, %", "Сумма с исправленной долей, %"),
    "ngo_share_pct_reconstructed": ("NGO share, recomputed, %", "Доля НПО, пересчитанная, %"),
    "ngo_share_diff_pct": ("Recomputed minus published NGO share, p.p.",
                           "Разница пересчитанной и опубликованной доли НПО, п.п."),
    "national_ngo_share_pct_reconstructed": ("The region's share of all NGOs, recomputed, %",
                                             "Доля региона среди всех НПО, пересчитанная, %"),
    "national_groups_share_pct_reconstructed": ("The region's share of all initiative groups, recomputed, %",
                                                "Доля региона среди всех инициативных групп, пересчитанная, %"),
    "implied_pct": ("Implied national share, %", "Выводимая общенациональная доля, %"),
    "share_pct_published": ("Share, %, as published", "Доля, %, как опубликовано"),
    "derivation": ("How the share was obtained", "Как получена доля"),
    "n_regions": ("Regions with a value", "Регионов со значением"),
    "n_units": ("Units of the scheme", "Единиц схемы"),
    "complete": ("Complete", "Полнота"),
    "item": ("Item", "Элемент"),
    "as_printed": ("As printed in the report", "Как напечатано в отчёте"),
    "file_row": ("Line of the file", "Строка файла"),
    "violations_explained": ("Rule violations explained", "Объяснённые нарушения правил"),
}

# Column names made from data (the sensitivity grid's "160 h/month"): pattern → (English, Russian) templates.
_COLUMN_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(\d+(?:\.\d+)?) h/month"), "{0} h a month", "{0} ч в месяц"),
)

# Columns whose cells hold ids that :func:`value_label` translates (free text in them is left as it is).
ID_COLUMNS: frozenset[str] = frozenset({
    "age_largest_gap", "category", "category_id", "channel", "classification", "coef_id", "control", "dimension",
    "direction_id", "extreme", "family", "input", "method", "metric", "quantity", "rule", "rule_id", "section",
    "severity", "side", "statement", "status", "status_largest_gap", "unit", "variable", "way", "x", "y",
})
# Columns whose cells name files, dataset tables or processed columns: shown as code, for the researcher who
# supplies or reads them, never translated.
CODE_COLUMNS: frozenset[str] = frozenset({"column", "file", "table", "x_column", "y_column", "sources"})
# What an id looks like: lower-case words joined by "_". Anything else in an id column (a sentence, a wage basis
# written out) is free text, shown as it is, unless it is a term itself (the register's "not reproducible").
ID_PATTERN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"labels exist in {LANGS}, not {lang!r}")


def _by_lang(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {lang: {key: pair[i] for key, pair in table.items()} for i, lang in enumerate(LANGS)}


# Flat per-language tables of the terms (what vstudy.present.plots has always called LABELS).
LABELS: dict[str, dict[str, str]] = _by_lang(_TERMS)
COLUMN_LABELS: dict[str, dict[str, str]] = _by_lang(_COLUMNS)
CATEGORY_KEYS: dict[str, tuple[str, ...]] = {
    "age_group": AGE_GROUPS,
    "status": STATUSES,
    "direction": DIRECTIONS,
}


@functools.lru_cache(maxsize=1)
def _declared_terms() -> dict[str, dict[str, str]]:
    """Labels declared beside the analysis: correlation variables and coefficients, information-line ids.

    Imported on first use, so that a figure that prints only the terms above does not import the statistics.
    """
    from vstudy.analysis import correlations, infoline

    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for lang in LANGS:
        for var in correlations.VARIABLES:
            out[lang][var.key] = var.label(lang)
        for pair in correlations.PAIRS:
            if pair.coef_id:
                x, y = correlations.VARIABLE_BY_KEY[pair.x], correlations.VARIABLE_BY_KEY[pair.y]
                out[lang][pair.coef_id] = f"{x.label(lang)} × {y.label(lang)}"
        out[lang].update(infoline.CHANNEL_LABELS[lang])
        out[lang].update(infoline.CATEGORY_LABELS_RU if lang == "ru" else infoline.CATEGORY_LABELS_EN)
        for section_id in SECTIONS:
            out[lang][section_id] = section_title(section_id, lang)
    return out


def _fail(kind: str, key: object, lang: str, default: object) -> str:
    if default is not _MISSING:
        return default if default is None else str(default)  # type: ignore[return-value]
    raise KeyError(f"no {lang} {kind} for {key!r}; add it to vstudy.present.labels")


def label(key: str, lang: str = "en", default: object = _MISSING) -> str:
    """The printed label of a variable or category id in ``lang`` (raises ``KeyError`` unless ``default``)."""
    _check_lang(lang)
    found = LABELS[lang].get(key)
    if found is None:
        found = _declared_terms()[lang].get(key)
    return found if found is not None else _fail("label", key, lang, default)


def column_label(name: str, lang: str = "en", default: object = _MISSING) -> str:
    """The header of the column ``name`` of a study table, in ``lang``; falls back to the term of the same name."""
    _check_lang(lang)
    found = COLUMN_LABELS[lang].get(name)
    if found is not None:
        return found
    for pattern, en, ru in _COLUMN_PATTERNS:
        match = pattern.fullmatch(str(name))
        if match:
            parts = [p.replace(".", ",") if lang == "ru" else p for p in match.groups()]
            return (ru if lang == "ru" else en).format(*parts)
    return label(name, lang, default=default)


def value_label(value: str, lang: str = "en", default: object = _MISSING) -> str:
    """The label of an id found in a cell: a term, else a column's header (cells that name columns)."""
    _check_lang(lang)
    found = label(value, lang, default=None)
    if found is None:
        found = COLUMN_LABELS[lang].get(value)
    return found if found is not None else _fail("label", value, lang, default)


def is_id(value: object) -> bool:
    """Does ``value`` look like an id (``vol_age_18_29_pct``, ``reproduced``) rather than free text?"""
    if not isinstance(value, str):
        return False
    return ID_PATTERN.fullmatch(value) is not None or any(value in LABELS[lang] for lang in LANGS)


def has_label(key: str, kind: str = "column") -> bool:
    """Whether ``key`` has a ``kind`` ("column", "value" or "term") label in every language."""
    lookup = {"column": column_label, "value": value_label, "term": label}[kind]
    return all(lookup(key, lang, default=None) is not None for lang in LANGS)


# --------------------------------------------------------------------------------------------- regions
@functools.lru_cache(maxsize=4)
def _region_labels(lang: str) -> dict[str, str]:
    units = regions.units("kz2022")  # all 20 codes; kz2021 is a subset
    short = {code: regions.name(code, lang, short=True) for code in units["code"]}
    kinds = dict(zip(units["code"], units["kind"], strict=True))
    taken: dict[str, int] = {}
    for name in short.values():
        taken[name] = taken.get(name, 0) + 1
    # "Almaty" (en, kk) is both a city and a region once the designator is dropped: the region keeps it.
    return {
        code: regions.name(code, lang) if taken[name] > 1 and kinds[code] == "oblast" else name
        for code, name in short.items()
    }


def region_label(code: str, lang: str = "en") -> str:
    """Short region name (no «область»/"Region") for ticks, maps and tables, unique within the language.

    ``kk`` is allowed too. Where dropping the designator would make two units look alike (Almaty Region
    and the city of Almaty in English and Kazakh), the region keeps its full name.
    """
    if lang not in (*LANGS, "kk"):
        raise ValueError(f"region names exist in en, ru, kk, not {lang!r}")
    try:
        return _region_labels(lang)[code]
    except KeyError:
        raise KeyError(f"unknown region code {code!r}") from None


def is_region_code(value: object) -> bool:
    return isinstance(value, str) and value.startswith("KZ-") and len(value) == 5


# --------------------------------------------------------------------------------------------- periods
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
           "декабрь"),
}


def _year(year: int, lang: str) -> str:
    return f"{year} года" if lang == "ru" else str(year)


def period_label(period: dict | None, lang: str = "en") -> str:
    """The dataset's period in words, from its manifest's ``start`` and ``end`` (ISO dates).

    ``{"start": "2021-07-01", "end": "2021-12-31"}`` → "July–December 2021" / "июль–декабрь 2021 года"; a period
    over two years names both; one month names it alone. Without dates, the manifest's ``label``; else "".
    """
    import datetime as dt

    _check_lang(lang)
    period = period if isinstance(period, dict) else {}
    try:
        start, end = (dt.date.fromisoformat(str(period[k])) for k in ("start", "end"))
    except (KeyError, ValueError):
        return str(period.get("label", "") or "")
    months = _MONTHS[lang]
    if start.year != end.year:
        return f"{months[start.month - 1]} {start.year} – {months[end.month - 1]} {_year(end.year, lang)}"
    if start.month == end.month:
        return f"{months[start.month - 1]} {_year(end.year, lang)}"
    return f"{months[start.month - 1]}–{months[end.month - 1]} {_year(end.year, lang)}"
