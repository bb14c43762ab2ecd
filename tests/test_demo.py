"""The demo world: deterministic, every role, names in each country's script."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from bluebridge import demo
from bluebridge.access.principal import Role
from bluebridge.members.models import Agency, User

COUNTRIES = ["FRA", "EGY", "RUS", "JPN", "GRC", "KOR", "BRA", "ARG"]


def scripts_of(text: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


@pytest.fixture
def built(runtime):
    return demo.build(runtime, seed=7, size=2, only_countries=COUNTRIES)


def test_every_role_has_a_login(built):
    assert {login.role for login in built} == {r.value for r in Role}


def test_world_has_units_and_border_posts_per_country(runtime, built):
    with runtime.sessions() as session:
        for alpha3 in COUNTRIES:
            kinds = session.execute(
                select(Agency.kind, func.count())
                .where(Agency.country == alpha3)
                .group_by(Agency.kind)
            ).all()
            assert dict(kinds) == {"ncb": 1, "specialized_unit": 2, "border_post": 2}
        partners = session.scalars(
            select(Agency.code).where(Agency.kind == "regional_partner")
        ).all()
        assert {"ASEANAPOL", "GCCPOL", "PICP", "AFRIPOL", "AMERIPOL"} <= set(partners)


@pytest.mark.parametrize(
    ("alpha2", "script"),
    [("EG", "ARABIC"), ("RU", "CYRILLIC"), ("GR", "GREEK"), ("KR", "HANGUL"), ("FR", "LATIN")],
)
def test_names_come_in_the_countrys_script(alpha2, script):
    name = demo.person_name(alpha2, 11)
    assert script in scripts_of(name), name


def test_japanese_names_are_in_japanese_script():
    assert scripts_of(demo.person_name("JP", 3)) & {"CJK", "HIRAGANA", "KATAKANA"}


def test_same_seed_same_world(built, runtime):
    with runtime.sessions() as session:
        names = session.scalars(select(User.display_name).order_by(User.username)).all()
    assert names == sorted(names, key=lambda _: 0)  # stable read
    assert demo.person_name("EG", 42) == demo.person_name("EG", 42)
    assert demo.demo_totp_secret(7, "fr.officer") == demo.demo_totp_secret(7, "fr.officer")
    assert demo.demo_totp_secret(7, "fr.officer") != demo.demo_totp_secret(8, "fr.officer")


def test_demo_accounts_can_sign_in(runtime, built):
    import pyotp

    from bluebridge.access.principal import Channel, RequestContext
    from bluebridge.members import authentication as auth
    from bluebridge.store.engine import unit_of_work

    officer = next(login for login in built if login.username == "fr.officer")
    with unit_of_work(runtime.sessions) as session:
        first = auth.sign_in_password(
            session,
            settings=runtime.settings,
            username="fr.officer",
            password=officer.password,
            context=RequestContext(Channel.WEB),
        )
        assert first.step is auth.SignInStep.SECOND_FACTOR
        assert first.user is not None
        done = auth.sign_in_second_factor(
            session,
            settings=runtime.settings,
            user_id=first.user.id,
            code=pyotp.TOTP(officer.totp_secret).now(),
            context=RequestContext(Channel.WEB),
        )
        assert done.step is auth.SignInStep.DONE


def test_demo_records_cover_every_kind_and_policy(runtime, built):
    from bluebridge.records import registry
    from bluebridge.records.models import Record

    with runtime.sessions() as session:
        kinds = set(session.scalars(select(Record.kind)))
        modes = set(session.scalars(select(Record.access_mode)))
        countries = set(session.scalars(select(Record.owner_country)))
    assert kinds == set(registry.KIND_MODULES)
    assert {"all_members", "listed"} <= modes
    assert set(COUNTRIES) <= countries


def test_demo_cases_link_a_person_to_its_documents_group_and_incident(runtime, built):
    from bluebridge.records.models import Record, RecordLink

    with runtime.sessions() as session:
        rows = session.execute(
            select(Record.kind, RecordLink.relation)
            .join(RecordLink, RecordLink.from_record_id == Record.id)
            .where(Record.owner_country == "FRA")
        ).all()
    assert ("persons", "holder") in rows
    assert ("persons", "member") in rows
    assert ("firearms", "recovered_at") in rows


NOTICE_TYPES = ("red", "yellow", "blue", "black", "green", "orange", "purple", "silver", "un")
# "submitted" lasts only while the automatic checks run, so no notice rests in it.
NOTICE_STATES = frozenset(
    {
        "draft",
        "in_review",
        "information_requested",
        "published",
        "refused",
        "cancelled",
        "withdrawn",
        "expired",
    }
)
DIFFUSION_TYPES = ("wanted", "missing", "information", "warning")
DIFFUSION_STATES = frozenset(
    {
        ("circulated", "pending"),
        ("circulated", "compliant"),
        ("withdrawn", "non_compliant"),
        ("cancelled", "compliant"),
        ("expired", "compliant"),
    }
)


def test_demo_has_notices_of_every_type_in_every_state(runtime, built):
    from bluebridge.notices.models import Notice

    with runtime.sessions() as session:
        rows = session.execute(
            select(Notice.type, Notice.status).where(Notice.kind == "notice")
        ).all()
    states = defaultdict(set)
    for type_, status in rows:
        states[type_].add(status)
    assert dict(states) == dict.fromkeys(NOTICE_TYPES, NOTICE_STATES)


def test_demo_has_diffusions_of_every_type_in_every_state(runtime, built):
    from bluebridge.notices.models import Notice

    with runtime.sessions() as session:
        diffusions = session.scalars(select(Notice).where(Notice.kind == "diffusion")).all()
        states = defaultdict(set)
        acknowledged = defaultdict(set)
        for diffusion in diffusions:
            states[diffusion.type].add((diffusion.status, diffusion.review_state))
            acknowledged[diffusion.type] |= {
                r.acknowledged_at is not None for r in diffusion.recipients
            }
        converted = session.scalars(
            select(Notice).where(Notice.from_diffusion_id.is_not(None))
        ).all()
        sources = [session.get(Notice, n.from_diffusion_id) for n in converted]
    assert dict(states) == dict.fromkeys(DIFFUSION_TYPES, DIFFUSION_STATES)
    # Each kind has recipients that acknowledged receipt and recipients that did not yet.
    assert dict(acknowledged) == dict.fromkeys(DIFFUSION_TYPES, frozenset({True, False}))
    assert [(n.type, n.status, s.type) for n, s in zip(converted, sources, strict=True)] == [
        ("red", "in_review", "wanted")
    ]
    assert any(flag["code"] == "duplicate" for flag in converted[0].flags)


def test_demo_requests_went_through_the_checks_and_the_review(runtime, built):
    from bluebridge.audit import service as audit_service
    from bluebridge.notices import service as notices
    from bluebridge.notices.models import Notice, NoticeEvent

    with runtime.sessions() as session:
        reviewer = session.scalars(select(User).where(User.username == "gs.reviewer")).one()
        requests = session.scalars(select(Notice)).all()
        deciders = set(
            session.scalars(
                select(NoticeEvent.actor_name).where(NoticeEvent.action.like("decide.%"))
            )
        )
        expired_by = set(
            session.scalars(select(NoticeEvent.actor_name).where(NoticeEvent.action == "expire"))
        )
        created = set(
            session.scalars(select(NoticeEvent.notice_id).where(NoticeEvent.action == "create"))
        )
        public = {
            t: notices.public_notices(session, notice_type=t).total for t in ("red", "yellow", "un")
        }
        chain = audit_service.verify_chain(session)
    assert deciders == {"gs.reviewer"}
    assert expired_by == {"demo"}
    assert reviewer.nationality not in {n.requesting_country for n in requests}
    assert created == {n.id for n in requests}
    assert chain.intact
    # Silver notices come only from the pilot's countries.
    pilot = set(runtime.settings.silver_pilot_countries)
    assert {n.requesting_country for n in requests if n.type == "silver"} <= pilot
    assert all(count >= 1 for count in public.values()), public
    # The reviewers see Article 3 flags, raised by texts in Arabic, French and Spanish too.
    flagged = [n for n in requests if any(f["code"].startswith("article3") for f in n.flags)]
    assert {("red", "in_review"), ("red", "refused")} <= {(n.type, n.status) for n in flagged}
    scripts = {
        word
        for n in flagged
        for f in n.flags
        if f["code"] == "article3.keyword"
        for word in scripts_of(f["evidence"])
    }
    assert "ARABIC" in scripts
    evidence = " ".join(f["evidence"] or "" for n in flagged for f in n.flags).casefold()
    assert "presidente" in evidence  # Spanish
    assert "parti d'opposition" in evidence  # French


def test_demo_has_messages_of_every_form_and_priority_read_unread_and_escalated(runtime, built):
    from bluebridge.messaging import service
    from bluebridge.messaging.models import Message, MessageRecipient, SharingGroup

    with runtime.sessions() as session:
        forms = set(session.scalars(select(Message.form)))
        priorities = set(session.scalars(select(Message.priority)))
        read = session.scalar(
            select(func.count())
            .select_from(MessageRecipient)
            .where(MessageRecipient.read_at.is_not(None))
        )
        escalated = session.scalar(
            select(func.count()).select_from(MessageRecipient).where(MessageRecipient.role == "esc")
        )
        groups = list(session.scalars(select(SharingGroup.code)))
        user = session.scalars(select(User).where(User.username == "fr.officer")).one()
        from bluebridge.access.principal import Channel, RequestContext
        from bluebridge.members import authentication

        officer = authentication.principal_for_user(
            user, RequestContext(Channel.API), second_factor=True
        )
        inbox = service.inbox(session, settings=runtime.settings, principal=officer)
        for item in inbox.items:
            assert service.verify(
                session, settings=runtime.settings, principal=officer, message_id=item.message.id
            ).valid
    assert {"free", "information_supplied", "action_taken"} <= forms
    assert priorities == {"routine", "urgent", "immediate"}
    assert read
    assert read >= 2
    assert escalated == 1
    assert groups == ["OP-NIGHTJAR"]
    assert inbox.total >= 5


def test_demo_has_igrip_cases_in_every_state_with_a_trail_alerts_and_a_closed_case(runtime, built):
    from bluebridge.payments.models import CorrelationAlert, PaymentCase
    from bluebridge.payments.schemas import LegState

    with runtime.sessions() as session:
        cases = {c.id: c for c in session.scalars(select(PaymentCase))}
        legs = {leg.id: leg for case in cases.values() for leg in case.legs}
        alerts = session.scalars(select(CorrelationAlert)).all()
        # Every state a leg can be in, a freeze in full and one in part.
        assert {leg.state for leg in legs.values()} == {s.value for s in LegState}
        frozen = [leg for leg in legs.values() if leg.state == "frozen"]
        assert {leg.frozen_amount == leg.amount for leg in frozen} == {True, False}
        # A trail of three hops, each onward leg routed to its own country.
        [last] = [leg for leg in legs.values() if leg.hop == 3]
        trail = [last]
        while trail[-1].parent_id is not None:
            trail.append(legs[trail[-1].parent_id])
        assert [leg.hop for leg in trail] == [3, 2, 1]
        assert [leg.state for leg in trail[1:]] == ["moved_on", "moved_on"]
        assert all(leg.message_id for leg in trail)
        assert len({leg.beneficiary_country for leg in trail}) == 3
        # Two cases of different countries share a mule account: alerts on both.
        linked = {(a.case_id, a.other_case_id) for a in alerts if a.kind == "iban"}
        assert linked
        assert all((b, a) in linked for a, b in linked)
        assert all(cases[a].requesting_country != cases[b].requesting_country for a, b in linked)
        # The showcase country files and answers; a bank's camt.029 was read into a leg.
        assert demo.SHOWCASE_COUNTRY in {c.requesting_country for c in cases.values()}
        assert demo.SHOWCASE_COUNTRY in {leg.beneficiary_country for leg in legs.values()}
        assert any("camt029" in e.details for leg in legs.values() for e in leg.events)
        assert {c.fraud_type for c in cases.values()} >= {
            "business_email_compromise",
            "investment",
            "romance",
            "ransomware_payment",
        }
        # A case closed by its requester, and a leg left unanswered escalated.
        [closed] = [c for c in cases.values() if c.status == "closed"]
        assert closed.requesting_country == demo.SHOWCASE_COUNTRY
        assert closed.closed_by == "fr.officer"
        assert any("acknowledge" in leg.escalated for leg in legs.values())
