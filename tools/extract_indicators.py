#!/usr/bin/env python3
"""Extract the behaviour indicators of competencies (Appendix 4, "4-қосымша") from the
OCR'd Kazakh seeds into bagalau/methodology/data/indicators.json and the national list of
position categories into bagalau/methodology/data/categories.json.

Plain python3 (stdlib only). Usage:

    python3 tools/extract_indicators.py [--seeds DIR] [--out DIR] [--check]

The seeds are too damaged for a blind parser (rows split across lines and pages, cells
shuffled, stray duplicated cells, PDF hyphenation and letter-spacing), so the row layout
of every seed is given by hand below (``SPECS``): for every competency x group row, the
fragments of the seed that hold its category cell and its effective / ineffective
indicator cells. Everything else is mechanical:

* fragments of one cell are joined with a space (continuation of a broken line);
  the token ``GLUE`` joins two fragments without a space (a word or code split in two:
  "В-" + "4 (сектор ...") and ``BREAK`` forces an indicator boundary between two fragments;
* indicators are split at ';', at the bullet '•', at paragraph boundaries ``</p> <p>``
  inside one cell, at a '.' immediately followed by a capital letter (a missing
  separator, e.g. "енгізеді.Қызметкерлерді") and at the explicit ``split_before`` marks;
* html tags are removed, whitespace is collapsed, leading/trailing ' ', ';', '.' trimmed;
* a line ending in '-' is a soft hyphen (PDF line wrap) and is dropped, unless the
  hyphenated word occurs as such in seeds 002/003 (e.g. "сондай-ақ" is kept);
* a line starting with punctuation (", тапсырмаларды") is glued to the previous one;
* whitespace repair: when an indicator of seed 000/003/004 equals an indicator of the clean
  seed 002 once all whitespace is removed, the 002 spacing is used. This only repairs PDF
  letter-spacing ("м а қ с а т ы н д а") and split words ("етет ін", "тұтынушылар дың");
  the characters stay those of the seed. Every repair is logged in "whitespace_repairs".

Nothing is translated or invented; words keep the seed's spelling (OCR typos included).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_OUT = ROOT / "bagalau" / "methodology" / "data"

FILES = {
    "000": "000_56f9b2bc642b0f8c.txt",
    "002": "002_8bb19c2e6c762156.txt",
    "003": "003_9e3c672faa21bf14.txt",
    "004": "004_a8c7f3a16285c447.txt",
}

COMPETENCIES = [
    ("management", "Қызметтік басқару", "Управление деятельностью", "Management", False),
    ("cooperation", "Ынтымақтастық", "Сотрудничество", "Cooperation", False),
    ("decision_making", "Шешім қабылдау", "Принятие решений", "Decision making", False),
    (
        "customer_orientation",
        "Қызметті тұтынушыға бағдарлану",
        "Ориентация на потребителя услуг",
        "Customer orientation",
        True,
    ),
    (
        "customer_informing",
        "Қызметті тұтынушыға ақпараттандыру",
        "Информирование потребителей услуг",
        "Customer informing",
        True,
    ),
    ("operativeness", "Жеделділік", "Оперативность", "Operativeness", False),
    ("self_development", "Өздігінен даму", "Саморазвитие", "Self-development", False),
    ("integrity", "Адалдық", "Добропорядочность", "Integrity", False),
    ("stress_resistance", "Стресске орнықтылық", "Стрессоустойчивость", "Stress resistance", False),
    ("responsibility", "Жауапкершілік", "Ответственность", "Responsibility", False),
    ("initiative", "Бастамашылдық", "Инициативность", "Initiative", False),
]
COMP_CODES = [c[0] for c in COMPETENCIES]

SOURCES = [
    {
        "seed": "000",
        "file": FILES["000"],
        "title_kk": "Бесқарағай аудандық мәслихатының аппараты",
        "act_kk": "Бесқарағай аудандық мәслихатының 2020 жылғы 27 қазандағы № 57/14-VI шешімі "
        "(2018 жылғы 12 наурыздағы № 21/4-VІ шешіміне өзгерістер)",
        "model": "2018",
        "groups": [2, 3],
        "scope": "E-2, E-3 (unit heads) and E-4 only; Appendix 4 in a new wording (2020)",
    },
    {
        "seed": "002",
        "file": FILES["002"],
        "title_kk": "Маңғыстау облыстық мәслихатының аппараты",
        "act_kk": "Маңғыстау облыстық мәслихатының 2018 жылғы 20 наурыздағы № 17/212 шешімі",
        "model": "2018",
        "groups": [1, 2, 3],
        "scope": "D-1; D-2, D-3 (unit heads); D-3, D-4, D-5",
    },
    {
        "seed": "003",
        "file": FILES["003"],
        "title_kk": "Қызылорда облыстық мәслихатының аппараты",
        "act_kk": "Қызылорда облыстық мәслихатының 2021 жылғы 25 қарашадағы № 68 шешімі "
        "(2018 жылғы 29 наурыздағы № 199 шешіміне өзгеріс)",
        "model": "2018",
        "groups": [1, 2, 3],
        "scope": "national table: every category B, C, D, E in the three groups",
    },
    {
        "seed": "004",
        "file": FILES["004"],
        "title_kk": "Қазақстан Республикасы Жоғары Сот Кеңесінің аппараты",
        "act_kk": "Қазақстан Республикасы Жоғары Сот Кеңесінің аппараты Басшысының 2018 жылғы "
        "12 шілдедегі № 2-4/26 өкімі (2018 жылғы 14 наурыздағы № 3-4/14 өкіміне өзгерістер)",
        "model": "2018",
        "groups": [1, 3],
        "scope": "B-1, B-2 (head of a structural unit of the apparatus); B-4, B-5",
    },
]

GLUE = "GLUE"
BREAK = "BREAK"

# ---------------------------------------------------------------------------------------
# Fragment constructors. Line numbers are 1-based, as printed by `cat -n`.


def L(a, b=None):
    """Raw lines a..b (wrapped PDF text: joined, soft hyphens removed)."""
    return ("lines", a, b if b is not None else a)


def C(line, cell, p0=None, p1=None):
    """Tab-separated cell of a table line (003: '\t', 002: '\t|\t'); optionally only
    its <p> paragraphs p0..p1-1 (python slice)."""
    return ("cell", line, cell, p0, p1)


def R(line, regex):
    """Group 1 of a regex searched in one raw line."""
    return ("re", line, regex)


def row(comp, group, cat, eff, ineff, **extra):
    d = {"competency": comp, "group": group, "cat": cat, "eff": eff, "ineff": ineff}
    d.update(extra)
    return d


INTEGRITY_G2_NOTE = (
    "Not mirrored in the seed: the effective list has 6 indicators, the ineffective list 5 "
    "(no negative counterpart of 'Риясыздық, әділдік, адал ниеттілік ... үлгісі болады'). "
    "The same in seeds 000, 002 and 003, so it is the wording of the national table."
)

# --- seed 000: PDF text, one table column after another, page breaks inside rows -------
SPECS_000 = [
    row("management", 2, [L(67, 68)], [L(70, 84), L(105, 111)], [L(86, 100), L(113, 118)]),
    row("management", 3, [L(120)], [L(122, 133)], [L(135, 142)]),
    row("cooperation", 2, [L(146, 147)], [L(149, 161)], [L(163, 176)]),
    row("cooperation", 3, [L(178)], [L(180, 196)], [L(198, 210)]),
    row(
        "decision_making", 2, [L(221, 222)], [L(212, 213), L(224, 243)], [L(215, 216), L(245, 265)]
    ),
    row("decision_making", 3, [L(267)], [L(269, 276)], [L(278, 286)]),
    row("customer_orientation", 2, [L(291, 292)], [L(294, 308)], [L(310, 324)]),
    row(
        "customer_orientation", 3, [L(326)], [L(328, 333), L(342, 347)], [L(335, 338), L(349, 354)]
    ),
    row("customer_informing", 2, [L(359, 360)], [L(362, 372)], [L(374, 384)]),
    row("customer_informing", 3, [L(386)], [L(388, 398)], [L(400, 411)]),
    row("operativeness", 2, [L(415, 416)], [L(418, 431)], [L(433, 447)]),
    row("operativeness", 3, [L(449)], [L(451, 456), L(467, 470)], [L(458, 463), L(472, 477)]),
    row("self_development", 2, [L(481, 482)], [L(484, 499)], [L(501, 512)]),
    row("self_development", 3, [L(514)], [L(516, 526)], [L(528, 538)]),
    row(
        "integrity",
        2,
        [L(540, 541)],
        [L(543, 560), L(579, 586)],
        [L(562, 574), L(588, 592)],
        mirror_exception=INTEGRITY_G2_NOTE,
    ),
    row("integrity", 3, [L(594)], [L(596, 604)], [L(606, 620)]),
    row("stress_resistance", 2, [L(624, 625)], [L(627, 632)], [L(634, 638)]),
    row("stress_resistance", 3, [L(640)], [L(642, 647)], [L(649, 653)]),
    row("responsibility", 2, [L(657, 658)], [L(660, 663)], [L(665, 669)]),
    row("responsibility", 3, [L(671)], [L(672, 674)], [L(676, 678)]),
    row("initiative", 2, [L(701, 702)], [L(704, 710)], [L(712, 719)]),
    row("initiative", 3, [L(721)], [L(723, 728)], [L(730, 735)]),
]

# --- seed 002: a clean '\t|\t' table, lines 358-390 (three lines per competency) -------
SPECS_002 = []
for _i, _comp in enumerate(COMP_CODES):
    _base = 358 + 3 * _i
    # line 358+3i: competency | D-1 | eff | ineff ; then D-2;D-3 (heads) ; then D-3;D-4;D-5
    SPECS_002.append(row(_comp, 1, [C(_base, 1)], [C(_base, 2)], [C(_base, 3)]))
    SPECS_002.append(
        row(
            _comp,
            2,
            [C(_base + 1, 0)],
            [C(_base + 1, 1)],
            [C(_base + 1, 2)],
            **({"mirror_exception": INTEGRITY_G2_NOTE} if _comp == "integrity" else {}),
        )
    )
    SPECS_002.append(row(_comp, 3, [C(_base + 2, 0)], [C(_base + 2, 1)], [C(_base + 2, 2)]))

# --- seed 003: tab table with <p> cells, rows scrambled across lines ---------------------
SPECS_003 = [
    row(
        "management",
        1,
        [C(29, 1)],
        [C(29, 2)],
        [C(29, 3)],
        split_before={"ineffective": ["Бөлімше жұмысын басымдылығына мән бермей"]},
        note="The seed lacks the ';' between 'жағдай жасамайды' and 'Бөлімше жұмысын "
        "басымдылығына мән бермей ...' in the ineffective cell; split there "
        "(seeds 002 and 004 have the separator).",
    ),
    row("management", 2, [C(30, 1)], [C(30, 2)], [C(30, 3)]),
    row(
        "management",
        3,
        [C(31, 1), C(33, 1)],
        [C(31, 2), C(33, 2)],
        [C(31, 3), C(33, 3)],
        note="Row split over lines 31 and 33.",
    ),
    row("cooperation", 1, [C(34, 1)], [C(34, 2)], [C(34, 3)]),
    row(
        "cooperation",
        2,
        [C(35, 1), C(37, 1)],
        [C(35, 2)],
        [C(35, 3), C(37, 3)],
        note="Row split over lines 35 and 37. The effective cell of line 37 "
        "('жетуге қосқан үлесін анықтамайды.') is a stray copy of the end of the "
        "ineffective cell and is ignored.",
    ),
    row("cooperation", 3, [C(38, 1)], [C(38, 2)], [C(38, 3)]),
    row(
        "decision_making",
        1,
        [C(39, 1, 0, 1)],
        [C(39, 2)],
        [C(39, 3)],
        note="The category cell of line 39 also holds the start of the group-2 cell.",
    ),
    row(
        "decision_making",
        2,
        [C(39, 1, 1, 2), C(42, 1)],
        [C(40, 2), C(42, 2)],
        [C(40, 3), C(42, 3)],
        note="Category cell starts in line 39 (second paragraph) and ends in line 42 "
        "('оынбасары' sic); indicators in lines 40 and 42.",
    ),
    row("decision_making", 3, [C(43, 1)], [C(43, 2)], [C(43, 3)]),
    row("customer_orientation", 1, [C(44, 1)], [C(44, 2)], [C(44, 3)]),
    row(
        "customer_orientation",
        2,
        [C(45, 1), R(51, r"^<p>(басқармасының \()Сәпалы"), GLUE, C(51, 0, 1, 2)],
        [C(51, 1)],
        [C(51, 2)],
        note="Category cell split over lines 45 and 51 around the heading lines 47-49; "
        "line 51 inserts a stray copy of the effective cell ('Сәпалы қызмет ... "
        "көрсетеді.') inside the category cell, which is left out.",
    ),
    row("customer_orientation", 3, [C(52, 0)], [C(52, 1)], [C(52, 2)]),
    row("customer_informing", 1, [C(53, 0)], [C(53, 1)], [C(53, 2)]),
    row(
        "customer_informing",
        2,
        [C(54, 0), GLUE, C(56, 1)],
        [C(56, 2)],
        [C(56, 3)],
        note="Category cell split over lines 54 and 56.",
    ),
    row("customer_informing", 3, [C(57, 1)], [C(57, 2)], [C(57, 3)]),
    row(
        "operativeness",
        1,
        [C(58, 1)],
        [C(58, 2)],
        [C(58, 3), C(60, 3, 0, 1)],
        note="The last ineffective indicator continues in line 60 "
        "('талдамайды және басшылыққа енгізбейді.').",
    ),
    row("operativeness", 2, [C(60, 1)], [C(60, 2)], [C(60, 3, 1, None)]),
    row("operativeness", 3, [C(61, 1)], [C(61, 2)], [C(61, 3)]),
    row(
        "self_development",
        1,
        [C(66, 0)],
        [C(62, 1), BREAK, C(66, 1)],
        [C(62, 3), C(66, 2)],
        note="The first indicators of the row stand in line 62, above the heading "
        "'ӨЗДІГІНЕН ДАМУ' (line 64); the ineffective 'Қызметкерлерді дамыту бойынша "
        "жүйелі шараларды' continues in line 66. Order as in seeds 002 and 004.",
    ),
    row("self_development", 2, [C(67, 0)], [C(67, 1)], [C(67, 2)]),
    row(
        "self_development",
        3,
        [C(68, 0), C(70, 1)],
        [C(68, 1), C(70, 2)],
        [C(68, 2), C(70, 3)],
        note="Row split over lines 68 and 70.",
    ),
    row("integrity", 1, [C(71, 1)], [C(71, 2)], [C(71, 3)]),
    row(
        "integrity",
        2,
        [C(72, 1), GLUE, C(74, 0)],
        [C(72, 2), C(74, 1)],
        [C(72, 3), C(74, 2)],
        mirror_exception=INTEGRITY_G2_NOTE,
        note="Row split over lines 72 and 74.",
    ),
    row("integrity", 3, [C(75, 0)], [C(75, 1)], [C(75, 2)]),
    row("stress_resistance", 1, [C(76, 0)], [C(76, 1)], [C(76, 2)]),
    row(
        "stress_resistance",
        2,
        [C(77, 0), GLUE, L(82)],
        [L(84)],
        [L(86)],
        note="Category cell split over lines 77 and 82 around the heading lines 79-80.",
    ),
    row("stress_resistance", 3, [L(88)], [L(90)], [L(92)]),
    row("responsibility", 1, [L(94)], [L(96)], [L(98)]),
    row(
        "responsibility",
        2,
        [L(100), GLUE, C(104, 1)],
        [C(104, 2)],
        [L(102), C(104, 3)],
        note="Category cell split over lines 100 and 104; the ineffective indicator starts "
        "in line 102 and ends in line 104.",
    ),
    row("responsibility", 3, [C(105, 1)], [C(105, 2)], [C(105, 3)]),
    row(
        "initiative",
        1,
        [C(106, 1)],
        [C(106, 2)],
        [C(106, 3)],
        note="The category cell's parenthesis is in Russian in the seed.",
    ),
    row(
        "initiative",
        2,
        [C(107, 1), C(109, 1)],
        [C(107, 2), C(109, 2)],
        [C(107, 3), C(109, 3)],
        note="Row split over lines 107 and 109.",
    ),
    row(
        "initiative",
        3,
        [
            R(110, r"^\t<p>(.*?\* E-G-3) бөлімшенің"),
            GLUE,
            R(110, r"Құрылымдық бөлімшенің басшысы\)(\. \* осы .*?)</p>"),
        ],
        [C(110, 2)],
        [C(110, 3)],
        categories_restored=["E-G-4"],
        note="Last line of the file (110, without a final newline). Its category cell is "
        "damaged: it stops at '* E-G-3' and continues with a stray piece of the group-2 "
        "cell ('бөлімшенің басшысы). E-R-2; E-R-3; E-G-1; E-G-2 (Құрылымдық бөлімшенің "
        "басшысы)'), which is left out of categories_text; '; E-G-4' is lost. E-G-4 is "
        "restored in 'categories' from the identical group-3 cell of the other ten "
        "competencies (categories_restored).",
    ),
]

# --- seed 004: PDF text with bullets and hyphenation -------------------------------------
SPECS_004 = [
    row("management", 1, [L(161, 168)], [L(170, 180)], [L(182, 193)]),
    row("management", 3, [L(195, 197)], [L(198, 207)], [L(209, 217)]),
    row("cooperation", 1, [R(219, r"(В-1;)"), L(221, 226)], [L(228, 239)], [L(241, 252)]),
    row(
        "cooperation",
        3,
        [L(254, 256)],
        [L(257, 260), L(265, 267), L(269, 271)],
        [L(262, 264), L(273, 275), L(277, 278)],
        note="Effective and ineffective bullets are interleaved in lines 257-278; "
        "sorted by column (affirmative / negative form).",
    ),
    row("decision_making", 1, [L(283, 290)], [L(292, 305)], [L(307, 321)]),
    row("decision_making", 3, [L(323, 325)], [L(326, 332)], [L(334, 341)]),
    row("customer_orientation", 1, [L(347, 354)], [L(356, 369)], [L(371, 385)]),
    row("customer_orientation", 3, [L(387, 389)], [L(391, 400)], [L(402, 409)]),
    row("customer_informing", 1, [L(415, 422)], [L(424, 431)], [L(433, 441)]),
    row("customer_informing", 3, [L(442, 444)], [L(446, 454)], [L(456, 465)]),
    row("operativeness", 1, [R(467, r"(В-1;)"), L(469, 474)], [L(476, 488)], [L(490, 504)]),
    row("operativeness", 3, [L(506, 508)], [L(510, 520)], [L(522, 532)]),
    row("self_development", 1, [R(534, r"(В-1;)"), L(536, 541)], [L(543, 555)], [L(557, 573)]),
    row("self_development", 3, [L(575, 577)], [L(579, 587)], [L(589, 596)]),
    row("integrity", 1, [R(598, r"(В-1;)"), L(599, 604)], [L(606, 632)], [L(634, 659)]),
    row("integrity", 3, [L(661, 663)], [L(665, 672)], [L(674, 683)]),
    row("stress_resistance", 1, [L(688, 695)], [L(697, 699)], [L(701, 704)]),
    row("stress_resistance", 3, [L(706, 708)], [L(710, 712)], [L(714, 717)]),
    row("responsibility", 1, [R(719, r"(В-1;)"), L(721, 726)], [L(728, 730)], [L(732, 734)]),
    row("responsibility", 3, [L(736, 738)], [L(740, 741)], [L(743, 744)]),
    row(
        "initiative",
        1,
        [R(746, r"(В-1;)"), L(748, 753)],
        [L(755, 758)],
        [R(746, r"(• .*)$"), L(747), L(760, 762)],
        note="The ineffective indicator starts in line 746-747 (next to the heading and "
        "the category) and ends in lines 760-762.",
    ),
    row("initiative", 3, [L(764, 766)], [L(768, 771)], [L(773, 776)]),
]

SPECS = {"000": SPECS_000, "002": SPECS_002, "003": SPECS_003, "004": SPECS_004}

# Rows of a seed that are missing or unreadable (none: every competency x group row of the
# groups each seed covers could be reconstructed). Entries: seed, competency, group, explanation.
GAPS: list[dict] = []

ANOMALIES = [
    {
        "seed": "000",
        "lines": [680, 695],
        "text": "A row without a category cell between 'Жауапкершілік' and 'Бастамашылдық': the "
        "first-heads initiative text ('... ұсыныстарды түзеді және қарастырады.' / "
        "'... әзірлемейді және қарастырмайды.'). Seed 000 has no group-1 category, so it "
        "is not a set; left out.",
    },
    {
        "seed": "002",
        "lines": [391, 391],
        "text": "Line 391 repeats the 'D-3;D-4;D-5.' initiative row of line 390 word for word; "
        "the duplicate is ignored.",
    },
    {
        "seed": "003",
        "lines": [37, 37],
        "text": "The effective cell 'жетуге қосқан үлесін анықтамайды.' is a stray copy of the end "
        "of the ineffective cell of cooperation/group 2; ignored.",
    },
    {
        "seed": "003",
        "lines": [110, 110],
        "text": "The category cell of initiative/group 3 stops at '* E-G-3' and holds a stray piece "
        "of the group-2 cell ('бөлімшенің басшысы). E-R-2; E-R-3; E-G-1; E-G-2 (Құрылымдық "
        "бөлімшенің басшысы)'); the piece is left out, E-G-4 restored (see the set).",
    },
    {
        "seed": "003",
        "lines": [51, 51],
        "text": "The category cell of customer_orientation/group 2 contains a stray copy of the "
        "effective indicators ('Сәпалы қызмет көрсету ... көрсетеді.'); left out of "
        "categories_text.",
    },
]

# ---------------------------------------------------------------------------------------
# Text machinery

SEP = "\x1e"  # indicator boundary
JOIN = "\x1f"  # boundary between two seed fragments inside one indicator
UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
TAG_RE = re.compile(r"<[^>]+>")


def load(seeds: Path, seed: str) -> list[str]:
    return (seeds / FILES[seed]).read_text(encoding="utf-8").split("\n")


def hyphen_vocab(seeds: Path) -> set[str]:
    words: set[str] = set()
    for seed in ("002", "003"):
        text = (seeds / FILES[seed]).read_text(encoding="utf-8")
        words.update(w.lower() for w in re.findall(r"\w+(?:-\w+)+", text))
    return words


class Extractor:
    def __init__(self, seeds: Path):
        self.seeds = seeds
        self.lines = {s: load(seeds, s) for s in FILES}
        self.vocab = hyphen_vocab(seeds)

    # -- fragments --
    def wrap_join(self, raw: list[str]) -> str:
        out = ""
        for ln in raw:
            s = ln.strip()
            if not s:
                continue
            if not out:
                out = s
            elif out.endswith("-") and not out.endswith(" -"):
                left = re.search(r"(\w+)-$", out)
                right = re.match(r"(\w+(?:-\w+)*)", s)
                if left and right and f"{left.group(1)}-{right.group(1)}".lower() in self.vocab:
                    out = out + s  # a real compound split at its hyphen
                else:
                    out = out[:-1] + s  # soft hyphen of a PDF line wrap
            elif s[0] in ",.;:)":
                out = out + s
            else:
                out = out + " " + s
        return out

    def fragment(self, seed: str, frag) -> tuple[str, list[int]]:
        """Returns the fragment's text, with paragraph breaks as SEP, and its lines."""
        lines = self.lines[seed]
        kind = frag[0]
        if kind == "lines":
            _, a, b = frag
            return self.wrap_join(lines[a - 1 : b]), list(range(a, b + 1))
        if kind == "cell":
            _, n, cell, p0, p1 = frag
            sep = "\t|\t" if seed == "002" else "\t"
            text = lines[n - 1].split(sep)[cell]
            if p0 is not None:
                paras = re.findall(r"<p>(.*?)</p>", text, flags=re.S)
                text = "</p> <p>".join(paras[p0:p1])
            text = re.sub(r"</p>\s*<p>", SEP, text.strip())
            text = TAG_RE.sub(" ", re.sub(r"^(?:<[^>]+>)+|(?:<[^>]+>)+$", "", text))
            return text.strip(), [n]
        if kind == "re":
            _, n, rx = frag
            m = re.search(rx, lines[n - 1])
            if not m:
                raise ValueError(f"{seed}:{n}: {rx!r} not found")
            return m.group(1), [n]
        raise ValueError(frag)

    def assemble(self, seed: str, frags, indicator: bool) -> tuple[str, list[int]]:
        out, used, glue, brk = "", [], False, False
        for frag in frags:
            if frag == GLUE:
                glue = True
                continue
            if frag == BREAK:
                brk = True
                continue
            text, ls = self.fragment(seed, frag)
            used += ls
            if not out:
                out = text
            elif brk:
                out = out + SEP + text
            elif glue:
                out = out + text
            else:
                out = out + (" " + JOIN if indicator else " ") + text
            glue = brk = False
        return out, used

    @staticmethod
    def clean(s: str) -> str:
        s = TAG_RE.sub(" ", s)
        s = re.sub(r"\s+", " ", s)
        return s.strip()

    def split(self, text: str, split_before=()) -> list[list[str]]:
        """Indicators of a cell, each as the list of its seed pieces (usually one)."""
        for mark in split_before:
            if mark not in text:
                raise ValueError(f"split mark {mark!r} not found")
            text = text.replace(mark, SEP + mark)
        text = text.replace(";", SEP).replace("•", SEP)
        text = re.sub(rf"\.(?=[{UPPER}])", "." + SEP, text)
        items = []
        for part in text.split(SEP):
            pieces = [self.clean(p) for p in part.split(JOIN)]
            pieces = [p for p in pieces if p.strip(" ;.")]
            if not pieces:
                continue
            pieces[0] = pieces[0].lstrip(" ;.")
            pieces[-1] = pieces[-1].rstrip(" ;.")
            items.append(pieces)
        return items


