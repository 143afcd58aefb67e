"""Settings of the quiz burst's server: the heartbeat bench's (persistent connections, quiet
logs) with a URLconf that adds the plain comparison view. The quiz's per-address throttles are
lifted: every simulated phone comes from 127.0.0.1."""

from heartbeat_settings import *  # noqa: F403

ROOT_URLCONF = "quiz_burst_urls"
YUFANG_QUIZ_THROTTLES = {"join_per_address": (10**9, 60), "paper_per_address": (10**9, 60)}
