"""Accepting a graduate's recommendation adds a referral and a planned action in the ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from tests.api_city import COUNTY_A, headers, served_city


def test_an_accepted_recommendation_is_planned_in_the_ledger(
    engine: Engine, tmp_path: Path
) -> None:
    with served_city(engine, tmp_path, load_models=True) as client:
        with engine.connect() as connection:
            ledger_id, person_id = connection.execute(
                text(
                    "SELECT id, person_id FROM graduate_ledgers WHERE county = :a "
                    "AND status = 'unemployed' ORDER BY id LIMIT 1"
                ),
                {"a": COUNTY_A},
            ).one()
        auth = headers(client, "worker_a")
        listed = client.get(f"/api/persons/{person_id}/recommendations/jobs?k=5", headers=auth)
        assert listed.status_code == 200, listed.text
        first = listed.json()["items"][0]
        accepted = client.post(
            "/api/referrals",
            headers=auth,
            json={
                "person_id": person_id,
                "source": "counselor",
                "vacancy_id": first["vacancy_id"],
                "shown_rank": 1,
                "model_version": listed.json()["model_version"],
            },
        )
        assert accepted.status_code == 201, accepted.text
        action_id = accepted.json()["ledger_action_id"]
        assert action_id is not None
        ledger = client.get(f"/api/ledgers/{ledger_id}", headers=auth).json()
        (action,) = [item for item in ledger["actions"] if item["id"] == action_id]
        assert (action["service"], action["referral_id"]) == ("job_referral", accepted.json()["id"])

        unranked = client.post(
            "/api/referrals",
            headers=auth,
            json={"person_id": person_id, "source": "counselor", "vacancy_id": first["vacancy_id"]},
        )
        assert unranked.status_code == 409  # the same vacancy is referred already
