"""The seed report's figures (../shared/seed, "Aanmeldingen" and "Profiel van slachtoffers"),
turned into yearly mixes for the demo history.

The report gives a few labelled years per chart, 30-year totals and 5-year tables. Between
labelled years the figures are interpolated linearly; where the report gives a total, the
years in between are scaled so that the total comes out (intakes: 9,913 in 1995-2023; forms of
exploitation: 42/39/14/2/1/1 %). Years after the report continue its last year. Everything
that is an assumption rather than a figure of the report says so.

The report is a Brussels centre's: BXL follows it; the other demo centres are the same shape at
a smaller size (``CENTRE_SIZE``).
"""

import functools
import itertools
from collections.abc import Mapping

FIRST_YEAR = 1995
LAST_REPORTED_YEAR = 2023
REPORTED_INTAKES = 9913  # "9.913 totaal aantal aanmeldingen", 1995-2023

# Relative size of each demo centre (assumption: Antwerp and Liège smaller than Brussels).
CENTRE_SIZE = {"BXL": 1.0, "ANT": 0.6, "LIE": 0.4}

# "Evolutie aantal aanmeldingen": the labelled years.
INTAKE_ANCHORS = {2000: 371, 2004: 272, 2008: 369, 2012: 404, 2016: 325, 2018: 431, 2023: 716}
# The chart starts in 1995 without a label: a ramp-up after the founding (assumption).
EARLY_INTAKES = {1995: 60, 1996: 110, 1997: 170, 1998: 230, 1999: 300}
# After the report: the growth of its last years goes on, slowly (assumption).
GROWTH_AFTER_REPORT = 0.02

# "Evolutie aantal nieuwe begeleidingen": the labelled years (1,769 persons in 30 years).
GUIDANCE_ANCHORS = {
    1995: 12,
    2000: 83,
    2003: 96,
    2007: 74,
    2012: 63,
    2016: 43,
    2018: 68,
    2022: 78,
    2023: 60,
}

# "Oorsprong van de geregistreerde aanmeldingen in de laatste 5 jaar" (2019-2023).
REFERRERS_2019_2023 = {
    "victim": 972,
    "social_sector": 449,
    "private_person": 429,
    "judicial": 323,
    "minors_service": 137,
    "legal_service": 126,
    "medical": 63,
    "partner_centre": 44,
    "diplomatic": 14,
    "unknown": 21,
}
# The report has the last five years only. Assumption: in 1995 the police brought more of the
# intakes and fewer people came on their own; services for unaccompanied minors grew after the
# guardianship law (2004); more intakes went unregistered. Linear from 1995 to 2019.
REFERRER_SHIFT_1995 = {
    "victim": 0.6,
    "judicial": 1.8,
    "minors_service": 0.5,
    "partner_centre": 1.5,
    "unknown": 2.0,
}

# Channels by year (assumption shaped on the report: e-mail grows from the late 1990s, outreach
# from 2019, the national reporting point exists from 2022).
CHANNEL_ANCHORS: dict[int, dict[str, float]] = {
    1995: {"phone": 62, "email": 0, "in_person": 32, "outreach": 0, "reporting_point": 0},
    2005: {"phone": 55, "email": 15, "in_person": 25, "outreach": 0, "reporting_point": 0},
    2015: {"phone": 48, "email": 27, "in_person": 20, "outreach": 0, "reporting_point": 0},
    2018: {"phone": 47, "email": 28, "in_person": 19, "outreach": 0, "reporting_point": 0},
    2019: {"phone": 46, "email": 28, "in_person": 17, "outreach": 5, "reporting_point": 0},
    2021: {"phone": 45, "email": 30, "in_person": 15, "outreach": 6, "reporting_point": 0},
    2022: {"phone": 38, "email": 26, "in_person": 13, "outreach": 6, "reporting_point": 14},
    2024: {"phone": 34, "email": 24, "in_person": 12, "outreach": 6, "reporting_point": 21},
}
OTHER_CHANNEL = 4.0  # percent, every year
REPORTING_POINT_SINCE = 2022

