"""Every write of calibration cases (002 p13-14, p20, p38-43), through the one runner.

Each transition: inside a transaction lock the case row, derive the caller's roles (none:
404), `check_transition` (role 403 before state 409), the revision read, the rule of the
action, save with `update_fields`, write the audit event (never a score: scores live on the
case and in ResultChange) and queue the notices after commit. The decision goes through
`evaluations.results.decide` (source "calibration"): the score, the band, the year mean and
acquaintance again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import audit
from bagalau.core.storage import store_upload
from bagalau.evaluations import access as evaluation_access
from bagalau.evaluations import results
from bagalau.evaluations.evidence import _zip_names
from bagalau.evaluations.models import Result, ResultChange, SheetLine
from bagalau.evaluations.rules import files, scoring
from bagalau.evaluations.rules.workflow import Transition, check_revision, check_transition
from bagalau.methodology.models import MethodologyVersion
from bagalau.org.models import Servant
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import notices, rules, selectors
from .models import Appeal, CalibrationCase, CaseState, Participant, Position

MSG_NOT_MODEL = _("Calibration sessions belong to the 2023 model (002 p13).")
MSG_OPEN_CASE = _("This result already has a calibration case.")
MSG_TEXT = _("Application: write why you disagree with the result (002 p13).")
MSG_TOO_LONG = _("%(field)s: at most %(max)s characters.")
MSG_PARTICIPANT = _("Participants: choose servants of this body other than the applicant.")
MSG_DATE = _("%(field)s: enter a date as YYYY-MM-DD.")
MSG_SCORE = _("Proposed score: enter a number such as 3.5.")
MSG_SUMMARY = _("Summary: write the evaluator's presentation and justification (002 p42).")
MSG_AUTHORITY = _("Filed with: name the body the appeal was filed with.")
MSG_PROTOCOL_FORBIDDEN = _(
    "The signed protocol carries the scores: only the servant, the evaluator, the head of HR "
    "and the participants read it (002 p21)."
)
MSG_NO_PROTOCOL = _("The signed protocol has not been uploaded.")
MAX_TEXT = 8000
MAX_PARTICIPANTS = 30


def _today() -> date:
    return timezone.localdate()


def _adder(body_id: int, start: date) -> Any:
    calendar = workday_services.calendar_for(
        body_id, start - timedelta(days=7), start + timedelta(days=90)
    )
    return lambda day, n: workday_rules.add_working_days(day, n, calendar)


def _days(version: MethodologyVersion, key: str) -> int:
    """The version's working days of a step, or the law's number (rules.DEADLINE_CODES)."""
    code, fallback = rules.DEADLINE_CODES[key]
    amount = version.deadlines.filter(code=code).values_list("amount", flat=True).first()
    return fallback if amount is None else int(amount)


def _text(raw: Any, field: str, label: Any, message: Any, limit: int = MAX_TEXT) -> str:
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise DomainError(message, code="required", field=field)
    if len(text) > limit:
        raise DomainError(
            MSG_TOO_LONG, code="too_long", field=field, params={"field": label, "max": limit}
        )
    return text


def _date(raw: Any, field: str, label: Any) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise DomainError(MSG_DATE, code="date", field=field, params={"field": label}) from None


# --- the application (002 p13) ------------------------------------------------------------------


@transaction.atomic
def case_apply(*, actor: Any, result_id: int, text: str) -> CalibrationCase:
    """The servant applies in free form to the authorized person, within 5 working days of
    acquaintance (002 p13); a later application is refused naming the last allowed day."""
    result, roles = evaluation_access.access_result(actor, result_id)
    if evaluation_access.EVALUATED not in roles:
        raise PermissionDenied(evaluation_access.MSG_FORBIDDEN, code="forbidden")
    result = (
        Result.objects.select_for_update(of=("self",))  # task is nullable: lock the result only
        .select_related("version", "task", "servant")
        .get(pk=result.pk)
    )
    if result.version.model != "2023":
        raise DomainError(MSG_NOT_MODEL, code="not_2023", field="result")
    body = _text(text, "text", _("Application"), MSG_TEXT)
    if CalibrationCase.objects.filter(result=result).exclude(state=CaseState.DECLINED).exists():
        raise Conflict(MSG_OPEN_CASE, code="open_case", field="result")
    when = result.acknowledged_at or result.refused_at
    acquainted_on = timezone.localdate(when) if when else None
    today = _today()
    add = _adder(result.body_id, acquainted_on or today)
    apply_due = rules.check_application(acquainted_on, today, add, _days(result.version, "apply"))
    acquainted_on = acquainted_on or today  # checked above: never None here
    later = _adder(result.body_id, today)
    task = result.task
    unit_id = None
    if task is not None and task.appointment is not None:
        unit_id = task.appointment.position.unit_id
    case = CalibrationCase.objects.create(
        body_id=result.body_id, result=result, task=task, servant=result.servant,
        version=result.version, unit_id=unit_id,
        evaluator_user_id=task.evaluator_user_id if task else None,
        state=CaseState.APPLIED, text=body, applied_on=today, acquainted_on=acquainted_on,
        apply_due=apply_due,
        decide_due=rules.decision_due(today, later, _days(result.version, "decide")),
        session_due=rules.session_due(today, later, _days(result.version, "session")),
        score_before=result.score,
    )  # fmt: skip
    audit(
        actor=actor, action="calibration.apply", obj=case, body=case.body,
        data={"result": result.pk, "to": case.state},
    )  # fmt: skip
    case_id = case.pk
    transaction.on_commit(lambda: notices.case_changed(case_id, "apply"))
    return case


# --- the runner ---------------------------------------------------------------------------------


def _begin(
    actor: Any, case_id: int, action: str, revision: int | None, reason: str = ""
) -> tuple[CalibrationCase, set[str], Transition]:
    case, roles = selectors.access_case(actor, case_id, for_update=True)
    transition = check_transition(
        action, case.state, roles, reason=reason, state_label=str(case.get_state_display()),
        machine=rules.CASE,
    )  # fmt: skip
    check_revision(revision, case.revision, required=transition.needs_revision)
    return case, roles, transition


def _finish(
    actor: Any,
    case: CalibrationCase,
    action: str,
    transition: Transition,
    fields: Sequence[str] = (),
    data: Mapping[str, Any] | None = None,
    reason: str = "",
) -> CalibrationCase:
    from bagalau.evaluations.rules.workflow import next_state

    before = case.state
    case.state = next_state(transition, case.state)
    case.revision += 1
    case.save(update_fields=list(dict.fromkeys([*fields, "state", "revision", "updated_at"])))
    audit(
        actor=actor, action=f"calibration.{action}", obj=case, body=case.body,
        data={"from": before, "to": case.state, **(data or {})},
    )  # fmt: skip
    case_id = case.pk
    transaction.on_commit(lambda: notices.case_changed(case_id, action, reason))
    return case


# --- the authorized person's decision (002 p39-40) ------------------------------------------------


@transaction.atomic
def case_accept(
    *,
    actor: Any,
    case_id: int,
    revision: int | None,
    participant_ids: Sequence[int],
    session_date: Any,
    place: str = "",
) -> CalibrationCase:
    """The authorized person decides to hold a session, sets its date (within 10 working
    days of the application: 002 p40) and approves its participants (002 p39)."""
    case, _roles, transition = _begin(actor, case_id, "accept", revision)
    day = _date(session_date, "session_date", _("Session date"))
    rules.check_session_date(
        day, case.applied_on, _adder(case.body_id, case.applied_on), _days(case.version, "session")
    )
    ids = sorted({int(i) for i in participant_ids})[: MAX_PARTICIPANTS + 1]
    if len(ids) > MAX_PARTICIPANTS:
        raise DomainError(MSG_PARTICIPANT, code="participants", field="participants")
    rules.check_participants(len(ids))
    valid = set(
        Servant.objects.filter(body_id=case.body_id, user_id__in=ids)
        .exclude(pk=case.servant_id)
        .values_list("user_id", flat=True)
    )
    if valid != set(ids):
        raise DomainError(MSG_PARTICIPANT, code="participants", field="participants")
    Participant.objects.bulk_create(Participant(case=case, user_id=i) for i in ids)
    case.decided_by, case.decision_on = actor, _today()
    case.session_date, case.session_place = day, str(place or "").strip()[:300]
    return _finish(
        actor, case, "accept", transition,
        ["decided_by", "decision_on", "session_date", "session_place"],
        {"participants": ids, "session_date": day.isoformat()},
    )  # fmt: skip


@transaction.atomic
def case_decline(*, actor: Any, case_id: int, revision: int | None, reason: str) -> CalibrationCase:
    """The authorized person decides not to hold a session, saying why (002 p39)."""
    case, _roles, transition = _begin(actor, case_id, "decline", revision, reason)
    text = str(reason).strip()[:MAX_TEXT]
    case.decided_by, case.decision_on, case.decline_reason = actor, _today(), text
    return _finish(
        actor, case, "decline", transition, ["decided_by", "decision_on", "decline_reason"],
        reason=text,
    )  # fmt: skip


# --- preparation: the information card (002 p20), the evaluator's summary (002 p42) ----------------


def card_data(case: CalibrationCase) -> dict[str, Any]:
    """The information card assembled from the data: the sheet, the scores, their history,
    the evaluator's comments (002 p20)."""
    result = case.result
    lines = []
    if case.task_id:
        for line in SheetLine.objects.filter(task_id=case.task_id).order_by("order"):
            lines.append({
                "name": line.name_kk if not line.name_ru else line.name_ru, "name_kk": line.name_kk,
                "name_en": line.name_en, "score": None if line.score is None else str(line.score),
                "comment": line.comment,
            })  # fmt: skip
    history = [
        {
            "at": change.decided_at.isoformat(),
            "from": str(change.score_from),
            "to": str(change.score_to),
            "source": change.source,
            "reason": change.reason,
        }  # fmt: skip
        for change in ResultChange.objects.filter(result=result).order_by("decided_at", "pk")
    ]
    return {
        "servant": case.servant.full_name,
        "kind": result.kind,
        "year": result.year,
        "quarter": result.quarter,
        "original_score": str(result.original_score),
        "score": str(result.score),
        "band": result.band,
        "lines": lines,
        "history": history,
        "evaluator": case.evaluator_user.get_full_name() if case.evaluator_user else "",
    }


