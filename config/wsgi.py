import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()

# Answered before the middleware stack, each by its app's fast path with the documented
# endpoint's schema and service: the online platform's heartbeat (yufang/learning/fastpath.py)
# and the quiz's paper draw and submission (yufang/quiz/fastpath.py).
from yufang.learning.fastpath import wrap as learning_fast_path  # noqa: E402 - needs the apps loaded above
from yufang.quiz.fastpath import wrap as quiz_fast_path  # noqa: E402

application = quiz_fast_path(learning_fast_path(application))
