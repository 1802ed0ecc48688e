"""Signing stage: finished PDF bytes -> PDF with signature fields; signed PDF -> checked.

* :func:`prepare_for_signing` adds the empty signature fields ND30 places (ô 7c on the
  Quyết định; the top-right corner of page 1 of each attached file) to an issued PDF.
* :func:`verify_signed` checks a leader's signature against the issued bytes.
* :func:`sign_as_agency` applies the agency's signature from a PKCS#12 file or a PKCS#11
  token.

This package is the only one that imports pyHanko and python-pkcs11; everything it
writes is an incremental update, so what was signed before stays byte for byte.
"""

from __future__ import annotations

from docgen.signing.fields import AGENCY_FIELD, LEADER_FIELD, prepare_for_signing

__all__ = ["AGENCY_FIELD", "LEADER_FIELD", "prepare_for_signing"]