@transaction.atomic
def card_prepare(*, actor: Any, case_id: int, revision: int | None) -> CalibrationCase:
    case, _roles, transition = _begin(actor, case_id, "prepare_card", revision)
    case.card = card_data(case)
    case.card_prepared_at = timezone.now()
    return _finish(actor, case, "prepare_card", transition, ["card", "card_prepared_at"])


@transaction.atomic
def summary_record(*, actor: Any, case_id: int, revision: int | None, text: str) -> CalibrationCase:
    case, _roles, transition = _begin(actor, case_id, "summary", revision)
    case.summary = _text(text, "summary", _("Summary"), MSG_SUMMARY)
    return _finish(actor, case, "summary", transition, ["summary"])


# --- the vote (002 p42) ------------------------------------------------------------------------------


def _score(raw: Any, decimals: int) -> Decimal | None:
    """A proposed score, kept to the version's decimals (002 p8: score_decimals)."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(MSG_SCORE, code="score", field="score") from None
    if not value.is_finite():
        raise DomainError(MSG_SCORE, code="score", field="score")
    return scoring.quantize(value, decimals)


@transaction.atomic
def vote_cast(
    *,
    actor: Any,
    case_id: int,
    revision: int | None = None,
    support: bool,
    proposed: Any = None,
    arguments: str = "",
) -> Position:
    """A participant supports the score or proposes another one, up or down, with arguments
    (002 p42). One position per participant, changeable until the session is held; every
    vote is audited (its direction, never the score)."""
    case, _roles, transition = _begin(actor, case_id, "vote", revision)
    score = None if support else _score(proposed, case.version.score_decimals)
    if not support and score is None:
        raise DomainError(MSG_SCORE, code="score", field="score")
    text = str(arguments or "").strip()[:MAX_TEXT]
    rules.check_position(
        score, text, current=case.score_before, score_min=case.version.score_min,
        score_max=case.version.score_max,
    )  # fmt: skip
    position, _created = Position.objects.update_or_create(
        case=case, user=actor, defaults={"proposed": score, "arguments": text}
    )
    direction = "support" if score is None else ("up" if score > case.score_before else "down")
    _finish(actor, case, "vote", transition, data={"position": direction})
    return position


@transaction.atomic
def case_hold(*, actor: Any, case_id: int, revision: int | None) -> CalibrationCase:
    """HR records the session held once every participant has a position; the tally gives
    the final score by majority, else by the version's tie rule (002 p42)."""
    case, _roles, transition = _begin(actor, case_id, "hold", revision)
    positions = list(case.positions.all())
    seats = {p.user_id for p in case.participants.all()}
    rules.check_all_voted(len(seats), len([p for p in positions if p.user_id in seats]))
    t = rules.tally(
        case.score_before,
        [p.proposed for p in positions if p.user_id in seats],
        participants=len(seats),
        tie_rule=case.version.calibration_tie_rule,
    )
    case.final_score = t.final
    case.tally = {
        "support": t.support, "proposals": [[str(s), n] for s, n in t.proposals],
        "final": str(t.final), "by": t.by, "participants": t.participants,
    }  # fmt: skip
    case.held_on = _today()
    return _finish(
        actor, case, "hold", transition, ["final_score", "tally", "held_on"],
        {"participants": t.participants, "support": t.support, "by": t.by, "moved": t.moved},
    )  # fmt: skip


