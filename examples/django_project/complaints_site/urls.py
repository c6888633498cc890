"""The site's URLs: the intake form, handlers' pages, sign-in and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from complaints_site import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="intake"), name="home"),
    path("complaints/new/", views.intake, name="intake"),
    path("complaints/thanks/", views.thanks, name="thanks"),
    path("complaints/mine/", views.my_complaints, name="my-complaints"),
    path("complaints/<str:complaint_id>/", views.complaint_page, name="complaint"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
