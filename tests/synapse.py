"""A real Matrix homeserver for the tests: Synapse from PyPI (`matrix-synapse`) on SQLite, bound to
127.0.0.1, its rate limits raised, users registered with the shared secret (the admin API)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.runtime.embedded_redis import free_port

SHARED_SECRET = "cercle-test-registration-shared-secret"
SERVER_NAME = "cercle.test"
_LIMIT = "{per_second: 10000, burst_count: 10000}"
CONFIG = """
server_name: {server_name}
pid_file: {folder}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {folder}/homeserver.db
media_store_path: {folder}/media
signing_key_path: {folder}/signing.key
registration_shared_secret: "{secret}"
report_stats: false
enable_registration: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
rc_message: {limit}
rc_registration: {limit}
rc_login:
  address: {limit}
  account: {limit}
  failed_attempts: {limit}
rc_joins:
  local: {limit}
  remote: {limit}
rc_invites:
  per_room: {limit}
  per_user: {limit}
"""


@dataclass(frozen=True)
class MatrixUser:
    user_id: str
    access_token: str


class LocalSynapse:
    def __init__(self, *, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._txn = itertools.count(1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalSynapse:
        config = self.folder / "homeserver.yaml"
        config.write_text(
            CONFIG.format(
                server_name=SERVER_NAME, folder=self.folder, port=self.port, secret=SHARED_SECRET, limit=_LIMIT
            )
        )
        command = [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)]
        subprocess.run([*command, "--generate-keys"], check=True, capture_output=True, cwd=self.folder)
        log = (self.folder / "homeserver.log").open("wb")
        self._process = subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Synapse exited: see {self.folder / 'homeserver.log'}")
            try:
                self.call("GET", "/_matrix/client/versions")
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Synapse did not start within 60 s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(20)
            self._process = None

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(json.loads(response.read() or b"{}"))

    def register(self, username: str) -> MatrixUser:
        """A user, with the shared secret (Synapse's admin registration API)."""
        nonce = self.call("GET", "/_synapse/admin/v1/register")["nonce"]
        password = f"{username}-password"
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), username.encode(), password.encode(), b"notadmin"]))
        done = self.call(
            "POST",
            "/_synapse/admin/v1/register",
            {"nonce": nonce, "username": username, "password": password, "admin": False, "mac": mac.hexdigest()},
        )
        return MatrixUser(done["user_id"], done["access_token"])

    def public_room(self, *, owner: MatrixUser, members: list[MatrixUser]) -> str:
        room = self.call("POST", "/_matrix/client/v3/createRoom", {"preset": "public_chat"}, token=owner.access_token)
        for member in members:
            self.call("POST", f"/_matrix/client/v3/join/{room['room_id']}", {}, token=member.access_token)
        return str(room["room_id"])

    def reply_in_thread(self, user: MatrixUser, room: str, root: str, text: str) -> str:
        content = {
            "msgtype": "m.text",
            "body": text,
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            },
        }
        path = f"/_matrix/client/v3/rooms/{room}/send/m.room.message/t{next(self._txn)}"
        return str(self.call("PUT", path, content, token=user.access_token)["event_id"])

    def edit(self, user: MatrixUser, room: str, event: str, text: str) -> str:
        content = {
            "msgtype": "m.text",
            "body": f"* {text}",
            "m.new_content": {"msgtype": "m.text", "body": text},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event},
        }
        path = f"/_matrix/client/v3/rooms/{room}/send/m.room.message/e{next(self._txn)}"
        return str(self.call("PUT", path, content, token=user.access_token)["event_id"])

    def react(self, user: MatrixUser, room: str, event: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event, "key": key}}
        path = f"/_matrix/client/v3/rooms/{room}/send/m.reaction/a{next(self._txn)}"
        return str(self.call("PUT", path, content, token=user.access_token)["event_id"])

    def redact(self, user: MatrixUser, room: str, event: str) -> None:
        self.call(
            "PUT", f"/_matrix/client/v3/rooms/{room}/redact/{event}/r{next(self._txn)}", {}, token=user.access_token
        )

    def messages(self, user: MatrixUser, room: str) -> list[dict[str, Any]]:
        """The room's message events, oldest first, as a member reads them."""
        path = f"/_matrix/client/v3/rooms/{room}/messages?dir=b&limit=100"
        chunk = self.call("GET", path, token=user.access_token)["chunk"]
        return [e for e in reversed(chunk) if e.get("type") == "m.room.message"]
