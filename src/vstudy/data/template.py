"""``vstudy template``: a ready dataset to fill, as a directory of CSV files and as one ``.xlsx`` workbook.

``vstudy template --scheme kz2022 --out mydata [--start 2023-01-01 --end 2023-12-31]`` writes::

    mydata/manifest.yml              the manifest: period, scheme, tables, each column's source and ref_period to fill
    mydata/regional.csv              one row per unit of the scheme (code, names in ru/kk/en), value cells empty
    mydata/events_by_direction.csv   one row per unit × direction, events_count empty
    mydata/mydata.xlsx               the same as a workbook: instructions (ru/kk/en), manifest, columns, regional,
                                     events_by_direction; number validation on value cells; name cells locked

Fill either the CSV files or the workbook; ``vstudy validate --data mydata`` (or ``--data mydata/mydata.xlsx``)
lists what is missing or inconsistent. The columns are those of :mod:`vstudy.data.schemas` (``regional``,
``events_by_direction``); the region names come from the gazetteer (:mod:`vstudy.data.regions`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from vstudy.data import atomic, indicators, regions, schemas, workbook
from vstudy.data.schemas import breakdown_count
from vstudy.vocab import DIRECTIONS, SCHEMES

# Labels of the value columns in Russian and Kazakh (English: the schema's description).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "volunteers_count": ("Число волонтёров", "Волонтерлер саны"),
    breakdown_count("male"): ("Волонтёры-мужчины", "Ер волонтерлер"),
    breakdown_count("female"): ("Волонтёры-женщины", "Әйел волонтерлер"),
    breakdown_count("under18"): ("Волонтёры младше 18 лет", "18 жасқа толмаған волонтерлер"),
    breakdown_count("18_29"): ("Волонтёры 18–29 лет", "18–29 жастағы волонтерлер"),
    breakdown_count("30_to_pension"): ("Волонтёры от 30 лет до пенсионного возраста",
                                       "30 жастан зейнет жасына дейінгі волонтерлер"),
    breakdown_count("pension"): ("Волонтёры пенсионного возраста", "Зейнет жасындағы волонтерлер"),
    breakdown_count("students"): ("Волонтёры — учащиеся и студенты", "Волонтерлер — оқушылар мен студенттер"),
    breakdown_count("working"): ("Волонтёры — работающие и самозанятые",
                                 "Волонтерлер — жұмыс істейтіндер мен өзін-өзі жұмыспен қамтығандар"),
    breakdown_count("unemployed"): ("Волонтёры — безработные", "Волонтерлер — жұмыссыздар"),
    breakdown_count("neet"): ("Волонтёры — не работают и не учатся (NEET)",
                              "Волонтерлер — жұмыс істемейтін және оқымайтындар (NEET)"),
    "ngo_count": ("Волонтёрские НПО", "Волонтерлік ҮЕҰ"),
    "initiative_group_count": ("Инициативные группы", "Бастамашыл топтар"),
    "events_count": ("Волонтёрские мероприятия", "Волонтерлік іс-шаралар"),
    "hours_count": ("Часы волонтёрской работы", "Волонтерлік жұмыс сағаттары"),
    "population_count": ("Численность населения на 1 января", "1 қаңтардағы халық саны"),
    "area_km2": ("Площадь территории, км²", "Аумақтың ауданы, км²"),
    "grp_per_capita_thousand_kzt": ("ВРП на душу населения, тыс. тенге", "Жан басына шаққандағы ЖӨӨ, мың теңге"),
    "grp_per_capita_usd": ("ВРП на душу населения, долл. США", "Жан басына шаққандағы ЖӨӨ, АҚШ доллары"),
    "life_expectancy_years": ("Ожидаемая продолжительность жизни при рождении, лет",
                              "Туған кездегі күтілетін өмір сүру ұзақтығы, жыл"),
    "life_expectancy_male_years": ("Ожидаемая продолжительность жизни, мужчины, лет",
                                   "Күтілетін өмір сүру ұзақтығы, ерлер, жыл"),
    "life_expectancy_female_years": ("Ожидаемая продолжительность жизни, женщины, лет",
                                     "Күтілетін өмір сүру ұзақтығы, әйелдер, жыл"),
    "unemployment_rate_pct": ("Уровень безработицы за год, %", "Жылдық жұмыссыздық деңгейі, %"),
    "unemployment_rate_q4_pct": ("Уровень безработицы, IV квартал, %", "Жұмыссыздық деңгейі, IV тоқсан, %"),
    "persons_applied_employment_count": ("Обратившиеся в органы занятости, чел.",
                                         "Жұмыспен қамту органдарына жүгінгендер, адам"),
    "air_emissions_thousand_tonnes": ("Выбросы от стационарных источников, тыс. т",
                                      "Стационарлық көздерден шығарындылар, мың тонна"),
    "doctors_count": ("Врачи всех специальностей на конец года", "Жыл соңындағы барлық мамандықтағы дәрігерлер"),
    "schools_count": ("Общеобразовательные школы на начало учебного года",
                      "Оқу жылының басындағы жалпы білім беретін мектептер"),
    "cash_income_kzt_per_month": ("Среднедушевые номинальные денежные доходы, тенге в месяц",
                                  "Жан басына шаққандағы номиналды ақшалай табыс, айына теңге"),
    "csi_quality_of_life_rank": ("Место в рейтинге качества жизни ЦСИ (1 = лучшее)",
                                 "ЦСИ өмір сапасы рейтингіндегі орны (1 = ең жақсы)"),
    "avg_monthly_wage_q4_kzt": ("Среднемесячная номинальная зарплата, IV квартал, тенге",
                                "Орташа айлық номиналды жалақы, IV тоқсан, теңге"),
    "avg_monthly_wage_kzt": ("Среднемесячная номинальная зарплата за год, тенге",
                             "Жылдық орташа айлық номиналды жалақы, теңге"),
}
# Directions of events (ids from the vocabulary): (Russian, Kazakh, English).
DIRECTION_LABELS: dict[str, tuple[str, str, str]] = {
    "taza_alem": ("Birgemiz: Taza Álem",) * 3,
    "qamqor": ("Birgemiz: Qamqor",) * 3,
    "other_social": ("Другое социальное волонтёрство", "Басқа әлеуметтік волонтерлік", "Other social volunteering"),
    "sayluq": ("Birgemiz: Saýlyq",) * 3,
    "bilim": ("Birgemiz: Bilim",) * 3,
    "umit_emergency": ("Birgemiz: Úmit и ЧС-волонтёрство", "Birgemiz: Úmit және төтенше жағдайлардағы волонтерлік",
                       "Birgemiz: Úmit and emergency volunteering"),
    "culture": ("Волонтёрство в сфере культуры", "Мәдениет саласындағы волонтерлік", "Volunteering in culture"),
    "ayala": ("Birgemiz: Ayala",) * 3,
    "asyl_mura": ("Birgemiz: Asyl Mura",) * 3,
    "media": ("Медиа-волонтёрство", "Медиа-волонтерлік", "Media volunteering"),
    "sabaqtastyq": ("Birgemiz: Sabaqtastyq",) * 3,
}

INSTRUCTIONS: dict[str, list[str]] = {
    "ru": [
        "Набор данных для исследования волонтёрства в регионах Казахстана (схема {scheme}: {n} регионов).",
        "Лист «regional»: одна строка на регион. Коды и названия регионов заполнены и защищены; заполните "
        "числа в остальных столбцах. Пустая ячейка означает «нет данных» — ничего не придумывайте и не ставьте 0 "
        "вместо пропуска.",
        "Разбивки (пол, возраст, социальный статус) — числом волонтёров; вместо чисел можно дать доли в процентах "
        "(замените окончание заголовка _count на _pct). Части не могут превышать volunteers_count; мужчины + "
        "женщины должны давать volunteers_count.",
        "Официальные показатели (население на 1 января, ВРП на душу, продолжительность жизни …) — за период, "
        "указанный на листе «columns» (столбец accepted_ref_period).",
        "Лист «events_by_direction»: число мероприятий по каждому направлению в каждом регионе.",
        "Лист «columns»: для каждого заполненного столбца укажите источник (source) и отчётный период (ref_period).",
        "Лист «manifest»: идентификатор, название, начало и конец периода (ГГГГ-ММ-ДД).",
        "Проверка: vstudy validate --data {name}; ошибки называют лист, строку, столбец и ячейку.",
    ],
    "kk": [
        "Қазақстан өңірлеріндегі волонтерлікті зерттеуге арналған деректер жиынтығы ({scheme} сызбасы: "
        "{n} өңір).",
        "«regional» парағы: әр өңірге бір жол. Өңірлердің кодтары мен атаулары толтырылған және қорғалған; қалған "
        "бағандарға сандарды енгізіңіз. Бос ұяшық «дерек жоқ» дегенді білдіреді — ештеңе ойдан қоспаңыз және "
        "бос орынға 0 қоймаңыз.",
        "Бөліністер (жынысы, жасы, әлеуметтік мәртебесі) — волонтерлер санымен; сандардың орнына пайызбен үлес "
        "беруге болады (тақырыптағы _count жалғауын _pct деп ауыстырыңыз). Бөліктер volunteers_count-тан аспауы "
        "керек; ерлер + әйелдер volunteers_count-қа тең болуы керек.",
        "Ресми көрсеткіштер (1 қаңтардағы халық саны, жан басына ЖӨӨ, өмір сүру ұзақтығы …) — «columns» парағында "
        "көрсетілген кезең үшін (accepted_ref_period бағаны).",
        "«events_by_direction» парағы: әр өңірдегі әр бағыт бойынша іс-шаралар саны.",
        "«columns» парағы: толтырылған әр баған үшін дереккөзді (source) және есепті кезеңді (ref_period) "
        "көрсетіңіз.",
        "«manifest» парағы: сәйкестендіргіш, атауы, кезеңнің басы мен соңы (ЖЖЖЖ-АА-КК).",
        "Тексеру: vstudy validate --data {name}; қателер парақты, жолды, бағанды және ұяшықты атайды.",
    ],
    "en": [
        "A dataset for the study of volunteering in the regions of Kazakhstan (scheme {scheme}: {n} regions).",
        "Sheet 'regional': one row per region. Region codes and names are filled in and locked; fill the numbers "
        "in the other columns. An empty cell means 'no data': invent nothing and do not put 0 for a gap.",
        "Breakdowns (gender, age, social status) as numbers of volunteers; shares in percent are accepted instead "
        "(rename the header's _count to _pct). Parts cannot exceed volunteers_count; male + female should equal "
        "volunteers_count.",
        "Official indicators (population on 1 January, GRP per capita, life expectancy …) for the reference period "
        "the sheet 'columns' gives (column accepted_ref_period).",
        "Sheet 'events_by_direction': the number of events of each direction in each region.",
        "Sheet 'columns': for every column you fill, give its source and its reference period (ref_period).",
        "Sheet 'manifest': id, title, first and last day of the period (YYYY-MM-DD).",
        "Check: vstudy validate --data {name}; errors name the sheet, row, column and cell.",
    ],
}


def period_label(start: dt.date, end: dt.date) -> str:
    """2023 for a calendar year, 2023-H1 / 2023-H2 for its halves, else start..end."""
    if start.year == end.year and (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
        return str(start.year)
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return f"{start.year}-H2"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 6, 30):
        return f"{start.year}-H1"
    return f"{start.isoformat()}..{end.isoformat()}"


def _ref_period(column: str, year: int | None) -> str:
    """The reference period a template proposes for a column (the latest accepted one), or '' without a period."""
    spec = indicators.BY_CONTRACT.get(column)
    if spec is None or year is None:
        return ""
    if spec.period.startswith("latest<=Y:"):
        return f"{year}-Q4" if "-Q4" in spec.period else str(year)
    return indicators.describe_period(spec.period, year)


def column_rows(year: int | None) -> list[dict[str, str]]:
    """One row per value column of the contract: what the columns sheet and the manifest comments say."""
    rows = []
    for table in schemas.CONTRACT_TABLES:
        schema = schemas.RAW[table]
        for col in _template_value_columns(table):
            c = schema.column(col)
            spec = indicators.BY_CONTRACT.get(col)
            ru, kk = COLUMN_LABELS.get(col, ("", ""))
            if table == "events_by_direction":
                ru, kk = "Мероприятия направления", "Бағыттың іс-шаралары"
            rows.append({
                "table": table, "column": col, "unit": c.unit, "label_ru": ru, "label_kk": kk,
                "description_en": c.description,
                "accepted_ref_period": (spec.accepted(year) if year else indicators.describe_period(spec.period))
                if spec else "the dataset's period",
                "source": "", "ref_period": _ref_period(col, year),
            })
    return rows


def _template_value_columns(table: str) -> list[str]:
    if table == "regional":
        return list(schemas.CONTRACT_VALUE_COLUMNS)
    return ["events_count"]


def regional_rows(scheme: str) -> tuple[list[str], list[list[str]]]:
    units = regions.units(scheme)
    header = ["region_code", *schemas.REGION_NAME_COLUMNS, *schemas.CONTRACT_VALUE_COLUMNS]
    rows = [[u.code, u.name_ru, u.name_kk, u.name_en] + [""] * len(schemas.CONTRACT_VALUE_COLUMNS)
            for u in units.itertuples()]
    return header, rows


def direction_rows(scheme: str) -> tuple[list[str], list[list[str]]]:
    units = regions.units(scheme)
    header = ["region", *schemas.REGION_NAME_COLUMNS, "direction", "direction_label_ru", "direction_label_kk",
              "direction_label_en", "events_count"]
    rows = [[u.code, u.name_ru, u.name_kk, u.name_en, d, *DIRECTION_LABELS[d], ""]
            for u in units.itertuples() for d in DIRECTIONS]
    return header, rows


def dataset_title(scheme: str, label: str) -> str:
    return f"Volunteering in the regions of Kazakhstan, {label or 'PERIOD'} ({scheme})"


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(scheme: str, dataset_id: str, start: dt.date | None, end: dt.date | None, name: str) -> str:
    """The manifest, commented for the person who fills it."""
    year = start.year if start else None
    label = period_label(start, end) if start and end else ""
    lines = [
        f"# A dataset to fill for vstudy: volunteering in the regions of Kazakhstan, scheme {scheme} "
        f"({SCHEMES[scheme]} units).",
        f"# Written by `vstudy template --scheme {scheme}`. Fill regional.csv (one row per unit; leave a cell empty "
        "when you",
        "# do not have the number) and events_by_direction.csv, declare the source of every column you fill below, "
        "then run",
        f"#   vstudy validate --data {name}",
        f"# The same dataset as a workbook: {name}.xlsx (fill one or the other, not both).",
        f"id: {dataset_id}",
        f"title: {_yaml_str(dataset_title(scheme, label))}",
        "period:",
        f"  start: {start.isoformat() if start else 'YYYY-MM-DD'}   # first day the counts cover",
        f"  end: {end.isoformat() if end else 'YYYY-MM-DD'}     # last day",
        f"  label: {_yaml_str(label or 'PERIOD')}",
        f"scheme: {scheme}",
        "synthetic: false",
        "tables:",
    ]
    files = {"regional": "regional.csv", "events_by_direction": "events_by_direction.csv"}
    rows = column_rows(year)
    for table in schemas.CONTRACT_TABLES:
        lines += [f"  {table}:", f"    file: {files[table]}", f"    schema: {table}",
                  "    columns:  # source: where the numbers come from; ref_period: the period they describe"]
        for r in (r for r in rows if r["table"] == table):
            entry = f"source: {_yaml_str('')}" + (f", ref_period: {_yaml_str(r['ref_period'])}"
                                                  if indicators.BY_CONTRACT.get(r["column"]) else "")
            lines.append(f"      {r['column']}: {{{entry}}}  # {r['unit']}; period: {r['accepted_ref_period']}")
    return "\n".join(lines) + "\n"


def write_template(scheme: str, out: str | Path, start: dt.date | None = None, end: dt.date | None = None,
                   dataset_id: str | None = None) -> list[Path]:
    """Write the directory (manifest, regional.csv, events_by_direction.csv) and its workbook; return the paths."""
    regions.check_scheme(scheme)
    out = Path(out)
    name = out.name
    dataset_id = dataset_id or f"{name}_{scheme}".replace("-", "_")
    reg_header, reg_rows = regional_rows(scheme)
    dir_header, dir_rows = direction_rows(scheme)
    written = []
    for rel, text_ in (("manifest.yml", manifest_text(scheme, dataset_id, start, end, name)),
                       ("regional.csv", workbook.csv_text(reg_header, reg_rows)),
                       ("events_by_direction.csv", workbook.csv_text(dir_header, dir_rows))):
        atomic.write_text_atomic(out / rel, text_)
        written.append(out / rel)
    xlsx = out / f"{name}.xlsx"
    write_workbook(xlsx, scheme, dataset_id, start, end)
    written.append(xlsx)
    mask = os.umask(0)
    os.umask(mask)
    for path in written:  # files for people to edit: the usual permissions, not those of a temporary file
        path.chmod(0o666 & ~mask)
    return written


# ---------------------------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------------------------

_GREY = "E7E6E6"
_HEADER = "D9E1F2"


def write_workbook(path: str | Path, scheme: str, dataset_id: str, start: dt.date | None = None,
                   end: dt.date | None = None) -> Path:
    """The template as one workbook (see :mod:`vstudy.data.workbook` for its sheets)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    year = start.year if start else None
    label = period_label(start, end) if start and end else ""
    wb = Workbook()
    grey = PatternFill("solid", fgColor=_GREY)
    blue = PatternFill("solid", fgColor=_HEADER)
    bold = Font(bold=True)
    unlocked = Protection(locked=False)

    def protect(ws) -> None:
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widths may change
        ws.protection.formatRows = False
        ws.protection.autoFilter = False

    # Instructions, in Russian, Kazakh and English.
    ws = wb.active
    ws.title = workbook.INSTRUCTIONS_SHEET
    row = 1
    for lang, title in (("ru", "Инструкция"), ("kk", "Нұсқаулық"), ("en", "Instructions")):
        ws.cell(row, 1, title).font = Font(bold=True, size=13)
        row += 1
        for line in INSTRUCTIONS[lang]:
            cell = ws.cell(row, 1, line.format(scheme=scheme, n=SCHEMES[scheme], name=path.name))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 120

    # The manifest, key / value.
    ws = wb.create_sheet(workbook.MANIFEST_SHEET)
    values = {
        "id": dataset_id, "title": dataset_title(scheme, label),
        "period_start": start.isoformat() if start else "", "period_end": end.isoformat() if end else "",
        "period_label": label, "scheme": scheme, "synthetic": "false", "description": "",
    }
    notes = {
        "id": "short identifier, letters, digits and _ / идентификатор / сәйкестендіргіш",
        "title": "title of the dataset / название / атауы",
        "period_start": "YYYY-MM-DD: first day the counts cover / первый день периода / кезеңнің бірінші күні",
        "period_end": "YYYY-MM-DD: last day / последний день / соңғы күні",
        "period_label": "e.g. 2023 or 2023-H2 / например 2023 / мысалы 2023",
        "scheme": "kz2021 (17 units) or kz2022 (20 units): fixed by the template / задано шаблоном / үлгімен берілген",
        "synthetic": "true only for invented test data / только для выдуманных данных / тек ойдан шығарылған деректер",
        "description": "what the data are, how collected / что за данные / деректер туралы",
    }
    for j, h in enumerate(("key", "value", "what to fill"), start=1):
        ws.cell(1, j, h).font = bold
        ws.cell(1, j).fill = blue
    for i, key in enumerate(workbook.MANIFEST_KEYS, start=2):
        ws.cell(i, 1, key).fill = grey
        value = ws.cell(i, 2, values[key])
        if key != "scheme":
            value.protection = unlocked
        else:
            value.fill = grey
        ws.cell(i, 3, notes[key]).fill = grey
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 90
    protect(ws)

    # Column declarations: source and reference period to fill.
    ws = wb.create_sheet(workbook.COLUMNS_SHEET)
    rows = column_rows(year)
    header = ["table", "column", "unit", "label_ru", "label_kk", "description_en", "accepted_ref_period",
              "source", "ref_period"]
    for j, h in enumerate(header, start=1):
        ws.cell(1, j, h).font = bold
        ws.cell(1, j).fill = blue
    for i, r in enumerate(rows, start=2):
        for j, h in enumerate(header, start=1):
            cell = ws.cell(i, j, r[h] or None)
            if h in ("source", "ref_period"):
                cell.protection = unlocked
            else:
                cell.fill = grey
    for j, width in enumerate((20, 34, 16, 40, 40, 70, 40, 50, 14), start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = width
    ws.freeze_panes = "C2"
    protect(ws)

    # The tables.
    value_validation = {
        "int": lambda lo: DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(int(lo or 0))),
        "float": lambda lo: DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(lo or 0)),
        "pct": lambda lo: DataValidation(type="decimal", operator="between", formula1="0", formula2="100"),
    }
    for table, (hdr, body) in (("regional", regional_rows(scheme)), ("events_by_direction", direction_rows(scheme))):
        ws = wb.create_sheet(table)
        schema = schemas.RAW[table]
        value_cols = set(_template_value_columns(table))
        for j, h in enumerate(hdr, start=1):
            cell = ws.cell(1, j, h)
            cell.font = bold
            cell.fill = blue if h in value_cols else grey
            col = schema.column(h)
            ru, kk = COLUMN_LABELS.get(h, ("", ""))
            text_ = " / ".join(x for x in (col.description, ru, kk) if x) + (f" [{col.unit}]" if col.unit else "")
            if h not in value_cols:
                text_ += " — filled in by the template, locked / заполнено шаблоном / үлгімен толтырылған"
            cell.comment = Comment(text_, "vstudy")
            if h in value_cols:
                cell.protection = unlocked  # a breakdown may be renamed _count -> _pct
        for i, values_ in enumerate(body, start=2):
            for j, (h, v) in enumerate(zip(hdr, values_, strict=True), start=1):
                cell = ws.cell(i, j, v if v != "" else None)
                if h in value_cols:
                    cell.protection = unlocked
                else:
                    cell.fill = grey
        last = len(body) + 1
        for j, h in enumerate(hdr, start=1):
            if h not in value_cols:
                continue
            col = schema.column(h)
            kind = "pct" if col.percent else col.dtype
            dv = value_validation[kind](col.min)
            dv.error = ("A number ≥ 0 (whole for counts) / Число ≥ 0 (целое для количеств) / "
                        "Сан ≥ 0 (саны үшін бүтін)")
            dv.errorTitle = "vstudy"
            dv.showErrorMessage = True
            dv.allow_blank = True
            letter = ws.cell(1, j).column_letter
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
            ws.column_dimensions[letter].width = max(12, min(30, len(h) + 2))
        for j, h in enumerate(hdr, start=1):
            if h not in value_cols:
                ws.column_dimensions[ws.cell(1, j).column_letter].width = 24 if "name" in h or "label" in h else 12
        ws.freeze_panes = ws.cell(2, 1 + sum(1 for h in hdr if h not in value_cols)).coordinate
        protect(ws)

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(path) as tmp:
        wb.save(tmp)
    return path


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------


