from django.urls import path

from engagements import views

urlpatterns = [
    path("engagements/<int:numero>/", views.engagement, name="engagement"),
    path("obligations/<int:pk>/", views.obligation, name="obligation"),
]
