"""A SoftHSM2 token initialised by the tests, holding the agency's key and certificate."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, KEY, PIN = "docgen-thu", "co-quan", "5678"


def make_token(folder: Path, identity) -> None:
    """Initialise a token in `folder` (its own SOFTHSM2_CONF) and put `identity` in it."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.util.ec import decode_ec_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    assert shutil.which("softhsm2-util") and MODULE.is_file(), "tools/system-packages.sh"
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the module is initialised
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN,
                    "--so-pin", "1234", "--pin", PIN], check=True, capture_output=True)
    token = pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        key = decode_ec_private_key(identity.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))
        key.update({Attribute.TOKEN: True, Attribute.LABEL: KEY, Attribute.ID: b"\x01",
                    Attribute.SIGN: True, Attribute.PRIVATE: True})
        session.create_object(key)
        cert = decode_x509_certificate(identity.cert.public_bytes(serialization.Encoding.DER))
        cert.update({Attribute.TOKEN: True, Attribute.LABEL: KEY, Attribute.ID: b"\x01",
                     Attribute.CLASS: ObjectClass.CERTIFICATE})
        session.create_object(cert)
