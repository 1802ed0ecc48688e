"""Signing stage: finished PDF bytes -> PDF with signature fields; signed PDF -> checked.

* :func:`~docgen.signing.fields.prepare_for_signing` adds the empty signature fields ND30
  places (ô 7c on the Quyết định; the top-right corner of page 1 of each attached file) to
  an issued PDF (:mod:`~docgen.signing.places` finds them on the page).
* :func:`~docgen.signing.verify.verify_signed` checks a leader's signature against the
  issued bytes.
* :func:`~docgen.signing.agency.sign_decision` and
  :func:`~docgen.signing.agency.sign_attachment` apply the agency's signature, from a
  PKCS#12 file or a PKCS#11 token.

This package is the only one that imports pyHanko and python-pkcs11; everything it
writes is an incremental update, so what was signed before stays byte for byte. The
modules are imported where used: loading pyHanko takes most of a second.
"""

import logging

# pyHanko logs every failed path build with its traceback; a refused signature is reported
# by docgen's own messages, so without a handler configured these records go nowhere
# (instead of Python's last-resort stderr handler).
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko_certvalidator").addHandler(logging.NullHandler())
