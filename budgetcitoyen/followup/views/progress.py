"""Pages of a laureate's progress: the holder's news and final report, staff's moderation,
milestones and review, and the files (a news item's photo, the report's pieces).

Whoever may not see an object gets a 404, as for dossiers. A refusal of a service is shown on
the page it came from with its 4xx status, the form keeping what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from budgetcitoyen.core.errors import DomainError, refusal
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.http import file_response
from budgetcitoyen.dossiers.views.common import own_dossier
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.forms_progress import (
    MilestoneForm,
    NewsForm,
    ReasonForm,
    ReportForm,
    ReviewForm,
)
from budgetcitoyen.followup.models import Milestone, NewsItem, ReportAttachment
from budgetcitoyen.followup.selectors import progress as selectors
from budgetcitoyen.followup.services import progress as services
from budgetcitoyen.followup.views import require_followup_staff
from budgetcitoyen.results.models import Award

POST_ONLY = ["POST"]


def laureate_url(award: Award) -> str:
    """Staff's laureate page (the agreements' part) if it exists, else the milestones page."""
    try:
        return reverse("followup:staff_laureate", kwargs={"pk": award.pk})
    except NoReverseMatch:
        return reverse("followup:staff_milestones", kwargs={"pk": award.pk})


# --- The holder ----------------------------------------------------------------------------


def _own_award(request: HttpRequest, pk: int) -> tuple[Any, Award]:
    """The signed-in holder's dossier and the laureate it became; 404 otherwise."""
    dossier = own_dossier(request, pk)
    award = selectors.award_of_dossier(dossier)
    if award is None:
        raise Http404
    return dossier, award


def _news_page(
    request: HttpRequest,
    dossier: Any,
    award: Award,
    form: NewsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "followup/holder/news.html",
        {
            "dossier": dossier,
            "award": award,
            "news_items": selectors.news_of(award),
            "form": form or NewsForm(),
        },
        status=status,
    )


def _save_news(
    request: HttpRequest, form: NewsForm, award: Award, news: NewsItem | None
) -> tuple[NewsItem | None, int]:
    """Parse and save; the status to answer (302 when saved)."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    try:
        saved = services.news_save(
            award=award,
            by=request.user,
            news=news,
            title=data["title"],
            body=data["body"],
            happened_on=data["happened_on"],
            photo=data.get("photo"),
            photo_alt=data["photo_alt"],
            remove_photo=bool(data.get("remove_photo")),
            submit=request.POST.get("action") == "submit",
        )
    except DomainError as error:
        add_domain_error(form, error)
        return None, error.status_code
    if saved.status == NewsItem.Status.SUBMITTED:
        messages.success(
            request,
            _("L'actualité est envoyée à la Mission ESS, qui la relira avant de la publier."),
        )
    else:
        messages.success(request, _("L'actualité est enregistrée en brouillon."))
    return saved, 302


def holder_news(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's news: each item with its state, and the form of a new one."""
    dossier, award = _own_award(request, pk)
    if request.method != "POST":
        return _news_page(request, dossier, award)
    form = NewsForm(request.POST, request.FILES)
    saved, status = _save_news(request, form, award, None)
    if saved is not None:
        return redirect("followup:holder_news", pk=dossier.pk)
    return _news_page(request, dossier, award, form, status)


def _own_news(award: Award, news_pk: int) -> NewsItem:
    return get_object_or_404(NewsItem, pk=news_pk, award=award)


def holder_news_edit(request: HttpRequest, pk: int, news_pk: int) -> HttpResponse:
    dossier, award = _own_award(request, pk)
    news = _own_news(award, news_pk)
    closed = refusal(services.check_news_editable, news)
    initial = {
        "title": news.title,
        "body": news.body,
        "happened_on": news.happened_on,
        "photo_alt": news.photo_alt,
    }
    status = 200
    if request.method == "POST":
        form = NewsForm(request.POST, request.FILES, has_photo=bool(news.photo))
        saved, status = _save_news(request, form, award, news)
        if saved is not None:
            return redirect("followup:holder_news", pk=dossier.pk)
        news.refresh_from_db()
    else:
        form = NewsForm(initial=initial, has_photo=bool(news.photo))
    return render(
        request,
        "followup/holder/news_edit.html",
        {"dossier": dossier, "award": award, "news": news, "form": form, "closed": closed},
        status=status,
    )


