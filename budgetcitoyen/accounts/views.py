"""The person's own profile page (accounts themselves are django-allauth's pages under /compte/),
and allauth's email confirmation with the destination kept."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.adapter import NEXT
from budgetcitoyen.accounts.forms import ProfileForm
from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.services import profile_update


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "commune": user.commune_id,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            profile_update(user=user, **form.cleaned_data)
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("profile")
        return render(request, "accounts/profile.html", {"form": form}, status=400)
    return render(request, "accounts/profile.html", {"form": form})


class ConfirmEmailView(AllauthConfirmEmailView):
    """allauth's confirmation page, where the destination carried by the link (``?next=``, see
    ``adapter``) survives a browser with no session: once the address is confirmed, a person
    who is not signed in is asked to sign in, then lands on the page they were going to."""

    def get_redirect_url(self) -> str:
        url = self.get_next_url()  # allauth's: only a safe URL
        if url and not self.request.user.is_authenticated:
            return f"{reverse('account_login')}?{urlencode({NEXT: url})}"
        return str(url or super().get_redirect_url())


confirm_email = ConfirmEmailView.as_view()
