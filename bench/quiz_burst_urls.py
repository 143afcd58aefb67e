"""The project's URLs plus the plain Django view the quiz's draw and submit are compared with:
it parses the same JSON body and reads the participant by its key (one SELECT), through the
whole middleware stack."""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from yufang.quiz.models import Participant


@csrf_exempt
def plain_view(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        key = str(json.loads(request.body)["participant_key"])[:32]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "invalid"}, status=422)
    found = Participant.objects.filter(key=key).values_list("pk", "score").first()
    return JsonResponse({"ok": found is not None})


urlpatterns = [path("bench/plain-quiz", plain_view), *project_urlpatterns]
