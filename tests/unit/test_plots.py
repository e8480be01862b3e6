"""The figure style: fonts that print Kazakh, fixed sizes, fixed colours, bilingual labels, atomic saving."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from PIL import Image

from vstudy.data import regions
from vstudy.present import plots

KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
PDF_SAMPLE = "Шығыс Қазақстан әғқңөұүһі"


pytestmark = pytest.mark.usefixtures("study_style")


# ------------------------------------------------------------------------------------------------ fonts
def test_style_font_covers_every_kazakh_and_russian_letter(monkeypatch):
    monkeypatch.delenv("VSTUDY_FONT", raising=False)
    family, path = plots.pick_font()
    assert plots.font_covers(path, KAZAKH + RUSSIAN) == set()
    # The font matplotlib actually resolves for the style is that file, not a silent fallback.
    assert mpl.rcParams["font.sans-serif"][0] == family
    resolved = font_manager.findfont(font_manager.FontProperties(family=mpl.rcParams["font.family"]))
    assert resolved == path
    assert mpl.rcParams["pdf.fonttype"] == 42
    assert mpl.rcParams["savefig.dpi"] >= 200


def test_style_is_seaborns_theme_without_importing_seaborn():
    """use_style writes out what seaborn.set_theme(context="paper", style="ticks") sets, so that a notebook drawing
    no heatmap does not import seaborn: the rcParams and the shorthand colour codes must be exactly seaborn's."""
    import sys

    from matplotlib.colors import colorConverter

    codes = "bgrmyck"
    saved = {c: colorConverter.colors[c] for c in codes}
    try:
        with mpl.rc_context():
            plots.use_style()
            ours, our_codes = dict(mpl.rcParams), {c: colorConverter.colors[c] for c in codes}
        import seaborn as sns

        assert "seaborn" in sys.modules
        with mpl.rc_context():
            rc = plots.rc_params()
            sns.set_theme(context="paper", style="ticks", rc=rc)
            mpl.rcParams.update(rc)
            theirs, their_codes = dict(mpl.rcParams), {c: colorConverter.colors[c] for c in codes}
    finally:
        for c, v in saved.items():
            colorConverter.colors[c] = v
    assert {k: v for k, v in ours.items() if theirs[k] != v} == {}
    assert our_codes == their_codes
    assert our_codes["k"] == (0.1, 0.1, 0.1)


def test_font_check_is_not_vacuous():
    # Computer Modern (shipped with matplotlib) has no Cyrillic: the checker must say so.
    cmr = font_manager.findfont(font_manager.FontProperties(family="cmr10"), fallback_to_default=False)
    assert set(KAZAKH) <= plots.font_covers(cmr, KAZAKH)


def test_pick_font_skips_absent_and_falls_back_with_warning(monkeypatch):
    monkeypatch.delenv("VSTUDY_FONT", raising=False)
    assert plots.pick_font(("No Such Font Family", "DejaVu Sans"))[0] == "DejaVu Sans"
    with pytest.warns(UserWarning, match="lacks"):
        family, _ = plots.pick_font(("cmr10",))
    assert family == "cmr10"


# ------------------------------------------------------------------------------------------------ labels
@pytest.mark.parametrize("scheme", ["kz2021", "kz2022"])
def test_region_labels_resolve_and_differ_between_languages(scheme):
    for code in regions.codes(scheme):
        en, ru = plots.region_label(code, "en"), plots.region_label(code, "ru")
        assert en and ru and en != ru
        assert "область" not in ru
    for lang in ("en", "ru", "kk"):
        names = [plots.region_label(c, lang) for c in regions.codes(scheme)]
        assert len(set(names)) == len(names), lang  # no two units print alike (Almaty city vs region)
    assert plots.region_label("KZ-75", "en") == "Almaty"
    assert plots.region_label("KZ-19", "en") == "Almaty Region"


