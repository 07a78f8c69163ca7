"""A real process that refunds, or retries, failed exchange parts (the refund concurrency
test starts several at once). Usage: python -m tests.loyalty.refund_worker refund|retry
GO_FILE [reward ids...]: builds the app, prints "ready", waits for GO_FILE, then works."""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    action, go_file, ids = argv[0], argv[1], [int(x) for x in argv[2:]]
    from core import create_app
    from core.extensions import db
    from runtime.issuance import dead_letters
    from runtime.loyalty.refunds import refund_failed

    app = create_app()
    with app.app_context():
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        while not os.path.exists(go_file):
            time.sleep(0.001)
        if action == "refund":
            for _ in range(3):
                refund_failed(db.session)
        else:
            for reward_id in ids:
                try:
                    dead_letters.retry(reward_id, actor_label="race test")
                except dead_letters.RewardStateError:
                    db.session.rollback()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
