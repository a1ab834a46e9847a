from django.urls import path

from predictions import (
    apis,
    auth_apis,
    dashboard,
    legacy,
    model_apis,
    model_pages,
    outcome_apis,
    outcome_views,
    views,
)

app_name = "predictions"
urlpatterns = [
    path("", views.prescription_form, name="form"),
    path(
        "predictions/<int:pk>/outcome/",
        outcome_views.record_outcome,
        name="record-outcome",
    ),
    path("drug", legacy.LegacyDrugApi.as_view(), name="legacy-drug"),
    path(
        "api/v1/predictions/",
        apis.PredictionListCreateApi.as_view(),
        name="api-predictions",
    ),
    path(
        "api/v1/predictions/<int:pk>/",
        apis.PredictionDetailApi.as_view(),
        name="api-prediction",
    ),
    path(
        "api/v1/predictions/<int:pk>/outcome/",
        outcome_apis.OutcomeApi.as_view(),
        name="api-prediction-outcome",
    ),
    path("api/v1/quality/", outcome_apis.QualityApi.as_view(), name="api-quality"),
    path("api/v1/model/", apis.ModelApi.as_view(), name="api-model"),
    path(
        "api/v1/models/changes/",
        model_apis.ChangesApi.as_view(),
        name="api-model-changes",
    ),
    path(
        "api/v1/models/rollback/",
        model_apis.RollbackApi.as_view(),
        name="api-model-rollback",
    ),
    path(
        "api/v1/models/<str:version>/activate/",
        model_apis.ActivateApi.as_view(),
        name="api-model-activate",
    ),
    path(
        "api/v1/models/<str:version>/rollout/",
        model_apis.RolloutApi.as_view(),
        name="api-model-rollout",
    ),
    path("models/<str:version>/", model_pages.model_card, name="model-card"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("api/v1/auth/tokens/", auth_apis.TokensApi.as_view(), name="api-tokens"),
    path(
        "api/v1/auth/tokens/current/",
        auth_apis.CurrentTokenApi.as_view(),
        name="api-token-current",
    ),
]
