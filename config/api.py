"""/api/v1/: every app's router under one versioned, documented API."""

from yufang.accounts.api import TokenAuth
from yufang.accounts.api import router as accounts_router
from yufang.core.api import SessionAuth, build_api
from yufang.enterprises.api import router as enterprises_router
from yufang.insight.api import router as insight_router
from yufang.learning.api import router as learning_router
from yufang.plans.api import router as plans_router
from yufang.projects.api import router as projects_router
from yufang.providers.api import router as providers_router
from yufang.publicity.api import router as publicity_router
from yufang.quiz.api import router as quiz_router
from yufang.reference.api import router as reference_router
from yufang.supervision.api import router as supervision_router
from yufang.targets.api import router as targets_router
from yufang.training.api import router as training_router

api = build_api(auth=[TokenAuth(), SessionAuth()])
api.add_router("/", accounts_router)
api.add_router("/reference", reference_router)
api.add_router("/", plans_router)
api.add_router("/", targets_router)
api.add_router("/providers", providers_router)
api.add_router("/projects", projects_router)
api.add_router("/", learning_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/training", training_router)
api.add_router("/publicity", publicity_router)
api.add_router("/quiz", quiz_router)
api.add_router("/supervision", supervision_router)
api.add_router("/insight", insight_router)
