"""Agencies, accounts and API keys through the service functions, with their access rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bluebridge.access.principal import Role, operator_principal
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bluebridge.members import service
from bluebridge.members.models import Agency, AgencyKind, ApiKey, Country, UnitSpecialty, User
from bluebridge.store.engine import unit_of_work

OPERATOR = operator_principal("test")


def test_reference_sync_gives_196_members_gs_and_one_ncb_each(session):
    assert session.scalar(select(func.count()).select_from(Country)) == 196
    ncbs = session.scalar(select(func.count()).select_from(Agency).where(Agency.kind == "ncb"))
    assert ncbs == 196
    assert service.get_agency_by_code(session, code="GS").kind == "general_secretariat"
    assert service.sync_reference(session) == 0  # idempotent


def test_unit_is_attached_to_its_countrys_ncb(runtime, world):
    unit = world.unit("DEU")
    with runtime.sessions() as session:
        ncb = service.get_agency_by_code(session, code="DEU-NCB")
        assert unit.parent_id == ncb.id
        assert unit.region == "europe"


def test_agency_creation_lists_every_problem_at_once(session):
    with pytest.raises(InvalidInput) as caught:
        service.create_agency(
            session,
            principal=OPERATOR,
            code="bad code!",
            name="",
            kind=AgencyKind.SPECIALIZED_UNIT,
            country="QQQ",
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"code", "name", "country", "specialty"}


def test_agency_code_must_be_unique(session):
    service.create_agency(
        session,
        principal=OPERATOR,
        code="FRA-X1",
        name="X",
        kind=AgencyKind.BORDER_POST,
        country="FR",
    )
    with pytest.raises(Conflict):
        service.create_agency(
            session,
            principal=OPERATOR,
            code="fra-x1",
            name="Y",
            kind=AgencyKind.BORDER_POST,
            country="FRA",
        )


def test_ncb_administrator_adds_units_only_in_own_country(runtime, world):
    admin = world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,)))
    with unit_of_work(runtime.sessions) as session:
        unit = service.create_agency(
            session,
            principal=admin,
            code="FRA-NEWUNIT",
            name="New unit",
            kind=AgencyKind.SPECIALIZED_UNIT,
            country="FRA",
            specialty=UnitSpecialty.ORGANIZED_CRIME,
        )
        assert unit.country == "FRA"
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        service.create_agency(
            session,
            principal=admin,
            code="DEU-NEWUNIT",
            name="Foreign unit",
            kind=AgencyKind.SPECIALIZED_UNIT,
            country="DEU",
            specialty=UnitSpecialty.ORGANIZED_CRIME,
        )


def test_officer_cannot_create_agencies(runtime, world):
    officer = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        service.create_agency(
            session,
            principal=officer,
            code="FRA-Z",
            name="Z",
            kind=AgencyKind.BORDER_POST,
            country="FRA",
        )


def test_user_creation_validates_every_field(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput) as caught:
        service.create_user(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            username="X",
            display_name=" ",
            email="not-an-email",
            roles=["king"],
            password="short",
        )
    assert {p.field for p in caught.value.problems} == {
        "username",
        "display_name",
        "email",
        "roles",
        "password",
    }


def test_roles_must_fit_the_kind_of_agency(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput, match="compliance_reviewer"):
        service.create_user(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            username="reviewer.fr",
            display_name="Reviewer",
            roles=["compliance_reviewer"],
            password="a long enough passphrase",
        )


def test_password_is_hashed_with_argon2(runtime, world):
    account = world.user()
    with runtime.sessions() as session:
        user = session.get(User, account.id)
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert account.password not in user.password_hash


def test_password_may_not_contain_the_user_name(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput, match="user name"):
        service.create_user(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            username="jdupont",
            display_name="J Dupont",
            roles=["officer"],
            password="jdupont-is-my-password",
        )


def test_agency_administrator_sees_only_own_agency(runtime, world):
    fr_admin = world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,)))
    german = world.user("DEU-NCB")
    french = world.user("FRA-NCB")
    with runtime.sessions() as session:
        listed = service.list_users(session, principal=fr_admin)
        names = {u.username for u in listed.items}
        assert french.username in names
        assert german.username not in names
        with pytest.raises(NotFound):
            service.get_user(session, principal=fr_admin, user_id=german.id)
        with pytest.raises(NotFound):
            service.update_user(session, principal=fr_admin, user_id=german.id, active=False)


def test_platform_administrator_sees_every_agency(runtime, world):
    gs_admin = world.principal(world.user("GS", (Role.ADMINISTRATOR,)))
    german = world.user("DEU-NCB")
    with runtime.sessions() as session:
        assert (
            service.get_user(session, principal=gs_admin, user_id=german.id).username
            == german.username
        )


def test_officer_cannot_list_users(runtime, world):
    officer = world.principal(world.user())
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        service.list_users(session, principal=officer)


def test_administrator_cannot_remove_own_admin_role_or_deactivate_self(runtime, world):
    account = world.user("FRA-NCB", (Role.ADMINISTRATOR,))
    admin = world.principal(account)
    with runtime.sessions() as session:
        with pytest.raises(InvalidInput):
            service.update_user(session, principal=admin, user_id=account.id, roles=["officer"])
        with pytest.raises(InvalidInput):
            service.update_user(session, principal=admin, user_id=account.id, active=False)


def test_changes_are_audited(runtime, world):
    account = world.user()
    with unit_of_work(runtime.sessions) as session:
        service.update_user(
            session, principal=OPERATOR, user_id=account.id, roles=["officer", "analyst"]
        )
    with runtime.sessions() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert "user.create" in actions
    assert actions[-1] == "user.update"


def test_api_key_is_stored_only_as_a_digest(runtime, world):
    plaintext = world.api_key()
    with runtime.sessions() as session:
        key = session.scalars(select(ApiKey)).one()
    assert plaintext not in (key.key_digest, key.prefix)
    assert len(key.key_digest) == 64
    assert plaintext.startswith(f"bbk_{key.prefix}_")


def test_api_keys_cannot_administer(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput, match="administrator"):
        service.create_api_key(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            name="bad",
            roles=["administrator"],
            expires_in_days=10,
        )


def test_api_key_lifetime_is_bounded(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput, match="expires_in_days"):
        service.create_api_key(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            name="forever",
            roles=["officer"],
            expires_in_days=runtime.settings.api_key_max_days + 1,
        )


def test_revoke_is_idempotent_and_scoped(runtime, world):
    world.api_key("DEU-NCB")
    fr_admin = world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,)))
    with runtime.sessions() as session:
        key = session.scalars(select(ApiKey)).one()
        with pytest.raises(NotFound):
            service.revoke_api_key(session, principal=fr_admin, key_id=key.id)
        revoked = service.revoke_api_key(session, principal=OPERATOR, key_id=key.id)
        first = revoked.revoked_at
        assert first is not None
        assert first <= dt.datetime.now(dt.UTC)
        assert (
            service.revoke_api_key(session, principal=OPERATOR, key_id=key.id).revoked_at == first
        )


AGENCIES = ["FRA-NCB", "DEU-NCB", "EGY-NCB", "GS"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    admin_agency=st.sampled_from(AGENCIES),
    admin_roles=st.sets(
        st.sampled_from([Role.ADMINISTRATOR, Role.OFFICER, Role.SUPERVISOR]), min_size=1
    ),
    target_agency=st.sampled_from(AGENCIES),
)
def test_administration_scope_property(runtime, world, admin_agency, admin_roles, target_agency):
    """Whatever the roles and agencies, a principal reaches exactly the accounts it administers."""
    admin = world.principal(world.user(admin_agency, tuple(sorted(admin_roles))))
    target = world.user(target_agency)
    may = Role.ADMINISTRATOR in admin_roles and (
        admin_agency == "GS" or admin_agency == target_agency
    )
    with runtime.sessions() as session:
        if may:
            assert service.get_user(session, principal=admin, user_id=target.id).id == target.id
        else:
            with pytest.raises(NotFound):
                service.get_user(session, principal=admin, user_id=target.id)
        if Role.ADMINISTRATOR in admin_roles:
            visible = {
                u.id for u in service.list_users(session, principal=admin, per_page=200).items
            }
            assert (target.id in visible) == may


def test_reads_of_another_countrys_accounts_are_audited(runtime, world):
    gs_admin = world.principal(world.user("GS", (Role.ADMINISTRATOR,)))
    german = world.user("DEU-NCB")
    with unit_of_work(runtime.sessions) as session:
        service.get_user(session, principal=gs_admin, user_id=german.id)
        service.list_users(session, principal=gs_admin, search=german.username)
    with runtime.sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert [e.action for e in events] == ["user.list", "user.read"]
    assert events[1].object_country == "DEU"
    assert "DEU" in events[0].details


def test_reads_within_own_country_are_not_logged_as_foreign(runtime, world):
    fr_admin = world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,)))
    french = world.user("FRA-NCB")
    with unit_of_work(runtime.sessions) as session:
        service.get_user(session, principal=fr_admin, user_id=french.id)
        service.list_users(session, principal=fr_admin)
    with runtime.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert not {"user.read", "user.list"} & actions


def test_search_wildcards_are_literal(runtime, world):
    world.user("FRA-NCB", username="plain.user")
    with runtime.sessions() as session:
        assert service.list_users(session, principal=OPERATOR, search="%").total == 0
        assert service.list_users(session, principal=OPERATOR, search="_").total == 0
        assert service.list_agencies(session, principal=OPERATOR, search="%").total == 0
        assert service.list_users(session, principal=OPERATOR, search="plain").total == 1


def test_agency_country_filter_takes_any_code(session):
    for code in ("FRA", "FR", "250"):
        page = service.list_agencies(session, principal=OPERATOR, country=code)
        assert {a.country for a in page.items} == {"FRA"}, code
    with pytest.raises(InvalidInput, match="country"):
        service.list_agencies(session, principal=OPERATOR, country="QQQ")


def test_control_characters_are_refused_in_every_text_field(session, runtime):
    fra = service.get_agency_by_code(session, code="FRA-NCB")
    with pytest.raises(InvalidInput) as caught:
        service.create_user(
            session,
            settings=runtime.settings,
            principal=OPERATOR,
            agency_id=fra.id,
            username="nul\x00user",
            display_name="Bad\x00Name",
            roles=["officer"],
            password="a long enough passphrase",
        )
    assert {"username", "display_name"} <= {p.field for p in caught.value.problems}
    with pytest.raises(InvalidInput, match="name"):
        service.create_agency(
            session,
            principal=OPERATOR,
            code="FRA-NUL",
            name="x\x00",
            kind=AgencyKind.BORDER_POST,
            country="FRA",
        )


def test_agency_creation_is_audited_with_its_code_readable(runtime):
    with unit_of_work(runtime.sessions) as session:
        service.create_agency(
            session,
            principal=OPERATOR,
            code="FRA-AUD1",
            name="Audited",
            kind=AgencyKind.BORDER_POST,
            country="FRA",
        )
    with runtime.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agency.create")
        ).one()
    assert '"agency_code":"FRA-AUD1"' in event.details
    assert event.object_country == "FRA"
