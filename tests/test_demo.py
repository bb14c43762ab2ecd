"""The demo world: deterministic, every role, names in each country's script."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from bluebridge import demo
from bluebridge.access.principal import Role
from bluebridge.members.models import Agency, User

COUNTRIES = ["FRA", "EGY", "RUS", "JPN", "GRC", "KOR", "BRA"]


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
