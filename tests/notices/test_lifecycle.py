"""The life of a notice and of a diffusion through the service: every state transition, every
refusal rule, who may see what (the silver pilot's restriction among them), the audit, and
the review's dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bluebridge.notices import service
from bluebridge.notices.enums import NoticeType, Status
from bluebridge.notices.models import Notice
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.notices.factories import (
    CONTENTS,
    DIFFUSIONS,
    act,
    draft,
    red_content,
    reviewer,
    state,
    subject,
)

REASONS = "Complies with Articles 2 and 3; the legal basis is sufficient."


@pytest.fixture
def person_id(runtime, france):
    return subject(runtime, france)


def test_a_red_notice_goes_from_draft_through_review_to_publication(
    runtime, france, spain, gs, person_id
):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    assert state(runtime, france, notice_id) == ("draft", "none")
    # Nobody outside France sees a draft, nor a request in review.
    with pytest.raises(NotFound):
        state(runtime, spain, notice_id)
    assert act(runtime, "submit", france, notice_id) == "in_review"
    with pytest.raises(NotFound):
        state(runtime, spain, notice_id)
    with runtime.sessions() as session:
        queue = service.review_queue(session, principal=gs)
        assert [n.id for n in queue.items] == [notice_id]
    assert act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS) == "published"
    assert state(runtime, spain, notice_id) == ("published", "compliant")
    with runtime.sessions() as session:
        notice = session.get(Notice, notice_id)
        assert notice.reference.startswith("R-")
        assert notice.reference.endswith(f"/{utcnow().year}")
        assert notice.expires_at - notice.published_at >= dt.timedelta(days=5 * 365)
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(notice_id))
            .order_by(AuditEvent.seq)
        ).all()
        view = service.get(
            session, settings=runtime.settings, principal=france, notice_id=notice_id
        )
    assert [e.action for e in view.events] == ["create", "submit", "check", "decide.publish"]
    assert [e.to_status for e in view.events] == ["draft", "submitted", "in_review", "published"]
    assert "notice.decide.publish" in actions
    assert "notice.create" in actions
    assert view.events[-1].reasons == REASONS


def test_information_requested_goes_back_to_the_requester_then_to_review(
    runtime, france, gs, person_id
):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    assert (
        act(
            runtime,
            "decide",
            gs,
            notice_id,
            decision="request_information",
            reasons="Send the judgement's full text.",
        )
        == "information_requested"
    )
    with unit_of_work(runtime.sessions) as session:
        service.update(
            session,
            settings=runtime.settings,
            principal=france,
            notice_id=notice_id,
            version=1,
            draft=service.Draft(
                content=red_content(facts="The full facts, with the judgement."),
                subjects=(service.SubjectIn(person_id),),
            ),
        )
    assert act(runtime, "submit", france, notice_id) == "in_review"
    assert (
        act(
            runtime,
            "decide",
            gs,
            notice_id,
            decision="refuse",
            reasons="Predominantly political character.",
        )
        == "refused"
    )
    # A refused request is ended: it cannot be submitted, changed or decided again.
    for name, kw in (("submit", {}), ("decide", {"decision": "publish", "reasons": REASONS})):
        with pytest.raises(Conflict):
            act(runtime, name, gs if name == "decide" else france, notice_id, **kw)


def test_a_cancelled_notice_cannot_be_published_again(runtime, france, gs, person_id):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    assert (
        act(runtime, "cancel", france, notice_id, reasons="The person was arrested in Spain.")
        == "cancelled"
    )
    with pytest.raises(Conflict):
        act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with pytest.raises(Conflict):
        act(runtime, "submit", france, notice_id)
    with pytest.raises(Conflict):
        act(runtime, "cancel", france, notice_id, reasons="Once more, to be sure.")


def test_withdrawal_by_the_requester_ends_the_request(runtime, france, spain, gs, person_id):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    assert (
        act(runtime, "withdraw", france, notice_id, reasons="The warrant was quashed on appeal.")
        == "withdrawn"
    )
    with pytest.raises(NotFound):
        state(runtime, spain, notice_id)
    # Only the requesting NCB withdraws.
    other = draft(runtime, france, "yellow", subjects=[person_id])
    with pytest.raises(NotFound):
        act(runtime, "withdraw", spain, other, reasons="Not mine to withdraw.")


def test_a_change_to_a_published_notice_is_checked_and_reviewed_again(
    runtime, france, spain, gs, person_id
):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with unit_of_work(runtime.sessions) as session:
        service.update(
            session,
            settings=runtime.settings,
            principal=france,
            notice_id=notice_id,
            version=1,
            draft=service.Draft(
                content=red_content(summary="Armed robbery, two shops"),
                subjects=(service.SubjectIn(person_id),),
            ),
        )
    # Still published meanwhile, and waiting for a reviewer.
    assert state(runtime, spain, notice_id) == ("published", "pending")
    # A stale version is refused and changes nothing.
    with pytest.raises(Conflict), unit_of_work(runtime.sessions) as session:
        service.update(
            session,
            settings=runtime.settings,
            principal=france,
            notice_id=notice_id,
            version=1,
            draft=service.Draft(content=red_content()),
        )
    # A change whose checks fail is refused whole: the notice stays as it was.
    with pytest.raises(InvalidInput), unit_of_work(runtime.sessions) as session:
        service.update(
            session,
            settings=runtime.settings,
            principal=france,
            notice_id=notice_id,
            version=2,
            draft=service.Draft(
                content=red_content(facts=None), subjects=(service.SubjectIn(person_id),)
            ),
        )
    with runtime.sessions() as session:
        notice = session.get(Notice, notice_id)
        assert notice.version == 2
        assert notice.content["summary"] == "Armed robbery, two shops"
        assert notice.content["facts"]
    assert (
        act(
            runtime,
            "decide",
            gs,
            notice_id,
            decision="refuse",
            reasons="The change shows a political motive.",
        )
        == "withdrawn"
    )


def test_expiry_asks_the_requester_six_months_before_then_expires(runtime, france, gs, person_id):
    from bluebridge.access.principal import operator_principal

    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with pytest.raises(Conflict, match="six months before"):
        act(runtime, "extend", france, notice_id)
    operator = operator_principal("expiry")
    with runtime.sessions() as session:
        expires = session.get(Notice, notice_id).expires_at
    with unit_of_work(runtime.sessions) as session:
        assert service.run_expiry(
            session, principal=operator, now=expires - dt.timedelta(days=30)
        ) == service.ExpiryRun(1, 0)
    with unit_of_work(runtime.sessions) as session:
        # Asked once only.
        assert service.run_expiry(
            session, principal=operator, now=expires - dt.timedelta(days=29)
        ) == service.ExpiryRun(0, 0)
        assert session.get(Notice, notice_id).renewal_asked_at is not None
    with unit_of_work(runtime.sessions) as session:
        assert service.run_expiry(
            session, principal=operator, now=expires + dt.timedelta(seconds=1)
        ) == service.ExpiryRun(0, 1)
    assert state(runtime, france, notice_id)[0] == "expired"
    with pytest.raises(Conflict):
        act(runtime, "extend", france, notice_id)


def test_an_extension_in_the_last_six_months_adds_five_years(runtime, france, gs, person_id):
    notice_id = draft(runtime, france, "yellow", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with unit_of_work(runtime.sessions) as session:
        notice = session.get(Notice, notice_id)
        notice.expires_at = utcnow() + dt.timedelta(days=60)  # as if published 58 months ago
    act(runtime, "extend", france, notice_id)
    with runtime.sessions() as session:
        notice = session.get(Notice, notice_id)
        assert notice.expires_at - utcnow() > dt.timedelta(days=5 * 365)
        assert notice.status == "published"


@pytest.mark.parametrize("type_", [t.value for t in NoticeType])
def test_every_type_is_published_with_its_complete_content(runtime, world, france, gs, type_):
    requester = france
    subjects = []
    if type_ in ("red", "yellow", "blue", "green", "silver", "un"):
        subjects = [subject(runtime, france, names=(f"Jean {type_.title()}ier",))]
    elif type_ == "black":
        import random

        from bluebridge.records.samples import sample_payload
        from tests.screening.factories import enter

        subjects = [
            enter(
                runtime,
                france,
                "fingerprints",
                sample_payload("fingerprints", country="FRA", rng=random.Random(1)),
            )
        ]
    notice_id = draft(runtime, requester, type_, subjects=subjects)
    assert act(runtime, "submit", requester, notice_id) == "in_review"
    assert act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS) == "published"


def test_an_incomplete_red_notice_is_refused_with_every_problem_by_field(
    runtime, france, person_id
):
    content = red_content(facts=None, purpose="prosecution")
    content["offences"] = [{"category": "robbery"}]
    content["legal_basis"] = {"kind": "judgement"}
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=content)
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "submit", france, notice_id)
    fields = {p.field for p in refused.value.problems}
    assert fields >= {
        "content.facts",
        "content.offences.0.description",
        "content.offences.0.legal_provision",
        "content.offences.0.max_penalty_months",
        "content.legal_basis.reference",
        "content.legal_basis.date",
        "content.legal_basis.authority",
    }
    assert state(runtime, france, notice_id) == ("draft", "none")  # nothing changed


def test_red_penalty_thresholds(runtime, france, person_id):
    low = red_content()
    low["offences"][0]["max_penalty_months"] = 12
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=low)
    with pytest.raises(InvalidInput, match="at least 2 years") as refused:
        act(runtime, "submit", france, notice_id)
    assert refused.value.problems[0].field == "content.offences"
    sentence = red_content(
        purpose="sentence", sentence={"imposed_months": 24, "remaining_months": 5}
    )
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=sentence)
    with pytest.raises(InvalidInput, match="at least 6 months left") as refused:
        act(runtime, "submit", france, notice_id)
    assert [p.field for p in refused.value.problems] == ["content.sentence.remaining_months"]
    enough = red_content(purpose="sentence", sentence={"imposed_months": 24, "remaining_months": 6})
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=enough)
    assert act(runtime, "submit", france, notice_id) == "in_review"
    life = red_content()
    life["offences"][0].pop("max_penalty_months")
    life["offences"][0]["life_imprisonment"] = True
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=life)
    assert act(runtime, "submit", france, notice_id) == "in_review"


def test_subjects_and_content_refusals(runtime, france, spain, person_id):
    # A field the kind does not use.
    with pytest.raises(InvalidInput) as refused:
        draft(
            runtime,
            france,
            "yellow",
            subjects=[person_id],
            content={**CONTENTS["yellow"], "purpose": "prosecution"},
        )
    assert refused.value.problems[0].field == "content.purpose"
    # A malformed value names its field.
    with pytest.raises(InvalidInput) as refused:
        draft(runtime, france, "red", subjects=[person_id], content=red_content(purpose="revenge"))
    assert refused.value.problems[0].field == "content.purpose"
    # Another country's record the requester cannot see is not named.
    spanish = subject(runtime, spain, names=("Pedro Sánchez Ruiz",), nationalities=["ESP"])
    from bluebridge.access.records import AccessPolicy as Policy

    with pytest.raises(InvalidInput) as refused:
        draft(runtime, france, "red", subjects=[spanish + 10_000])
    assert refused.value.problems[0].field == "subjects.0"
    # A red notice without a person as its subject.
    notice_id = draft(runtime, france, "red", subjects=[])
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "submit", france, notice_id)
    assert "subjects" in {p.field for p in refused.value.problems}
    # A hit-only policy, and a public extract for a blue notice.
    with pytest.raises(InvalidInput):
        draft(
            runtime,
            france,
            "red",
            subjects=[person_id],
            access_policy=Policy(mode=AccessMode.HIT_ONLY),
        )
    with pytest.raises(InvalidInput) as refused:
        draft(runtime, france, "blue", subjects=[person_id], public_extract=True)
    assert refused.value.problems[0].field == "public_extract"


def test_a_placeholder_name_or_an_unknown_birth_date_is_refused_for_red(runtime, france):
    unknown = subject(runtime, france, names=("Unknown",))
    notice_id = draft(runtime, france, "red", subjects=[unknown])
    with pytest.raises(InvalidInput, match="does not identify anyone"):
        act(runtime, "submit", france, notice_id)
    undated = subject(runtime, france, names=("Marc Lefèvre",), birth=None)
    notice_id = draft(runtime, france, "red", subjects=[undated])
    with pytest.raises(InvalidInput, match="date of birth"):
        act(runtime, "submit", france, notice_id)
    # A blue notice only flags it for the reviewer.
    notice_id = draft(runtime, france, "blue", subjects=[undated])
    act(runtime, "submit", france, notice_id)
    with runtime.sessions() as session:
        flags = session.get(Notice, notice_id).flags
    assert "data_quality.birth_date" in {f["code"] for f in flags}


def test_a_duplicate_is_flagged_to_reviewers_not_shown_to_the_requester(
    runtime, france, spain, gs, person_id
):
    first = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, first)
    # Spain has its own record of the same person (same name and birth year).
    spanish = subject(runtime, spain, names=("Jean Dupont",), nationalities=["FRA"])
    second = draft(runtime, spain, "blue", subjects=[spanish])
    act(runtime, "submit", spain, second)
    with runtime.sessions() as session:
        as_reviewer = service.get(
            session, settings=runtime.settings, principal=gs, notice_id=second
        )
        as_requester = service.get(
            session, settings=runtime.settings, principal=spain, notice_id=second
        )
    duplicate = [f for f in as_reviewer.flags if f["code"] == "duplicate"]
    assert duplicate
    assert "FRA" in duplicate[0]["reason"]
    assert not [f for f in as_requester.flags if f["code"] == "duplicate"]


def test_reviewers_rules(runtime, france, person_id, gs):
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    french = reviewer(runtime, "FRA")
    with pytest.raises(PermissionDenied, match="own country"):
        act(runtime, "decide", french, notice_id, decision="publish", reasons=REASONS)
    no_second_factor = reviewer(runtime, "ITA", second_factor=False)
    with pytest.raises(PermissionDenied):
        act(runtime, "decide", no_second_factor, notice_id, decision="publish", reasons=REASONS)
    with pytest.raises(PermissionDenied):
        act(runtime, "decide", france, notice_id, decision="publish", reasons=REASONS)
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "decide", gs, notice_id, decision="publish", reasons=" ")
    assert refused.value.problems[0].field == "reasons"
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "decide", gs, notice_id, decision="approve", reasons=REASONS)
    assert refused.value.problems[0].field == "decision"
    assert state(runtime, gs, notice_id) == ("in_review", "pending")


def test_only_an_ncb_requests(runtime, world, person_id):
    unit = world.principal(world.user("FRA-NCB", (Role.ANALYST,)))
    with pytest.raises(PermissionDenied):
        draft(runtime, unit, "red", subjects=[person_id])
    border = world.principal(world.user("FRA-NCB", (Role.BORDER_OFFICER,)))
    with pytest.raises(PermissionDenied):
        draft(runtime, border, "red", subjects=[person_id])


def test_silver_notices_stay_within_the_pilot(runtime, france, japan, kenya, gs):
    assert "FRA" in runtime.settings.silver_pilot_countries
    assert "JPN" not in runtime.settings.silver_pilot_countries
    japanese = subject(runtime, japan, names=("Sato Hiroshi",), nationalities=["JPN"])
    with pytest.raises(PermissionDenied, match="pilot"):
        draft(runtime, japan, "silver", subjects=[japanese])
    launderer = subject(runtime, france, names=("Paul Martin",))
    notice_id = draft(runtime, france, "silver", subjects=[launderer])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    assert state(runtime, kenya, notice_id)[0] == "published"  # Kenya is in the pilot
    with pytest.raises(NotFound):
        state(runtime, japan, notice_id)
    with runtime.sessions() as session:
        seen = service.list_notices(
            session, settings=runtime.settings, principal=japan, type="silver"
        )
        assert seen.total == 0
        assert service.counts_by_state(session, settings=runtime.settings, principal=japan) == {}
    with pytest.raises(InvalidInput):
        draft(runtime, france, "silver", subjects=[launderer], public_extract=True)


def test_a_listed_policy_limits_who_sees_the_published_notice(
    runtime, france, spain, japan, gs, person_id
):
    notice_id = draft(
        runtime,
        france,
        "blue",
        subjects=[person_id],
        access_policy=AccessPolicy(mode=AccessMode.LISTED, countries=["ESP"]),
    )
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    assert state(runtime, spain, notice_id)[0] == "published"
    with pytest.raises(NotFound):
        state(runtime, japan, notice_id)


def test_a_diffusion_is_sent_at_once_then_reviewed(runtime, france, spain, japan, gs, person_id):
    from bluebridge.members.reference import Region

    notice_id = draft(
        runtime,
        france,
        "wanted",
        kind="diffusion",
        subjects=[person_id],
        recipients=service.Recipients(countries=("ESP",), regions=(Region.EUROPE,)),
    )
    with pytest.raises(NotFound):
        state(runtime, spain, notice_id)
    assert act(runtime, "send", france, notice_id) == "circulated"
    assert state(runtime, spain, notice_id) == ("circulated", "pending")
    with pytest.raises(NotFound):
        state(runtime, japan, notice_id)  # not in Europe, not chosen
    with runtime.sessions() as session:
        notice = session.get(Notice, notice_id)
        countries = {r.country for r in notice.recipients}
    assert "ESP" in countries
    assert "DEU" in countries
    assert "FRA" not in countries
    # A recipient acknowledges; a country it was not sent to cannot.
    with unit_of_work(runtime.sessions) as session:
        service.acknowledge(
            session, settings=runtime.settings, principal=spain, notice_id=notice_id
        )
    with pytest.raises(NotFound):
        act(runtime, "acknowledge", japan, notice_id)
    with runtime.sessions() as session:
        view = service.get(
            session, settings=runtime.settings, principal=france, notice_id=notice_id
        )
        acked = {r.country: r.acknowledged_at is not None for r in view.recipients}
    assert acked["ESP"] is True
    assert acked["DEU"] is False
    # Found non-compliant: withdrawn from every recipient.
    assert (
        act(
            runtime,
            "decide",
            gs,
            notice_id,
            decision="refuse",
            reasons="A purely military offence.",
        )
        == "withdrawn"
    )
    with pytest.raises(NotFound):
        state(runtime, spain, notice_id)


def test_a_diffusion_found_compliant_stays_and_may_become_a_notice(
    runtime, france, spain, gs, person_id
):
    notice_id = draft(
        runtime,
        france,
        "wanted",
        kind="diffusion",
        subjects=[person_id],
        recipients=service.Recipients(all_members=True),
    )
    act(runtime, "send", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    assert state(runtime, spain, notice_id) == ("circulated", "compliant")
    with unit_of_work(runtime.sessions) as session:
        notice = service.convert(
            session, settings=runtime.settings, principal=france, notice_id=notice_id
        )
        new_id = notice.id
        assert notice.type == "red"
        assert notice.status == "draft"
        assert notice.from_diffusion_id == notice_id
    with pytest.raises(PermissionDenied):  # Spain sees the diffusion, but it is France's
        act(runtime, "convert", spain, notice_id)
    # The converted request still needs what a red notice needs (penalty), listed by field.
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "submit", france, new_id)
    assert "content.offences.0.max_penalty_months" in {p.field for p in refused.value.problems}


def test_a_diffusion_needs_recipients_and_is_not_submitted(runtime, france, person_id):
    notice_id = draft(runtime, france, "information", kind="diffusion", subjects=[person_id])
    with pytest.raises(InvalidInput) as refused:
        act(runtime, "send", france, notice_id)
    assert refused.value.problems[0].field == "recipients"
    with pytest.raises(Conflict):
        act(runtime, "submit", france, notice_id)
    with pytest.raises(InvalidInput) as refused:
        draft(
            runtime,
            france,
            "information",
            kind="diffusion",
            subjects=[person_id],
            recipients=service.Recipients(countries=("XXX", "ESP", "ATA")),
        )
    assert [p.field for p in refused.value.problems] == [
        "recipients.countries.0",
        "recipients.countries.2",
    ]


def test_the_dashboard_counts_decisions_against_the_target(runtime, france, gs, person_id):
    ids = [draft(runtime, france, t, subjects=[person_id]) for t in ("red", "yellow", "blue")]
    for notice_id in ids:
        act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, ids[0], decision="publish", reasons=REASONS)
    act(runtime, "decide", gs, ids[1], decision="refuse", reasons="Not an ordinary-law crime.")
    with runtime.sessions() as session:
        figures = service.dashboard(session, settings=runtime.settings, principal=gs)
        with pytest.raises(PermissionDenied):
            service.dashboard(session, settings=runtime.settings, principal=france)
    assert figures.waiting == 1
    assert figures.decisions == 2
    assert figures.by_type == {"red": 1, "yellow": 1}
    assert figures.by_outcome == {"publish": 1, "refuse": 1}
    assert figures.by_region == {"europe": 2}
    assert figures.within_target == 1.0
    assert figures.target_hours == 24


def test_refusals_change_nothing_and_are_not_audited_as_changes(runtime, france, person_id):
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=red_content(facts=None))
    with runtime.sessions() as session:
        before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with pytest.raises(InvalidInput):
        act(runtime, "submit", france, notice_id)
    with runtime.sessions() as session:
        after = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        assert session.get(Notice, notice_id).status == Status.DRAFT
    assert before == after


def test_all_diffusion_types_are_sent(runtime, france, spain, person_id):
    for type_ in DIFFUSIONS:
        notice_id = draft(
            runtime,
            france,
            type_,
            kind="diffusion",
            subjects=[person_id],
            recipients=service.Recipients(countries=("ESP",)),
        )
        assert act(runtime, "send", france, notice_id) == "circulated"
        assert state(runtime, spain, notice_id)[0] == "circulated"


def test_biometric_records_linked_to_the_subject_flow_into_the_notice(runtime, france, spain, gs):
    import random

    from bluebridge.records import service as records
    from bluebridge.records.samples import sample_payload
    from tests.screening.factories import enter

    undated = subject(runtime, france, names=("Marc Lefèvre",), birth=None)
    prints = enter(
        runtime,
        france,
        "fingerprints",
        sample_payload("fingerprints", country="FRA", rng=random.Random(5)),
    )
    with unit_of_work(runtime.sessions) as session:
        # Linked from the fingerprints to the person: either way counts.
        records.link_records(
            session,
            principal=france,
            from_id=prints,
            to_id=undated,
            relation=records.Relation.SAME_AS,
        )
    notice_id = draft(runtime, france, "red", subjects=[undated])
    # A red notice on a person without a birth date is taken when prints identify them.
    assert act(runtime, "submit", france, notice_id) == "in_review"
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with runtime.sessions() as session:
        view = service.get(session, settings=runtime.settings, principal=spain, notice_id=notice_id)
    linked = [s for s in view.subjects if s.linked]
    assert [(s.record_id, s.role, s.kind) for s in linked] == [
        (prints, "biometric", "fingerprints")
    ]


def test_an_expired_notice_leaves_screening(runtime, france, spain, gs, person_id):
    from bluebridge.access.principal import operator_principal

    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    with runtime.sessions() as session:
        assert service.on_records(session, principal=spain, record_ids=[person_id])
        expires = session.get(Notice, notice_id).expires_at
    with unit_of_work(runtime.sessions) as session:
        service.run_expiry(session, principal=operator_principal("t"), now=expires)
    with runtime.sessions() as session:
        assert service.on_records(session, principal=spain, record_ids=[person_id]) == {}
        assert session.get(Notice, notice_id).ended_at == expires