# ---------------------------------------------------------------------------------------
# Categories

FIRST = {"B": "B", "V": "B", "В": "B", "C": "C", "С": "C", "D": "D", "E": "E", "Е": "E"}
MIDDLE = {"0": "O", "O": "O", "О": "O", "R": "R", "Р": "R", "G": "G"}
CODE_RE = re.compile(r"(?<![\w-])([BVВCСDEЕ])\s*-\s*(?:([0OОRРG])\s*-\s*)?(\d)(?![\d])")


def normalize_code(raw: str) -> str:
    m = CODE_RE.fullmatch(raw.strip())
    if not m:
        raise ValueError(f"not a position category code: {raw!r}")
    first, mid, num = m.groups()
    return "-".join([FIRST[first]] + ([MIDDLE[mid]] if mid else []) + [num])


def codes_in(text: str) -> list[str]:
    out: list[str] = []
    for m in CODE_RE.finditer(text):
        code = normalize_code(m.group(0))
        if code not in out:
            out.append(code)
    return out


def heads_qualifiers(text: str) -> dict[str, str]:
    """'B-4 (сектор меңгерушісі)' -> {'B-4': 'сектор меңгерушісі'} (balanced parentheses)."""
    out = {}
    for m in CODE_RE.finditer(text):
        rest = text[m.end() :]
        mm = re.match(r"\s*\(", rest)
        if not mm:
            continue
        depth, i = 0, mm.end() - 1
        for j in range(i, len(rest)):
            if rest[j] == "(":
                depth += 1
            elif rest[j] == ")":
                depth -= 1
                if depth == 0:
                    out[normalize_code(m.group(0))] = rest[i + 1 : j].strip()
                    break
    return out


