"""Every prize's reward config is validated against its kind when a campaign is saved: through
the function every save goes through, the studio's JSON editor and `studio campaign import`."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from core.cli import cli, register_commands
from core.models import Campaign
from rules.rewards import REWARD_KINDS
from runtime.publishing import CampaignError, create_campaign, update_draft
from tests.builder.studio import sign_in
from tests.factories import make_hq, make_user
from tests.reward_configs import CASES, bad_configs, valid_config
from tests.runtime.conftest import base_bundle

FIRST_BAD = {kind: next(bad_configs(kind)) for kind in REWARD_KINDS}


def with_reward(reward: dict, slug: str = "test-draw") -> dict:
    bundle = base_bundle(slug)
    bundle["prizes"][0]["reward"] = reward
    return bundle


@pytest.fixture
def draft(app, db):
    make_hq()
    return create_campaign(base_bundle())


@pytest.mark.parametrize("kind", list(REWARD_KINDS))
def test_a_complete_config_of_every_kind_saves(draft, db, kind):
    update_draft(draft, with_reward(valid_config(kind)))
    db.session.expire_all()
    assert db.session.get(Campaign, draft.id).draft["prizes"][0]["reward"] == valid_config(kind)


@pytest.mark.parametrize(("kind", "reward", "field", "code"), CASES)
def test_every_bad_field_of_every_kind_is_refused_at_save(draft, db, kind, reward, field, code):
    before = draft.draft_hash
    with pytest.raises(CampaignError) as refused:
        update_draft(draft, with_reward(reward))
    db.session.rollback()
    found = [(e["path"], e["code"]) for e in refused.value.errors]
    assert (f"prizes[0].reward.{field}", code) in found
    assert db.session.get(Campaign, draft.id).draft_hash == before
    with pytest.raises(CampaignError):
        create_campaign(with_reward(reward, "another-draw"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def _csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("kind", list(REWARD_KINDS))
def test_the_studio_json_editor_refuses_a_bad_reward_next_to_its_path(client, db, draft, kind):
    reward, field, _ = FIRST_BAD[kind]
    user = make_user("marketer")
    sign_in(client, user)
    url = f"/studio/campaign/{draft.id}/json"
    before = draft.draft_hash
    page = client.post(
        url, data={"csrf_token": _csrf(client, url), "bundle": json.dumps(with_reward(reward))}
    ).get_data(as_text=True)
    assert f"prizes[0].reward.{field}" in page
    db.session.expire_all()
    assert db.session.get(Campaign, draft.id).draft_hash == before


@pytest.mark.parametrize("kind", list(REWARD_KINDS))
def test_the_cli_import_refuses_a_bad_reward(app, db, runner, tmp_path, kind):
    make_hq()
    reward, field, _ = FIRST_BAD[kind]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(with_reward(reward)))
    result = runner.invoke(register_commands(cli), ["campaign", "import", str(path)])
    assert result.exit_code == 1
    assert f"prizes[0].reward.{field}:" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