def test_category_labels_exist_in_every_language():
    for group, keys in plots.CATEGORY_KEYS.items():
        for key in keys:
            en, ru, kk = (plots.label(key, lang) for lang in ("en", "ru", "kk"))
            assert en and ru and kk, (group, key)
            if en.startswith("Birgemiz: "):
                # programme names: Latin Kazakh in English and Russian, as the report prints them in its Russian
                # text; the programme's Cyrillic Kazakh name in the Kazakh edition
                assert ru.startswith("Birgemiz: ") and kk.startswith("Біргеміз: ")
            else:
                assert en != ru and en != kk and ru != kk, (group, key)
    assert plots.label("other_social", "ru") == "Другое социальное волонтёрство"
    assert plots.label("culture", "ru") == "Волонтёрство в сфере культуры"
    assert plots.label("media", "ru") == "Медиа-волонтёрство"
    assert plots.label("taza_alem", "en") == "Birgemiz: Taza Álem"
    assert plots.label("taza_alem", "kk") == "Біргеміз: Таза Әлем"
    assert plots.label("culture", "kk") == "Мәдениет саласындағы волонтерлік қызмет"
    assert plots.label("students", "kk") == "Білім алушылар"  # the glossary's term
    assert len(plots.DIRECTIONS) == 11 and len(plots.AGE_GROUPS) == 4 and len(plots.STATUSES) == 4


def test_label_errors_are_loud():
    with pytest.raises(KeyError, match="no en label"):
        plots.label("not_a_variable", "en")
    assert plots.label("not_a_variable", "en", default="x") == "x"
    with pytest.raises(ValueError):
        plots.label("students", "de")


# ------------------------------------------------------------------------------------------------ colours
def test_palettes_one_per_quantity_and_distinct_category_colours():
    for key in plots.SEQUENTIAL_KEYS:
        assert len(set(plots.class_colors(key, 5))) == 5
    for group, keys in plots.CATEGORY_KEYS.items():
        colours = plots.category_colors(group, keys)
        assert len(set(colours)) == len(keys), group
        assert plots.PALETTES[group] == colours
    with pytest.raises(KeyError):
        plots.category_colors("status", ["retired"])


def test_same_category_same_colour_in_every_figure():
    codes = regions.codes("kz2021")[:5]
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.uniform(5, 30, (5, 4)), index=codes, columns=list(plots.STATUSES))
    # Two figures with the categories in different orders: each category keeps its colour.
    for order in (list(plots.STATUSES), list(reversed(plots.STATUSES))):
        fig, _ = plots.stacked_share_bars(wide, order, "status", "en")
        (legend,) = fig.legends
        handles, texts = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        for handle, text, key in zip(handles, texts, order, strict=True):
            assert text == plots.label(key, "en")
            assert to_hex(handle.get_facecolor()) == plots.CATEGORY_COLORS["status"][key].lower()


# ------------------------------------------------------------------------------------------------ helpers
@pytest.fixture
def wide():
    codes = regions.codes("kz2021")
    rng = np.random.default_rng(1)
    raw = rng.uniform(1, 10, (len(codes), 4))
    return pd.DataFrame(raw / raw.sum(axis=1, keepdims=True) * 100, index=codes, columns=list(plots.AGE_GROUPS))


def test_stacked_bars_sorted_with_region_names(wide):
    fig, ax = plots.stacked_share_bars(wide, plots.AGE_GROUPS, "age_group", "ru", sort_by="under18")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    expected = [plots.region_label(c, "ru") for c in wide.sort_values("under18").index]
    assert ticks == expected  # bottom-up: the largest share is the top bar
    assert ax.get_xlim() == (0, 100)
    assert fig.get_size_inches()[0] == pytest.approx(plots.FULL_WIDTH_IN)


def test_heatmap_annotates_values_and_masks_missing(wide):
    wide = wide.copy()
    wide.iloc[0, 0] = np.nan
    _, ax = plots.share_heatmap(wide, "en", ".1f", "share")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == wide.size - 1
    assert f"{wide.iloc[1, 0]:.1f}" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == [plots.label(c, "en") for c in wide.columns]