def build_categories(sets_003: list[dict]) -> dict:
    by_group: dict[int, list[str]] = {}
    texts: dict[int, str] = {}
    for s in sets_003:
        if s["competency"] == "management":
            by_group[s["group"]] = s["categories"]
            texts[s["group"]] = s["categories_text"]
    order = []
    for g in (1, 2, 3):
        for c in by_group[g]:
            if c not in order:
                order.append(c)
    quals = {g: heads_qualifiers(texts[g]) for g in (1, 2)}
    cats = []
    for code in sorted(order, key=lambda c: (c[0], len(c.split("-")), c)):
        groups = [g for g in (1, 2, 3) if code in by_group[g]]
        entry = {
            "code": code,
            "groups": groups,
            "family": code[0],
            "series": code.rsplit("-", 1)[0],
        }
        if groups == [1, 2]:
            # B-2: group 1 only for the heads of structural units of the Supreme Judicial
            # Council apparatus (named in the group-1 cell), group 2 everywhere else.
            entry.update(
                head_group=2,
                staff_group=2,
                head_group_overrides=[
                    {
                        "body_kk": "Қазақстан Республикасы Жоғары Сот Кеңесінің аппараты",
                        "qualifier_kk": quals[1].get(code, ""),
                        "head_group": 1,
                        "staff_group": 1,
                    }
                ],
            )
        elif groups == [2, 3]:
            entry.update(head_group=2, staff_group=3)
        elif len(groups) == 1:
            entry.update(head_group=groups[0], staff_group=groups[0])
        else:
            raise ValueError(f"unexpected groups for {code}: {groups}")
        q = quals[2].get(code) if 2 in groups else None
        if q and groups == [2, 3]:
            entry["head_qualifier_kk"] = q
        cats.append(entry)
    return {
        "source": {
            "seed": "003",
            "file": FILES["003"],
            "appendix": "4-қосымша",
            "rows": "management rows, lines 29-33 (identical in every competency)",
        },
        "notes": [
            "Groups: 1 = first heads, 2 = heads of structural units, 3 = other staff "
            "(methodology.md §5). The lists are the category cells of seed 003, Appendix 4.",
            "Codes marked '*' in the group-2 and group-3 cells of 003 ('* осы бағанның жоғары "
            "тұрған қатарында көрсетілген тұлғалардан басқа' = except the persons named in the "
            "rows above) appear in two groups: B-3, B-4, C-2, C-3, C-O-4, D-3, E-3, E-G-2 are "
            "in group 2 when the position heads a unit (the qualifier in parentheses, kept "
            "in head_qualifier_kk: e.g. C-2 = deputy director of a department, C-3 = head or "
            "deputy head of a division) and in group 3 otherwise: head_group 2, staff_group 3.",
            "B-2 is in group 1 only as 'Қазақстан Республикасының Жоғары Сот Кеңесі аппаратының "
            "құрылымдық бөлімше басшысы' (head of a structural unit of the Supreme Judicial "
            "Council apparatus); in group 2 it is listed as 'B-2;*', i.e. every other B-2. "
            "B-2 is never in group 3. Decision: head_group 2 and staff_group 2 in general, "
            "with a body override to group 1 for the Supreme Judicial Council apparatus "
            "(seed 004 uses group 1 for B-1/B-2 accordingly).",
            "Codes in one group only have head_group = staff_group = that group.",
            "Code normalisation: V/В -> B, С -> C, Е -> E, Р -> R, О/0 -> O in the middle "
            "position (C-0-1 -> C-O-1).",
        ],
        "categories": cats,
    }


