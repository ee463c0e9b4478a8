"""The demo: two state bodies, their staff, methodology versions and a user for each role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bagalau.core.models import User
from bagalau.demo.names import person
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import IndicatorCatalog, MethodologyVersion
from bagalau.org import rules, services
from bagalau.org.models import AbsenceKind, EndReason, Position, Role, Servant, StateBody, Unit
from bagalau.workdays import services as workdays_services

PASSWORD = "bagalau-demo"

BODY_2023: dict[str, Any] = {
    "name_kk": "Маңғыстау облыстық мәслихатының аппараты (демо)",
    "name_ru": "Аппарат Мангистауского областного маслихата (демо)",
    "name_en": "Apparatus of the Mangystau Oblast Maslikhat (demo)",
    "bin": "050440012340",
}
BODY_2018: dict[str, Any] = {
    "name_kk": "Бесқарағай аудандық мәслихатының аппараты (демо)",
    "name_ru": "Аппарат Бескарагайского районного маслихата (демо)",
    "name_en": "Apparatus of the Beskaragai District Maslikhat (demo)",
    "bin": "080640056780",
}


TITLES = {
    "D-3": ("Бас маман", "Главный специалист"),
    "D-4": ("Жетекші маман", "Ведущий специалист"),
    "D-5": ("Маман", "Специалист"),
    "E-4": ("Бас маман", "Главный специалист"),
    "E-5": ("Жетекші маман", "Ведущий специалист"),
}


def _valid_bin(seed: str) -> str:
    for n in range(10000):
        value = rules.complete_with_check_digit(f"{seed[:7]}{n:04d}")
        if value:
            return value
    raise RuntimeError(seed)  # pragma: no cover


@dataclass
class Login:
    username: str
    role: str
    body: str


@dataclass
class DemoBuilder:
    counter: int = 0
    logins: list[Login] = field(default_factory=list)

    def iin(self, born: date, male: bool) -> str:
        while True:
            self.counter += 1
            head = f"{born:%y%m%d}{3 if male else 4}{(self.counter * 37) % 10000:04d}"
            value = rules.complete_with_check_digit(head)
            if value and not Servant.objects.filter(iin=value).exists():
                return value

    def user(self, username: str, first: str, last: str, email: str, language: str = "kk") -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.last_name, user.email, user.language = first, last, email, language
        user.set_password(PASSWORD)
        user.save()
        return user

    def servant(
        self,
        body: StateBody,
        position: Position,
        *,
        start: date,
        username: str | None = None,
        probation_end: date | None = None,
        born_year: int = 1985,
        language: str = "kk",
    ) -> Servant:
        data: dict[str, Any] = person(self.counter + 3)
        male = bool(data.pop("male"))
        iin = self.iin(date(born_year, 1 + self.counter % 12, 1 + self.counter % 27), male)
        email = f"{username or 'servant' + iin[-4:]}@demo.bagalau.kz"
        user = None
        if username:
            user = self.user(
                username, str(data["first_name_kk"]), str(data["last_name_kk"]), email, language
            )
        servant = services.servant_save(
            actor=None, body=body, iin=iin, email=email, language=language, user=user, **data
        )
        services.appointment_create(
            actor=None,
            servant=servant,
            position=position,
            start_date=start,
            probation_end=probation_end,
        )
        return servant


def _unit(
    body: StateBody, code: str, kk: str, ru: str, en: str, parent: Unit | None = None
) -> Unit:
    return services.unit_save(
        actor=None, body=body, code=code, name_kk=kk, name_ru=ru, name_en=en, parent=parent
    )


def _position(
    body: StateBody,
    unit: Unit,
    code: str,
    kk: str,
    ru: str,
    category: str,
    *,
    head: bool = False,
    public: bool = False,
) -> Position:
    return services.position_save(
        actor=None,
        body=body,
        code=code,
        unit=unit,
        title_kk=kk,
        title_ru=ru,
        title_en="",
        category=category,
        is_head=head,
        provides_public_services=public,
    )


def _role(builder: DemoBuilder, body: StateBody, user: User, role: str) -> None:
    services.role_assign(actor=None, body=body, user=user, role=role)
    builder.logins.append(Login(user.username, str(Role(role).label), body.name_en))


def build_2023(builder: DemoBuilder) -> StateBody:
    body = services.body_save(actor=None, **{**BODY_2023, "bin": _valid_bin(BODY_2023["bin"])})
    lead = _unit(body, "00", "Аппарат басшылығы", "Руководство аппарата", "Leadership")
    units = [
        ("01", "Ұйымдастыру бөлімі", "Организационный отдел", "Organisational department"),
        ("02", "Заң бөлімі", "Юридический отдел", "Legal department"),
        ("03", "Қаржы-шаруашылық бөлімі", "Финансово-хозяйственный отдел", "Finance department"),
        ("04", "Персоналды басқару қызметі", "Служба управления персоналом", "HR service"),
        (
            "05",
            "Стратегиялық жоспарлау бөлімі",
            "Отдел стратегического планирования",
            "Strategic planning",
        ),
        (
            "06",
            "Ақпараттық-талдау бөлімі",
            "Информационно-аналитический отдел",
            "Information and analysis",
        ),
        (
            "07",
            "Тұрақты комиссиялармен жұмыс бөлімі",
            "Отдел по работе с постоянными комиссиями",
            "Standing committees",
        ),
    ]
    first = _position(
        body, lead, "00-01", "Аппарат басшысы", "Руководитель аппарата", "D-1", head=True
    )
    builder.servant(body, first, start=date(2019, 3, 1), username="firsthead")
    made: dict[str, Unit] = {}
    for code, kk, ru, en in units:
        unit = _unit(body, code, kk, ru, en, parent=lead)
        made[code] = unit
        # 002 p4: in this body the heads of structural units hold category D-1.
        head = _position(
            body, unit, f"{code}-01", "Бөлім басшысы", "Руководитель отдела", "D-1", head=True
        )
        # Every evaluator has a login: a sheet whose evaluator has none cannot be filled.
        head_user = {"04": "hrhead", "01": "head", "02": "head2"}.get(code, f"head{code}")
        builder.servant(body, head, start=date(2018, 9, 1), username=head_user)
        for i, category in enumerate(["D-3", "D-4", "D-4", "D-5", "D-5"], start=2):
            pos = _position(
                body,
                unit,
                f"{code}-{i:02d}",
                *TITLES[category],
                category,
                public=code in ("01", "06"),
            )
            username = {
                ("04", 2): "hr",
                ("05", 2): "planner",
                ("01", 2): "servant",
                ("01", 3): "servant2",
            }.get((code, i))
            if (code, i) == ("01", 5):
                # Appointed mid-year: under three months in Q2, evaluated from Q3 (002 p6).
                builder.servant(
                    body, pos, start=date(2026, 5, 15), username="newcomer", born_year=1998
                )
            elif (code, i) == ("02", 6):
                # On probation from 1 September: 002 names no probation exclusion (the
                # 2023 version has it off), but under three months in Q3 (002 p6).
                builder.servant(
                    body,
                    pos,
                    start=date(2026, 9, 1),
                    probation_end=date(2026, 12, 1),
                    born_year=1999,
                )
            else:
                builder.servant(body, pos, start=date(2020 + i % 4, 1 + i, 1), username=username)
    body.hr_unit = made["04"]
    body.strategic_planning_unit = made["05"]
    body.save(update_fields=["hr_unit", "strategic_planning_unit"])
    # A dismissal in Q3 and absences across quarters.
    dismissed = Servant.objects.get(
        appointments__position__code="03-06", appointments__end_date__isnull=True
    )
    services.appointment_end(
        actor=None,
        appointment=dismissed.appointments.get(end_date__isnull=True),
        end_date=date(2026, 8, 31),
        reason=EndReason.DISMISSAL,
    )
    leave = Servant.objects.get(appointments__position__code="01-04")
    services.absence_save(
        actor=None,
        servant=leave,
        kind=AbsenceKind.ANNUAL_LEAVE,
        start_date=date(2026, 3, 30),
        end_date=date(2026, 4, 24),
    )
    sick = Servant.objects.get(appointments__position__code="02-03")
    services.absence_save(
        actor=None,
        servant=sick,
        kind=AbsenceKind.SICK_LEAVE,
        start_date=date(2026, 9, 28),
        end_date=date(2026, 10, 9),
    )
    trip = Servant.objects.get(appointments__position__code="06-02")
    services.absence_save(
        actor=None,
        servant=trip,
        kind=AbsenceKind.BUSINESS_TRIP,
        start_date=date(2026, 12, 28),
        end_date=date(2027, 1, 12),
    )

    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    methodology_services.version_adopt(
        actor=None,
        body=body,
        template=template,
        effective_from=date(2023, 4, 24),
        name="Маңғыстау облыстық мәслихатының аппараты: бағалау әдістемесі (2023)",
        source="Маңғыстау облыстық мәслихатының 14.04.2023 № 2/13 шешімі",
        indicator_catalog=IndicatorCatalog.objects.filter(code="002").first(),
    )
    users = {u.username: u for u in User.objects.filter(username__in=["hr", "hrhead", "planner"])}
    _role(builder, body, users["hr"], Role.HR_OFFICER)
    _role(builder, body, users["hrhead"], Role.HR_HEAD)
    _role(builder, body, users["planner"], Role.STRATEGIC_PLANNING)
    secretary = builder.user("authorized", "Мәслихат", "хатшысы", "authorized@demo.bagalau.kz")
    _role(builder, body, secretary, Role.AUTHORIZED_PERSON)
    for username, what in (
        ("head", "evaluator (head of unit 01)"),
        ("servant", "servant"),
        ("firsthead", "first head"),
        ("newcomer", "servant appointed mid-year"),
    ):
        builder.logins.append(Login(username, what, body.name_en))
    # HR has drafted the Q1 2026 schedule: the authorized person approves it (002 p11).
    from bagalau.evaluations import services as evaluation_services

    evaluation_services.schedule_create(actor=users["hr"], body=body, year=2026, quarter=1)
    return body


def build_2018(builder: DemoBuilder) -> StateBody:
    body = services.body_save(actor=None, **{**BODY_2018, "bin": _valid_bin(BODY_2018["bin"])})
    lead = _unit(body, "00", "Аппарат басшылығы", "Руководство аппарата", "Leadership")
    first = _position(
        body, lead, "00-01", "Аппарат басшысы", "Руководитель аппарата", "E-1", head=True
    )
    builder.servant(body, first, start=date(2017, 2, 1), username="firsthead2")
    specs = [
        (
            "01",
            "Ұйымдастыру-құқықтық бөлімі",
            "Организационно-правовой отдел",
            "Organisational and legal department",
            ["E-4", "E-4", "E-5"],
        ),
        (
            "02",
            "Қаржы және кадр бөлімі",
            "Отдел финансов и кадров",
            "Finance and HR department",
            ["E-4", "E-4", "E-5"],
        ),
        (
            "03",
            "Депутаттармен жұмыс бөлімі",
            "Отдел по работе с депутатами",
            "Work with deputies",
            ["E-4", "E-5", "E-5"],
        ),
    ]
    for code, kk, ru, en, staff in specs:
        unit = _unit(body, code, kk, ru, en, parent=lead)
        if code == "02":
            body.hr_unit = unit
            body.save(update_fields=["hr_unit"])
        head = _position(
            body, unit, f"{code}-01", f"{kk} меңгерушісі", f"Заведующий: {ru}", "E-3", head=True
        )
        builder.servant(
            body,
            head,
            start=date(2016, 4, 1),
            username={"01": "head2018", "02": "chair2018"}.get(code, f"head{code}-2018"),
        )
        for i, category in enumerate(staff, start=2):
            pos = _position(
                body,
                unit,
                f"{code}-{i:02d}",
                *TITLES[category],
                category,
                public=code == "03",
            )
            username = {
                ("02", 2): "hr2018",
                ("01", 2): "servant2018",
                ("02", 3): "secretary2018",
                ("03", 2): "member2018",
            }.get((code, i))
            builder.servant(body, pos, start=date(2019, i, 1), username=username)
    template = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    methodology_services.version_adopt(
        actor=None,
        body=body,
        template=template,
        effective_from=date(2020, 6, 1),
        name="Бесқарағай аудандық мәслихатының аппараты: бағалау әдістемесі (2018 моделі, 2020 ж. өзгерістерімен)",
        source="Бесқарағай аудандық мәслихатының 2020 ж. шешімі",
        indicator_catalog=IndicatorCatalog.objects.filter(code="000").first(),
    )
    users = {u.username: u for u in User.objects.filter(username__contains="2018")}
    _role(builder, body, users["hr2018"], Role.HR_OFFICER)
    _role(builder, body, users["hr2018"], Role.HR_HEAD)
    _role(builder, body, users["chair2018"], Role.COMMISSION_CHAIR)
    _role(builder, body, users["member2018"], Role.COMMISSION_MEMBER)
    _role(builder, body, users["secretary2018"], Role.COMMISSION_SECRETARY)
    authorized = builder.user(
        "authorized2018", "Мәслихат", "хатшысы", "authorized2018@demo.bagalau.kz"
    )
    _role(builder, body, authorized, Role.AUTHORIZED_PERSON)
    builder.logins.append(Login("servant2018", "servant", body.name_en))
    builder.logins.append(Login("head2018", "evaluator (head of unit 01)", body.name_en))
    return body


def demo_exists() -> bool:
    return User.objects.filter(username="hr").exists()


@transaction.atomic
def build(*, reset: bool = False) -> list[Login]:
    """Create the demo (idempotent: an existing demo is kept unless `reset`)."""
    methodology_services.catalog_load()
    methodology_services.templates_load()
    workdays_services.seed_from_holidays(range(2018, timezone.localdate().year + 3))
    if demo_exists() and not reset:
        return []
    if reset:
        names = [BODY_2023["name_kk"], BODY_2018["name_kk"]]
        for body in StateBody.objects.filter(name_kk__in=names):
            _delete_body(body)
        User.objects.filter(email__endswith="@demo.bagalau.kz").delete()
    builder = DemoBuilder()
    build_2023(builder)
    build_2018(builder)
    admin = builder.user("admin", "Admin", "", "admin@demo.bagalau.kz", "en")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    builder.logins.append(Login("admin", "superuser (Django admin at /admin/)", "all"))
    return builder.logins


def _delete_body(body: StateBody) -> None:
    """Remove a demo body. Records are PROTECT: the reset deletes them first, explicitly,
    and the body's audit chain through `audit_purge()` (demo data, not real records)."""
    from bagalau.core.audit_chain import chain_key
    from bagalau.core.models import AuditChainHead, AuditEvent, audit_purge
    from bagalau.evaluations.models import Result, ResultChange, Schedule, Task
    from bagalau.org.models import Appointment

    ResultChange.objects.filter(result__body=body).delete()
    Result.objects.filter(body=body).delete()
    Task.objects.filter(body=body).delete()
    Schedule.objects.filter(body=body).delete()
    with audit_purge():
        AuditEvent.objects.filter(body=body).delete()
        AuditChainHead.objects.filter(key=chain_key(body.pk)).delete()
    Appointment.objects.filter(servant__body=body).delete()
    body.methodology_versions.all().delete()
    body.servants.all().delete()
    Position.objects.filter(body=body).delete()
    units = Unit.objects.filter(body=body)
    units.update(parent=None)
    StateBody.objects.filter(pk=body.pk).update(hr_unit=None, strategic_planning_unit=None)
    units.delete()
    body.delete()


def logins_table(logins: list[Login], password: str = PASSWORD) -> str:
    lines = [f"{'username':<16} {'role':<40} body", "-" * 96]
    lines += [f"{x.username:<16} {x.role:<40} {x.body}" for x in logins]
    lines.append(f"Password for every demo user: {password}")
    return "\n".join(lines)


def describe(**kwargs: Any) -> str:  # pragma: no cover - convenience for the shell
    return logins_table(build(**kwargs))


def known_logins() -> list[Login]:
    """The logins of an existing demo, read back from the role assignments."""
    from bagalau.org.models import RoleAssignment

    logins = [
        Login(r.user.username, str(r.get_role_display()), r.body.name_en)
        for r in RoleAssignment.objects.select_related("user", "body")
        .filter(user__email__endswith="@demo.bagalau.kz")
        .order_by("body_id", "role")
    ]
    extra = ["head", "servant", "firsthead", "newcomer", "servant2018", "head2018", "admin"]
    for user in User.objects.filter(username__in=extra).order_by("username"):
        logins.append(Login(user.username, "servant / evaluator / superuser", ""))
    return logins