def _holder_news_action(request: HttpRequest, pk: int, news_pk: int, action: str) -> HttpResponse:
    dossier, award = _own_award(request, pk)
    news = _own_news(award, news_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    try:
        if action == "submit":
            services.news_submit(news=news, by=request.user)
            messages.success(
                request,
                _("L'actualité est envoyée à la Mission ESS, qui la relira avant de la publier."),
            )
        else:
            services.news_delete(news=news, by=request.user)
            messages.success(request, _("L'actualité est supprimée."))
    except DomainError as error:
        messages.error(request, error.message)
        return _news_page(request, dossier, award, status=error.status_code)
    return redirect("followup:holder_news", pk=dossier.pk)


def holder_news_submit(request: HttpRequest, pk: int, news_pk: int) -> HttpResponse:
    return _holder_news_action(request, pk, news_pk, "submit")


def holder_news_delete(request: HttpRequest, pk: int, news_pk: int) -> HttpResponse:
    return _holder_news_action(request, pk, news_pk, "delete")


def _report_initial(report: Any) -> dict[str, Any]:
    if report is None:
        return {}
    return {
        field: getattr(report, field)
        for field in (
            "achievements",
            "beneficiaries_reached",
            "spending",
            "difficulties",
            "amount_spent",
        )
    }


def holder_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The final report: saved as a draft over several visits, then handed in."""
    dossier, award = _own_award(request, pk)
    report = selectors.report_of(award)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        status = _save_report(request, form, award)
        if status == 302:
            return redirect("followup:holder_report", pk=dossier.pk)
        report = selectors.report_of(award)
    else:
        form = ReportForm(initial=_report_initial(report))
    return render(
        request,
        "followup/holder/report.html",
        {
            "dossier": dossier,
            "award": award,
            "report": report,
            "form": form,
            "closed": refusal(services.check_report_editable, report),
            "not_submittable": refusal(services.check_report_submittable, award),
            "max_attachments": services.MAX_REPORT_ATTACHMENTS,
        },
        status=status,
    )


def _save_report(request: HttpRequest, form: ReportForm, award: Award) -> int:
    form.is_valid()
    if form.errors:
        return 400
    data = form.cleaned_data
    try:
        refused = services.report_save(
            award=award,
            by=request.user,
            achievements=data["achievements"],
            beneficiaries_reached=data["beneficiaries_reached"],
            spending=data["spending"],
            difficulties=data["difficulties"],
            amount_spent=data["amount_spent"],
            uploads=data["attachments"],
        )[1]
    except DomainError as error:
        add_domain_error(form, error)
        return error.status_code
    for problem in refused:
        add_domain_error(form, problem)
    if refused:
        return refused[0].status_code
    if request.POST.get("action") != "submit":
        messages.success(
            request, _("Le rapport est enregistré. Vous pourrez le reprendre plus tard.")
        )
        return 302
    # Saved first, in its own transaction: a refused submission keeps what was typed.
    try:
        services.report_submit(award=award, by=request.user)
    except DomainError as error:
        add_domain_error(form, error)
        return error.status_code
    messages.success(request, _("Le rapport final est remis à la Mission ESS."))
    return 302


def holder_report_attachment_remove(
    request: HttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    dossier, award = _own_award(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report__award=award)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    try:
        services.report_attachment_remove(attachment=attachment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("followup:holder_report", pk=dossier.pk)
    messages.success(
        request, _("La pièce « %(name)s » est retirée.") % {"name": attachment.original_name}
    )
    return redirect("followup:holder_report", pk=dossier.pk)


# --- Files ---------------------------------------------------------------------------------


def news_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A published item's photo for anyone; another's for its holder and staff only."""
    news = NewsItem.objects.select_related("award__decision__dossier").filter(pk=pk).first()
    if news is None or not news.photo or not permissions.can_see_news(request.user, news):
        raise Http404
    extension = ".png" if news.photo_content_type == "image/png" else ".jpg"
    return file_response(
        news.photo, news.photo_content_type, f"actualite-{news.pk}{extension}", inline=True
    )


def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    attachment = (
        ReportAttachment.objects.select_related("report__award__decision__dossier")
        .filter(pk=attachment_pk, report__award_id=pk)
        .first()
    )
    if attachment is None or not permissions.can_see_report(request.user, attachment.report.award):
        raise Http404
    return file_response(
        attachment.file, attachment.content_type, attachment.original_name, inline=False
    )


# --- Staff ---------------------------------------------------------------------------------


def _staff_award(request: HttpRequest, pk: int) -> Award:
    require_followup_staff(request)
    return get_object_or_404(
        Award.objects.select_related(
            "snapshot__edition", "decision__dossier__holder", "decision__category"
        ),
        pk=pk,
        snapshot__published_at__isnull=False,
    )


def staff_news_queue(request: HttpRequest) -> HttpResponse:
    require_followup_staff(request)
    return render(
        request, "followup/staff/news_queue.html", {"queue": selectors.moderation_queue()}
    )


def _staff_news(request: HttpRequest, pk: int) -> NewsItem:
    require_followup_staff(request)
    return get_object_or_404(
        NewsItem.objects.select_related(
            "award__decision__dossier__holder", "award__snapshot__edition", "moderated_by"
        ),
        pk=pk,
    )


def _news_detail(
    request: HttpRequest, news: NewsItem, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "news": news,
        "award": news.award,
        "laureate_url": laureate_url(news.award),
        "refuse_form": ReasonForm(prefix="refuse"),
        "unpublish_form": ReasonForm(prefix="unpublish"),
        **forms,
    }
    return render(request, "followup/staff/news_detail.html", context, status=status)


def staff_news(request: HttpRequest, pk: int) -> HttpResponse:
    return _news_detail(request, _staff_news(request, pk))


def staff_news_publish(request: HttpRequest, pk: int) -> HttpResponse:
    news = _staff_news(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    try:
        services.news_publish(news=news, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _news_detail(request, news, status=error.status_code)
    messages.success(request, _("L'actualité « %(title)s » est publiée.") % {"title": news.title})
    return redirect("followup:staff_news_queue")


def _staff_news_with_reason(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    news = _staff_news(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    form = ReasonForm(request.POST, prefix=action)
    status = 400
    if form.is_valid():
        service = services.news_refuse if action == "refuse" else services.news_unpublish
        try:
            service(news=news, reason=form.cleaned_data["reason"], by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            done = (
                _("L'actualité « %(title)s » est refusée ; le porteur en est informé.")
                if action == "refuse"
                else _("L'actualité « %(title)s » est retirée ; le porteur en est informé.")
            )
            messages.success(request, done % {"title": news.title})
            return redirect("followup:staff_news_queue")
    return _news_detail(request, news, status=status, **{f"{action}_form": form})


def staff_news_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_news_with_reason(request, pk, "refuse")


def staff_news_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_news_with_reason(request, pk, "unpublish")


def _milestones_page(
    request: HttpRequest, award: Award, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "followup/staff/milestones.html",
        {"award": award, "laureate_url": laureate_url(award), **forms},
        status=status,
    )


def staff_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's progress on its own page; its form records a milestone."""
    award = _staff_award(request, pk)
    if request.method != "POST":
        return _milestones_page(request, award)
    form = MilestoneForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.milestone_set(
                award=award,
                by=request.user,
                kind=data["kind"],
                reached_on=data["reached_on"],
                progress=data["progress"],
                reason=data["reason"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(request, _("L'étape est enregistrée."))
            return redirect(laureate_url(award))
    return _milestones_page(request, award, status, milestone_form=form)


def staff_milestone_remove(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    award = _staff_award(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, award=award)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    form = ReasonForm(request.POST, prefix="remove")
    status = 400
    if form.is_valid():
        try:
            services.milestone_remove(
                milestone=milestone, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(request, _("L'étape est retirée."))
            return redirect(laureate_url(award))
    return _milestones_page(request, award, status, remove_form=form)


def _report_page(
    request: HttpRequest, award: Award, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "followup/staff/report.html",
        {
            "award": award,
            "report": selectors.report_of(award),
            "laureate_url": laureate_url(award),
            "accept_form": ReviewForm(prefix="accept"),
            "return_form": ReviewForm(prefix="return"),
            **forms,
        },
        status=status,
    )


def staff_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, _staff_award(request, pk))


def _staff_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    award = _staff_award(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(POST_ONLY)
    report = selectors.report_of(award)
    if report is None:
        raise Http404
    form = ReviewForm(request.POST, prefix=action)
    status = 400
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if action == "accept":
                services.report_accept(report=report, comment=comment, by=request.user)
            else:
                services.report_return(report=report, comment=comment, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request,
                _("Le rapport est accepté ; le porteur en est informé.")
                if action == "accept"
                else _("Le rapport est renvoyé au porteur pour être complété."),
            )
            return redirect("followup:staff_report", pk=award.pk)
    return _report_page(request, award, status, **{f"{action}_form": form})


def staff_report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_review(request, pk, "accept")


def staff_report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_review(request, pk, "return")
