"""Synthetic Kazakh names for demo and scale data (no real people)."""

SURNAMES_M = [
    "Абаев", "Ахметов", "Бекмұхамбетов", "Жұмабаев", "Қасымов", "Нұрланов", "Оспанов",
    "Сәрсенбаев", "Төлегенов", "Үсенов", "Есенов", "Ермеков", "Мұратов", "Дәулетов",
    "Серікбаев", "Байжанов", "Исаев", "Кенжебаев", "Омаров", "Шәкенов",
]  # fmt: skip
FIRST_M = [
    "Ерлан", "Асқар", "Нұрлан", "Дәурен", "Бауыржан", "Мұрат", "Ержан", "Арман", "Қанат",
    "Талғат", "Ғалым", "Серік", "Бақыт", "Айдос", "Жандос", "Руслан", "Темірлан", "Әлібек",
]  # fmt: skip
FIRST_F = [
    "Айгүл", "Гүлнар", "Динара", "Жанар", "Әйгерім", "Меруерт", "Сәуле", "Ләззат", "Салтанат",
    "Ақмарал", "Назым", "Әсел", "Гүлмира", "Дана", "Арайлым", "Інкәр", "Мөлдір", "Жұлдыз",
]  # fmt: skip
PATRONYMIC_ROOTS = ["Серік", "Нұрлан", "Бақыт", "Ержан", "Қайрат", "Болат", "Марат", "Асқар"]

_RU = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
     "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х", "І": "И"}
)  # fmt: skip


def to_russian(name: str) -> str:
    """The Russian spelling of a Kazakh name (the letters Russian lacks replaced)."""
    return name.translate(_RU)


def person(n: int) -> dict[str, str | bool]:
    """The n-th synthetic person: names in kk and ru, sex."""
    male = n % 2 == 0
    surname = SURNAMES_M[(n // 2) % len(SURNAMES_M)]
    first = (FIRST_M if male else FIRST_F)[(n * 7) % len(FIRST_M)]
    root = PATRONYMIC_ROOTS[(n * 3) % len(PATRONYMIC_ROOTS)]
    if not male:
        surname += "а"
    middle = f"{root}{'ұлы' if male else 'қызы'}"
    middle_ru = f"{to_russian(root)}{'ович' if male else 'овна'}"
    return {
        "male": male,
        "last_name_kk": surname,
        "first_name_kk": first,
        "middle_name_kk": middle,
        "last_name_ru": to_russian(surname),
        "first_name_ru": to_russian(first),
        "middle_name_ru": middle_ru,
    }