def test_ranking_highlight_and_order(wide):
    series = wide["18_29"].rename("share_pct")
    _, ax = plots.ranking_bars(series, "en", highlight="KZ-39", reference=25.0)
    bars = ax.patches
    heights = [b.get_width() for b in bars]
    assert heights == sorted(heights)
    highlighted = [to_hex(b.get_facecolor()) for b in bars].count(plots.HIGHLIGHT_COLOR.lower())
    assert highlighted == 1
    assert ax.get_xlabel() == "Share, %"


def test_scatter_labels_every_region_with_little_overlap():
    codes = regions.codes("kz2021")
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"region_code": codes, "volunteers": rng.uniform(0, 100, 17),
                       "organisations": rng.uniform(0, 50, 17)})
    fig, ax = plots.scatter_labeled(df, "organisations", "volunteers", "region_code", "en", fit_line=True)
    renderer = fig.canvas.get_renderer()
    names = [t for t in ax.texts if t.get_text() in {plots.region_label(c, "en") for c in codes}]
    assert len(names) == 17
    boxes = [t.get_window_extent(renderer) for t in names]
    overlapping = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlapping <= 2
    assert "r = " in ax.get_legend().get_texts()[0].get_text()


# ------------------------------------------------------------------------------------------------ saving
def test_save_writes_png_and_svg_atomically_with_fixed_pixel_size(tmp_path):
    fig, ax = plt.subplots(figsize=(plots.FULL_WIDTH_IN, plots.DEFAULT_HEIGHT_IN))
    ax.plot([0, 1], [0, 1])
    ax.set_title("Қостанай — Костанай")
    written = plots.save(fig, tmp_path / "sub" / "figure")
    assert [p.name for p in written] == ["figure.png", "figure.svg"]
    with Image.open(written[0]) as img:
        assert img.size == (round(plots.FULL_WIDTH_IN * plots.SAVE_DPI), round(plots.DEFAULT_HEIGHT_IN * plots.SAVE_DPI))
    svg = written[1].read_text(encoding="utf-8")
    assert "Қостанай" in svg  # svg.fonttype "none": text is text
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["figure.png", "figure.svg"]  # no temp files


def _pdf_text(data: bytes) -> str:
    """A minimal PDF text extractor for matplotlib's own output (Type 42 / Identity-H fonts).

    It maps the 2-byte codes of the strings shown with Tj/TJ through the fonts' ToUnicode CMaps — the same
    route a PDF viewer takes when you copy or search text, so a pass means the text is real text.
    """
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    cmap: dict[int, str] = {}
    for s in streams:
        if b"begincmap" not in s:
            continue
        for lo, hi, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)", s):
            targets = re.findall(rb"<([0-9a-fA-F]+)>", dst)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                if dst.startswith(b"["):
                    cmap[code] = bytes.fromhex(targets[i].decode()).decode("utf-16-be")
                else:
                    cmap[code] = chr(int(targets[0], 16) + i)
        for src, dst in re.findall(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", s.split(b"beginbfchar")[-1]):
            if b"beginbfchar" in s:
                cmap.setdefault(int(src, 16), bytes.fromhex(dst.decode()).decode("utf-16-be"))

    def literal(body: bytes) -> bytes:
        out, i = bytearray(), 0
        escapes = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12, b"(": 40, b")": 41, b"\\": 92}
        while i < len(body):
            ch = body[i : i + 1]
            if ch == b"\\":
                nxt = body[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(), 8) & 0xFF)
                    i += 1 + len(octal.group())
                    continue
                out.append(escapes.get(nxt, nxt[0] if nxt else 92))
                i += 2
                continue
            out += ch
            i += 1
        return bytes(out)

    text = []
    for s in streams:
        for block in re.findall(rb"BT(.*?)ET", s, re.S):
            chunk = []
            for lit, hx in re.findall(rb"\(((?:\\.|[^\\)])*)\)|<([0-9a-fA-F]+)>", block, re.S):
                codes = literal(lit) if lit or not hx else bytes.fromhex(hx.decode())
                chunk += [cmap.get(int.from_bytes(codes[j : j + 2], "big"), "?") for j in range(0, len(codes) - 1, 2)]
            text.append("".join(chunk))
    return "\n".join(text)