# ---------------------------------------------------------------------------------------


def extract(seeds: Path) -> tuple[dict, dict]:
    ex = Extractor(seeds)
    sets = []
    for seed in ("000", "002", "003", "004"):
        norm_seed = norm_for_match("\n".join(ex.lines[seed]))
        for spec in SPECS[seed]:
            cat_text, cat_lines = ex.assemble(seed, spec["cat"], indicator=False)
            cat_text = ex.clean(cat_text.replace(SEP, " "))
            out = {
                "seed": seed,
                "competency": spec["competency"],
                "group": spec["group"],
                "categories_text": cat_text,
                "categories": codes_in(cat_text),
            }
            used = list(cat_lines)
            joined = []
            for side, key in (("effective", "eff"), ("ineffective", "ineff")):
                text, ls = ex.assemble(seed, spec[key], indicator=True)
                used += ls
                items = ex.split(text, spec.get("split_before", {}).get(side, ()))
                texts = []
                for idx, pieces in enumerate(items):
                    t = " ".join(pieces)
                    if len(pieces) > 1 and norm_for_match(t) not in norm_seed:
                        joined.append({"side": side, "index": idx, "pieces": pieces})
                    texts.append(t)
                out[side] = texts
            out["lines"] = [min(used), max(used)]
            if joined:
                out["joined"] = joined
            for code in spec.get("categories_restored", ()):
                if code not in out["categories"]:
                    out["categories"].append(code)
            if spec.get("categories_restored"):
                out["categories_restored"] = spec["categories_restored"]
            if spec.get("mirror_exception"):
                out["mirror_exception"] = spec["mirror_exception"]
            if spec.get("note"):
                out["note"] = spec["note"]
            sets.append(out)

    # whitespace repair against the clean seed 002
    ref = {}
    for s in sets:
        if s["seed"] == "002":
            for side in ("effective", "ineffective"):
                for t in s[side]:
                    ref.setdefault(re.sub(r"\s+", "", t), t)
    repairs = []
    for s in sets:
        if s["seed"] == "002":
            continue
        for side in ("effective", "ineffective"):
            for i, t in enumerate(s[side]):
                r = ref.get(re.sub(r"\s+", "", t))
                if r is not None and r != t and only_deletes_spaces(t, r):
                    repairs.append(
                        {
                            "seed": s["seed"],
                            "competency": s["competency"],
                            "group": s["group"],
                            "side": side,
                            "index": i,
                            "from": t,
                            "to": r,
                        }
                    )
                    s[side][i] = r
                    for j in s.get("joined", []):
                        if j["side"] == side and j["index"] == i:
                            j["pieces"] = respace_pieces(j["pieces"], r)

    comps = [
        {"code": c, "order": n, "name": {"kk": kk, "ru": ru, "en": en}, "customer": cust}
        for n, (c, kk, ru, en, cust) in enumerate(COMPETENCIES, 1)
    ]
    indicators = {
        "about": {
            "what": "Behaviour indicators of competencies (Appendix 4, 'Құзыреттердің мінез-құлық "
            "индикаторлары') of the 2018 model methodology of evaluation of B-corps "
            "administrative civil servants, as published by four bodies (seeds).",
            "groups": {"1": "first heads", "2": "heads of structural units", "3": "other staff"},
            "generated_by": "tools/extract_indicators.py",
            "text_rules": [
                "Kazakh text as in the seed; html tags removed, whitespace collapsed, "
                "leading/trailing ';' '.' and spaces trimmed.",
                "Indicators broken over lines, pages or table rows are joined; where the "
                "pieces are not contiguous in the seed they are listed in the set's 'joined'.",
                "PDF soft hyphens at line ends removed (seed 004); real compounds such as "
                "'сондай-ақ' kept.",
                "Whitespace-only repairs of PDF letter-spacing / split words: spaces are only "
                "removed, never added, and only where the identical indicator of seed 002 "
                "has none: see 'whitespace_repairs'.",
                "categories: codes of categories_text normalised to Latin (V/В->B, С->C, "
                "Е->E, Р->R, 0/О->O in the middle); a code lost in a damaged cell is listed in "
                "'categories_restored' (003 initiative group 3: E-G-4).",
                "OCR misspellings are kept as they are (e.g. 003 'Бөлімше қызметін "
                "ұйымдастыруда (тапсырмаларды ...').",
            ],
        },
        "competencies": comps,
        "sources": SOURCES,
        "sets": sets,
        "gaps": GAPS,
        "anomalies": ANOMALIES,
        "whitespace_repairs": repairs,
    }
    categories = build_categories([s for s in sets if s["seed"] == "003"])
    return indicators, categories


