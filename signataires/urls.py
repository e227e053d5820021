from django.urls import path

from signataires import views

urlpatterns = [
    path("signataires/", views.signataires, name="signataires"),
]
