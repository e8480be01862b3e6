"""The regional schemes and their number of units (no imports: the command line reads this at start-up)."""

# kz2021: 14 oblasts + Nur-Sultan, Almaty, Shymkent; kz2022: plus Abai, Zhetysu and Ulytau (split off in 2022).
SCHEMES: dict[str, int] = {"kz2021": 17, "kz2022": 20}
