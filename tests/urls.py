from django.urls import include, path

from assure.urls import urlpatterns as assure_urlpatterns

urlpatterns = [*assure_urlpatterns, path("compartment/", include("tests.compartment_app.urls"))]
