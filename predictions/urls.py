from django.urls import path

from predictions import apis, auth_apis, legacy, model_pages, views

app_name = "predictions"
urlpatterns = [
    path("", views.prescription_form, name="form"),
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
    path("api/v1/model/", apis.ModelApi.as_view(), name="api-model"),
    path("models/<str:version>/", model_pages.model_card, name="model-card"),
    path("api/v1/auth/tokens/", auth_apis.TokensApi.as_view(), name="api-tokens"),
    path(
        "api/v1/auth/tokens/current/",
        auth_apis.CurrentTokenApi.as_view(),
        name="api-token-current",
    ),
]