# "Type uitbuiting": 30-year shares of the victims, in percent.
FORMS_30_YEARS = {
    "labour": 42,
    "sexual": 39,
    "smuggling_aggravated": 14,
    "other": 2,
    "begging": 1,
    "criminality": 1,
}
# "Evolutie aantal slachtoffers per type uitbuiting": (sexual, labour, aggravated smuggling).
FORM_ANCHORS = {
    1995: (12, 0, 0),
    2000: (40, 21, 16),
    2005: (28, 22, 12),
    2010: (14, 23, 7),
    2015: (18, 29, 6),
    2018: (9, 45, 10),
    2023: (20, 37, 1),
}
CHARTED_FORMS = ("sexual", "labour", "smuggling_aggravated")

# "Evolutie aantal vrouwen/mannen" follows from the forms: mostly women in sexual exploitation,
# mostly men in labour exploitation and smuggling (assumption; it gives 57% women over 30
# years where the report has 58%, and its swing from women to men after 2000).
GENDER_BY_FORM = {
    "sexual": {"F": 92, "M": 6, "X": 2},
    "labour": {"F": 34, "M": 65, "X": 1},
    "smuggling_aggravated": {"F": 25, "M": 75},
    "begging": {"F": 55, "M": 45},
    "criminality": {"F": 40, "M": 60},
    "other": {"F": 60, "M": 38, "X": 2},
}

# "Aantal slachtoffers per nationaliteit (over 30 jaar)", as codes of Haven's nationality list.
# Left out: Tibet (1), which is not on the list until an administrator adds it.
NATIONALITIES_30_YEARS = {
    "MA": 183, "RO": 155, "NG": 134, "BG": 115, "CN": 111, "AL": 109, "BR": 79, "IN": 52,
    "UA": 40, "IR": 37, "VN": 34, "EG": 32, "PL": 30, "RU": 28, "IQ": 26, "RS": 26, "AF": 25,
    "CD": 25, "GH": 25, "MD": 24, "EC": 23, "DZ": 22, "TN": 22, "BE": 19, "CM": 19, "BJ": 17,
    "YUCS": 16, "LK": 16, "CO": 15, "SK": 14, "TR": 14, "PH": 13, "TH": 13, "LR": 11, "BF": 10,
    "LT": 10, "SL": 10, "XK": 9, "PK": 9, "MK": 8, "SO": 8, "BD": 7, "ET": 7, "CI": 7, "ES": 7,
    "GN": 6, "HU": 6, "KE": 6, "CZ": 6, "DO": 5, "GR": 5, "PE": 5, "SN": 5, "SV": 4, "GT": 4,
    "KZ": 4, "ML": 4, "UZ": 4, "PS": 4, "PT": 4, "SY": 4, "ER": 3, "FR": 3, "GW": 3, "ID": 3,
    "CV": 3, "LV": 3, "SD": 3, "TG": 3, "TD": 3, "VE": 3, "BY": 3, "AO": 2, "AM": 2, "BA": 2,
    "DE": 2, "HT": 2, "IT": 2, "HR": 2, "MG": 2, "MX": 2, "NE": 2, "ZA": 2, "AR": 1, "BO": 1,
    "GE": 1, "GB": 1, "HN": 1, "JM": 1, "JO": 1, "KG": 1, "LS": 1, "MU": 1, "ME": 1, "NL": 1,
    "NP": 1, "UG": 1, "RW": 1, "SI": 1, "TJ": 1, "TZ": 1, "US": 1, "ZZ": 1,
}  # fmt: skip
# The USSR is not in the report's list; files of the mid-1990s still carried it (assumption).
FORMER_STATES_EXTRA = {"SUHH": 3}
# "De meest voorkomende nationaliteiten per periodes van 5 jaar": the six largest per period.
NATIONALITY_PERIODS: dict[tuple[int, int], dict[str, int]] = {
    (1995, 1998): {"MA": 27, "NG": 22, "YUCS": 16, "BG": 14, "LK": 12, "CN": 11, "SUHH": 3},
    (1999, 2003): {"NG": 45, "BG": 42, "AL": 42, "CN": 40, "RO": 24, "UA": 18},
    (2004, 2008): {"BR": 50, "CN": 38, "RO": 37, "MA": 29, "BG": 28, "IN": 24},
    (2009, 2013): {"MA": 47, "RO": 34, "BG": 16, "CN": 14, "IN": 12, "TN": 11},
    (2014, 2018): {"RO": 41, "MA": 40, "NG": 25, "AL": 15, "IQ": 15, "EG": 13},
    (2019, 2023): {"MA": 27, "VN": 22, "RO": 16, "BR": 14, "AF": 12, "NG": 11},
}
# A nationality exists only while its state does (first year, last year).
NATIONALITY_YEARS = {
    "YUCS": (1995, 2005),
    "SUHH": (1995, 1998),
    "RS": (2006, 9999),
    "ME": (2006, 9999),
    "XK": (2008, 9999),
}

