from bluebridge.access.principal import Role
from tests.conftest import bearer


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["migrations"] == "current"


def test_me_with_key(client, world):
    key = world.api_key(roles=(Role.OFFICER, Role.ANALYST))
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 200, response.text
    assert response.json()["country"] == "FRA"
    assert response.json()["roles"] == ["analyst", "officer"]
