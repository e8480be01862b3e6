"""Choropleths: every unit drawn once, cities visible as markers, honest classes, legend with units."""

from __future__ import annotations

import re

import mapclassify
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch
from PIL import Image

from vstudy.data import regions
from vstudy.present import interactive, labels, maps, plots

CITIES = ["KZ-71", "KZ-75", "KZ-79"]


pytestmark = pytest.mark.usefixtures("study_style")


def synthetic(scheme: str, seed: int = 0) -> pd.DataFrame:
    codes = regions.codes(scheme)
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"region_code": codes, "value": rng.lognormal(3.0, 0.6, len(codes))})


@pytest.mark.parametrize(("scheme", "n"), [("kz2021", 17), ("kz2022", 20)])
def test_map_draws_every_unit_once_and_the_three_cities_as_markers(scheme, n):
    res = maps.choropleth(synthetic(scheme), "value", scheme, "en", "Test", "%")
    region_patches = [p for p in res.ax.patches if isinstance(p, PathPatch)]
    assert len(region_patches) == n == res.n_regions
    assert sorted(p.get_gid() for p in region_patches) == [f"region-{c}" for c in regions.codes(scheme)]
    assert res.city_codes == CITIES
    city_gids = sorted(c.get_gid() for c in res.ax.collections if (c.get_gid() or "").startswith("city-"))
    assert city_gids == [f"city-{c}" for c in CITIES]
    for code, marker in res.city_markers.items():
        assert marker.get_sizes()[0] >= 60  # visible at print size
        assert marker.get_zorder() > res.region_patches[code].get_zorder()
        klass = res.classification.yb[res.region_codes.index(code)]
        assert to_hex(marker.get_facecolor()[0]) == res.colors[klass]  # filled with its own class colour
        assert to_hex(marker.get_edgecolor()[0]) != to_hex(marker.get_facecolor()[0])  # and outlined
    # drawn in the equal-area projection (metres), not degrees
    assert res.ax.get_xlim()[1] - res.ax.get_xlim()[0] > 1e6


def test_missing_values_are_hatched_no_data_and_in_the_legend():
    df = synthetic("kz2021")
    df.loc[df["region_code"].isin(["KZ-47", "KZ-75"]), "value"] = np.nan
    res = maps.choropleth(df, "value", "kz2021", "ru", None, "Доля, %")
    assert res.no_data_codes == ["KZ-47", "KZ-75"]
    assert res.region_patches["KZ-47"].get_hatch()
    assert to_hex(res.region_patches["KZ-47"].get_facecolor()) == plots.NO_DATA_COLOR
    assert res.city_markers["KZ-75"].get_hatch()  # a city without data is a hatched marker, still visible
    assert not res.region_patches["KZ-11"].get_hatch()
    texts = [t.get_text() for t in res.legend.get_texts()]
    assert any(t.startswith("Нет данных") for t in texts)
    assert res.classification.counts.sum() == 15


def test_legend_shows_units_and_class_bounds():
    df = synthetic("kz2021")
    res = maps.choropleth(df, "value", "kz2021", "en", None, "per 100,000 population", k=4,
                          quantity="rate_per_100k")
    assert res.legend.get_title().get_text() == "per 100,000 population"
    texts = [t.get_text() for t in res.legend.get_texts()]
    assert texts[-1] == plots.label("city_marker", "en")
    top = f"{res.classification.bins[-1]:.1f}"
    assert top in texts[3] and f"{df['value'].min():.1f}" in texts[0]
    assert res.colors == plots.class_colors("rate_per_100k", 4)


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize("method", ["quantiles", "natural_breaks", "equal_interval", "fisher_jenks"])
def test_classes_are_mapclassify_classes(method):
    y = synthetic("kz2021", seed=3)["value"].to_numpy()
    ours = maps.classify(y, method, k=5)
    if method == "natural_breaks":
        np.random.seed(maps.NATURAL_BREAKS_SEED)
    theirs = maps.CLASSIFIERS[method](y, k=5)
    np.testing.assert_allclose(ours.bins, theirs.bins)
    np.testing.assert_array_equal(ours.yb, theirs.yb)
    np.testing.assert_array_equal(ours.counts, theirs.counts)
    assert ours.gadf == pytest.approx(theirs.get_gadf())


def test_map_bins_match_mapclassify_directly():
    df = synthetic("kz2022", seed=4)
    res = maps.choropleth(df, "value", "kz2022", "en", None, "%", classification="quantiles", k=5)
    np.testing.assert_allclose(res.bins, mapclassify.Quantiles(df["value"].to_numpy(), k=5).bins)


