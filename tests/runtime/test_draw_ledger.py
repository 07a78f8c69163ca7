"""The draw's SQL write: one transaction per batch, a bad row fails alone, the database CHECK
and UNIQUE constraints stay the backstop, and group commit batches concurrent draws."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from sqlalchemy import func, select, update

from core.models import Draw, Participant, Prize, Reward, utcnow
from runtime import draw_ledger, group_commit
from runtime.draw_ledger import DrawRow, Written, is_integrity_error, write_draws
from tests.runtime.conftest import auth, base_bundle, publish


@pytest.fixture
def drawing(client, db, token):
    """A live campaign and one joined participant; returns a DrawRow maker."""
    campaign = publish(base_bundle())
    assert client.post("/api/v1/campaigns/test-draw/join", headers=auth(token()), json={})
    participant_id = db.session.scalar(select(Participant.id))
    campaign_id, version_id = campaign.id, campaign.published_version_id
    db.session.commit()  # the raw writes below must not wait behind this session

    def row(prize: str | None = "iphone", key: str | None = None) -> DrawRow:
        return DrawRow(
            campaign_id=campaign_id,
            version_id=version_id,
            participant_id=participant_id,
            idempotency_key=key,
            chance_kind="gold",
            branch_code=None,
            prize_key=prize,
            won=prize == "iphone",
            random_value=0.25,
            evidence_json='{"random": 0.25}',
            created_at=utcnow(),
            reward_kind="physical" if prize == "iphone" else None,
            reward_payload={"prize_key": prize} if prize == "iphone" else None,
        )

    return row


def counts(db) -> tuple[int, int, int]:
    db.session.rollback()
    draws = db.session.scalar(select(func.count(Draw.id)))
    rewards = db.session.scalar(select(func.count(Reward.id)))
    issued = db.session.scalar(select(Prize.issued).where(Prize.key == "iphone"))
    return draws, rewards, issued


def test_a_batch_with_a_duplicate_key_fails_only_that_draw(db, drawing):
    results = write_draws([drawing(key="k"), drawing(key="k"), drawing("thanks")])
    assert isinstance(results[0], Written) and isinstance(results[2], Written)
    assert is_integrity_error(results[1])
    assert counts(db) == (2, 1, 1)
    reward = db.session.scalar(select(Reward))
    assert reward.draw_id == results[0].draw_id and reward.source_key == f"draw:{reward.draw_id}"
    assert reward.status == "pending" and reward.payload == {"prize_key": "iphone"}
    stored = db.session.get(Draw, results[0].draw_id)
    assert stored.evidence == {"random": 0.25} and stored.won is True


def test_the_stock_check_refuses_the_draw_beyond_stock(db, drawing):
    db.session.execute(update(Prize).where(Prize.key == "iphone").values(issued=9))
    db.session.commit()  # stock_total 10: room for one more
    results = write_draws([drawing(), drawing(), drawing("thanks")])
    assert [isinstance(r, Written) for r in results] == [True, False, True]
    assert is_integrity_error(results[1])
    assert counts(db) == (2, 1, 10)


def test_group_commit_batches_concurrent_draws(app, db, drawing, monkeypatch):
    # The real gate is a no-op on PostgreSQL; a lock the test holds stands in for a writer
    # that is busy, on either database, so the draws pile up behind it.
    busy = threading.Lock()

    @contextlib.contextmanager
    def held_gate():
        with busy:
            yield

    monkeypatch.setattr(group_commit, "write_gate", held_gate)
    sizes: list[int] = []
    real = draw_ledger.write_draws

    def recording(rows):
        sizes.append(len(rows))
        return real(rows)

    monkeypatch.setattr(group_commit, "write_draws", recording)
    db.session.execute(update(Prize).where(Prize.key == "iphone").values(stock_total=100))
    db.session.commit()
    committer = group_commit.GroupCommit()
    rows = [drawing(key=f"k{i}") for i in range(12)] + [drawing(key="k0")]
    results: dict[int, Written | Exception] = {}

    def submit(index: int) -> None:
        with app.app_context():
            try:
                results[index] = committer.submit(rows[index])
            except Exception as exc:  # the duplicate key's own error
                results[index] = exc

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(rows))]
    with busy:  # the first leader waits at the gate; the others queue behind it
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(committer._queue) < len(rows) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(committer._queue) == len(rows) - 1
    for thread in threads:
        thread.join(30)
    assert len(results) == len(rows)
    failed = [i for i, r in results.items() if not isinstance(r, Written)]
    assert len(failed) == 1 and is_integrity_error(results[failed[0]])
    assert sum(sizes) >= len(rows) and max(sizes) > 1, sizes
    assert counts(db) == (12, 12, 12)
    assert len({r.draw_id for r in results.values() if isinstance(r, Written)}) == 12
