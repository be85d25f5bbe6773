"""POST /api/v1/pathways/: a person's situation in, a plan out. Nothing is kept or logged."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import PathwayRequestSerializer
from .services import plan_for

EXAMPLE_REQUEST = {
    "location": {"postcode": "WV1 1AA"},
    "languages": ["pa", "en"],
    "needs": ["emotional_support"],
    "urgency": "soon",
    "age": 34,
    "mode": "public",
}


class PathwayView(APIView):
    """Ways in that fit a person, each with the reason it was suggested.

    Only `location` is required. The plan always has the national crisis lines; they lead it
    when `urgency` or a need is `crisis_now`. Unknown codes, out-of-range numbers, wrong types
    or a missing location give 400 with a message per field.
    """

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        request=PathwayRequestSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "A Punjabi speaker in Wolverhampton", value=EXAMPLE_REQUEST, request_only=True
            ),
            OpenApiExample(
                "Someone in crisis at night",
                value={
                    "location": {"place": "Peckham"},
                    "urgency": "crisis_now",
                    "at": "2026-12-01T23:30:00Z",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Detained under section 3",
                value={
                    "location": {"postcode": "WV1"},
                    "mha_status": "s3",
                    "needs": ["advocacy_rights"],
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        serializer = PathwayRequestSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        plan = plan_for(serializer.validated_data)
        response = Response(plan.as_dict())
        # A plan describes someone's health; no shared cache may keep it.
        response["Cache-Control"] = "no-store"
        return response
