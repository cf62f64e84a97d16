"""An LTI Advantage Assignment and Grade Services client (AGS 2.0), written from IMS's specifications.

* **Access token** (IMS Security Framework 1.0, section 4.1): an OAuth2 client-credentials grant at the
  platform's token URL, authenticated by a JWT the tool signs with its private key (RS256; ``iss`` and ``sub``
  the client id, ``aud`` the token URL, a fresh ``jti``, five minutes of validity), for the AGS scopes. The
  token is kept until shortly before it expires.
* **Line items** (AGS 2.0, section 3.2): the course's assignment is found in the context's line items container
  by ``resource_id`` (the assignment's folder name), and created there (``label``, ``scoreMaximum``,
  ``resourceId``, ``tag``) when the platform has none.
* **Scores** (section 3.4): ``POST <line item>/scores`` with media type ``application/vnd.ims.lis.v1.score+json``:
  ``userId`` (the LMS's id of the student, the launch's ``sub``), ``scoreGiven``, ``scoreMaximum``,
  ``activityProgress`` Completed, ``gradingProgress`` FullyGraded, ``timestamp`` (the submission's time, so
  that the same score sent again is the same score, not a newer one).

Every request that fails for a reason that may pass (no connection, a time-out, HTTP 429 or 5xx) is tried again
(``attempts`` in all, waiting 1, 2, 4 ... seconds); any other failure, or the last one, raises :class:`AgsError`
with one line naming the request and what the platform answered.
"""

from __future__ import annotations

import time
import uuid
from typing import Callable

import jwt
import requests

from ..errors import JobFailed
from .registration import Registration

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
READONLY_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class AgsError(JobFailed):
    """A request to the platform failed (the message names it and says what the platform answered)."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.status, self.retryable = status, retryable


class AgsClient:
    """AGS calls to one platform, as the tool of ``registration``."""

    def __init__(self, registration: Registration, timeout: float = 10.0, attempts: int = 3,
                 sleep: Callable[[float], None] = time.sleep):
        self.registration, self.timeout, self.attempts, self.sleep = registration, timeout, attempts, sleep
        self.session = requests.Session()
        self._token: tuple[str, float] | None = None

    # ------------------------------------------------------------ transport
    def _request(self, method: str, url: str, what: str, **kwargs) -> requests.Response:
        delay = 1.0
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                problem, retryable, status = "no answer within %g s" % self.timeout, True, None
            except requests.RequestException as exc:
                problem, retryable, status = "cannot be reached (%s)" % type(exc).__name__, True, None
            else:
                if response.status_code < 400:
                    return response
                status = response.status_code
                retryable = status == 429 or status >= 500
                body = " ".join(response.text.split())[:200]
                problem = "HTTP %d%s" % (status, ": %s" % body if body else "")
            if not retryable or attempt == self.attempts:
                raise AgsError("%s: %s %s: %s (attempt %d of %d)" % (what, method, url, problem, attempt,
                                                                     self.attempts), status, retryable)
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def token(self) -> str:
        """An access token for the AGS scopes (kept until a minute before it expires)."""
        if self._token and self._token[1] > time.time() + 60:
            return self._token[0]
        reg = self.registration
        now = int(time.time())
        assertion = jwt.encode({"iss": reg.client_id, "sub": reg.client_id, "aud": reg.token_url, "iat": now,
                                "exp": now + 300, "jti": uuid.uuid4().hex},
                               reg.private_pem(), algorithm="RS256", headers={"kid": reg.key_id})
        response = self._request("POST", reg.token_url, "the access token", data={
            "grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION,
            "client_assertion": assertion, "scope": " ".join((LINEITEM_SCOPE, READONLY_SCOPE, SCORE_SCOPE))})
        try:
            answer = response.json()
            token = answer["access_token"]
        except (ValueError, KeyError):
            raise AgsError("the access token: POST %s answered without an access_token" % reg.token_url) from None
        self._token = (token, time.time() + float(answer.get("expires_in", 3600)))
        return token

    def _auth(self, accept: str, content: str | None = None) -> dict:
        headers = {"Authorization": "Bearer %s" % self.token(), "Accept": accept}
        if content:
            headers["Content-Type"] = content
        return headers

    # ------------------------------------------------------------ AGS
    def line_item(self, lineitems: str, assignment: str, maximum: float, label: str | None = None) -> str:
        """The URL of ``assignment``'s line item in the container ``lineitems``, created when there is none."""
        response = self._request("GET", lineitems, "the line items of %s" % assignment,
                                 params={"resource_id": assignment}, headers=self._auth(CONTAINER_TYPE))
        try:
            items = response.json()
        except ValueError:
            items = []
        if isinstance(items, dict):   # some platforms wrap the list
            items = items.get("content") or items.get("lineItems") or []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("resourceId") == assignment and item.get("id"):
                return str(item["id"])
        created = self._request("POST", lineitems, "creating the line item of %s" % assignment,
                                json={"label": label or assignment, "scoreMaximum": maximum,
                                      "resourceId": assignment, "tag": "grade"},
                                headers=self._auth(LINEITEM_TYPE, LINEITEM_TYPE))
        try:
            return str(created.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise AgsError("creating the line item of %s: POST %s answered without its id" % (
                assignment, lineitems)) from None

    def post_score(self, lineitem: str, user_id: str, given: float, maximum: float, timestamp: str,
                   comment: str = "") -> int:
        """Post one score; return the platform's HTTP status (200, 201, 202 or 204)."""
        url = lineitem.split("?", 1)[0].rstrip("/") + "/scores"
        body = {"userId": user_id, "scoreGiven": given, "scoreMaximum": maximum, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": timestamp}
        if comment:
            body["comment"] = comment
        response = self._request("POST", url, "the score of user %s" % user_id, json=body,
                                 headers=self._auth("application/json", SCORE_TYPE))
        return response.status_code