def _cmd_template(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() in workbook.SUFFIXES:
        print(f"vstudy template: --out is a directory (the workbook is written inside it as "
              f"{out.stem}/{out.stem}.xlsx)", file=sys.stderr)
        return 2
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        print(f"vstudy template: --out {out} is a file, not a folder; give a new folder", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"vstudy template: {out} exists and is not empty; choose a new directory (or --force to overwrite "
              "the template files in it)", file=sys.stderr)
        return 2
    try:
        start = dt.date.fromisoformat(args.start) if args.start else None
        end = dt.date.fromisoformat(args.end) if args.end else None
    except ValueError as exc:
        print(f"vstudy template: --start/--end must be YYYY-MM-DD ({exc})", file=sys.stderr)
        return 2
    if (start is None) != (end is None) or (start and end and start > end):
        print("vstudy template: give both --start and --end, start not after end", file=sys.stderr)
        return 2
    try:
        written = write_template(args.scheme, out, start, end, args.id)
    except OSError as exc:  # a read-only folder, a full disk, a file where a folder is needed
        import errno

        condition = {errno.ENOSPC: "no space left on the device", errno.EROFS: "the file system is read-only",
                     errno.EACCES: "permission denied (read-only?)", errno.ENOTDIR: "a file stands in the way",
                     errno.EEXIST: "a file stands in the way"}.get(exc.errno, exc.strerror or str(exc))
        print(f"vstudy template: cannot write {out}: {condition}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"Fill {out}/regional.csv and events_by_direction.csv (or {written[-1].name}), declare each column's "
          f"source in the manifest, then: vstudy validate --data {out}", file=sys.stderr)
    return 0
