"""API tokens over HTTP: make one, revoke the one in use, revoke all of mine."""

from knox.views import LoginView
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from predictions import schema_tokens
from predictions.authentication import BasicAuthentication, token_authentication
from predictions.tokens import token_create, tokens_revoke


class TokensApi(LoginView):
    """POST: a new key (HTTP Basic or a session), shown once. DELETE: revoke all."""

    permission_classes = [IsAuthenticated]

    def get_authenticators(self):
        # Never a token for POST: a key must not make keys that outlive it.
        if getattr(self.request, "method", None) == "POST":
            return [BasicAuthentication(), SessionAuthentication()]
        return [token_authentication()(), SessionAuthentication()]

    def create_token(self):
        return token_create(user=self.request.user)

    def get_post_response(self, request, token, instance):
        data = self.get_post_response_data(request, token, instance)
        return Response(data, status=status.HTTP_201_CREATED)

    @schema_tokens.create_token
    def post(self, request, format=None):
        return super().post(request, format)

    @schema_tokens.revoke_tokens
    def delete(self, request):
        tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrentTokenApi(APIView):
    """DELETE: revoke the token this request carries."""

    authentication_classes = [token_authentication()]
    permission_classes = [IsAuthenticated]

    @schema_tokens.revoke_current_token
    def delete(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