@pytest.fixture
def kazakh_pdf(tmp_path):
    fig = plt.figure(figsize=(plots.HALF_WIDTH_IN, 1.0))
    fig.text(0.05, 0.5, PDF_SAMPLE)
    (path,) = plots.save(fig, tmp_path / "kazakh", formats=("pdf",))
    return path


def test_pdf_contains_kazakh_text_as_real_text(kazakh_pdf):
    data = kazakh_pdf.read_bytes()
    assert b"/FontFile2" in data and b"/CIDFontType2" in data  # an embedded TrueType subset (Type 42)
    assert b"/Type3" not in data  # not glyph procedures
    assert PDF_SAMPLE in _pdf_text(data)


def test_pdftotext_reads_kazakh(kazakh_pdf):
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; the built-in ToUnicode check above still ran")
    out = subprocess.run([exe, "-enc", "UTF-8", str(kazakh_pdf), "-"], capture_output=True, check=True, timeout=30)
    assert PDF_SAMPLE in out.stdout.decode("utf-8")


def test_localize_numbers_writes_cldr_numbers(study_style):
    """Every edition's figures print CLDR's numbers: 0,5 and −0,68 in Russian and Kazakh where English prints 0.5
    and −0.68 (a true minus sign in every language); words stay."""
    fig, ax = plots.plt.subplots()
    ax.plot([0.0, 1.5], [-0.5, 2.5], label="r = -0.68")
    ax.text(0.2, 0.2, "17.14 (Birgemiz: Taza Álem)")
    ax.text(0.2, 0.4, "1,353 requests in 2021")
    ax.legend()
    plots.localize_numbers(fig, "en")
    assert ax.texts[0].get_text() == "17.14 (Birgemiz: Taza Álem)"
    assert ax.get_legend().get_texts()[0].get_text() == "r = \u22120.68"
    for lang in ("ru", "kk"):
        fig, ax = plots.plt.subplots()
        ax.plot([0.0, 1.5], [-0.5, 2.5], label="r = -0.68")
        ax.text(0.2, 0.2, "17.14 (Birgemiz: Taza Álem)")
        ax.text(0.2, 0.4, "1,353 requests in 2021")
        ax.legend()
        plots.localize_numbers(fig, lang)
        fig.canvas.draw()
        assert ax.texts[0].get_text() == "17,14 (Birgemiz: Taza Álem)"
        assert ax.texts[1].get_text() == "1\u00a0353 requests in 2021"  # grouped as written; a year stays a year
        assert ax.get_legend().get_texts()[0].get_text() == "r = \u22120,68"
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert "0,5" in ticks and "\u22120,5" in ticks and not [t for t in ticks if "." in t or "-" in t]
        plots.localize_numbers(fig, lang)  # twice changes nothing
        assert ax.texts[1].get_text() == "1\u00a0353 requests in 2021"


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("12,345.6", "ru", "12\u00a0345,6"), ("-0.00", "en", "0.00"), ("0.255", "kk", "0,255"),
    ("12345", "en", "12,345"), ("2021", "ru", "2021"), ("v1.2.3", "ru", "v1.2.3"), ("18–29", "kk", "18–29"),
])
def test_number_text(text, lang, expected):
    assert plots.number_text(text, lang) == expected


def test_tick_text():
    assert plots.tick_text(12000.0, "ru") == "12\u00a0000" and plots.tick_text(-0.25, "kk") == "\u22120,25"
    assert plots.tick_text(1500.0, "en") == "1,500"
