"""The demo: two state bodies, their staff, methodology versions and a user for each role.

The staff is built here; `history` then replays the bodies' evaluations through the real
services up to the demo's day (today, or `demo --date`), so every role finds work waiting.
Dates are relative to that day: the staff's start dates move with its year, the newcomer,
the probationer, the dismissal and the absences fall in the quarters that are open then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bagalau.core.models import User
from bagalau.demo import history
from bagalau.demo.names import person
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import IndicatorCatalog, MethodologyVersion
from bagalau.org import rules, services
from bagalau.org.models import Position, Role, Servant, StateBody, Unit
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
    story: history.Story
    counter: int = 0
    logins: list[Login] = field(default_factory=list)
    # One hash for every demo user, computed once (hashing is slow on purpose).
    password: str = field(default_factory=lambda: make_password(PASSWORD))

    def past(self, year: int, month: int, day: int) -> date:
        """A date of the staff's past, as of 2026, moved to the demo's year."""
        return date(year + self.story.today.year - 2026, month, day)

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
        user.password = self.password
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
        # Every servant has an account (the named ones are printed; the others sign in
        # with their IIN): each acknowledges their own results.
        user = self.user(
            username or iin, str(data["first_name_kk"]), str(data["last_name_kk"]), email, language
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
    builder.servant(body, first, start=builder.past(2019, 3, 1), username="firsthead")
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
        builder.servant(body, head, start=builder.past(2018, 9, 1), username=head_user)
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
            if (code, i) in (("01", 5), ("02", 6)):
                continue  # the newcomer and the probationer arrive during the history
            builder.servant(
                body, pos, start=builder.past(2020 + i % 4, 1 + i, 1), username=username
            )
    body.hr_unit = made["04"]
    body.strategic_planning_unit = made["05"]
    body.save(update_fields=["hr_unit", "strategic_planning_unit"])

    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    methodology_services.version_adopt(
        actor=None,
        body=body,
        template=template,
        # In force over the whole history (from the previous year's first quarter).
        effective_from=min(date(2023, 4, 24), date(builder.story.today.year - 1, 1, 1)),
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
    newcomer = builder.story.newcomer_start
    for username, what in (
        ("head", "evaluator (head of unit 01)"),
        ("head2", "evaluator (head of unit 02)"),
        ("servant", "servant"),
        ("servant2", "servant"),
        ("firsthead", "first head"),
        ("newcomer", f"servant appointed {newcomer:%d.%m.%Y}"),
    ):
        builder.logins.append(Login(username, what, body.name_en))
    return body


def build_2018(builder: DemoBuilder) -> StateBody:
    body = services.body_save(actor=None, **{**BODY_2018, "bin": _valid_bin(BODY_2018["bin"])})
    lead = _unit(body, "00", "Аппарат басшылығы", "Руководство аппарата", "Leadership")
    first = _position(
        body, lead, "00-01", "Аппарат басшысы", "Руководитель аппарата", "E-1", head=True
    )
    builder.servant(body, first, start=builder.past(2017, 2, 1), username="firsthead2018")
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
            start=builder.past(2016, 4, 1),
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
            builder.servant(body, pos, start=builder.past(2019, i, 1), username=username)
    template = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    methodology_services.version_adopt(
        actor=None,
        body=body,
        template=template,
        effective_from=min(date(2020, 6, 1), date(builder.story.today.year - 1, 1, 1)),
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
    builder.logins.append(
        Login("firsthead2018", "first head (approves plans, agrees KPI sheets)", body.name_en)
    )
    return body


def demo_exists() -> bool:
    return User.objects.filter(username="hr").exists()


@dataclass
class Demo:
    logins: list[Login]
    story: history.Story
    summary: list[str]


@transaction.atomic
def build(*, reset: bool = False, today: date | None = None) -> Demo | None:
    """Create the demo as of `today` (default: today); None if a demo is there and not `reset`.

    One transaction: the staff as of the end of the year before last, then the history
    (`history.replay`), each step at its own moment through the real services.
    """
    now: datetime = timezone.localtime() if today is None else history.moment(today, 9)
    story = history.Story(today=timezone.localdate(now), now=now)
    methodology_services.catalog_load()
    methodology_services.templates_load()
    workdays_services.seed_from_holidays(
        range(min(2018, story.today.year - 2), story.today.year + 3)
    )
    if demo_exists() and not reset:
        return None
    if reset:
        names = [BODY_2023["name_kk"], BODY_2018["name_kk"]]
        for body in StateBody.objects.filter(name_kk__in=names):
            _delete_body(body)
        User.objects.filter(email__endswith="@demo.bagalau.kz").delete()
    builder = DemoBuilder(story)
    with history.at(story.setup):
        body_2023 = build_2023(builder)
        body_2018 = build_2018(builder)
        admin = builder.user("admin", "Admin", "", "admin@demo.bagalau.kz", "en")
        admin.is_superuser = admin.is_staff = True
        admin.save()
    builder.logins.append(Login("admin", "superuser (Django admin at /admin/)", "all"))
    summary = history.replay(story, builder, body_2023, body_2018)
    return Demo(builder.logins, story, summary)


def _delete_body(body: StateBody) -> None:
    """Remove a demo body. Records are PROTECT: the reset deletes them first, explicitly,
    and the body's audit chain through `audit_purge()` (demo data, not real records)."""
    from bagalau.core.audit_chain import chain_key
    from bagalau.core.models import AuditChainHead, AuditEvent, audit_purge
    from bagalau.evaluations.evidence import path_of
    from bagalau.evaluations.models import Evidence, Result, ResultChange, Schedule, Task
    from bagalau.notifications.models import Notification
    from bagalau.org.models import Absence, Appointment
    from bagalau.plans.models import Monitoring, PlanKpi, PlanReview, PlanRevision, WorkPlan
    from bagalau.surveys.models import Campaign

    Notification.objects.filter(body=body).delete()
    Campaign.objects.filter(body=body).delete()  # its subjects, requests and answers with it
    from bagalau.calibration.models import Appeal, CalibrationCase
    from bagalau.calibration.services import protocol_path

    Appeal.objects.filter(case__body=body).delete()
    for case in CalibrationCase.objects.filter(body=body).exclude(protocol_key=""):
        protocol_path(case).unlink(missing_ok=True)
    CalibrationCase.objects.filter(body=body).delete()  # participants and positions with it
    from bagalau.commission.models import Appeal as CommissionAppeal
    from bagalau.commission.models import Composition, Meeting

    CommissionAppeal.objects.filter(body=body).delete()
    Meeting.objects.filter(body=body).delete()  # its cases, attendance, votes, decisions
    compositions = Composition.objects.filter(body=body)
    compositions.update(amends=None)
    compositions.delete()  # their seats with them
    ResultChange.objects.filter(result__body=body).delete()
    Result.objects.filter(body=body).delete()
    for evidence in Evidence.objects.filter(task__body=body):
        path_of(evidence).unlink(missing_ok=True)
    Evidence.objects.filter(task__body=body).delete()
    Task.objects.filter(body=body).delete()
    Schedule.objects.filter(body=body).delete()
    plans = WorkPlan.objects.filter(body=body)
    plans.update(current_revision=None, approved_revision=None)
    Monitoring.objects.filter(plan__body=body).delete()
    PlanReview.objects.filter(plan__body=body).delete()
    PlanKpi.objects.filter(revision__plan__body=body).delete()
    PlanRevision.objects.filter(plan__body=body).delete()
    plans.delete()
    with audit_purge():
        AuditEvent.objects.filter(body=body).delete()
        AuditChainHead.objects.filter(key=chain_key(body.pk)).delete()
    Appointment.objects.filter(servant__body=body).delete()
    Absence.objects.filter(servant__body=body).delete()
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
    demo = build(**kwargs)
    return logins_table(demo.logins) if demo else logins_table(known_logins())


def known_logins() -> list[Login]:
    """The logins of an existing demo, read back from the role assignments."""
    from bagalau.org.models import RoleAssignment

    logins = [
        Login(r.user.username, str(r.get_role_display()), r.body.name_en)
        for r in RoleAssignment.objects.select_related("user", "body")
        .filter(user__email__endswith="@demo.bagalau.kz")
        .order_by("body_id", "role")
    ]
    extra = ["head", "head2", "servant", "servant2", "firsthead", "newcomer", "servant2018",
             "head2018", "admin"]  # fmt: skip
    for user in User.objects.filter(username__in=extra).order_by("username"):
        logins.append(Login(user.username, "servant / evaluator / superuser", ""))
    return logins