@transaction.atomic
def case_decide(*, actor: Any, case_id: int, revision: int | None) -> CalibrationCase:
    """The session's final score becomes the result's current score (the original kept),
    through the one decided-change path; the servant is acquainted again (002 p12, p42)."""
    case, _roles, transition = _begin(actor, case_id, "decide", revision)
    today = _today()
    final = case.score_before if case.final_score is None else case.final_score
    by = case.tally.get("by", "")
    reason = f"{_('calibration session')} {case.held_on}: {by}"
    results.decide(
        actor=actor, body_id=case.body_id,
        decisions=[results.Decision(case.result_id, final, "calibration", reason, today)],
    )  # fmt: skip
    case.decided_on = today
    case.protocol_due = rules.protocol_due(
        case.held_on or today, _adder(case.body_id, today), _days(case.version, "protocol")
    )
    case.protocol_number = case.protocol_number or f"К-{case.pk}"
    return _finish(
        actor, case, "decide", transition, ["decided_on", "protocol_due", "protocol_number"],
        {"by": by},
    )  # fmt: skip


# --- the signed protocol (002 p42) ------------------------------------------------------------------


def _root() -> Path:
    return Path(settings.EVIDENCE_ROOT) / "calibration"


@transaction.atomic
def protocol_upload(
    *, actor: Any, case_id: int, revision: int | None, upload: Any
) -> CalibrationCase:
    """HR uploads the signed protocol within 3 working days of the session (002 p42); stored
    by a random key outside the web root, its type checked by content (evidence's pattern)."""
    case, _roles, transition = _begin(actor, case_id, "upload_protocol", revision)
    if upload is None:
        raise DomainError(files.MSG_EMPTY, code="file_empty", field="file")
    files.check_size(int(getattr(upload, "size", 0) or 0), settings.EVIDENCE_MAX_BYTES)
    upload.seek(0)
    head = upload.read(16)
    content_type = files.sniff(head, _zip_names(upload) if files.is_zip(head) else ())
    stored = store_upload(upload, _root())
    try:
        case.protocol_name = files.clean_name(getattr(upload, "name", ""), content_type)
        case.protocol_type, case.protocol_size = content_type, stored.size
        case.protocol_sha256, case.protocol_key = stored.sha256, stored.key
        case.protocol_uploaded_at = timezone.now()
        late = case.protocol_due is not None and _today() > case.protocol_due
        _finish(
            actor, case, "upload_protocol", transition,
            ["protocol_name", "protocol_type", "protocol_size", "protocol_sha256",
             "protocol_key", "protocol_uploaded_at"],
            {"size": stored.size, "sha256": case.protocol_sha256, "late": late},
        )  # fmt: skip
    except Exception:
        stored.path.unlink(missing_ok=True)
        raise
    return case


