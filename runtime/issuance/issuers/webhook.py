"""`webhook`: POST the reward to the bank's fulfilment endpoint, signed, with the reward id
as Idempotency-Key. Timeouts, connection errors, 5xx and 429 are transient (retried by the
outbox with backoff and jitter); any other 4xx is permanent."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any

import requests

from runtime.issuance.issuers.base import ClaimedReward, ExternalIssuer, IssueError

SIGNATURE_HEADER = "X-Studio-Signature"
TIMESTAMP_HEADER = "X-Studio-Timestamp"
MAX_RESPONSE_KEPT = 2000


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`v1=` + hex HMAC-SHA256 over `<timestamp>.<body>`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """For receivers (and tests): signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


class WebhookIssuer(ExternalIssuer):
    type = "webhook"

    def __init__(self, settings):
        super().__init__(settings)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def body(self, reward: ClaimedReward) -> bytes:
        document = {
            "reward_id": reward.id,
            "campaign_id": reward.campaign_id,
            "participant_id": reward.participant_id,
            "participant": reward.extra.get("participant"),
            "prize_key": reward.prize_key,
            "sku": reward.payload.get("sku"),
            "payload": reward.payload,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()

    def deliver(self, reward: ClaimedReward) -> dict[str, Any]:
        url, secret = self.settings.webhook_url, self.settings.webhook_secret
        if not url or not secret:
            raise IssueError("ISSUANCE_WEBHOOK_URL and ISSUANCE_WEBHOOK_SECRET are not set")
        body = self.body(reward)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(reward.id),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        try:
            response = self._session().post(
                url, data=body, headers=headers, timeout=self.settings.webhook_timeout_seconds
            )
        except requests.Timeout:
            raise IssueError("fulfilment endpoint timed out") from None
        except requests.RequestException as exc:
            raise IssueError(f"fulfilment endpoint unreachable ({type(exc).__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise IssueError(
                f"fulfilment endpoint answered {status}", retry_after=_retry_after(response)
            )
        if status >= 300:
            raise IssueError(
                f"fulfilment endpoint refused the reward ({status}): {response.text[:200]}",
                permanent=True,
            )
        try:
            answer = response.json()
        except ValueError:
            answer = {"text": response.text[:MAX_RESPONSE_KEPT]}
        result: dict[str, Any] = {"delivered": True, "status": status}
        if isinstance(answer, dict):
            for key in ("tracking", "message", "reference"):
                if key in answer:
                    result[key] = answer[key]
        return result
