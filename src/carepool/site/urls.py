from django.urls import include, path

from carepool.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("carepool.web.urls")),
]