# Languages most people of a nationality speak with the centre (for the client record).
LANGUAGES = {
    "MA": "ar, fr", "RO": "ro", "NG": "en", "BG": "bg", "CN": "zh", "AL": "sq", "BR": "pt",
    "IN": "hi, en", "UA": "uk, ru", "IR": "fa", "VN": "vi", "EG": "ar", "PL": "pl", "RU": "ru",
    "IQ": "ar", "RS": "sr", "AF": "fa, ps", "CD": "fr, ln", "GH": "en", "MD": "ro, ru",
    "EC": "es", "DZ": "ar, fr", "TN": "ar, fr", "BE": "nl, fr", "YUCS": "sh", "SUHH": "ru",
}  # fmt: skip


# --- Not in the report: assumptions that shape the rest ----------------------------------

# Intakes outside office hours (evenings, nights, weekends), taken by the on-call worker.
ON_CALL_SHARE = 0.3
# Intakes with indicators of trafficking: fewer over the years, as the report says ("steeds
# vaker gaat het over aanmeldingen van situaties zonder indicatoren"); the shares are guesses.
INDICATORS_YES = {1995: 0.45, 2010: 0.38, 2018: 0.30, 2023: 0.22}
UNCLEAR_SHARE = 0.15
# Decisions on intakes that did not start a guidance, by indicator conclusion.
OUTCOMES: dict[str, dict[str, float]] = {
    "yes": {"referred_partner_centre": 30, "declined": 30, "referred_other_service": 15,
            "no_follow_up": 25},
    "unclear": {"referred_other_service": 35, "no_follow_up": 45, "declined": 10,
                "referred_partner_centre": 10},
    "no": {"referred_other_service": 60, "no_follow_up": 40},
}  # fmt: skip
# Where the exploitation took place: the report's map ("per gerechtelijk arrondissement",
# last 5 years), read roughly. A centre outside Brussels swaps its own district with Brussels.
DISTRICTS = {
    "BRU": 132, "HEN": 35, "WVL": 33, "ANT": 26, "OVL": 13, "LEU": 7, "LIM": 7, "LUI": 5,
    "NAM": 4, "WBR": 3, "LUX": 1, "EUP": 1, "ABROAD": 8, "UNKNOWN": 10,
}  # fmt: skip
HOME_DISTRICT = {"BXL": "BRU", "ANT": "ANT", "LIE": "LUI"}


def interpolate(anchors: Mapping[int, float], year: int) -> float:
    """Linear between labelled years, constant before the first and after the last."""
    years = sorted(anchors)
    if year <= years[0]:
        return float(anchors[years[0]])
    if year >= years[-1]:
        return float(anchors[years[-1]])
    for low, high in itertools.pairwise(years):
        if low <= year <= high:
            return anchors[low] + (anchors[high] - anchors[low]) * (year - low) / (high - low)
    raise AssertionError("unreachable")


def interpolate_mix(anchors: Mapping[int, Mapping[str, float]], year: int) -> dict[str, float]:
    codes = {code for mix in anchors.values() for code in mix}
    return {
        code: interpolate({y: mix.get(code, 0.0) for y, mix in anchors.items()}, year)
        for code in sorted(codes)
    }


@functools.cache
def _reported_intakes() -> dict[int, float]:
    """1995-2023: labelled years exact, the others scaled so the 30 years make 9,913."""
    fixed = {**EARLY_INTAKES, **INTAKE_ANCHORS}
    between = {
        year: interpolate(INTAKE_ANCHORS, year)
        for year in range(FIRST_YEAR, LAST_REPORTED_YEAR + 1)
        if year not in fixed
    }
    factor = (REPORTED_INTAKES - sum(fixed.values())) / sum(between.values())
    return {**fixed, **{year: value * factor for year, value in between.items()}}