def test_classify_ignores_missing_and_caps_k():
    ours = maps.classify([1.0, np.nan, 2.0, 2.0, 3.0], "quantiles", k=5)
    # three distinct values → at most three classes; the 2-2 tie merges one more, and k says so
    assert ours.k == len(ours.bins) == len(ours.counts) <= 3
    assert ours.yb[1] == -1 and ours.counts.sum() == 4 and ours.yb.max() == ours.k - 1
    with pytest.raises(ValueError):
        maps.classify([np.nan, 1.0], "quantiles")
    with pytest.raises(ValueError):
        maps.classify([1.0, 2.0], "jenks_typo")


def test_justify_classification_follows_the_stated_rule():
    rng = np.random.default_rng(5)
    with_outliers = np.r_[rng.normal(20, 2, 15), 60.0, 75.0]
    choice = maps.recommend_classification(with_outliers)
    assert choice.method == "fisher_jenks" and choice.outliers == 2
    assert choice.gadf["fisher_jenks"] > choice.gadf["quantiles"]
    skewed = np.exp(np.linspace(0, 2, 17))  # skewness ≈ 0.6, but no value beyond the Tukey fences
    assert maps.recommend_classification(skewed).method == "quantiles"
    choice = maps.recommend_classification(skewed)
    assert (choice.reason, choice.n, choice.k_requested, sum(choice.counts)) == ("skewed", 17, 5, 17)


