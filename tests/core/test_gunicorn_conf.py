"""The production gunicorn settings: workers freeze the loaded app out of full collections."""

import gc

from core import gunicorn_conf


def test_post_worker_init_freezes_what_is_loaded():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the imported app (a test process holds far more)
        fresh = [object() for _ in range(10)]
        assert gc.get_freeze_count() == frozen and fresh  # newer objects stay collectable
    finally:
        gc.unfreeze()


def test_studio_up_serves_with_these_settings():
    from core.supervisor import Supervisor

    supervisor = Supervisor({"REDIS_URL": "redis://x", "INSTANCE_PATH": "/tmp"}, 5000, 1, 0)
    web = next(child for child in supervisor.children if child.name == "web")
    assert "python:core.gunicorn_conf" in web.argv
