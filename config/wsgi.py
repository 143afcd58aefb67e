import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()

# The online platform's heartbeat is answered before the middleware stack (yufang/learning/fastpath.py).
from yufang.learning.fastpath import wrap  # noqa: E402 - needs the apps loaded above

application = wrap(application)
