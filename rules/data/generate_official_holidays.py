"""Generate official-holidays.csv once, from the `holidays` package (not a dependency of ammr).

    pip install holidays==0.109 && python rules/data/generate_official_holidays.py

The rules read the CSV this writes, never the package: a new release of `holidays` cannot
change a verdict until someone regenerates the file and reviews the diff. Only nationwide
public holidays are listed (the package's default category, no subdivision), as the reading of
"official holidays in the Member State concerned" of Art 75(d) declared in rules/art-075.rules.
"""

import csv
import sys
from datetime import date
from pathlib import Path

import holidays

# The package computes these holidays by rule up to 2100; the law of far years is what is uncertain
# (holidays proclaimed or abolished later), so the calendar stops at 2040 (see README.md beside this file).
YEARS = range(2024, 2041)
# Eurostat codes (as in the rules) -> ISO 3166 codes (as in the package)
CODES = {"BE": "BE", "BG": "BG", "CZ": "CZ", "DK": "DK", "DE": "DE", "EE": "EE", "IE": "IE", "EL": "GR",
         "ES": "ES", "FR": "FR", "HR": "HR", "IT": "IT", "CY": "CY", "LV": "LV", "LT": "LT", "LU": "LU",
         "HU": "HU", "MT": "MT", "NL": "NL", "AT": "AT", "PL": "PL", "PT": "PT", "RO": "RO", "SI": "SI",
         "SK": "SK", "FI": "FI", "SE": "SE"}


def main(target: Path) -> None:
    source = f"python-holidays {holidays.__version__}, generated {date.today().isoformat()}"
    rows = []
    for geo, iso in CODES.items():
        for day, name in sorted(holidays.country_holidays(iso, years=YEARS, language="en_US").items()):
            rows.append((geo, day.isoformat(), name, source))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("geo", "date", "name", "source"))
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("official-holidays.csv"))