def protocol_path(case: CalibrationCase) -> Path:
    return _root() / case.protocol_key[:2] / case.protocol_key


def protocol_open(*, actor: Any, case_id: int) -> tuple[CalibrationCase, Path]:
    case, roles = selectors.access_case(actor, case_id)
    if not selectors.may_read_scores(roles, selectors.held(actor, case.body_id)):
        raise PermissionDenied(MSG_PROTOCOL_FORBIDDEN, code="forbidden")  # 002 p21
    if not case.protocol_key:
        raise NotFound(MSG_NO_PROTOCOL, code="not_found")
    path = protocol_path(case)
    if not path.is_file():
        raise NotFound(MSG_NO_PROTOCOL, code="not_found")
    return case, path


# --- after the session: feedback (002 p43) and appeal (002 p14) -----------------------------------


@transaction.atomic
def feedback_record(
    *, actor: Any, case_id: int, held_on: Any, topics: Mapping[str, Any], notes: str = ""
) -> CalibrationCase:
    """The evaluator records the feedback meeting with its three topics and the notes the
    servant sees (002 p43)."""
    case, _roles, transition = _begin(actor, case_id, "feedback", None)
    day = _date(held_on, "held_on", _("Held on"))
    clean = {
        code: str(topics.get(code) or "").strip()[:MAX_TEXT] for code, _l in rules.FEEDBACK_TOPICS
    }
    rules.check_feedback(clean)
    case.feedback_on = day
    case.feedback = {**clean, "notes": str(notes or "").strip()[:MAX_TEXT]}
    return _finish(
        actor, case, "feedback", transition, ["feedback_on", "feedback"],
        {"held_on": day.isoformat()},
    )  # fmt: skip


