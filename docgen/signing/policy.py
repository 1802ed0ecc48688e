"""What the deployment says about signatures: whom to trust, where the agency's key is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AgencyKey:
    """Where the agency's signing key lives: a PKCS#12 file, or a PKCS#11 token."""

    pkcs12_file: Path | None = None
    pkcs12_password: str | None = None
    pkcs11_module: Path | None = None  #: e.g. /usr/lib/softhsm/libsofthsm2.so
    pkcs11_token_label: str | None = None
    pkcs11_key_label: str | None = None  #: the key's (and its certificate's) label
    pkcs11_pin: str | None = None

    @property
    def configured(self) -> bool:
        return self.pkcs12_file is not None or self.pkcs11_module is not None


@dataclass(frozen=True)
class SigningPolicy:
    """The service's signing settings, as the workflow needs them."""

    trust_dir: Path | None = None  #: folder of trusted CA certificates
    allow_untrusted: bool = False  #: accept an intact signature whose CA is not trusted
    agency_key: AgencyKey = AgencyKey()
    tsa_url: str | None = None  #: RFC 3161 time-stamp server for the agency signature
