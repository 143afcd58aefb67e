"""What identifies a learner's device: the player session stores it, the study records carry it
and the anomaly report groups accounts by it."""

import hashlib


def device_key(device_id: str, user_agent: str) -> str:
    """What identifies a device across accounts: the id the player keeps in local storage,
    with the browser's signature (hashed; neither is personal data on its own)."""
    return hashlib.sha256(f"{device_id}|{user_agent}".encode()).hexdigest()[:32]
