"""Valid-looking unified social credit codes for demo organisations (check character computed
by python-stdnum, so the platform's own validation accepts them)."""

import hashlib

from stdnum.cn import uscc

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_credit_code(name: str, *, region_code: str = "370300", kind: str = "91") -> str:
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:9])
    first17 = f"{kind}{region_code}{body}"
    return first17 + uscc.calc_check_digit(first17)