def _r2(x: float) -> str:
    """Two decimals as a reader rounds the printed value (half up on the shortest decimal of the float)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(float(x))).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_justification_in_every_language():
    """The classification's reason, its class sizes and the GADF of the alternatives, from the maps catalogue, numbers
    as CLDR writes them, grammar (the count's noun and verb) by the catalogue's plural."""
    from vstudy.present.prose import maps as prose

    rng = np.random.default_rng(5)
    values = np.r_[rng.normal(20, 2, 15), 60.0]  # one outlier
    choice = maps.recommend_classification(values)
    assert (choice.method, choice.reason, choice.outliers) == ("fisher_jenks", "outliers", 1)
    sizes_en = "[" + ", ".join(str(c) for c in choice.counts) + "]"
    gadf = choice.gadf
    en = prose.justification_text(choice, "en")
    assert en == (f"Fisher–Jenks, k = {choice.k}: 1 outlier beyond the Tukey fences would stretch equal or quantile "
                  f"classes. Class sizes {sizes_en} of n = 16. GADF: quantiles {_r2(gadf['quantiles'])}, "
                  f"Fisher–Jenks {_r2(gadf['fisher_jenks'])}, and equal intervals {_r2(gadf['equal_interval'])}.")
    assert prose.justification(choice, "en") == en
    ru = prose.justification_text(choice, "ru")
    q = _r2(gadf["quantiles"]).replace(".", ",")
    e = _r2(gadf["equal_interval"]).replace(".", ",")
    assert ru.startswith(f"Фишер–Дженкс, k = {choice.k}: 1 выброс за границами Тьюки растянул бы равные интервалы")
    assert f"Размеры классов: {', '.join(str(c) for c in choice.counts)} (n = 16). Качество разбиения: квантили {q}," in ru
    assert ru.endswith(f" и равные интервалы {e}.")
    kk = prose.justification_text(choice, "kk")
    assert kk.startswith(f"Фишер–Дженкс, k = {choice.k}: Тьюки шекараларынан тыс 1 шығыңқы мән тең аралықтар мен "
                         "квантильдерді созып жіберер еді.")
    assert f"Бөлу сапасы: квантильдер {q}," in kk and not re.search(r"[A-Za-z]{4,}", kk)

    skewed = maps.recommend_classification(np.exp(np.linspace(0, 2, 17)))
    ru = prose.justification_text(skewed, "ru")
    skew = f"{skewed.skewness:.2f}".replace(".", ",")
    assert f"Квантили, k = 5: распределение асимметрично (коэффициент асимметрии {skew}); квантили дают ≈3,4 " \
           "региона на класс." in ru
    en = prose.justification_text(skewed, "en")
    assert f"Quantiles, k = 5: values are skewed (skewness {skewed.skewness:.2f}); quantiles keep ≈3.4 regions " \
           "per class." in en
    kk = prose.justification_text(skewed, "kk")
    assert f"Квантильдер, k = 5: үлестірім асимметриялы (асимметрия коэффициенті {skew}); квантильдер әр сыныпқа " \
           "≈3,4 өңірден береді." in kk


@pytest.mark.parametrize(("outliers", "ru"), [
    (1, "1 выброс за границами Тьюки растянул бы"), (2, "2 выброса за границами Тьюки растянули бы"),
    (3, "3 выброса за границами Тьюки растянули бы"), (5, "5 выбросов за границами Тьюки растянули бы"),
    (21, "21 выброс за границами Тьюки растянул бы")])
def test_russian_outliers_agree_with_their_number(outliers, ru):
    from vstudy.present.words import plain

    assert plain("ru", "maps.reason.outliers", outliers=outliers).startswith(ru)


def test_labels_follow_the_language():
    df = synthetic("kz2021")
    en = maps.choropleth(df, "value", "kz2021", "en", None, "%")
    ru = maps.choropleth(df, "value", "kz2021", "ru", None, "%")
    assert en.labels["KZ-71"].get_text() == "Astana"
    assert ru.labels["KZ-71"].get_text() == "Астана"
    assert all(en.labels[c].get_text() != ru.labels[c].get_text() for c in en.labels)
    assert en.labels["KZ-75"].get_fontsize() < en.labels["KZ-11"].get_fontsize()  # cities smaller


def test_saved_map_png_has_the_fixed_pixel_size(tmp_path):
    res = maps.choropleth(synthetic("kz2021"), "value", "kz2021", "en", "Title", "%")
    png, svg = plots.save(res.fig, tmp_path / "map")
    with Image.open(png) as img:
        assert img.size == tuple(round(v * plots.SAVE_DPI) for v in plots.MAP_SIZE_IN)
    assert svg.stat().st_size > 0


def test_small_multiples_panel():
    codes = regions.codes("kz2021")
    rng = np.random.default_rng(6)
    df = pd.DataFrame({"region_code": codes, **{f"v{i}": rng.uniform(0, 50, 17) for i in range(5)}})
    fig, axes, results = maps.small_multiples(df, [f"v{i}" for i in range(5)], [f"V{i}" for i in range(5)], "en",
                                              unit_labels="%", quantities="share")
    assert axes.shape == (2, 3) and len(results) == 5
    assert all(r.n_regions == 17 and r.city_codes == CITIES for r in results)
    assert not axes.flat[5].axison
    assert fig.get_size_inches()[0] == pytest.approx(plots.FULL_WIDTH_IN)


def test_map_plan_maps_what_the_dataset_has(processed_2021, study_style):
    from vstudy.data import processed
    from vstudy.present import figures
    from vstudy.present.notebook import markdown

    table = processed.read_table("regions_kz2021", processed_2021)
    plan = figures.map_plan(table, "kz2021", "en")
    assert "volunteers_per_100k" in plan.absent  # no volunteer counts in the 2021 dataset
    assert plan.frame["population_thousands"].tolist() == pytest.approx((table["population_count"] / 1000).tolist())
    classes = plan.classification().set_index("variable")
    choice = maps.recommend_classification(table["ngo_share_pct"].astype(float))
    assert classes.loc["ngo_share_pct", "classification"] == choice.method
    fig, note = plan.draw("volunteers_per_100k")
    assert fig is None and markdown(note) == "The dataset has no values for the map «Volunteers per 100,000»."
    fig, note = plan.draw("ngo_share_pct")
    assert fig is not None and markdown(note).startswith(f"*{len(table)} regions; classes: Quantiles, k = ")
    said = markdown(plan.text())
    assert f"covers {len(table)} of the {len(table)} regions of the administrative division of 2021." in said
    assert "Not available in this dataset: «Volunteers per 100,000»." in said
    # what the volunteer map needs is named in words (the template's ids stand in the data dictionary)
    assert ("A dataset that gives per-region volunteer counts (in the regional table of the collection template, or "
            "in a table of volunteers by region) also gets the map of volunteers per 100,000 inhabitants.") in said
    assert "`" not in said
    assert plan.heading("organisations") == "## Organisations"
    assert plan.heading("population") == "## Population and volunteers"  # population is mapped
    assert list(plan.values().columns[:2]) == ["region_code", "region"]


def test_map_plan_in_russian_on_twenty_regions(study_style):
    """The 2022 scheme in the Russian edition: 20 units, every word Russian, Russian number format."""
    from vstudy.present import figures
    from vstudy.present.notebook import markdown

    codes = regions.codes("kz2022")
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"region_code": codes, "ngo_share_pct": rng.uniform(2, 70, 20),
                          "organisations_count": rng.integers(10, 500, 20),
                          "volunteers_per_100k": rng.uniform(100, 6000, 20)})
    frame.loc[3, "volunteers_per_100k"] = np.nan
    plan = figures.map_plan(frame, "kz2022", "ru")
    said = markdown(plan.text(), lang="ru")
    assert said.startswith("Региональная таблица охватывает 20 из 20 регионов по административно-территориальному "
                           "делению с июня 2022 года.")
    assert "На картах: «НПО, % организаций» и «Волонтёров на 100 тыс.»." in said
    # a dataset that gives the volunteer rate is not told to supply volunteer counts
    assert "volunteers_count" not in said and "volunteers_by_region" not in said
    assert plan.heading("organisations") == "## Организации" and plan.heading("volunteers") is None
    fig, note = plan.draw("volunteers_per_100k")
    text = markdown(note, lang="ru")
    assert text.startswith("*20 регионов; классы: ")
    assert text.endswith(f"*Нет данных: {labels.region_label(codes[3], 'ru')}.*")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-2] == "Нет данных  (1)" and legend[-1] == "Город республиканского значения"
    top = f"{float(frame['volunteers_per_100k'].max()):,.1f}".replace(",", "\u00a0").replace(".", ",")
    assert f" – {top}  (" in legend[-3]  # the top class ends at the largest value, as CLDR writes it in Russian
    assert "Волонтёров на 100 тыс." in {fig.axes[0].get_title(loc) for loc in ("left", "center")}
    names = {t.get_text().replace("-\n", "-").replace("\n", " ") for t in fig.axes[0].texts}
    assert {labels.region_label(c, "ru") for c in codes} <= names
    hover = plan.interactive("ngo_share_pct")
    assert len(interactive.region_names(hover)) == 20
    order = frame.sort_values("ngo_share_pct", ascending=False)["region_code"].tolist()
    for code in (codes[0], order[0], order[-1]):
        row = frame.set_index("region_code").loc[code]
        name = labels.region_label(code, "ru")
        text = next(t.text for t in hover.data if t.fill == "toself" and t.name == name)
        value = f"{row['ngo_share_pct']:.1f}".replace(".", ",")
        assert text.split("<br>") == [
            f"<b>{name}</b>", f"НПО, % организаций: {value}\u00a0%", f"{order.index(code) + 1}-е место из 20",
            f"{labels.column_label('organisations_count', 'ru')}: {int(row['organisations_count'])}"]


def test_map_plan_in_kazakh(study_style):
    """The Kazakh edition of section 04's sentences: Kazakh words, region names from the gazetteer, no Latin word
    outside code, numbers as CLDR writes them in Kazakh."""
    from vstudy.present import figures
    from vstudy.present.notebook import markdown

    codes = regions.codes("kz2021")
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({"region_code": codes, "ngo_share_pct": rng.uniform(2, 70, 17),
                          "organisations_count": rng.integers(10, 500, 17),
                          "organisations_per_100k": rng.uniform(5, 60, 17)})
    frame.loc[[2, 9], "ngo_share_pct"] = np.nan
    plan = figures.map_plan(frame, "kz2021", "kk")
    said = markdown(plan.text(), lang="kk")
    assert said.startswith("Өңірлік кесте 2021 жылғы әкімшілік-аумақтық бөлініс бойынша 17 өңірдің 17 өңірін "
                           "қамтиды. Карталарда: «100 мың тұрғынға шаққандағы ұйымдар» және «ҮЕҰ, ұйымдардың %».")
    # what the volunteer map needs, in words (the template's ids stand in the data dictionary)
    assert "Өңірлер бойынша волонтерлер саны берілген (деректер жинау үлгісінің өңірлік кестесінде" in said
    assert "`" not in said
    assert plan.heading("organisations") == "## Ұйымдар" and plan.heading("volunteers") is None
    fig, note = plan.draw("ngo_share_pct")
    text = markdown(note, lang="kk")
    missing = [labels.region_label(codes[i], "kk") for i in (2, 9)]
    assert text.startswith("*17 өңір; сыныптар: ")  # the units drawn, those without a value hatched
    assert text.endswith(f"*Деректер жоқ: {missing[0]} және {missing[1]}.*")
    assert (codes[2], codes[9]) == ("KZ-19", "KZ-47") and missing == ["Алматы облысы", "Маңғыстау"]  # gazetteer
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-2] == "Деректер жоқ  (2)" and legend[-1] == "Республикалық маңызы бар қала"
    names = {t.get_text().replace("-\n", "-").replace("\n", " ") for t in fig.axes[0].texts}
    assert {"Ақмола", "Солтүстік Қазақстан", "Алматы облысы", "Алматы"} <= names
    classes = plan.classification()
    assert classes["justification"].str.contains("Бөлу сапасы").all()
    for sentence in (said, text, *classes["justification"]):
        words = re.sub(r"`[^`]*`", "", sentence)
        assert not re.search(r"[A-Za-z]{4,}", words), sentence
    assert markdown(plan.draw("vol_students_pct")[1], lang="kk") == \
        "Деректер жиынтығында «Волонтерлер арасындағы білім алушылар, %» картасына мәндер жоқ."


@pytest.mark.parametrize(("m", "ru"), [(17, "из 17 регионов"), (20, "из 20 регионов"), (21, "из 21 региона"),
                                       (22, "из 22 регионов")])
def test_russian_overview_takes_the_genitive_after_the_count(m, ru):
    from vstudy.present.prose import maps as prose

    said = prose.overview(m, m, "kz2022", [], [], "ru")[0]
    assert f"охватывает {m} {ru} по административно-территориальному делению с июня 2022 года." in said
