"""The demo's calibration sessions (issue 16 item 4; 002 p13-14, p38-43), 2023-model body.

- One case decided: the servant of position 03-05 disagrees with the result of the quarter
  before the last, applies two working days after acquaintance (002 p13); the authorized
  person appoints the session with three participants (002 p39); HR prepares the information
  card (002 p20), the evaluator presents the work, two of three participants propose half a
  point less and the session moves the score down by majority (002 p42); HR records the
  session, applies the decision, prints the protocol and uploads the signed copy; the servant
  acquaints again; the evaluator holds the feedback meeting (002 p43); the servant appeals to
  the court (002 p14) and HR records it.
- One case awaiting its session: the servant of 05-03 acquaints with the last quarter's
  result on the demo's day and applies; the authorized person appoints the session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bagalau.calibration import services as calibration
from bagalau.calibration.models import CalibrationCase
from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import Result, Task

if TYPE_CHECKING:
    from bagalau.demo.history import Body, Quarter, Timeline

PARTICIPANTS = ("head", "head2", "firsthead")
PROTOCOL_PDF = b"%PDF-1.4\n% Bagalau demo: the signed protocol of the calibration session\n%%EOF\n"


def _result(b: Body, code: str, quarter: Quarter) -> Result | None:
    servant = b.by_position.get(code)
    if servant is None:
        return None
    year, q = quarter
    task = Task.objects.filter(
        servant=servant, schedule__year=year, schedule__quarter=q, kind="differentiation"
    ).first()
    return None if task is None else Result.objects.filter(task=task).first()


def _case(b: Body, code: str) -> CalibrationCase | None:
    servant = b.by_position.get(code)
    return CalibrationCase.objects.filter(servant=servant).order_by("-pk").first()


def _apply(b: Body, code: str, quarter: Quarter, text: str, acknowledge: bool = False) -> None:
    result = _result(b, code, quarter)
    servant = b.by_position.get(code)
    if result is None or servant is None or servant.user is None:
        return
    if acknowledge and not result.acquainted:
        evaluations.result_acknowledge(actor=servant.user, result_id=result.pk)
    calibration.case_apply(actor=servant.user, result_id=result.pk, text=text)


def _accept(b: Body, code: str, session: date) -> None:
    case = _case(b, code)
    if case is None:
        return
    calibration.case_accept(
        actor=b.users["authorized"], case_id=case.pk, revision=case.revision,
        participant_ids=[b.users[u].pk for u in PARTICIPANTS], session_date=session,
        place="Ақтау, әкімдік, 305 кабинет",
    )  # fmt: skip


def _step(b: Body, code: str, run: Callable[[CalibrationCase], Any]) -> Callable[[], None]:
    def go() -> None:
        case = _case(b, code)
        if case is not None:
            run(case)

    return go


def _votes(b: Body, case: CalibrationCase) -> None:
    lower = max(case.score_before - Decimal("0.5"), Decimal("0"))
    for username in PARTICIPANTS[:2]:
        calibration.vote_cast(
            actor=b.users[username], case_id=case.pk, support=False, proposed=lower,
            arguments="Тоқсанда екі тапсырманың мерзімі бұзылды; бағаны төмендетуді ұсынамын.",
        )  # fmt: skip
    calibration.vote_cast(actor=b.users[PARTICIPANTS[2]], case_id=case.pk, support=True)


def _hold_and_decide(b: Body, case: CalibrationCase) -> None:
    case = calibration.case_hold(actor=b.users["hr"], case_id=case.pk, revision=case.revision)
    calibration.case_decide(actor=b.users["hr"], case_id=case.pk, revision=case.revision)


def _upload(b: Body, case: CalibrationCase) -> None:
    upload = SimpleUploadedFile("hattama.pdf", PROTOCOL_PDF, content_type="application/pdf")
    calibration.protocol_upload(
        actor=b.users["hr"], case_id=case.pk, revision=case.revision, upload=upload
    )


def _reacquaint(case: CalibrationCase) -> None:
    result = Result.objects.get(pk=case.result_id)
    if case.servant.user is not None and not result.acquainted:
        evaluations.result_acknowledge(actor=case.servant.user, result_id=result.pk)


def story_2023(tl: Timeline, b: Body, quarter_ends: Callable[[Quarter], tuple[date, date]]) -> None:
    from bagalau.demo.history import moment

    story = tl.story
    if story.closed:
        # The quarter before the last: 03-05's result acquainted one working day after its
        # head submitted (history._closed_quarter: unit 03 submits on the 3rd working day).
        quarter = story.closed[-1]
        end = quarter_ends(quarter)[1]
        due = _due_of(b, quarter)
        day = min(b.working_days(due + timedelta(days=1), -1), b.working_days(end, 3))
        acquainted = b.working_days(day, 1)
        applied = b.working_days(acquainted, 2)
        session = b.working_days(applied, 5)
        code = "03-05"
        tl.add(moment(applied, 14), "calibration applied", lambda: _apply(
            b, code, quarter, "Бағамен келіспеймін: тоқсандағы жұмыс көлемі ескерілмеді.",
        ))  # fmt: skip
        tl.add(moment(b.working_days(applied, 1), 11), "calibration accepted",
               lambda: _accept(b, code, session))  # fmt: skip
        tl.add(moment(b.working_days(applied, 2), 10), "information card", _step(
            b, code, lambda c: calibration.card_prepare(
                actor=b.users["hr"], case_id=c.pk, revision=c.revision),
        ))  # fmt: skip
        tl.add(moment(b.working_days(applied, 3), 10), "evaluator's summary", _step(
            b, code, lambda c: calibration.summary_record(
                actor=b.users["head03"], case_id=c.pk, revision=c.revision,
                text="Тоқсан ішінде екі тапсырма мерзімінен кеш орындалды; баға негізделген."),
        ))  # fmt: skip
        tl.add(moment(session, 10), "calibration votes", _step(b, code, lambda c: _votes(b, c)))
        tl.add(moment(session, 11), "calibration decided",
               _step(b, code, lambda c: _hold_and_decide(b, c)))  # fmt: skip
        tl.add(moment(b.working_days(session, 1), 10), "protocol uploaded",
               _step(b, code, lambda c: _upload(b, c)))  # fmt: skip
        tl.add(
            moment(b.working_days(session, 1), 12), "acquainted again", _step(b, code, _reacquaint)
        )
        tl.add(moment(b.working_days(session, 2), 15), "feedback meeting", _step(
            b, code, lambda c: calibration.feedback_record(
                actor=b.users["head03"], case_id=c.pk, held_on=b.working_days(session, 2),
                topics={
                    "achievements": "Аудит есебі уақытында дайындалды.",
                    "development": "Жобаларды басқару курсы ұсынылды.",
                    "career": "Бөлім басшысының орынбасары лауазымына резерв.",
                },
                notes="Мерзімдерді апта сайын бірге қарап отырамыз."),
        ))  # fmt: skip
        tl.add(moment(b.working_days(session, 6), 16), "calibration appeal", _step(
            b, code, lambda c: calibration.appeal_record(
                actor=b.users["hr"], case_id=c.pk, filed_on=b.working_days(session, 5),
                authority="Маңғыстау облысының мамандандырылған ауданаралық әкімшілік соты",
                note="Әкімшілік рәсімдік-процестік кодексі бойынша шағым (002 p14)."),
        ))  # fmt: skip
    # The last quarter: 05-03 acquaints on the demo's day and applies; the session appointed.
    now = story.now
    code_b = "05-03"
    session_b = b.working_days(now.date(), 4)
    tl.add(now - timedelta(hours=3), "calibration applied (awaiting)", lambda: _apply(
        b, code_b, story.last, "Тоқсандағы қосымша тапсырмалар бағада ескерілмеді.", True,
    ))  # fmt: skip
    tl.add(now - timedelta(hours=2), "calibration accepted (awaiting)",
           lambda: _accept(b, code_b, session_b))  # fmt: skip


def _due_of(b: Body, quarter: Quarter) -> date:
    from bagalau.demo.history import _due

    return _due(b, quarter)