def only_deletes_spaces(src: str, tgt: str) -> bool:
    """True if tgt is src with some spaces removed (a repair never inserts a space)."""
    i = 0
    for ch in tgt:
        while i < len(src) and src[i] != ch and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != ch:
            return False
        i += 1
    return all(c.isspace() for c in src[i:])


def respace_pieces(pieces: list[str], target: str) -> list[str]:
    """Cut `target` into pieces with the same non-whitespace lengths as `pieces`."""
    out, pos = [], 0
    for p in pieces:
        n = len(re.sub(r"\s+", "", p))
        start = pos
        while n:
            if not target[pos].isspace():
                n -= 1
            pos += 1
        out.append(target[start:pos].strip())
    if pos < len(target):
        out[-1] = (out[-1] + target[pos:]).strip()
    return out


def norm_for_match(s: str) -> str:
    """Seed/indicator comparison key: no tags, whitespace, ';', '-' or bullets."""
    s = TAG_RE.sub("", s)
    return re.sub(r"[\s;\-•]+", "", s)


def validate(indicators: dict, categories: dict) -> list[str]:
    problems = []
    known = {c["code"]: c for c in categories["categories"]}
    gaps = {(g["seed"], g["competency"], g["group"]) for g in indicators["gaps"]}
    seen = {}
    for s in indicators["sets"]:
        key = (s["seed"], s["competency"], s["group"])
        if key in seen:
            problems.append(f"duplicate set {key}")
        seen[key] = s
        for c in s["categories"]:
            if c not in known:
                problems.append(f"{key}: unknown category {c}")
            elif s["group"] not in known[c]["groups"]:
                problems.append(f"{key}: {c} is not in group {s['group']}")
        if not s["effective"] or not s["ineffective"]:
            problems.append(f"{key}: empty list")
        if len(s["effective"]) != len(s["ineffective"]) and not s.get("mirror_exception"):
            problems.append(
                f"{key}: {len(s['effective'])} effective vs {len(s['ineffective'])} ineffective"
            )
        for side in ("effective", "ineffective"):
            for t in s[side]:
                if re.search(r"(?:\b\w ){3,}\w\b", t):
                    problems.append(f"{key}: letter-spaced text left: {t!r}")
                if "<" in t or ">" in t or "  " in t or "•" in t:
                    problems.append(f"{key}: unclean text {t!r}")
    for src in indicators["sources"]:
        for g in src["groups"]:
            for comp in COMP_CODES:
                if (src["seed"], comp, g) not in seen and (src["seed"], comp, g) not in gaps:
                    problems.append(f"missing set {(src['seed'], comp, g)}")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--check",
        action="store_true",
        help="only compare with the files in --out; exit 1 if they differ",
    )
    args = ap.parse_args(argv)
    indicators, categories = extract(args.seeds)
    problems = validate(indicators, categories)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    outputs = {"indicators.json": indicators, "categories.json": categories}
    status = 1 if problems else 0
    for name, data in outputs.items():
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date", file=sys.stderr)
                status = 1
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    counts: dict[str, int] = {}
    for s in indicators["sets"]:
        counts[s["seed"]] = counts.get(s["seed"], 0) + 1
    print(
        "sets per seed:",
        counts,
        "| repairs:",
        len(indicators["whitespace_repairs"]),
        "| gaps:",
        len(indicators["gaps"]),
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