@transaction.atomic
def appeal_record(
    *,
    actor: Any,
    case_id: int,
    filed_on: Any,
    authority: str,
    outcome: str = rules.APPEAL_PENDING,
    outcome_on: Any = None,
    note: str = "",
    appeal_id: int | None = None,
) -> Appeal:
    """HR records an appeal of the calibration decision and its outcome (002 p14)."""
    case, _roles, transition = _begin(actor, case_id, "appeal", None)
    day = _date(filed_on, "filed_on", _("Filed on"))
    rules.check_appeal(day, case.decided_on or case.applied_on, str(outcome))
    where = _text(authority, "authority", _("Filed with"), MSG_AUTHORITY, 300)
    outcome_day = _date(outcome_on, "outcome_on", _("Outcome on")) if outcome_on else None
    values = {
        "filed_on": day, "authority": where, "outcome": str(outcome), "outcome_on": outcome_day,
        "note": str(note or "").strip()[:MAX_TEXT], "recorded_by": actor,
    }  # fmt: skip
    if appeal_id is not None:
        appeal = Appeal.objects.filter(case=case, pk=appeal_id).first()
        if appeal is None:
            raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
        for name, value in values.items():
            setattr(appeal, name, value)
        appeal.save()
    else:
        appeal = Appeal.objects.create(case=case, **values)
    _finish(
        actor, case, "appeal", transition,
        data={"appeal": appeal.pk, "outcome": appeal.outcome, "filed_on": day.isoformat()},
    )  # fmt: skip
    return appeal