def intakes(year: int) -> float:
    """Intakes a year at the reference centre (BXL)."""
    if year <= LAST_REPORTED_YEAR:
        return _reported_intakes()[year]
    return INTAKE_ANCHORS[LAST_REPORTED_YEAR] * (1 + GROWTH_AFTER_REPORT) ** (
        year - LAST_REPORTED_YEAR
    )


def new_guidances(year: int) -> float:
    """New guidances a year at the reference centre; after the report, its recent average."""
    if year > LAST_REPORTED_YEAR:
        return sum(GUIDANCE_ANCHORS[y] for y in (2018, 2022, 2023)) / 3
    return interpolate(GUIDANCE_ANCHORS, year)


def referrers(year: int) -> dict[str, float]:
    progress = min(max((year - FIRST_YEAR) / (2019 - FIRST_YEAR), 0.0), 1.0)
    return {
        code: count * (REFERRER_SHIFT_1995.get(code, 1.0) * (1 - progress) + progress)
        for code, count in REFERRERS_2019_2023.items()
    }


def channels(year: int) -> dict[str, float]:
    mix = interpolate_mix(CHANNEL_ANCHORS, year)
    if year < REPORTING_POINT_SINCE:
        mix["reporting_point"] = 0.0
    scale = (100 - OTHER_CHANNEL) / sum(mix.values())
    return {**{code: value * scale for code, value in mix.items()}, "other": OTHER_CHANNEL}


def _charted_forms(year: int) -> dict[str, float]:
    anchors = {
        y: dict(zip(CHARTED_FORMS, counts, strict=True)) for y, counts in FORM_ANCHORS.items()
    }
    mix = interpolate_mix(anchors, min(year, LAST_REPORTED_YEAR))
    total = sum(mix.values())
    return {code: value / total for code, value in mix.items()}


@functools.cache
def _form_correction() -> dict[str, float]:
    """Per charted form, the factor that makes the 30 years (weighted by new guidances) give
    the report's 30-year shares: the charted years give the shape, the shares the totals."""
    weights = {year: new_guidances(year) for year in range(FIRST_YEAR, LAST_REPORTED_YEAR + 1)}
    totals = dict.fromkeys(CHARTED_FORMS, 0.0)
    for year, weight in weights.items():
        for code, share in _charted_forms(year).items():
            totals[code] += share * weight
    charted_share = sum(FORMS_30_YEARS[code] for code in CHARTED_FORMS) / 100
    everything = sum(weights.values())
    return {
        code: FORMS_30_YEARS[code] / 100 / (totals[code] / everything / charted_share)
        for code in CHARTED_FORMS
    }


def forms(year: int) -> dict[str, float]:
    """Forms of exploitation of the year's victims, in percent."""
    charted_share = sum(FORMS_30_YEARS[code] for code in CHARTED_FORMS)
    correction = _form_correction()
    mix = {
        code: share * charted_share * correction[code]
        for code, share in _charted_forms(year).items()
    }
    for code, percent in FORMS_30_YEARS.items():
        mix.setdefault(code, float(percent))
    return mix


@functools.cache
def _nationality_tail() -> dict[str, float]:
    """The 30-year count not in any period's six largest, spread evenly over the periods."""
    listed: dict[str, int] = {}
    for top in NATIONALITY_PERIODS.values():
        for code, count in top.items():
            listed[code] = listed.get(code, 0) + count
    periods = len(NATIONALITY_PERIODS)
    everything = {**NATIONALITIES_30_YEARS, **FORMER_STATES_EXTRA}
    return {
        code: max(total - listed.get(code, 0), 0) / periods for code, total in everything.items()
    }


def nationalities(year: int) -> dict[str, float]:
    """Nationalities of the year's clients: the period's six largest plus the long tail."""
    period = next(
        (top for (first, last), top in NATIONALITY_PERIODS.items() if first <= year <= last),
        NATIONALITY_PERIODS[max(NATIONALITY_PERIODS)],
    )
    mix = {}
    for code, tail in _nationality_tail().items():
        first, last = NATIONALITY_YEARS.get(code, (0, 9999))
        weight = tail + period.get(code, 0)
        if first <= year <= last and weight > 0:
            mix[code] = weight
    return mix
