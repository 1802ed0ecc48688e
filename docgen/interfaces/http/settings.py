"""Settings of the HTTP service (and of the CLI commands that open the same archive).

Every field can be set in the settings file, by an environment variable ``DOCGEN_<FIELD>``
or by a command option, without more code: :mod:`docgen.interfaces.configuration` maps
them by name and type (option > environment > file > default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from docgen.archive.database import Timeouts
from docgen.signing.policy import AgencyKey, SigningPolicy
from docgen.workflow.service import vietnam_today

#: Default request body limit: a dossier is well under 5 MB, a signed PDF under 20 MB.
MAX_BODY_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Where the archive lives and how the service behaves."""

    #: Data directory: blobs/ (and archive.sqlite3 when no database URL is given).
    data_dir: Path = Path("data")
    #: SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db; None: SQLite.
    database_url: str | None = None
    #: PostgreSQL schema to use (search_path); None: the server's default.
    database_schema: str | None = None
    #: Largest request body accepted, in bytes (larger: 413).
    max_body_bytes: int = MAX_BODY_BYTES
    #: Formats rendered when a decision is issued.
    issue_formats: tuple[str, ...] = ("docx", "pdf")
    #: Today's date, for the issue date (injected in tests).
    today: Callable[[], date] = vietnam_today
    #: Now (UTC), for sessions and sign-in throttling (injected in tests).
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    #: Failed sign-ins under one user name before it is locked for `sign_in_lock_minutes`.
    sign_in_user_failures: int = 5
    #: Failed sign-ins from one client address (any user names) before it is locked.
    sign_in_client_failures: int = 20
    #: How long a user name or client stays locked after its last failed sign-in (minutes).
    sign_in_lock_minutes: int = 15
    #: A browser session ends after this long without a request (minutes).
    session_idle_minutes: int = 480
    #: A browser session ends this long after sign-in, used or not (hours).
    session_max_hours: int = 12
    #: Address `docgen serve` listens on (loopback by default).
    host: str = "127.0.0.1"
    #: Port `docgen serve` listens on.
    port: int = 8000
    #: Templates folder (None: the shipped templates; or $DOCGEN_TEMPLATES).
    templates: Path | None = None
    #: Fonts folder: the agency's four Times New Roman faces (times.ttf, timesbd.ttf, …)
    #: or four Liberation Serif ones (None: the bundled Liberation Serif).
    fonts: Path | None = None
    #: Longest wait for a database connection to open (seconds; at least 2).
    database_connect_timeout: float = 10
    #: Longest a database statement may run before it is stopped (seconds).
    database_statement_timeout: float = 60
    #: Longest wait for a lock another transaction holds (seconds).
    database_lock_timeout: float = 60
    #: Broker carrying render jobs to ``docgen worker`` processes: redis://host:6379/0 or
    #: amqp://user:password@host:5672/; None: the service's own worker processes.
    broker_url: str | None = None
    #: Queue name on the broker (the service and its workers must use the same one).
    broker_queue: str = "docgen-render"
    #: Redis only: a worker silent this long is dead and its unfinished job runs again.
    broker_heartbeat_seconds: float = 60
    #: Worker processes of the embedded executor (no broker): renders at the same time.
    render_workers: int = 2
    #: Renders and issues one user may have queued or running at once (more: 429).
    render_jobs_per_user: int = 2
    #: Renders and issues one agency may have queued or running at once (more: 429).
    render_jobs_per_agency: int = 4
    #: How long POST …/render and …/issue wait for their job before answering 202 with
    #: the job's address (Location: /jobs/{id}); ``Prefer: respond-async`` answers at once.
    render_wait_seconds: float = 120

    @property
    def timeouts(self) -> Timeouts:
        """The database bounds, as the archive takes them."""
        return Timeouts(connect=self.database_connect_timeout,
                        statement=self.database_statement_timeout,
                        lock=self.database_lock_timeout)
    #: Path prefix the service is published under by a reverse proxy (e.g. "/docgen");
    #: links, redirects and the API description then carry it. "": at the site root.
    root_path: str = ""
    #: Addresses or networks (e.g. "127.0.0.1", "10.0.0.0/24") of the reverse proxies whose
    #: X-Forwarded-For / X-Forwarded-Proto are believed; from anyone else they are ignored.
    trusted_proxies: tuple[str, ...] = ()
    #: Most connections open at once (kept below the file-descriptor limit); over it, the
    #: oldest connection still waiting for its request is closed.
    max_connections: int = 1000
    #: Most connections open at once from one client address (trusted proxies: no limit).
    max_connections_per_client: int = 100
    #: Seconds a client has to send a request's headers (from connecting, or from the end of
    #: the previous response).
    header_timeout_seconds: float = 10.0
    #: Seconds a request body may pause between two packets before the connection closes.
    body_timeout_seconds: float = 30.0
    #: Seconds an idle kept-alive connection stays open.
    keep_alive_seconds: int = 5
    #: Requests without a valid token or session, per client address: burst size …
    anonymous_burst: int = 120
    #: … and refill rate per minute (beyond: 429 with Retry-After). 0 burst: no limit.
    anonymous_requests_per_minute: int = 120
    #: Folder of the CA certificates (PEM or DER) a leader's signature must chain to, e.g.
    #: the national CA roots; None: no CA is trusted.
    signing_trust_dir: Path | None = None
    #: Accept an intact leader signature whose certificate chains to no trusted CA (marked
    #: as such on the version); False: refuse it.
    signing_allow_untrusted: bool = False
    #: The agency's signing key as a PKCS#12 file, and its password.
    agency_pkcs12_file: Path | None = None
    agency_pkcs12_password: str | None = None
    #: …or in a PKCS#11 token: the module, the token's label, the key's (and certificate's)
    #: label, the user PIN. The module wins when both are set.
    agency_pkcs11_module: Path | None = None
    agency_pkcs11_token_label: str | None = None
    agency_pkcs11_key_label: str | None = None
    agency_pkcs11_pin: str | None = None
    #: RFC 3161 time-stamp server for the agency signature (e.g. http://tsa.example/tsr);
    #: None: the signing time is the server's clock.
    signing_tsa_url: str | None = None

    def signing_policy(self) -> SigningPolicy:
        """Return the signing settings as the workflow takes them."""
        return SigningPolicy(
            trust_dir=self.signing_trust_dir, allow_untrusted=self.signing_allow_untrusted,
            agency_key=AgencyKey(
                pkcs12_file=self.agency_pkcs12_file,
                pkcs12_password=self.agency_pkcs12_password,
                pkcs11_module=self.agency_pkcs11_module,
                pkcs11_token_label=self.agency_pkcs11_token_label,
                pkcs11_key_label=self.agency_pkcs11_key_label,
                pkcs11_pin=self.agency_pkcs11_pin),
            tsa_url=self.signing_tsa_url)
