"""The project's URLs plus the plain Django view the heartbeat is compared with: it validates
the same body with the same schema and does one UPDATE, through the whole middleware stack."""

from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError

from config.urls import urlpatterns as project_urlpatterns
from yufang.learning.api import BeatIn
from yufang.learning.models import Enrolment


@csrf_exempt
def plain_beat(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        payload = BeatIn.model_validate_json(request.body)
    except ValidationError:
        return JsonResponse({"detail": "invalid"}, status=422)
    session_id = int(request.headers.get("X-Learning-Token", "0").partition(".")[0] or 0)
    Enrolment.objects.filter(active_session_id=session_id).update(
        last_position_ms=int(payload.position * 1000), day_credited_ms=F("day_credited_ms") + 0
    )
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/plain-beat", plain_beat), *project_urlpatterns]
